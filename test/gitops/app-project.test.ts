import { Testing } from 'cdk8s';
import { ArgoCdApplication, ArgoCdProject, ArgoCdProjectProps } from '../../constructs/delivery';
import { validateAll } from '../support/schema';
import { find, synthError } from './support';
import { testChart } from '../support/cdk8s-testing';

const REPO = 'https://github.com/acme/shop.git';

function synthProject(overrides: Partial<ArgoCdProjectProps> = {}) {
  const chart = testChart();
  const project = new ArgoCdProject(chart, 'shop-prod', { repoUrl: REPO, namespaces: ['shop'], ...overrides });
  new ArgoCdApplication(chart, 'app', { repoUrl: REPO, path: 'dist/prod', namespace: 'shop', project: project.name, name: 'shop-prod' });
  const objects = Testing.synth(chart);
  return { project, objects, appProject: find(objects, 'AppProject'), application: find(objects, 'Application') };
}

describe('ArgoCdProject', () => {
  test('allows one repository, the given namespaces of one cluster, and no cluster-scoped kind by default', () => {
    // GIVEN / WHEN
    const { appProject, application, objects } = synthProject({ namespaces: ['shop', 'shop-jobs', 'shop'] });
    // THEN
    expect(appProject.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(appProject.metadata).toEqual({ name: 'shop-prod', namespace: 'argocd' });
    expect(appProject.spec.sourceRepos).toEqual([REPO]);
    expect(appProject.spec.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'shop' },
      { server: 'https://kubernetes.default.svc', namespace: 'shop-jobs' },
    ]);
    expect(appProject.spec.clusterResourceWhitelist ?? []).toEqual([]);
    expect(application.spec.project).toBe('shop-prod');
    expect(validateAll(objects)).toEqual([]);
  });

  test('cluster-scoped kinds are allowed by group and kind, sorted, once each', () => {
    const { appProject, objects } = synthProject({
      clusterResources: [
        { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
        { group: '', kind: 'Namespace' },
        { group: '', kind: 'Namespace' },
      ],
      destinationServer: 'https://10.0.0.1',
      argoNamespace: 'gitops',
      description: 'the shop',
    });
    expect(appProject.spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace' },
      { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
    ]);
    expect(appProject.spec.destinations).toEqual([{ server: 'https://10.0.0.1', namespace: 'shop' }]);
    expect(appProject.metadata.namespace).toBe('gitops');
    expect(appProject.spec.description).toBe('the shop');
    expect(validateAll(objects)).toEqual([]);
  });

  test('bad namespaces, kinds, servers and URLs are all reported', () => {
    const message = synthError(
      (chart) =>
        new ArgoCdProject(chart, 'p', {
          repoUrl: 'ftp://example.com/x',
          namespaces: ['Shop'],
          clusterResources: [{ group: 'Scheduling', kind: 'priorityclass' }],
          destinationServer: 'http://x',
        }),
    );
    expect(message).toContain("[test/p] 'repoUrl' must be an https:// or ssh:// git URL");
    expect(message).toContain("[test/p] 'namespaces[0]' must be a DNS-1123 label");
    expect(message).toContain(
      "[test/p] 'clusterResources[0].kind' must be a Kubernetes kind in PascalCase; received \"priorityclass\". Use e.g. 'Namespace'.",
    );
    expect(message).toContain(
      "[test/p] 'clusterResources[0].group' must be an API group ('' for the core group); received \"Scheduling\".",
    );
    expect(message).toContain('[test/p] \'destinationServer\' must be an https:// API server URL; received "http://x".');
  });

  test('a project must allow at least one namespace', () => {
    expect(synthError((chart) => new ArgoCdProject(chart, 'p', { repoUrl: REPO, namespaces: [] }))).toContain(
      "'namespaces' must list at least one namespace; received []. Pass the namespace the Applications deploy to, e.g. ['shop'].",
    );
  });
});
