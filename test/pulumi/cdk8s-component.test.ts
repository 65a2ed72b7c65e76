import * as pulumi from '@pulumi/pulumi';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CloudProfile,
  PythonMicroservice,
  PythonServer,
  PythonStatefulSet,
  PythonWorker,
  QueueScaler,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from '../support/internals';
import { Cloud } from '../../examples/shop/shop';
import { PROD_CLOUDS, prodShop } from '../support/example';
import { Recorder, installMocks, registered, settle } from './mocks';

const engine: Recorder = installMocks();
let lib: typeof import('../../src/pulumi');
let kinds: typeof import('../../src/pulumi/kinds');
beforeAll(async () => {
  lib = await import('../../src/pulumi');
  kinds = await import('../../src/pulumi/kinds');
});
beforeEach(() => engine.clear());

async function deploy(name: string, define: (scope: Construct) => void, args: Partial<import('../../src/pulumi').Cdk8sComponentArgs> = {}) {
  const component = new lib.Cdk8sComponent(name, { define, ...args });
  await registered([component, ...Object.values(component.resources)]);
  return component;
}

/** The URN of the resource registered as `<component>/<id>`. */
const urn = (component: string, id: string) => engine.named(`${component}/${id}`).urn;

/** A CRD, its custom resource, a secret store chain and two workloads, as raw objects. */
function platform(scope: Construct): void {
  // Cluster-scoped objects go in a chart without a namespace, as in defineShop.
  const cluster = new Chart(scope, 'cluster');
  new ApiObject(cluster, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
  new ApiObject(cluster, 'crd', {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
  });
  const chart = new Chart(scope, 'platform', { namespace: 'apps' });
  new ApiObject(chart, 'widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3 } });
  new ApiObject(chart, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api' } });
  new ApiObject(chart, 'store', {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'SecretStore',
    metadata: { name: 'api' },
    spec: { provider: { aws: { service: 'SecretsManager', region: 'eu-west-1', auth: { jwt: { serviceAccountRef: { name: 'api' } } } } } },
  });
  new ApiObject(chart, 'external', {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: 'api' },
    spec: {
      secretStoreRef: { kind: 'SecretStore', name: 'api' },
      target: { name: 'api-store' },
      data: [{ secretKey: 'url', remoteRef: { key: 'db' } }],
    },
  });
  new ApiObject(chart, 'spc', {
    apiVersion: 'secrets-store.csi.x-k8s.io/v1',
    kind: 'SecretProviderClass',
    metadata: { name: 'worker' },
    spec: { provider: 'aws', parameters: {} },
  });
  const pod = (extra: object) => ({
    selector: { matchLabels: { app: 'x' } },
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'app', image: 'x:1' }], ...extra } },
  });
  new ApiObject(chart, 'api', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: pod({
      serviceAccountName: 'api',
      containers: [{ name: 'app', image: 'x:1', env: [{ name: 'URL', valueFrom: { secretKeyRef: { name: 'api-store', key: 'url' } } }] }],
    }),
  });
  new ApiObject(chart, 'worker', {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'worker' },
    spec: {
      schedule: '@hourly',
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'app', image: 'x:1' }],
              volumes: [{ name: 's', csi: { driver: 'secrets-store.csi.k8s.io', volumeAttributes: { secretProviderClass: 'worker' } } }],
            },
          },
        },
      },
    },
  });
}

