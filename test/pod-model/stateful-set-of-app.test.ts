/**
 * A StatefulSet of an app is a process of the app like a worker: it takes over
 * the app's mounts, init containers and files, may have settings, secrets and a
 * ServiceAccount of its own, its sidecars may run as their own user, and it
 * rolls on a rotated Secret with the app's `reloadOnSecretChange`; the
 * migrations' waits admit its ServiceAccount.
 */
import { App, Chart, Testing } from 'cdk8s';
import {
  AccessMode,
  ApiPermission,
  CloudProfile,
  ConfigFile,
  MigrationCommand,
  PythonMicroservice,
  PythonMigration,
  PythonSetupJob,
  PythonStatefulSet,
  PythonStatefulSetProps,
  PythonWorker,
  SecretEnv,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { planFacts } from '../../src/plan/facts';
import { restrictedViolations } from '../support/policies';
import { validateAll } from '../support/schema';
import { appContainer, baseProps, chartError, envMap, find } from '../support/synth';
import { testChart } from '../support/cdk8s-testing';

const RELOAD = 'secret.reloader.stakater.com/reload';
const DAGS = Volume.newClaim('dags', { storage: '5Gi', accessMode: AccessMode.READ_WRITE_MANY });
const WAIT_FOR_DB = { name: 'wait-for-db', command: ['python3', '-m', 'airflow_wait_db'] };
const GIT_SYNC = { name: 'git-sync', image: 'registry.k8s.io/git-sync/git-sync:v4.2.4', runAsUser: 65533 };
const LOGS = () => Volume.perReplicaClaim('logs', { storage: '10Gi' });
const command = WorkerCommand.celery({ app: 'airflow.executors.celery_executor.app' });

/** An Airflow-like app: a web service with a DAG share, a settings file and a database secret; its migration, a setup job and a worker set. */
function system(set: Partial<PythonStatefulSetProps> = {}) {
  const app = new App();
  const chart = new Chart(app, 'airflow', { namespace: 'airflow' });
  const web = new PythonMicroservice(
    chart,
    'airflow-web',
    baseProps({
      mounts: [{ path: '/opt/airflow/dags', volume: DAGS }],
      initContainers: [WAIT_FOR_DB],
      files: { '/opt/airflow/webserver_config.py': ConfigFile.fromText('AUTH_ROLE_PUBLIC = "Viewer"\n') },
      config: { AIRFLOW__CORE__EXECUTOR: 'CeleryExecutor' },
      secrets: [SecretEnv.fromExisting('airflow-db', { DATABASE_URL: 'url' })],
      reloadOnSecretChange: true,
    }),
  );
  new PythonMigration(chart, 'airflow-migrate', { app: web, command: MigrationCommand.alembic() });
  new PythonSetupJob(chart, 'airflow-admin', { app: web, command: ['airflow', 'users', 'create'] });
  new PythonStatefulSet(chart, 'airflow-worker', {
    app: web,
    command,
    replicas: 2,
    mounts: [{ path: '/opt/airflow/logs', volume: LOGS() }],
    config: { CELERY_QUEUES: 'default' },
    secrets: [SecretEnv.fromExisting('airflow-fernet', { FERNET_KEY: 'key' })],
    serviceAccount: { permissions: [ApiPermission.readPodsAndLogs()] },
    sidecars: [GIT_SYNC],
    ...set,
  });
  return { chart, objects: chart.toJson() };
}

const podOf = (objects: any[]) => find(objects, 'StatefulSet', 'airflow-worker').spec.template.spec;
const mountPaths = (container: any) => container.volumeMounts.map((m: any) => m.mountPath);
const initNames = (pod: any) => pod.initContainers.map((c: any) => c.name);
/** A container of the pod by name, a native sidecar (an init container) or not. */
const containerOf = (pod: any, name: string) => [...(pod.initContainers ?? []), ...pod.containers].find((c: any) => c.name === name);

/** Whether a RoleBinding binds `sa` to a Role that allows `verb` on `resource` (by name, when the rule names some). */
function allows(objects: any[], sa: string, verb: string, resource: string, group = '', name?: string): boolean {
  return objects
    .filter((b) => b.kind === 'RoleBinding' && b.subjects.some((s: any) => s.kind === 'ServiceAccount' && s.name === sa))
    .map((b) => objects.find((r) => r.kind === b.roleRef.kind && r.metadata.name === b.roleRef.name))
    .some((role) =>
      (role?.rules ?? []).some(
        (r: any) =>
          r.apiGroups.includes(group) &&
          r.resources.includes(resource) &&
          r.verbs.includes(verb) &&
          (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))),
      ),
    );
}

