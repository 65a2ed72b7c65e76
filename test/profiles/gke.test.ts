import {
  CloudProfile,
  Exposure,
  IDENTITY_MECHANISMS,
  ResourceSpec,
  ValidationError,
  autopilotResources,
  collectWarnings,
} from '../support/internals';
import { appContainer, find, synthService } from '../support/synth';

const MiB = 2 ** 20;

describe('GKE profile', () => {
  test('Workload Identity: Google service account on the ServiceAccount', () => {
    const { objects } = synthService({ profile: CloudProfile.gke({ serviceAccount: 'orders-api@acme-prod.iam.gserviceaccount.com' }) });
    expect(find(objects, 'ServiceAccount').metadata.annotations).toEqual({
      'iam.gke.io/gcp-service-account': 'orders-api@acme-prod.iam.gserviceaccount.com',
    });
  });

  test.each(['orders-api', 'orders-api@acme-prod.gserviceaccount.com', 'x@acme-prod.iam.gserviceaccount.com'])(
    'rejects %s as a service account',
    (serviceAccount) => {
      expect(() => synthService({ profile: CloudProfile.gke({ serviceAccount }) })).toThrow(
        /'profile.serviceAccount' must be a Google service account email/,
      );
    },
  );

  test.each([
    ['api@acme-staging.iam.gserviceaccount.com', "its account ID 'api' (3 characters) must be 6-30 lowercase letters, digits and hyphens"],
    ['orders-api@acme-prod.gserviceaccount.com', "its domain 'acme-prod.gserviceaccount.com' must end in '.iam.gserviceaccount.com'"],
    ['orders-api@ACME.iam.gserviceaccount.com', "its project 'ACME' must be a Google Cloud project ID"],
  ])('the error for %s names the part that is wrong', (serviceAccount, part) => {
    // GIVEN a service account email with one bad part WHEN a service binds the profile THEN the error names that part
    expect(() => synthService({ profile: CloudProfile.gke({ serviceAccount }) })).toThrow(part);
  });

  test('container-native load balancing: NEG annotation on the Service', () => {
    const svc = find(synthService({ profile: CloudProfile.gke() }).objects, 'Service');
    expect(svc.metadata.annotations).toEqual({ 'cloud.google.com/neg': '{"ingress": true}' });
  });

  test('internal exposure: internal passthrough load balancer', () => {
    const svc = find(synthService({ exposure: Exposure.INTERNAL, profile: CloudProfile.gke() }).objects, 'Service');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.metadata.annotations['networking.gke.io/load-balancer-type']).toBe('Internal');
  });

  test('public exposure: external load balancer, no internal annotation', () => {
    const svc = find(synthService({ exposure: Exposure.PUBLIC, profile: CloudProfile.gke() }).objects, 'Service');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.metadata.annotations['networking.gke.io/load-balancer-type']).toBeUndefined();
  });

  test('Standard mode leaves resources alone', () => {
    const { objects, chart } = synthService({ resources: { cpu: '10m', memory: '32Mi' }, profile: CloudProfile.gke() });
    expect(appContainer(find(objects, 'Deployment')).resources.requests.cpu).toBe('10m');
    expect(collectWarnings(chart).filter((w) => w.includes('Autopilot'))).toEqual([]);
  });

  test('Autopilot raises requests to its minimums and says so in a warning', () => {
    const { objects, chart } = synthService({ resources: { cpu: '10m', memory: '32Mi' }, profile: CloudProfile.gke({ autopilot: true }) });
    const c = appContainer(find(objects, 'Deployment'));
    expect(c.resources.requests.cpu).toBe('50m');
    expect(c.resources.requests.memory).toBe('52Mi');
    expect(collectWarnings(chart)).toEqual(
      expect.arrayContaining([
        '[test/orders-api] Autopilot: CPU request 10m -> 50m (minimum 50m)',
        '[test/orders-api] Autopilot: memory request 32Mi -> 52Mi (minimum and 1 GiB per vCPU)',
      ]),
    );
  });

  const spec = (cpu: number, memMiB: number, cpuLimit?: number, memLimitMiB = memMiB): ResourceSpec => ({
    cpuRequestMillis: cpu,
    cpuLimitMillis: cpuLimit,
    memoryRequestBytes: memMiB * MiB,
    memoryLimitBytes: memLimitMiB * MiB,
    ephemeralStorageBytes: 1024 * MiB,
  });

  test.each([
    // [label, input, bursting, expected cpu, expected memory MiB]
    ['within the rules', spec(500, 1024, 500), true, 500, 1024],
    ['memory below 1 GiB per vCPU', spec(2000, 1024, 2000), true, 2000, 2048],
    ['memory above 6.5 GiB per vCPU raises CPU', spec(250, 4096, 250), true, 616, 4096],
    ['legacy: 250m minimum and steps', spec(300, 600, 300), false, 500, 600],
  ])('Autopilot ratio rules: %s', (_label, input, bursting, cpu, memMiB) => {
    const out = autopilotResources(input, bursting, []);
    expect(out.cpuRequestMillis).toBe(cpu);
    expect(out.memoryRequestBytes).toBe(memMiB * MiB);
  });

  test('Autopilot without bursting sets limits equal to requests', () => {
    const out = autopilotResources(spec(250, 512, undefined, 1024), false, []);
    expect(out.cpuLimitMillis).toBe(out.cpuRequestMillis);
    expect(out.memoryLimitBytes).toBe(out.memoryRequestBytes);
  });

  test('workers are derived from the resources after Autopilot adjusts them', () => {
    const { service } = synthService({ resources: { cpu: '250m', memory: '4Gi' }, profile: CloudProfile.gke({ autopilot: true }) });
    // 616m after the ratio rule: floor(2 x 0.616) + 1 = 2 WSGI workers, 1 ASGI worker.
    expect(service.workers).toBe(1);
  });
});

describe('GKE identity binding', () => {
  const context = {
    namespace: 'shop',
    serviceAccount: 'orders-api',
    subject: 'system:serviceaccount:shop:orders-api',
    alsoTrustedSubjects: [],
    details: {},
  };

  test("the workload pool comes from the cluster's project, or from the Google service account's email", () => {
    const mechanism = IDENTITY_MECHANISMS['gke-workload-identity'];
    expect(mechanism.bind({ ...context, principal: 'orders@acme-prod.iam.gserviceaccount.com' })).toMatchObject({
      member: 'serviceAccount:acme-prod.svc.id.goog[shop/orders-api]',
      workloadPool: 'acme-prod.svc.id.goog',
    });
    expect(mechanism.bind({ ...context, principal: 'orders@acme-prod.iam.gserviceaccount.com', gcpProject: 'acme-cluster' })).toMatchObject(
      {
        workloadPool: 'acme-cluster.svc.id.goog',
      },
    );
  });

  test("a Google service account outside any project (a default one) needs the cluster's project: a ValidationError naming the prop", () => {
    const mechanism = IDENTITY_MECHANISMS['gke-workload-identity'];
    let error: unknown;
    try {
      mechanism.bind({ ...context, principal: '123456789-compute@developer.gserviceaccount.com' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([
      "[shop/orders-api] 'cluster.gcpProject' is needed: the project of the cluster cannot be read from the Google service account; received \"123456789-compute@developer.gserviceaccount.com\". Pass the cluster's project ID.",
    ]);
  });
});
