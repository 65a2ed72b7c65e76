import { Duration, Testing } from 'cdk8s';
import { FluxDelivery, FluxDeliveryProps } from '../../constructs/delivery';
import { validateAll } from '../support/schema';
import { find, synthError } from './support';
import { testChart } from '../support/cdk8s-testing';

const REPO = 'https://github.com/acme/shop-deploy.git';

function synthFlux(overrides: Partial<FluxDeliveryProps> = {}) {
  const chart = testChart();
  const delivery = new FluxDelivery(chart, 'shop-gke', { repoUrl: REPO, path: 'dist/gke', ...overrides });
  const objects = Testing.synth(chart);
  return { delivery, objects, source: find(objects, 'GitRepository'), kustomization: find(objects, 'Kustomization') };
}

function errorOf(overrides: Partial<FluxDeliveryProps>): string {
  return synthError((chart) => new FluxDelivery(chart, 'shop-gke', { repoUrl: REPO, path: 'dist/gke', ...overrides }));
}

describe('FluxDelivery', () => {
  test('a GitRepository polls the branch of the repository', () => {
    // GIVEN / WHEN
    const { source } = synthFlux();
    // THEN
    expect(source.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(source.metadata).toEqual({ name: 'shop-gke', namespace: 'flux-system' });
    expect(source.spec).toEqual({ url: REPO, ref: { branch: 'main' }, interval: '1m' });
  });

  test('a Kustomization applies ./dist/<cloud>, prunes, waits for health, and retries', () => {
    // GIVEN / WHEN
    const { kustomization } = synthFlux();
    // THEN
    expect(kustomization.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(kustomization.metadata).toEqual({ name: 'shop-gke', namespace: 'flux-system' });
    expect(kustomization.spec).toEqual({
      sourceRef: { kind: 'GitRepository', name: 'shop-gke' },
      path: './dist/gke',
      interval: '10m',
      retryInterval: '1m',
      timeout: '5m',
      prune: true,
      wait: true,
    });
  });

  test('explicit health checks replace waiting for everything', () => {
    // GIVEN / WHEN
    const { delivery, kustomization } = synthFlux({
      healthChecks: [{ kind: 'Deployment', name: 'orders-api', namespace: 'shop', apiVersion: 'apps/v1' }],
    });
    // THEN
    expect(delivery.wait).toBe(false);
    expect(kustomization.spec.wait).toBe(false);
    expect(kustomization.spec.healthChecks).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-api', namespace: 'shop' }]);
  });

  test('branch, credentials, intervals, dependencies and names are settable', () => {
    // GIVEN / WHEN
    const { source, kustomization } = synthFlux({
      branch: 'deploy/gke',
      secretName: 'shop-deploy-key',
      name: 'shop',
      fluxNamespace: 'flux',
      pollInterval: Duration.seconds(90),
      interval: Duration.hours(1),
      retryInterval: Duration.seconds(30),
      timeout: Duration.minutes(15),
      dependsOn: ['cluster-addons'],
      prune: false,
      path: './dist/gke/',
      repoUrl: 'ssh://git@github.com/acme/shop-deploy.git',
    });
    // THEN
    expect(source.spec).toEqual({
      url: 'ssh://git@github.com/acme/shop-deploy.git',
      ref: { branch: 'deploy/gke' },
      interval: '90s',
      secretRef: { name: 'shop-deploy-key' },
    });
    expect(source.metadata).toEqual({ name: 'shop', namespace: 'flux' });
    expect(kustomization.spec).toMatchObject({
      sourceRef: { kind: 'GitRepository', name: 'shop' },
      path: './dist/gke',
      interval: '1h',
      retryInterval: '30s',
      timeout: '15m',
      prune: false,
      dependsOn: [{ name: 'cluster-addons' }],
    });
  });

  test.each([
    ['defaults', {}],
    ['health checks', { healthChecks: [{ kind: 'Deployment', name: 'orders-api', namespace: 'shop' }] }],
    ['everything', { secretName: 'key', dependsOn: ['addons'], branch: 'deploy/gke', timeout: Duration.seconds(45) }],
  ])('validates against the Flux GitRepository and Kustomization CRDs: %s', (_name, overrides) => {
    const { objects } = synthFlux(overrides as Partial<FluxDeliveryProps>);
    expect(objects.map((o) => o.kind)).toEqual(['GitRepository', 'Kustomization']);
    expect(validateAll(objects)).toEqual([]);
  });
});

describe('FluxDelivery on a shared cluster', () => {
  test("the Kustomization applies as the tenant's service account, and the GitRepository reads with the repository Secret", () => {
    // GIVEN / WHEN
    const { source, kustomization, objects } = synthFlux({
      serviceAccountName: 'shop-deployer',
      secretName: 'shop-deploy-key',
      fluxNamespace: 'shop-tenant',
    });
    // THEN
    expect(kustomization.spec.serviceAccountName).toBe('shop-deployer');
    expect(kustomization.metadata.namespace).toBe('shop-tenant');
    expect(source.spec.secretRef).toEqual({ name: 'shop-deploy-key' });
    expect(validateAll(objects)).toEqual([]);
  });

  test('without one, Flux applies with its own account: the field is left out', () => {
    expect(synthFlux().kustomization.spec.serviceAccountName).toBeUndefined();
  });

  test('a service account name that Kubernetes would refuse is reported', () => {
    expect(errorOf({ serviceAccountName: 'Shop_Deployer' })).toContain("[test/shop-gke] 'serviceAccountName' must be a DNS-1123 subdomain");
    expect(errorOf({ serviceAccountName: 'Shop_Deployer' })).toContain(
      "received \"Shop_Deployer\". Use the name of a ServiceAccount in 'flux-system', e.g. 'shop-deployer'.",
    );
  });
});

describe('FluxDelivery errors', () => {
  test('the scp-like SSH form Flux rejects is refused with the ssh:// spelling as the fix', () => {
    expect(errorOf({ repoUrl: 'git@github.com:acme/shop-deploy.git' })).toContain(
      "[test/shop-gke] 'repoUrl' must be an https:// or ssh:// URL (Flux does not accept the scp-like 'user@host:path' form); " +
        'received "git@github.com:acme/shop-deploy.git". Write it as \'ssh://git@github.com/acme/shop-deploy.git\', which Argo CD accepts too.',
    );
  });

  test('a path leaving the repository is refused', () => {
    expect(errorOf({ path: 'dist/../..' })).toContain(
      "'path' must stay inside the repository (no '..'); received \"dist/../..\". Use the synthesized folder, relative to the repository root, e.g. 'dist/prod/east'.",
    );
  });

  test('health checks with wait: true are refused, since Flux would ignore them', () => {
    expect(errorOf({ wait: true, healthChecks: [{ kind: 'Deployment', name: 'orders-api' }] })).toContain(
      "'healthChecks' must be empty when 'wait' is true (Flux then checks every object and ignores the list); received [\"Deployment/orders-api\"]. " +
        "Drop 'wait: true' to check only these objects, or drop healthChecks to check everything.",
    );
  });

  test('health checks must name real objects', () => {
    const message = errorOf({ healthChecks: [{ kind: 'deployment', name: 'Orders API' }] });
    expect(message).toContain(
      "'healthChecks[0].kind' must be a Kubernetes kind in PascalCase; received \"deployment\". Use e.g. 'Deployment'.",
    );
    expect(message).toContain("'healthChecks[0].name' must be a DNS-1123 subdomain");
  });

  test('durations below a second are refused', () => {
    expect(errorOf({ timeout: Duration.millis(500) })).toContain(
      '\'timeout\' must be at least 1 second; received "500 millis". Use e.g. Duration.minutes(5); it must cover the slowest rollout.',
    );
  });

  test('a branch that is not a branch name and a bad dependency name are both reported', () => {
    const message = errorOf({ branch: 'main~1', dependsOn: ['Cluster Addons'] });
    expect(message).toContain("'branch' must be a git branch name");
    expect(message).toContain("'dependsOn[0]' must be a DNS-1123 label");
  });
});
