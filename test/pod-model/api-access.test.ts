/**
 * Kubernetes API access for the app's pods (a task runner that starts pods and
 * reads their logs), least privilege, and workloads with a ServiceAccount and
 * cloud identity of their own. `allows` below evaluates RBAC as the API server's
 * authorizer does for these rules: a request is allowed when one rule of a
 * Role bound to the ServiceAccount matches its group, resource, verb and name.
 */
import { App, Chart } from 'cdk8s';
import {
  ApiPermission,
  ApiVerb,
  CloudProfile,
  MigrationCommand,
  PythonMicroservice,
  PythonMigration,
  PythonWorker,
  SecretBackend,
  SecretEnv,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { collectWarnings } from '../support/internals';
import { restrictedViolations } from '../support/policies';
import { ReleaseModel } from '../support/release-history';
import { validateAll } from '../support/schema';
import { appContainer, baseProps, chartError, find } from '../support/synth';
import { testChart } from '../support/cdk8s-testing';

const TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const RUNNER = [ApiPermission.of({ resources: ['pods'], verbs: [ApiVerb.CREATE, ApiVerb.DELETE] }), ApiPermission.readPodsAndLogs()];

/** RBAC: is `verb` on `group/resource[/name]` allowed to the ServiceAccount by a Role bound to it? */
function allows(objects: any[], sa: string, verb: string, resource: string, group = '', name?: string): boolean {
  return objects
    .filter((b) => b.kind === 'RoleBinding' && b.subjects.some((s: any) => s.kind === 'ServiceAccount' && s.name === sa))
    .map((b) => objects.find((r) => r.kind === b.roleRef.kind && r.metadata.name === b.roleRef.name))
    .some((role) =>
      (role?.rules ?? []).some(
        (r: any) =>
          (r.apiGroups.includes(group) || r.apiGroups.includes('*')) &&
          (r.resources.includes(resource) || r.resources.includes('*')) &&
          (r.verbs.includes(verb) || r.verbs.includes('*')) &&
          (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))),
      ),
    );
}

function synth(build: (chart: Chart) => void, namespace = 'shop') {
  const app = new App();
  const chart = new Chart(app, 'test', { namespace });
  build(chart);
  return { objects: chart.toJson(), chart };
}

