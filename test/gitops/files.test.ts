import { Duration } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { ContainerRegistry } from '../../src/ci/registry';
import { DeliveryMode } from '../../src/ci/workflow';
import { DeliveryOptions, DeliveryTarget, deliveryFiles } from '../../src/gitops';
import { ValidationError } from '../../constructs/core/validation';
import { validateAll } from '../support/schema';
import { find, validateWorkflow } from './support';

const SERVICES = ['orders-api', 'inventory', 'recommendations'].map((name) => ({ name }));
const OPTIONS: DeliveryOptions = { repoUrl: 'https://github.com/acme/shop.git', namespace: 'shop' };

/** One prod target per cloud, as the example has. */
const TARGETS: DeliveryTarget[] = ['eks', 'gke', 'aks'].map((cloud) => ({
  name: `prod-${cloud}`,
  environment: 'prod',
  group: cloud,
  cloud,
  folder: `prod/${cloud}`,
  manifests: `dist/prod/${cloud}`,
  deployBranch: `deploy/prod/${cloud}`,
}));

const docs = (text: string): any[] => parseAllDocuments(text).map((d) => d.toJS());

describe('deliveryFiles', () => {
  const files = deliveryFiles(TARGETS, SERVICES, OPTIONS);

  test('one Application and one Flux file per target, one workflow for every cloud, relative to the output folder', () => {
    expect([...files.keys()].sort()).toEqual([
      'ci/deploy.yml',
      'gitops/prod/aks/argocd-application.yaml',
      'gitops/prod/aks/flux.yaml',
      'gitops/prod/eks/argocd-application.yaml',
      'gitops/prod/eks/flux.yaml',
      'gitops/prod/gke/argocd-application.yaml',
      'gitops/prod/gke/flux.yaml',
    ]);
  });

  test.each(['eks', 'gke', 'aks'])('%s: the objects validate against the Argo CD and Flux CRDs', (cloud) => {
    const objects = [
      ...docs(files.get(`gitops/prod/${cloud}/argocd-application.yaml`)!),
      ...docs(files.get(`gitops/prod/${cloud}/flux.yaml`)!),
    ];
    expect(objects.map((o) => o.kind)).toEqual(['AppProject', 'Application', 'GitRepository', 'Kustomization']);
    expect(validateAll(objects)).toEqual([]);
  });

  test('the workflow validates against the GitHub workflow schema', () => {
    expect(validateWorkflow(parse(files.get('ci/deploy.yml')!))).toEqual([]);
  });

  test("each Application is in an AppProject of its own that allows only this repository and the target's namespaces", () => {
    // GIVEN
    const [project, application] = docs(files.get('gitops/prod/gke/argocd-application.yaml')!);
    // THEN
    expect(application.spec.project).toBe(project.metadata.name);
    expect(project.metadata).toEqual({ name: 'shop-prod-gke', namespace: 'argocd' });
    expect(project.spec).toMatchObject({
      sourceRepos: ['https://github.com/acme/shop.git'],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'shop' }],
      // CreateNamespace=true creates the namespace through the project.
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    });
  });

  test("the target's namespaces and cluster-scoped kinds, and a configured server, reach its AppProject", () => {
    const custom = deliveryFiles(
      [
        {
          ...TARGETS[0],
          scope: { namespaces: ['shop', 'shop-jobs'], clusterKinds: [{ group: 'scheduling.k8s.io', kind: 'PriorityClass' }] },
        },
      ],
      [],
      { ...OPTIONS, argoCd: { destinationServer: 'https://prod-eks.example.com' } },
    );
    const [project, application] = docs(custom.get('gitops/prod/eks/argocd-application.yaml')!);
    expect(project.spec.destinations).toEqual([
      { server: 'https://prod-eks.example.com', namespace: 'shop' },
      { server: 'https://prod-eks.example.com', namespace: 'shop-jobs' },
    ]);
    expect(project.spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace' },
      { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
    ]);
    expect(application.spec.destination.server).toBe('https://prod-eks.example.com');
  });

  test('a project of your own replaces the generated one', () => {
    const custom = deliveryFiles(TARGETS.slice(0, 1), [], { ...OPTIONS, argoCd: { project: 'platform' } });
    const objects = docs(custom.get('gitops/prod/eks/argocd-application.yaml')!);
    expect(objects.map((o) => o.kind)).toEqual(['Application']);
    expect(objects[0].spec.project).toBe('platform');
  });

  test("Flux reads a private repository with a Secret and applies as a tenant's service account", () => {
    const custom = deliveryFiles(TARGETS.slice(0, 1), [], {
      ...OPTIONS,
      flux: { secretName: 'shop-deploy-key', serviceAccountName: 'shop-deployer' },
    });
    const flux = docs(custom.get('gitops/prod/eks/flux.yaml')!);
    expect(find(flux, 'GitRepository').spec.secretRef).toEqual({ name: 'shop-deploy-key' });
    expect(find(flux, 'Kustomization').spec.serviceAccountName).toBe('shop-deployer');
    expect(validateAll(flux)).toEqual([]);
  });

  test('a bad Flux option is reported under the name it has in the delivery options', () => {
    let error: ValidationError | undefined;
    try {
      deliveryFiles(TARGETS.slice(0, 1), [], { ...OPTIONS, flux: { secretName: 'Deploy_Key', serviceAccountName: 'Shop Deployer' } });
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error!.errors).toEqual([
      expect.stringMatching(/^\[gitops\/prod\/eks\] \[flux\/shop-prod-eks\] 'delivery\.flux\.secretName' must be a DNS-1123 subdomain/),
      expect.stringMatching(
        /^\[gitops\/prod\/eks\] \[flux\/shop-prod-eks\] 'delivery\.flux\.serviceAccountName' must be a DNS-1123 subdomain.*; received "Shop Deployer"\. Use the name of a ServiceAccount in 'flux-system'/,
      ),
    ]);
  });

  test("with the health gate, Flux reports each target's health as a commit status, and the Application subscribes to Argo CD's", () => {
    // GIVEN / WHEN
    const gated = deliveryFiles(TARGETS, SERVICES, { ...OPTIONS, ci: { healthGate: {} } });
    // THEN
    const flux = docs(gated.get('gitops/prod/aks/flux.yaml')!);
    expect(flux.map((o) => o.kind)).toEqual(['GitRepository', 'Kustomization', 'Provider', 'Alert']);
    expect(validateAll(flux)).toEqual([]);
    expect(find(flux, 'Provider').spec).toEqual({
      type: 'github',
      address: 'https://github.com/acme/shop.git',
      secretRef: { name: 'github-commit-status' },
      commitStatusExpr: "'continuous-delivery/shop-prod-aks'",
    });
    expect(find(flux, 'Alert').spec.eventSources).toEqual([{ kind: 'Kustomization', name: find(flux, 'Kustomization').metadata.name }]);
    const application = find(docs(gated.get('gitops/prod/aks/argocd-application.yaml')!), 'Application');
    expect(application.metadata.annotations).toEqual({ 'notifications.argoproj.io/subscribe.on-deployed.github': '' });
    // The workflow waits for the context both tools post.
    const workflow = parse(gated.get('ci/deploy.yml')!);
    expect(workflow.jobs['verify-prod-aks'].steps[0].env.CONTEXT).toBe(`continuous-delivery/${application.metadata.name}`);
  });

  test('Argo CD, Flux and the pipeline agree on the folder and the deploy branch', () => {
    // GIVEN
    const application = find(docs(files.get('gitops/prod/eks/argocd-application.yaml')!), 'Application');
    const flux = docs(files.get('gitops/prod/eks/flux.yaml')!);
    const workflow = parse(files.get('ci/deploy.yml')!);
    const commit = workflow.jobs['deliver-prod-eks'].steps.at(-1);
    // THEN
    expect(application.metadata.name).toBe('shop-prod-eks');
    expect(application.spec.source).toEqual({
      repoURL: 'https://github.com/acme/shop.git',
      targetRevision: 'deploy/prod/eks',
      path: 'dist/prod/eks',
    });
    expect(application.spec.destination.namespace).toBe('shop');
    expect(find(flux, 'GitRepository').spec.ref).toEqual({ branch: 'deploy/prod/eks' });
    expect(find(flux, 'Kustomization').spec.path).toBe('./dist/prod/eks');
    expect(commit.env).toMatchObject({ DEPLOY_BRANCH: 'deploy/prod/eks', MANIFESTS: 'dist/prod/eks' });
    expect(workflow.on.push.branches).toEqual(['main']);
  });

  test('branch, registry and Dockerfile per target group, and shared Argo CD settings, are passed through', () => {
    // GIVEN / WHEN
    const custom = deliveryFiles(
      [{ ...TARGETS[0], deployBranch: 'main' }],
      [{ name: 'orders-api', dockerfile: 'docker/orders.Dockerfile' }],
      {
        ...OPTIONS,
        name: 'acme-shop',
        argoCd: { autoSync: true, prune: true, selfHeal: true },
        ci: { deliveryMode: DeliveryMode.PULL_REQUEST, registries: { eks: ContainerRegistry.ecr({ repositoryPrefix: 'shop/' }) } },
      },
    );
    // THEN
    const application = find(docs(custom.get('gitops/prod/eks/argocd-application.yaml')!), 'Application');
    expect(application.metadata.name).toBe('acme-shop-prod-eks');
    expect(application.spec.source.targetRevision).toBe('main');
    expect(application.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    const workflow = parse(custom.get('ci/deploy.yml')!);
    expect(workflow.jobs.publish.outputs.repository_orders_api).toBe('${{ steps.ecr.outputs.registry }}/shop/orders-api');
    expect(workflow.jobs.build.steps.find((s: any) => s.name === 'Build orders-api').with.file).toBe('docker/orders.Dockerfile');
    expect(workflow.jobs['deliver-prod-eks'].permissions['pull-requests']).toBe('write');
  });

  test("Flux's timeout is the target's release timeout, unless delivery.flux.timeout is set", () => {
    // GIVEN a target whose slowest release takes 31 minutes
    const target = { ...TARGETS[0], releaseTimeout: Duration.minutes(31) };
    const timeoutOf = (files: Map<string, string>) => find(docs(files.get('gitops/prod/eks/flux.yaml')!), 'Kustomization').spec.timeout;
    // THEN
    expect(timeoutOf(deliveryFiles([target], [], OPTIONS))).toBe('31m');
    expect(timeoutOf(deliveryFiles([target], [], { ...OPTIONS, flux: { timeout: Duration.hours(1) } }))).toBe('1h');
    expect(timeoutOf(deliveryFiles([TARGETS[0]], [], OPTIONS))).toBe('5m');
  });

  test('without services there is no workflow, only the GitOps files', () => {
    expect([...deliveryFiles(TARGETS.slice(0, 1), [], OPTIONS).keys()]).toEqual([
      'gitops/prod/eks/argocd-application.yaml',
      'gitops/prod/eks/flux.yaml',
    ]);
  });

  test('every mistake of every target is reported at once, naming the file it belongs to', () => {
    // GIVEN
    const targets = [TARGETS[0], { ...TARGETS[1], deployBranch: 'deploy..gke' }];
    // WHEN
    let error: ValidationError | undefined;
    try {
      deliveryFiles(targets, [{ name: 'Orders' }], { ...OPTIONS, repoUrl: 'git@github.com:acme/shop.git' });
    } catch (e) {
      error = e as ValidationError;
    }
    // THEN
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\[gitops\/prod\/eks\] \[flux\/shop-prod-eks\] 'delivery\.repoUrl' must be an https:\/\/ or ssh:\/\/ URL \(Flux does not accept/,
        ),
        expect.stringMatching(/^\[ci\/deploy\] 'services\[0\].name' must be a DNS-1123 label/),
        expect.stringMatching(/^\[gitops\/prod\/gke\] \[argocd\/shop-prod-gke\] 'branch' must be a git branch name/),
        expect.stringMatching(/^\[ci\/deploy\] 'targets\[1\].deployBranch' must be a git branch name/),
      ]),
    );
    expect(error!.message).toMatch(/^The delivery files have \d+ error\(s\):\n {2}\[/);
  });
});