describe('a StatefulSet of an app', () => {
  test("takes over the app's mounts, init containers and files, before its own; the per-replica claim stays a claim template", () => {
    // GIVEN / WHEN
    const { objects } = system();
    const pod = podOf(objects);
    const app = appContainer(find(objects, 'StatefulSet', 'airflow-worker'));

    // THEN the app's share and settings file are mounted beside the set's own disk
    expect(mountPaths(app)).toEqual(expect.arrayContaining(['/opt/airflow/dags', '/opt/airflow/webserver_config.py', '/opt/airflow/logs']));
    expect(pod.volumes).toContainEqual({ name: 'pvc-dags', persistentVolumeClaim: { claimName: 'dags' } });
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('logs');
    expect(find(objects, 'StatefulSet', 'airflow-worker').spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['logs']);
    // AND the app's init container runs after the migration's wait
    expect(initNames(pod).filter((n: string) => !n.startsWith('git-sync'))).toEqual(['wait-for-airflow-migrate', 'wait-for-db']);
    expect(validateAll(objects)).toEqual([]);
    expect(restrictedViolations(objects)).toEqual([]);
  });

  test('inherit: { mounts: false, initContainers: false } opts out', () => {
    const pod = podOf(system({ inherit: { mounts: false, initContainers: false } }).objects);
    expect(mountPaths(pod.containers[0])).not.toContain('/opt/airflow/dags');
    expect(initNames(pod)).not.toContain('wait-for-db');
  });

  test("its own settings and secrets, in its own content-hashed ConfigMap kept in the release history, after the app's", () => {
    const { objects } = system();
    const app = appContainer(find(objects, 'StatefulSet', 'airflow-worker'));
    const own = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('airflow-worker-config-'));
    expect(own.data).toEqual({ CELERY_QUEUES: 'default' });
    expect(own.metadata.labels['pyservice.dev/release-history']).toBe('true');
    expect(app.envFrom.map((e: any) => e.configMapRef.name)).toEqual([expect.stringMatching(/^airflow-web-config-/), own.metadata.name]);
    expect(envMap(app)).toMatchObject({
      DATABASE_URL: { secretKeyRef: { name: 'airflow-db', key: 'url' } },
      FERNET_KEY: { secretKeyRef: { name: 'airflow-fernet', key: 'key' } },
    });
    // AND the web service reads none of them
    expect(Object.keys(envMap(appContainer(find(objects, 'Deployment', 'airflow-web'))))).not.toContain('FERNET_KEY');
  });

  test("its own ServiceAccount, with its permissions; the migration's wait admits it; the plan names it", () => {
    const { chart, objects } = system();
    expect(podOf(objects).serviceAccountName).toBe('airflow-worker');
    expect(find(objects, 'ServiceAccount', 'airflow-worker').automountServiceAccountToken).toBe(false);
    expect(allows(objects, 'airflow-worker', 'get', 'pods')).toBe(true);
    expect(allows(objects, 'airflow-web', 'get', 'pods')).toBe(false);
    // AND the projected token reaches the app container only
    const set = find(objects, 'StatefulSet', 'airflow-worker');
    expect(mountPaths(appContainer(set))).toContain('/var/run/secrets/kubernetes.io/serviceaccount');
    const gitSync = containerOf(podOf(objects), 'git-sync');
    expect(mountPaths(gitSync)).not.toContain('/var/run/secrets/kubernetes.io/serviceaccount');
    // AND its pods may read the migration Job their wait polls
    const migration = objects.find((o) => o.kind === 'Job' && o.metadata.labels['app.kubernetes.io/component'] === 'migration');
    expect(allows(objects, 'airflow-worker', 'get', 'jobs', 'batch', migration.metadata.name)).toBe(true);
    expect(planFacts(chart).apps.map((a) => a.serviceAccount)).toEqual(['airflow-web', 'airflow-worker']);
  });

  test("its own cloud identity: the set's ServiceAccount carries the role", () => {
    const profile = CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/airflow-worker' });
    const { objects } = system({ serviceAccount: { profile } });
    expect(find(objects, 'ServiceAccount', 'airflow-worker').metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      'arn:aws:iam::111122223333:role/airflow-worker',
    );
    expect(find(objects, 'ServiceAccount', 'airflow-web').metadata.annotations?.['eks.amazonaws.com/role-arn']).toBeUndefined();
  });

  test("with the app's reloadOnSecretChange, the StatefulSet names the Secrets its pods read in Reloader's annotation", () => {
    const { objects } = system();
    const set = find(objects, 'StatefulSet', 'airflow-worker');
    expect(set.metadata.annotations[RELOAD]).toBe('airflow-db,airflow-fernet');
    expect(set.spec.template.metadata.annotations?.[RELOAD]).toBeUndefined();
    // AND the setup job, which reads its Secrets at each run, carries none
    expect(objects.filter((o) => o.kind === 'Job').every((j) => j.metadata.annotations?.[RELOAD] === undefined)).toBe(true);
  });

  test("a sidecar runs as its own user; the pod keeps the app's", () => {
    const pod = podOf(system().objects);
    expect(containerOf(pod, 'git-sync').securityContext).toMatchObject({
      runAsUser: 65533,
      runAsGroup: 65533,
    });
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001 });
    const app = containerOf(pod, 'app');
    expect(app.securityContext.runAsUser ?? pod.securityContext.runAsUser).toBe(10001);
  });
});