describe('Cdk8sComponent hosting the example shop', () => {
  test.each(PROD_CLOUDS)('%s: the Namespace comes before every object in it', async (cloud) => {
    // GIVEN / WHEN
    await deploy('shop', prodShop(cloud), { label: cloud });
    // THEN
    const namespace = urn('shop', 'Namespace/shop');
    const inNamespace = engine.under('shop/shop/');
    expect(inNamespace.length).toBeGreaterThan(15);
    for (const r of inNamespace)
      expect({ name: r.name, needsNamespace: r.dependencies.includes(namespace) }).toEqual({ name: r.name, needsNamespace: true });
    expect(engine.named('shop/Namespace/shop').dependencies).toEqual([]);
  });

  test('creates the PriorityClass before the Deployments that name it', async () => {
    // GIVEN / WHEN
    await deploy('shop', prodShop('aks'), { label: 'aks' });
    // THEN
    const priorityClass = engine.under('shop/PriorityClass/');
    expect(priorityClass).toHaveLength(1);
    for (const d of engine.under('shop/shop/Deployment/')) expect(d.dependencies).toContain(priorityClass[0].urn);
  });

  test('logs the synth warnings on the component, as `npm run synth` prints them', async () => {
    // GIVEN GKE Autopilot, which raises a memory request below 1 GiB per vCPU with a warning
    const define = (app: Construct) =>
      new PythonMicroservice(new Chart(app, 'shop', { namespace: 'shop' }), 'orders-api', {
        image: 'ghcr.io/acme/orders-api:1.4.2',
        server: PythonServer.uvicorn({ app: 'orders.main:app' }),
        health: { readiness: '/readyz' },
        resources: { cpu: '1', memory: '512Mi' },
        profile: CloudProfile.gke({ autopilot: true }),
      });
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      // WHEN
      const c = await deploy('shop', define, { label: 'gke' });
      // THEN
      const logged = warn.mock.calls.map(([message, resource]) => ({ message, onComponent: resource === c }));
      expect(logged).toContainEqual({
        message: expect.stringMatching(/^\[gke\] \[shop\/orders-api\] Autopilot: memory request 512Mi -> 1Gi/),
        onComponent: true,
      });
    } finally {
      warn.mockRestore();
    }
  });

  test('outputs every Service with its ServiceAccount (found through the selector), load balancer and Ingress', async () => {
    // GIVEN / WHEN
    const c = await deploy('shop', prodShop('eks'), { label: 'eks' });
    // THEN the internal service has its own load balancer; the public one is behind an Ingress
    const services = await settle(c.services);
    expect(Object.keys(services).sort()).toEqual(['shop/inventory', 'shop/orders-api', 'shop/recommendations']);
    expect(services['shop/inventory']).toEqual({
      name: 'inventory',
      namespace: 'shop',
      type: 'LoadBalancer',
      serviceAccount: 'inventory',
      loadBalancer: { hostname: 'lb-service-inventory.example.com' },
    });
    expect(services['shop/orders-api'].ingresses).toEqual([
      { name: 'orders-api', hosts: ['api.shop.example.com'], loadBalancer: { hostname: 'lb-ingress-orders-api.example.com' } },
    ]);
    expect(services['shop/recommendations']).toEqual({
      name: 'recommendations',
      namespace: 'shop',
      type: 'ClusterIP',
      serviceAccount: 'recommendations',
    });
  });

  test.each([
    ['eks', 'roleArn', 'arn:aws:iam::111122223333:role/shop/orders-api'],
    ['gke', 'member', 'serviceAccount:acme-shop-prod.svc.id.goog[shop/orders-api]'],
    ['aks', 'clientId', '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11'],
  ])('%s: one identity binding per ServiceAccount with a cloud identity, read from its annotations', async (cloud, field, value) => {
    // GIVEN / WHEN
    const c = await deploy('shop', prodShop(cloud as Cloud), { label: cloud });
    // THEN the two services with identities have bindings; recommendations has none
    expect(Object.keys(c.identities).sort()).toEqual(['shop/inventory', 'shop/orders-api']);
    const orders = (await settle(c.identities['shop/orders-api'])) as any;
    expect(orders).toMatchObject({
      cloud,
      namespace: 'shop',
      serviceAccount: 'orders-api',
      subject: 'system:serviceaccount:shop:orders-api',
      [field]: value,
    });
    expect((await settle(c.identityBindings)).map((b) => b.serviceAccount).sort()).toEqual(['inventory', 'orders-api']);
  });
});