describe("the app's permissions", () => {
  test('a Role with exactly those rules, bound to its ServiceAccount; a token for the app container alone', () => {
    // GIVEN a task runner that starts pods and follows their logs, with a sidecar
    const { objects } = synth(
      (chart) =>
        new PythonMicroservice(
          chart,
          'runner',
          baseProps({ permissions: RUNNER, sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2' }] }),
        ),
    );

    // THEN the Role allows what was asked and nothing else
    expect(find(objects, 'Role', 'runner').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete'] },
      { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(find(objects, 'RoleBinding', 'runner').subjects).toEqual([{ kind: 'ServiceAccount', name: 'runner' }]);
    expect(allows(objects, 'runner', 'create', 'pods')).toBe(true);
    expect(allows(objects, 'runner', 'get', 'pods/log')).toBe(true);
    expect(allows(objects, 'runner', 'get', 'secrets')).toBe(false);
    expect(allows(objects, 'runner', 'create', 'jobs', 'batch')).toBe(false);

    // AND the pods keep automount off; the app container alone gets the token, where client libraries read it
    const deployment = find(objects, 'Deployment', 'runner');
    const pod = deployment.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toContainEqual(expect.objectContaining({ name: 'kube-api-access' }));
    const sources = pod.volumes.find((v: any) => v.name === 'kube-api-access').projected.sources;
    expect(sources).toEqual([
      { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ]);
    expect(appContainer(deployment).volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: TOKEN_DIR, readOnly: true });
    const proxy = pod.containers.find((c: any) => c.name === 'proxy');
    expect(JSON.stringify(proxy)).not.toContain('kube-api-access');
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test("with mountServiceAccountToken the kubelet's automount gives the token: no second one", () => {
    const { objects } = synth(
      (chart) => new PythonMicroservice(chart, 'runner', baseProps({ permissions: RUNNER, mountServiceAccountToken: true })),
    );
    const pod = find(objects, 'Deployment', 'runner').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('kube-api-access');
  });

  test('without permissions: no Role, no token (unchanged)', () => {
    const { objects } = synth((chart) => new PythonMicroservice(chart, 'web', baseProps()));
    expect(objects.filter((o) => ['Role', 'RoleBinding'].includes(o.kind))).toEqual([]);
    expect(JSON.stringify(objects)).not.toContain('kube-api-access');
  });

  test('cluster-wide only when asked, named after the namespace, bound with it', () => {
    const { objects } = synth(
      (chart) =>
        new PythonMicroservice(
          chart,
          'runner',
          baseProps({ permissions: [ApiPermission.clusterWide({ resources: ['nodes'], verbs: [ApiVerb.LIST] })] }),
        ),
    );
    expect(find(objects, 'ClusterRole', 'shop-runner').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }]);
    expect(find(objects, 'ClusterRoleBinding', 'shop-runner').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'runner', namespace: 'shop' },
    ]);
    expect(objects.filter((o) => o.kind === 'Role')).toEqual([]);
    expect(validateAll(objects)).toEqual([]);
  });

  test('wildcards only through the unsafe API, which says what it grants', () => {
    const { objects } = synth(
      (chart) =>
        new PythonMicroservice(
          chart,
          'runner',
          baseProps({ permissions: [ApiPermission.unsafeWildcard({ apiGroups: ['argoproj.io'], resources: ['*'], verbs: ['*'] })] }),
        ),
    );
    expect(find(objects, 'Role', 'runner').rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['*'], verbs: ['*'] }]);
  });

  test('reading every Secret is allowed with a warning to name them', () => {
    const chart = testChart();
    new PythonMicroservice(
      chart,
      'runner',
      baseProps({ permissions: [ApiPermission.of({ resources: ['secrets'], verbs: [ApiVerb.GET] })] }),
    );
    expect(collectWarnings(chart)).toContainEqual(
      expect.stringContaining('permissions[0] lets the pods read every Secret of the namespace'),
    );
  });

  test.each([
    [ApiPermission.of({ resources: ['*'], verbs: [ApiVerb.GET] }), "'permissions[0].resources' must not hold '*'"],
    [ApiPermission.of({ resources: ['pods'], verbs: ['*' as ApiVerb] }), "'permissions[0].verbs' must not hold '*'"],
    [ApiPermission.of({ apiGroup: '*', resources: ['pods'], verbs: [ApiVerb.GET] }), "'permissions[0].apiGroup' must not hold '*'"],
    [ApiPermission.of({ resources: ['pods'], verbs: ['escalate' as ApiVerb] }), "'permissions[0].verbs' must list verbs among get, list"],
    [
      ApiPermission.of({ resources: ['Pods'], verbs: [ApiVerb.GET] }),
      "'permissions[0].resources' must list resources, plural and lowercase",
    ],
    [
      ApiPermission.of({ resources: ['pods'], verbs: [ApiVerb.CREATE], resourceNames: ['a'] }),
      "'permissions[0].resourceNames' cannot restrict create (RBAC has no object name for them",
    ],
  ])('refused: %#', (permission, message) => {
    expect(chartError((chart) => new PythonMicroservice(chart, 'runner', baseProps({ permissions: [permission] })))).toContain(message);
  });

  test('a cluster-wide permission without a namespace is refused', () => {
    const error = chartError(
      (chart) =>
        new PythonMicroservice(
          chart,
          'runner',
          baseProps({ permissions: [ApiPermission.clusterWide({ resources: ['nodes'], verbs: [ApiVerb.LIST] })] }),
        ),
    );
    expect(error).toContain("'permissions' needs the chart's namespace for a cluster-wide permission");
  });
});