describe('a per-replica claim of a standalone StatefulSet, taken over by a process of it', () => {
  function withStandaloneApp(build: (chart: Chart, cache: PythonStatefulSet) => void) {
    return (chart: Chart) => {
      const cache = new PythonStatefulSet(chart, 'cache', {
        image: 'redis:7.4.1',
        profile: CloudProfile.eks(),
        python: false,
        command: WorkerCommand.command(['redis-server']),
        liveness: WorkerLiveness.none('redis: the TCP check of its Service is its health'),
        mounts: [{ path: '/data', volume: LOGS() }],
      });
      build(chart, cache);
    };
  }

  test('is refused on a worker, with the way out', () => {
    const error = chartError(
      withStandaloneApp(
        (chart, cache) => new PythonWorker(chart, 'flusher', { app: cache, command, liveness: WorkerLiveness.heartbeatFile('/tmp/beat') }),
      ),
    );
    expect(error).toContain(
      "[test/flusher] 'app.mounts[0].volume' is a claim per replica, which only a PythonStatefulSet's pods get (its volumeClaimTemplates); received \"logs\". Keep the workload from taking over the app's mounts (inherit: { mounts: false }), or run it as a PythonStatefulSet.",
    );
  });

  test('becomes a claim template of another StatefulSet: each replica a disk of its own', () => {
    const chart = testChart();
    withStandaloneApp(
      (c, cache) => new PythonStatefulSet(c, 'replica', { app: cache, command, liveness: WorkerLiveness.heartbeatFile('/tmp/beat') }),
    )(chart);
    const objects = Testing.synth(chart);
    const replica = find(objects, 'StatefulSet', 'replica');
    expect(replica.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['logs']);
    expect(replica.spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('logs');
    expect(validateAll(objects)).toEqual([]);
  });
});

describe('refused', () => {
  test.each([
    [{ inherit: { mounts: false } }, "'inherit' needs 'app': a standalone process has no application to inherit from"],
    [{ serviceAccount: {} }, "'serviceAccount' needs 'app': a standalone process has a ServiceAccount of its own already"],
  ])('on a standalone set: %j', (extra, message) => {
    const error = chartError(
      (chart) =>
        new PythonStatefulSet(chart, 'cache', {
          image: 'redis:7.4.1',
          profile: CloudProfile.eks(),
          python: false,
          command: WorkerCommand.command(['redis-server']),
          liveness: WorkerLiveness.none('redis: the TCP check of its Service is its health'),
          ...extra,
        }),
    );
    expect(error).toContain(`[test/cache] ${message}`);
  });

  test.each([
    [{ files: { '/etc/x.ini': ConfigFile.fromText('x') } }, 'files'],
    [{ reloadOnSecretChange: true }, 'reloadOnSecretChange'],
    [{ permissions: [ApiPermission.readPodsAndLogs()] }, 'permissions'],
  ])("with 'app', what the app owns: %#", (extra, prop) => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'airflow-web', baseProps());
      new PythonStatefulSet(chart, 'airflow-worker', { app: web, command, ...extra });
    });
    expect(error).toContain(`[test/airflow-worker] '${prop}' must not be set together with 'app'`);
  });

  test('a setting of its own with a name the app defines', () => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'airflow-web', baseProps({ config: { LOG_LEVEL: 'info' } }));
      new PythonStatefulSet(chart, 'airflow-worker', { app: web, command, config: { LOG_LEVEL: 'debug' } });
    });
    expect(error).toContain(
      '[test/airflow-worker] \'config\' must not define an env var that the app (or the runtime) already defines (one would silently shadow the other); received "LOG_LEVEL".',
    );
  });
});