describe('Cdk8sComponent hosting any construct tree', () => {
  test('registers kinds it has no typed resource for as CustomResources, and built-in kinds as typed ones', async () => {
    // GIVEN / WHEN
    await deploy('platform', platform);
    // THEN
    const types = Object.fromEntries(engine.under('platform/').map((r) => [r.name, r.type]));
    expect(types).toMatchObject({
      'platform/apps/Widget/w': 'kubernetes:example.com/v1:Widget',
      'platform/apps/SecretStore/api': 'kubernetes:external-secrets.io/v1beta1:SecretStore',
      'platform/CustomResourceDefinition/widgets.example.com': 'kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition',
      'platform/apps/CronJob/worker': 'kubernetes:batch/v1:CronJob',
    });
    expect(engine.named('platform/apps/Widget/w').inputs).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'apps' },
      spec: { size: 3 },
    });
  });

  test.each([
    ['a custom resource', 'apps/Widget/w', 'CustomResourceDefinition/widgets.example.com'],
    ['a store', 'apps/SecretStore/api', 'apps/ServiceAccount/api'],
    ['an ExternalSecret', 'apps/ExternalSecret/api', 'apps/SecretStore/api'],
    ["a workload reading the ExternalSecret's Secret", 'apps/Deployment/api', 'apps/ExternalSecret/api'],
    ['a workload', 'apps/Deployment/api', 'apps/ServiceAccount/api'],
    ['a CronJob mounting a SecretProviderClass', 'apps/CronJob/worker', 'apps/SecretProviderClass/worker'],
  ])('%s (%s) depends on %s', async (_what, dependent, dependency) => {
    // GIVEN / WHEN
    await deploy('platform', platform);
    // THEN
    expect(engine.named(`platform/${dependent}`).dependencies).toContain(urn('platform', dependency));
  });

  test('reads the identity of a ServiceAccount that no construct reports from its annotations', async () => {
    // GIVEN a plain ServiceAccount annotated for GKE Workload Identity
    const define = (app: Construct) =>
      new ApiObject(new Chart(app, 'c', { namespace: 'jobs' }), 'sa', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'etl', annotations: { 'iam.gke.io/gcp-service-account': 'etl@acme-data.iam.gserviceaccount.com' } },
      });
    // WHEN
    const c = await deploy('jobs', define);
    // THEN
    expect(await settle(c.identities['jobs/etl'])).toMatchObject({
      cloud: 'gke',
      member: 'serviceAccount:acme-data.svc.id.goog[jobs/etl]',
    });
  });

  test('takes the identity a construct reports over the manifests (EKS Pod Identity annotates nothing)', async () => {
    // GIVEN a service whose profile uses EKS Pod Identity
    const define = (app: Construct) =>
      new PythonMicroservice(new Chart(app, 'shop', { namespace: 'shop' }), 'orders-api', {
        image: 'ghcr.io/acme/orders-api:1.4.2',
        server: PythonServer.uvicorn({ app: 'orders.main:app' }),
        health: { readiness: '/readyz' },
        profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/orders-api', identity: 'pod-identity' }),
      });
    // WHEN
    const c = await deploy('shop', define, { label: 'eks' });
    // THEN
    expect(await settle(c.identityBindings)).toEqual([
      expect.objectContaining({ cloud: 'eks', mechanism: 'eks-pod-identity', namespace: 'shop', serviceAccount: 'orders-api' }),
    ]);
  });

  test("the subjects an identity must also trust come from the constructs, not from annotations (KEDA's operator)", async () => {
    // GIVEN a service on AKS whose worker scales on a Service Bus queue that KEDA reads with the app's identity
    const define = (app: Construct) => {
      const chart = new Chart(app, 'shop', { namespace: 'shop' });
      const api = new PythonMicroservice(chart, 'orders-api', {
        image: 'ghcr.io/acme/orders-api:1.4.2',
        server: PythonServer.uvicorn({ app: 'orders.main:app' }),
        health: { readiness: '/readyz' },
        profile: CloudProfile.aks({ clientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11' }),
      });
      new PythonWorker(chart, 'events', {
        app: api,
        command: WorkerCommand.command(['python', '-m', 'events']),
        liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
        queueAutoscaling: { queue: QueueScaler.serviceBus({ namespace: 'acme-bus', queueName: 'events' }), maxReplicas: 5 },
      });
    };
    // WHEN
    const c = await deploy('shop', define, { label: 'aks' });
    // THEN the binding names KEDA's operator, and the ServiceAccount carries only the cloud's own annotations
    expect(await settle(c.identities['shop/orders-api'])).toMatchObject({
      mechanism: 'azure-workload-identity',
      alsoTrustedSubjects: ['system:serviceaccount:keda:keda-operator'],
    });
    expect(Object.keys(engine.named('shop/shop/ServiceAccount/orders-api').inputs.metadata.annotations)).toEqual([
      'azure.workload.identity/client-id',
    ]);
  });

  test('a standalone worker reports its identity too (EKS Pod Identity annotates nothing)', async () => {
    // GIVEN a worker that is its own application
    const define = (app: Construct) =>
      new PythonWorker(new Chart(app, 'jobs', { namespace: 'jobs' }), 'etl', {
        image: 'ghcr.io/acme/etl:1.0.0',
        command: WorkerCommand.command(['python', '-m', 'etl']),
        liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
        profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/etl', identity: 'pod-identity' }),
      });
    // WHEN
    const c = await deploy('jobs', define, { label: 'eks' });
    // THEN
    expect(await settle(c.identityBindings)).toEqual([
      expect.objectContaining({ mechanism: 'eks-pod-identity', namespace: 'jobs', serviceAccount: 'etl', alsoTrustedSubjects: [] }),
    ]);
  });

  test('a standalone StatefulSet: a typed StatefulSet with its claim templates, its headless Service, and its identity', async () => {
    // GIVEN a cache with a disk per replica
    const define = (app: Construct) =>
      new PythonStatefulSet(new Chart(app, 'cache', { namespace: 'cache' }), 'redis', {
        image: 'redis:7.4.1',
        python: false,
        command: WorkerCommand.command(['redis-server']),
        mounts: [{ path: '/data', volume: Volume.perReplicaClaim('data', { storage: '5Gi' }) }],
        ports: [{ name: 'redis', port: 6379 }],
        profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/redis', identity: 'pod-identity' }),
      });
    // WHEN
    const c = await deploy('cache', define, { label: 'eks' });
    // THEN
    const sts = engine.named('cache/cache/StatefulSet/redis');
    expect(sts.type).toBe('kubernetes:apps/v1:StatefulSet');
    expect(sts.inputs.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(engine.named('cache/cache/Service/redis').inputs.spec.clusterIP).toBe('None');
    expect(await settle(c.identityBindings)).toEqual([expect.objectContaining({ mechanism: 'eks-pod-identity', serviceAccount: 'redis' })]);
  });

  test('honours dependencies declared in cdk8s', async () => {
    // GIVEN a chart that depends on another
    const define = (app: Construct) => {
      const first = new Chart(app, 'first');
      new ApiObject(first, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
      const second = new Chart(app, 'second');
      new ApiObject(second, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
      second.addDependency(first);
    };
    // WHEN
    await deploy('charts', define);
    // THEN
    expect(engine.named('charts/ConfigMap/b').dependencies).toEqual([urn('charts', 'ConfigMap/a')]);
  });

  test('rejects two objects that would get the same resource name', () => {
    // GIVEN two kinds named alike in different API groups
    const define = (app: Construct) => {
      const chart = new Chart(app, 'c', { namespace: 'apps' });
      new ApiObject(chart, 'a', { apiVersion: 'example.com/v1', kind: 'Gateway', metadata: { name: 'web' } });
      new ApiObject(chart, 'b', { apiVersion: 'other.io/v1', kind: 'Gateway', metadata: { name: 'web' } });
    };
    // WHEN / THEN
    expect(() => new lib.Cdk8sComponent('dup', { define })).toThrow(lib.ValidationError);
    expect(() => new lib.Cdk8sComponent('dup2', { define })).toThrow(
      '\'metadata.name\' must differ between two objects that are both apps/Gateway/web; received ["example.com/v1","other.io/v1"]. Give them different names.',
    );
  });

  test('rejects a field the typed resource would drop, rather than deploy less than cdk8s synthesizes', () => {
    // GIVEN a ConfigMap with a field ConfigMapArgs does not have
    const define = (app: Construct) => {
      new ApiObject(new Chart(app, 'c'), 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, spec: { x: 1 } });
    };
    // WHEN / THEN
    expect(() => new lib.Cdk8sComponent('extra', { define })).toThrow(
      "ConfigMap 'a' cannot be registered as a typed resource:\n  'fields' must all be taken by the typed v1/ConfigMap resource; received [\"spec\"].",
    );
  });
});

describe('the table of typed kinds', () => {
  test('every field it lists reaches the engine', async () => {
    // GIVEN one object per typed kind, with every listed field set
    const component = new pulumi.ComponentResource('test:index:Kinds', 'kinds');
    const resources = Object.entries(kinds.TYPED_KINDS).map(([key, { fields }]) => {
      const slash = key.lastIndexOf('/');
      const manifest: any = { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1) };
      for (const f of fields) manifest[f] = f === 'metadata' ? { name: 'x' } : { marker: f };
      return kinds.registerManifest(`kinds/${key}`, manifest, { parent: component });
    });
    // WHEN
    await registered(resources);
    // THEN
    for (const [key, { fields }] of Object.entries(kinds.TYPED_KINDS)) {
      const inputs = engine.named(`kinds/${key}`).inputs;
      expect({
        key,
        fields: Object.keys(inputs)
          .filter((f) => f !== 'apiVersion' && f !== 'kind')
          .sort(),
      }).toEqual({ key, fields: [...fields].sort() });
      expect(`${inputs.apiVersion}/${inputs.kind}`).toBe(key);
    }
  });
});