describe('a worker or job with a ServiceAccount of its own', () => {
  const worker = {
    command: WorkerCommand.command(['python', '-m', 'runner.scheduler']),
    liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
  };

  function system(profile = CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/scheduler' })) {
    return synth((chart) => {
      const web = new PythonMicroservice(
        chart,
        'airflow',
        baseProps({ profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/web' }) }),
      );
      new PythonMigration(chart, 'airflow-migrate', { app: web, command: MigrationCommand.alembic() });
      new PythonWorker(chart, 'airflow-scheduler', { app: web, ...worker, serviceAccount: { profile, permissions: RUNNER } });
    });
  }

  test('its own identity and permissions; the app keeps its own; both may read their migration Job', () => {
    // GIVEN / WHEN
    const { objects } = system();
    const own = find(objects, 'ServiceAccount', 'airflow-scheduler');

    // THEN the scheduler runs as its own ServiceAccount, with its own role, and only it may start pods
    expect(own.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111122223333:role/scheduler');
    expect(own.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'ServiceAccount', 'airflow').metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      'arn:aws:iam::111122223333:role/web',
    );
    const pod = find(objects, 'Deployment', 'airflow-scheduler').spec.template.spec;
    expect(pod.serviceAccountName).toBe('airflow-scheduler');
    expect(allows(objects, 'airflow-scheduler', 'create', 'pods')).toBe(true);
    expect(allows(objects, 'airflow', 'create', 'pods')).toBe(false);
    expect(JSON.stringify(find(objects, 'Deployment', 'airflow'))).not.toContain('kube-api-access');
    // AND the migration's wait admits both ServiceAccounts
    const job = objects.find((o) => o.kind === 'Job').metadata.name;
    expect(allows(objects, 'airflow-scheduler', 'get', 'jobs', 'batch', job)).toBe(true);
    expect(allows(objects, 'airflow', 'get', 'jobs', 'batch', job)).toBe(true);
    expect(validateAll(objects)).toEqual([]);

    // AND every pod the controllers can create passes its wait (the release-history model's RBAC check)
    const model = new ReleaseModel('kubectl', { prune: false });
    model.deliver(objects, 1);
    model.settle();
    model.finishMigrations();
    expect(model.creatablePods().filter((p) => p.outcome.state !== 'passed')).toEqual([]);
    expect(model.creatablePods().map((p) => p.from)).toContainEqual(expect.stringContaining('airflow-scheduler'));
  });

  test("on AKS the pods get the workload identity label of the workload's own profile", () => {
    const aks = CloudProfile.aks({ clientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
    const { objects } = synth((chart) => {
      const web = new PythonMicroservice(chart, 'airflow', baseProps({ profile: CloudProfile.aks() }));
      new PythonWorker(chart, 'airflow-scheduler', { app: web, ...worker, serviceAccount: { profile: aks } });
    });
    expect(find(objects, 'Deployment', 'airflow-scheduler').spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(find(objects, 'ServiceAccount', 'airflow-scheduler').metadata.annotations['azure.workload.identity/client-id']).toBe(
      '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11',
    );
  });

  test("with the CSI driver, a warning that its own identity fetches the app's secrets", () => {
    const { chart } = synth((c) => {
      const web = new PythonMicroservice(
        c,
        'airflow',
        baseProps({
          profile: CloudProfile.eks({
            roleArn: 'arn:aws:iam::111122223333:role/web',
            secrets: { backend: SecretBackend.CSI_DRIVER, region: 'eu-west-1' },
          }),
          secrets: [SecretEnv.fromStore({ DATABASE_URL: 'airflow/database-url' })],
        }),
      );
      new PythonWorker(c, 'airflow-scheduler', { app: web, ...worker, serviceAccount: {} });
    });
    expect(collectWarnings(chart)).toContainEqual(expect.stringContaining('let it read airflow/database-url in the secret manager'));
  });

  test.each([
    [{ profile: CloudProfile.gke() }, "'serviceAccount.profile' must be a profile of the app's cloud ('eks')"],
    [{ name: 'airflow' }, "'serviceAccount.name' must differ from the ServiceAccounts of the app"],
  ])('refused: %#', (serviceAccount, message) => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'airflow', baseProps());
      new PythonWorker(chart, 'airflow-scheduler', { app: web, ...worker, serviceAccount });
    });
    expect(error).toContain(message);
  });
});
