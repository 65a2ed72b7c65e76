import { Duration, Testing } from 'cdk8s';
import { ArgoCdApplication, ArgoCdApplicationProps } from '../../constructs/delivery';
import { validateAll } from '../support/schema';
import { find, synthError } from './support';
import { testChart } from '../support/cdk8s-testing';

const REPO = 'https://github.com/acme/shop-deploy.git';

function synthApp(overrides: Partial<ArgoCdApplicationProps> = {}) {
  const chart = testChart();
  const app = new ArgoCdApplication(chart, 'shop-eks', { repoUrl: REPO, path: 'dist/eks', namespace: 'shop', ...overrides });
  const objects = Testing.synth(chart);
  return { app, objects, application: find(objects, 'Application', 'shop-eks') };
}

function errorOf(overrides: Partial<ArgoCdApplicationProps>): string {
  return synthError(
    (chart) => new ArgoCdApplication(chart, 'shop-eks', { repoUrl: REPO, path: 'dist/eks', namespace: 'shop', ...overrides }),
  );
}

describe('ArgoCdApplication', () => {
  test('points at the synthesized folder of one cloud on the branch', () => {
    // GIVEN / WHEN
    const { application } = synthApp();
    // THEN
    expect(application.metadata).toEqual({ name: 'shop-eks', namespace: 'argocd' });
    expect(application.spec.source).toEqual({ repoURL: REPO, targetRevision: 'main', path: 'dist/eks' });
    expect(application.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop' });
    expect(application.spec.project).toBe('default');
  });

  test('syncs by hand by default, creates the namespace, prunes last and retries with backoff', () => {
    // GIVEN / WHEN
    const { application } = synthApp();
    // THEN
    expect(application.spec.syncPolicy).toEqual({
      syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
      retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
    });
  });

  test('automated sync, prune and self-heal are opt-in', () => {
    // GIVEN / WHEN
    const { application } = synthApp({ autoSync: true, prune: true, selfHeal: true });
    // THEN
    expect(application.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  test('automated sync alone neither prunes nor self-heals', () => {
    const { application } = synthApp({ autoSync: true });
    expect(application.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: false });
  });

  test('retry, sync wave, project, destination and namespace creation are settable', () => {
    // GIVEN / WHEN
    const { application } = synthApp({
      retry: { limit: 3, backoff: Duration.seconds(30), factor: 3, maxBackoff: Duration.hours(1) },
      syncWave: -1,
      project: 'shop',
      destinationServer: 'https://10.0.0.1:6443',
      createNamespace: false,
      argoNamespace: 'gitops',
    });
    // THEN
    expect(application.spec.syncPolicy.retry).toEqual({ limit: 3, backoff: { duration: '30s', factor: 3, maxDuration: '1h' } });
    expect(application.spec.syncPolicy.syncOptions).toEqual(['PruneLast=true']);
    expect(application.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-1' });
    expect(application.metadata.namespace).toBe('gitops');
    expect(application.spec.project).toBe('shop');
    expect(application.spec.destination.server).toBe('https://10.0.0.1:6443');
  });

  test('normalizes the folder and accepts the scp-like SSH URL Argo CD understands', () => {
    const { app, application } = synthApp({
      path: './dist/eks/',
      repoUrl: 'git@github.com:acme/shop-deploy.git',
      branch: 'release/2026-11',
    });
    expect(app.path).toBe('dist/eks');
    expect(application.spec.source).toEqual({
      repoURL: 'git@github.com:acme/shop-deploy.git',
      targetRevision: 'release/2026-11',
      path: 'dist/eks',
    });
  });

  test.each([
    ['defaults', {}],
    ['automated with everything', { autoSync: true, prune: true, selfHeal: true, syncWave: 2 }],
    ['ssh URL', { repoUrl: 'ssh://git@github.com/acme/shop-deploy.git' }],
  ])('validates against the Argo CD Application CRD: %s', (_name, overrides) => {
    const { objects } = synthApp(overrides as Partial<ArgoCdApplicationProps>);
    expect(validateAll(objects)).toEqual([]);
  });
});

describe('ArgoCdApplication errors', () => {
  test('plain http is refused', () => {
    expect(errorOf({ repoUrl: 'http://github.com/acme/shop-deploy.git' })).toContain(
      '[test/shop-eks] \'repoUrl\' must use https:// or ssh://, not plain http://; received "http://github.com/acme/shop-deploy.git". ' +
        "Write it like 'https://github.com/acme/shop-deploy.git' or 'ssh://git@github.com/acme/shop-deploy.git'; plain HTTP lets anyone on the path change what is deployed.",
    );
  });

  test('a credential in the URL is refused and never echoed', () => {
    const message = errorOf({ repoUrl: 'https://bob:ghp_s3cr3t@github.com/acme/shop-deploy.git' });
    expect(message).toContain('\'repoUrl\' must not contain credentials; received "https://***@github.com/acme/shop-deploy.git". ');
    expect(message).not.toContain('ghp_s3cr3t');
  });

  test('a token alone in the user part of an https URL is a credential too', () => {
    const message = errorOf({ repoUrl: 'https://ghp_t0ken@github.com/acme/shop-deploy.git' });
    expect(message).toContain('\'repoUrl\' must not contain credentials; received "https://***@github.com/acme/shop-deploy.git".');
    expect(message).not.toContain('ghp_t0ken');
  });

  test('something that is not a git URL is refused', () => {
    expect(errorOf({ repoUrl: 'github.com/acme' })).toContain(
      '\'repoUrl\' must be an https:// or ssh:// git URL with a repository path; received "github.com/acme".',
    );
  });

  test.each([['feature..x'], ['has space'], ['ends-with.lock'], ['-leading-dash'], ['trailing/'], ['a@{b}']])(
    'branch %j is not a git branch name',
    (branch) => {
      expect(errorOf({ branch })).toContain(
        `'branch' must be a git branch name: no spaces, '..', '~', '^', ':', '?', '*', '[', '\\' or '@{', no leading '-' or '/', no trailing '/', '.' or '.lock'; received ${JSON.stringify(branch)}. Use the branch name as 'git branch' shows it, e.g. 'main'.`,
      );
    },
  );

  test('a full ref is refused with its short name as the fix', () => {
    expect(errorOf({ branch: 'refs/heads/main' })).toContain(
      "'branch' must be a short branch name, not a full ref; received \"refs/heads/main\". Use 'main'.",
    );
  });

  test.each([
    ['../secrets', "must stay inside the repository (no '..')"],
    ['dist/../../etc', "must stay inside the repository (no '..')"],
    ['/dist/eks', 'must be relative to the repository root'],
    ['', 'must be a non-empty folder path'],
    ['dist/e ks', "must contain only letters, digits, '.', '_', '-' and '/'"],
  ])('path %j is refused', (path, rule) => {
    expect(errorOf({ path })).toContain(
      `'path' ${rule}; received ${JSON.stringify(path)}. Use the synthesized folder, relative to the repository root, e.g. 'dist/prod/east'.`,
    );
  });

  test('prune and self-heal without automated sync are refused, each by name', () => {
    const message = errorOf({ prune: true, selfHeal: true });
    expect(message).toContain(
      "'prune' applies only to automated sync; received true. Set autoSync: true as well, or leave it out (a manual sync chooses what to prune each time).",
    );
    expect(message).toContain("'selfHeal' applies only to automated sync; received true.");
  });

  test('retry values Argo CD cannot read are refused', () => {
    const message = errorOf({ retry: { limit: -1, factor: 1.5, backoff: Duration.millis(200), maxBackoff: Duration.seconds(5) } });
    expect(message).toContain("'retry.limit' must be a whole number of at least 0; received -1. Use e.g. 5; 0 turns retries off.");
    expect(message).toContain("'retry.factor' must be a whole number of at least 1 (Argo CD reads it as an integer); received 1.5.");
    expect(message).toContain('\'retry.backoff\' must be at least 1 second; received "200 millis". Use e.g. Duration.seconds(10).');
  });

  test('a backoff ceiling below the first backoff is refused', () => {
    expect(errorOf({ retry: { backoff: Duration.minutes(5), maxBackoff: Duration.minutes(1) } })).toContain(
      "'retry.maxBackoff' must be at least 'retry.backoff' (5 minutes); received \"1 minute\". Raise maxBackoff or lower backoff.",
    );
  });

  test('names must be DNS labels', () => {
    const message = errorOf({ name: 'Shop_EKS', namespace: 'Shop' });
    expect(message).toContain("'name' must be a DNS-1123 label");
    expect(message).toContain('received "Shop_EKS". Use a name like \'shop-eks\'.');
    expect(message).toContain("'namespace' must be a DNS-1123 label");
  });

  test('every mistake is reported at once, with the construct path', () => {
    const message = errorOf({ repoUrl: 'ftp://x', path: '../x', branch: 'a..b' });
    expect(message.match(/\[test\/shop-eks\] '/g)).toHaveLength(3);
  });
});
