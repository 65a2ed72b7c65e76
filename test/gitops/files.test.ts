import { parse, parseAllDocuments } from 'yaml';
import { ContainerRegistry } from '../../src/ci/registry';
import { DeliveryMode } from '../../src/ci/workflow';
import { GitOpsError, gitopsFiles, GitOpsOptions } from '../../src/gitops';
import { validateAll } from '../support/schema';
import { find, validateWorkflow } from './support';

const SERVICES = ['orders-api', 'inventory', 'recommendations'];
const OPTIONS: GitOpsOptions = {
  repoUrl: 'https://github.com/acme/shop.git',
  namespace: 'shop',
  clouds: { eks: { services: SERVICES }, gke: { services: SERVICES }, aks: { services: SERVICES } },
};

const docs = (text: string): any[] => parseAllDocuments(text).map((d) => d.toJS());

describe('gitopsFiles', () => {
  const files = gitopsFiles(OPTIONS);

  test('one Application, one Flux file and one workflow per cloud, relative to dist/', () => {
    expect([...files.keys()].sort()).toEqual([
      'ci/deploy-aks.yml', 'ci/deploy-eks.yml', 'ci/deploy-gke.yml',
      'gitops/aks/argocd-application.yaml', 'gitops/aks/flux.yaml',
      'gitops/eks/argocd-application.yaml', 'gitops/eks/flux.yaml',
      'gitops/gke/argocd-application.yaml', 'gitops/gke/flux.yaml',
    ]);
  });

  test.each(['eks', 'gke', 'aks'])('%s: the objects validate against the Argo CD and Flux CRDs', (cloud) => {
    const objects = [...docs(files.get(`gitops/${cloud}/argocd-application.yaml`)!), ...docs(files.get(`gitops/${cloud}/flux.yaml`)!)];
    expect(objects.map((o) => o.kind)).toEqual(['Application', 'GitRepository', 'Kustomization']);
    expect(validateAll(objects)).toEqual([]);
  });

  test.each(['eks', 'gke', 'aks'])('%s: the workflow validates against the GitHub workflow schema', (cloud) => {
    expect(validateWorkflow(parse(files.get(`ci/deploy-${cloud}.yml`)!))).toEqual([]);
  });

  test('Argo CD, Flux and the pipeline agree on the folder and the deploy branch', () => {
    // GIVEN
    const application = find(docs(files.get('gitops/eks/argocd-application.yaml')!), 'Application');
    const flux = docs(files.get('gitops/eks/flux.yaml')!);
    const workflow = parse(files.get('ci/deploy-eks.yml')!);
    const commit = workflow.jobs.deliver.steps.at(-1);
    // THEN
    expect(application.metadata.name).toBe('shop-eks');
    expect(application.spec.source).toEqual({ repoURL: 'https://github.com/acme/shop.git', targetRevision: 'deploy/eks', path: 'dist/eks' });
    expect(application.spec.destination.namespace).toBe('shop');
    expect(find(flux, 'GitRepository').spec.ref).toEqual({ branch: 'deploy/eks' });
    expect(find(flux, 'Kustomization').spec.path).toBe('./dist/eks');
    expect(commit.env).toMatchObject({ DEPLOY_BRANCH: 'deploy/eks', MANIFESTS: 'dist/eks' });
    expect(workflow.on.push.branches).toEqual(['main']);
  });

  test('per-cloud branch, registry and Dockerfile, and shared Argo CD settings, are passed through', () => {
    // GIVEN / WHEN
    const custom = gitopsFiles({
      ...OPTIONS,
      name: 'acme-shop',
      argoCd: { autoSync: true, prune: true, selfHeal: true },
      deliveryMode: DeliveryMode.PULL_REQUEST,
      clouds: {
        eks: {
          services: [{ name: 'orders-api', dockerfile: 'docker/orders.Dockerfile' }],
          deployBranch: 'main',
          registry: ContainerRegistry.ecr({ repositoryPrefix: 'shop/' }),
        },
      },
    });
    // THEN
    const application = find(docs(custom.get('gitops/eks/argocd-application.yaml')!), 'Application');
    expect(application.metadata.name).toBe('acme-shop-eks');
    expect(application.spec.source.targetRevision).toBe('main');
    expect(application.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    const workflow = parse(custom.get('ci/deploy-eks.yml')!);
    expect(workflow.jobs.publish.outputs.IMAGE_ORDERS_API).toBe('${{ steps.ecr.outputs.registry }}/shop/orders-api@${{ steps.build_orders_api.outputs.digest }}');
    expect(workflow.jobs.scan.steps.find((s: any) => s.name === 'Build orders-api').with.file).toBe('docker/orders.Dockerfile');
    expect(workflow.jobs.deliver.permissions['pull-requests']).toBe('write');
  });

  test('every mistake of every cloud is reported at once, naming the file it belongs to', () => {
    // GIVEN
    const options: GitOpsOptions = {
      ...OPTIONS,
      repoUrl: 'git@github.com:acme/shop.git',
      clouds: { eks: { services: ['Orders'] }, gke: { services: SERVICES, deployBranch: 'deploy..gke' } },
    };
    // WHEN
    let error: GitOpsError | undefined;
    try {
      gitopsFiles(options);
    } catch (e) {
      error = e as GitOpsError;
    }
    // THEN
    expect(error).toBeInstanceOf(GitOpsError);
    expect(error!.errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\[gitops\/eks\] \[flux\/shop-eks\] 'repoUrl' must be an https:\/\/ or ssh:\/\/ URL \(Flux does not accept/),
      expect.stringMatching(/^\[ci\/deploy-eks\] 'services\[0\].name' must be a DNS-1123 label/),
      expect.stringMatching(/^\[gitops\/gke\] \[argocd\/shop-gke\] 'branch' must be a git branch name/),
      expect.stringMatching(/^\[ci\/deploy-gke\] 'deployBranch' must be a git branch name/),
    ]));
    expect(error!.message).toMatch(/^The GitOps files have \d+ error\(s\):\n {2}\[/);
  });
});
