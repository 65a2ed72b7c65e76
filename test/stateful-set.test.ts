/**
 * PythonStatefulSet: a disk and a name per replica, with the hardening,
 * identity, NetworkPolicy, PodDisruptionBudget and migration waits every other
 * workload gets.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { render } from '../src/synth';
import {
  AccessMode,
  ClaimRetention,
  CloudProfile,
  KUBERNETES_VERSION_CONTEXT,
  MigrationCommand,
  PodManagementPolicy,
  PortProtocol,
  PythonBuild,
  PythonMicroservice,
  PythonMigration,
  PythonStatefulSet,
  PythonStatefulSetProps,
  StatefulSetUpdate,
  Volume,
  WorkerCommand,
  WorkerLiveness,
  containerFiles,
  releaseSeconds,
} from './support/internals';
import { projectFindings, restrictedViolations } from './support/policies';
import { validateAll } from './support/schema';
import { refusedSetChanges } from './support/stateful-set-model';
import { PROFILES, appContainer, baseProps, chartError, find } from './support/synth';
import { testChart } from './support/cdk8s-testing';

const LOGS = () => Volume.perReplicaClaim('logs', { storage: '10Gi' });

/** A standalone cache on EKS with `extra`, in `chart`. */
const cache = (chart: Chart, extra: Partial<PythonStatefulSetProps>, id = 'cache') =>
  new PythonStatefulSet(chart, id, {
    image: 'redis:7.4.1',
    profile: CloudProfile.eks(),
    command: WorkerCommand.command(['redis-server']),
    ...extra,
  });
const PORT = [{ name: 'redis', port: 6379 }];

/** An Airflow-like worker of an app: task logs on a disk per replica, a log server port the web service reads. */
function workerOfApp(extra: Partial<PythonStatefulSetProps> = {}, version?: string) {
  const app = new App();
  if (version) app.node.setContext(KUBERNETES_VERSION_CONTEXT, version);
  const chart = new Chart(app, 'airflow', { namespace: 'airflow' });
  const web = new PythonMicroservice(chart, 'airflow-web', baseProps());
  new PythonMigration(chart, 'airflow-migrate', { app: web, command: MigrationCommand.alembic() });
  const set = new PythonStatefulSet(chart, 'airflow-worker', {
    app: web,
    command: WorkerCommand.celery({ app: 'airflow.executors.celery_executor.app' }),
    replicas: 3,
    mounts: [{ path: '/opt/airflow/logs', volume: LOGS() }],
    ports: [{ name: 'worker-logs', port: 8793, allowFrom: [] }],
    ...extra,
  });
  return { app, chart, web, set, objects: chart.toJson() };
}

/** A standalone Redis for a small environment: its own image, no Python. */
function redis(extra: Partial<PythonStatefulSetProps> = {}) {
  const chart = testChart();
  const set = new PythonStatefulSet(chart, 'redis', {
    image: 'redis:7.4.1',
    profile: CloudProfile.aks({ clientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11' }),
    python: false,
    runAsUser: 999,
    command: WorkerCommand.command(['redis-server', '--appendonly', 'yes', '--dir', '/data']),
    mounts: [{ path: '/data', volume: Volume.perReplicaClaim('data', { storage: '5Gi' }) }],
    ports: [{ name: 'redis', port: 6379 }],
    shutdownTimeout: Duration.seconds(25),
    ...extra,
  });
  return { chart, set, objects: Testing.synth(chart) };
}

describe('PythonStatefulSet', () => {
  test('a claim template per per-replica mount, mounted at its path, not a pod volume; a headless Service named in serviceName', () => {
    // GIVEN / WHEN
    const { objects } = workerOfApp();

    // THEN
    const sts = find(objects, 'StatefulSet', 'airflow-worker');
    expect(sts.spec.serviceName).toBe('airflow-worker');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    const { ['app.kubernetes.io/version']: version, ...stable } = sts.metadata.labels;
    expect(version).toBe('1.4.2');
    expect(sts.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'logs', labels: stable },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
      },
    ]);
    const pod = sts.spec.template.spec;
    expect(appContainer(sts).volumeMounts).toContainEqual({ name: 'logs', mountPath: '/opt/airflow/logs' });
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('logs');
    const svc = find(objects, 'Service', 'airflow-worker');
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      clusterIP: 'None',
      selector: sts.spec.selector.matchLabels,
      ports: [{ name: 'worker-logs', port: 8793, targetPort: 'worker-logs', protocol: 'TCP' }],
    });
    expect(sts.spec.progressDeadlineSeconds).toBeUndefined();
  });

  test('a new release changes only what the API server lets change in a StatefulSet: its claim templates keep no version label', () => {
    // GIVEN two releases of the app, with a new image tag
    const [n, next] = ['1.4.2', '1.5.0'].map((tag) => {
      const chart = testChart();
      const web = new PythonMicroservice(chart, 'airflow-web', baseProps({ image: `ghcr.io/acme/orders-api:${tag}` }));
      new PythonStatefulSet(chart, 'airflow-worker', {
        app: web,
        command: WorkerCommand.celery({ app: 'airflow.executors.celery_executor.app' }),
        mounts: [{ path: '/opt/airflow/logs', volume: LOGS() }],
      });
      return find(Testing.synth(chart), 'StatefulSet', 'airflow-worker');
    });
    // WHEN the update is checked as ValidateStatefulSetUpdate checks it (rules modelled on it)
    const refused = refusedSetChanges(n, next);
    // THEN nothing is refused, while the pods do get the new version
    expect(refused).toEqual([]);
    expect(next.spec.volumeClaimTemplates).toEqual(n.spec.volumeClaimTemplates);
    expect(next.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.5.0');
  });

  test("shares the app's ServiceAccount, settings and identity, waits for its migration, and keeps the restricted standard", () => {
    const { objects } = workerOfApp();
    const sts = find(objects, 'StatefulSet', 'airflow-worker');
    const web = find(objects, 'Deployment', 'airflow-web');
    expect(sts.spec.template.spec.serviceAccountName).toBe('airflow-web');
    expect(appContainer(sts).envFrom).toEqual(appContainer(web).envFrom);
    const job = objects.find((o: any) => o.kind === 'Job');
    expect(sts.spec.template.spec.initContainers[0].env).toContainEqual({ name: 'MIGRATION_JOB', value: job.metadata.name });
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o: any) => restrictedViolations(o))).toEqual([]);
  });

  test('a PodDisruptionBudget with more than one replica, a NetworkPolicy that admits only its declared ports from their peers', () => {
    const { objects } = workerOfApp();
    expect(find(objects, 'PodDisruptionBudget', 'airflow-worker').spec.maxUnavailable).toBe(1);
    // allowFrom: [] admits no one to the log port; only egress is open.
    expect(find(objects, 'NetworkPolicy', 'airflow-worker').spec.ingress).toEqual([]);
    expect(redis().objects.some((o: any) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test('a standalone set (a cache): its own ServiceAccount and user, a TCP liveness and readiness on its port, a UDP port too', () => {
    const { objects, set } = redis({
      ports: [
        { name: 'redis', port: 6379 },
        { name: 'stats', port: 8125, protocol: PortProtocol.UDP },
      ],
    });
    const sts = find(objects, 'StatefulSet', 'redis');
    expect(sts.spec.template.spec.serviceAccountName).toBe('redis');
    expect(find(objects, 'ServiceAccount', 'redis')).toBeDefined();
    const c = appContainer(sts);
    expect(c.readinessProbe).toMatchObject({ tcpSocket: { port: 'redis' }, periodSeconds: 10 });
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'redis' } });
    expect(c.env?.some((e: any) => e.name.startsWith('PYTHON'))).toBeFalsy();
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999 });
    expect(find(objects, 'Service', 'redis').spec.ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual(['6379/TCP', '8125/UDP']);
    expect(find(objects, 'NetworkPolicy', 'redis').spec.ingress).toEqual([
      { from: [{ podSelector: {} }], ports: [{ port: 6379, protocol: 'TCP' }] },
      { from: [{ podSelector: {} }], ports: [{ port: 8125, protocol: 'UDP' }] },
    ]);
    expect(set.terminationGracePeriodSeconds).toBe(30);
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o: any) => restrictedViolations(o))).toEqual([]);
  });

  test('podManagementPolicy, updateStrategy and readiness are the user’s', () => {
    const { objects } = redis({
      podManagementPolicy: PodManagementPolicy.ORDERED_READY,
      updateStrategy: StatefulSetUpdate.ON_DELETE,
      readiness: WorkerLiveness.command(['redis-cli', 'ping']),
    });
    const sts = find(objects, 'StatefulSet', 'redis');
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(appContainer(sts).readinessProbe).toEqual({
      exec: { command: ['redis-cli', 'ping'] },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
      successThreshold: 1,
    });
  });

  test('claimRetention renders persistentVolumeClaimRetentionPolicy from Kubernetes 1.27; refused before; absent unless set', () => {
    expect(find(workerOfApp({}, '1.32').objects, 'StatefulSet').spec.persistentVolumeClaimRetentionPolicy).toBeUndefined();
    const set = workerOfApp({ claimRetention: { whenScaled: ClaimRetention.DELETE } }, '1.30');
    expect(find(set.objects, 'StatefulSet').spec.persistentVolumeClaimRetentionPolicy).toEqual({
      whenDeleted: 'Retain',
      whenScaled: 'Delete',
    });
    // The 1.28 schemas know the field; the rest of a 1.30 rendering (the sleep preStop action) they do not.
    expect(validateAll([find(set.objects, 'StatefulSet')])).toEqual([]);
    expect(() => workerOfApp({ claimRetention: { whenDeleted: ClaimRetention.DELETE } }, '1.26')).toThrow(
      '[airflow/airflow-worker] \'claimRetention\' needs Kubernetes 1.27 or later (persistentVolumeClaimRetentionPolicy: beta and on by default from 1.27, stable in 1.32); an older API server drops it and keeps every claim; received "Kubernetes 1.26"',
    );
  });

  test('a ReadWriteMany per-replica claim gets the profile’s file share class', () => {
    const { objects } = redis({
      mounts: [{ path: '/data', volume: Volume.perReplicaClaim('data', { storage: '5Gi', accessMode: AccessMode.READ_WRITE_MANY }) }],
    });
    expect(find(objects, 'StatefulSet').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('azurefile-csi');
  });

  test.each([
    [
      (chart: Chart) => new PythonMicroservice(chart, 'api', baseProps({ mounts: [{ path: '/data', volume: LOGS() }] })),
      "[test/api] 'mounts[0].volume' is a claim per replica, which only a PythonStatefulSet's pods get (its volumeClaimTemplates); received \"logs\". Run the process as a PythonStatefulSet, or use Volume.newClaim for one claim the pods share.",
    ],
    [(chart: Chart) => cache(chart, { ports: PORT }, 'x'.repeat(53)), "'name' must be at most 52 characters (it is 53)"],
    [(chart: Chart) => cache(chart, {}), "[test/cache] 'liveness' is required for this command (it has no health check of its own)"],
    [
      (chart: Chart) =>
        cache(chart, { ports: PORT, replicas: 2, mounts: [{ path: '/data', volume: Volume.newClaim('cache-data', { storage: '1Gi' }) }] }),
      "[test/cache] 'mounts[0].volume' is a ReadWriteOnce claim ('cache-data'), a disk that attaches to one node, and up to 2 replicas mount it",
    ],
    [
      (chart: Chart) => cache(chart, { ports: PORT, podManagementPolicy: 'Sometimes' as any }),
      '[test/cache] \'podManagementPolicy\' must be one of OrderedReady, Parallel; received "Sometimes"',
    ],
  ])('refused (%#)', (build, message) => {
    expect(chartError(build)).toContain(message);
  });

  test('its rollout counts in the release time: one pod at a time, each after the old one’s grace period', () => {
    const { chart, set } = workerOfApp();
    const seconds = releaseSeconds(chart)!;
    // The wait (the Job's 10 min timeout plus a minute), then 3 rounds of stop-then-start.
    const round = 120 + set.terminationGracePeriodSeconds;
    expect(seconds).toBe(Math.ceil((11 * 60 + 3 * round) / 60) * 60);
    expect(seconds).toBe(1980);
  });

  test('compose: a service with a named volume for its claim, its ports published', () => {
    const { set } = redis();
    const files = containerFiles([{ container: set.container }], PythonBuild.uv({ pythonVersion: '3.12.7' }));
    const compose = parse(files.get('compose.yaml')!);
    expect(compose.services.redis.volumes).toEqual([{ type: 'volume', source: 'data', target: '/data' }]);
    expect(compose.volumes).toEqual({ data: {} });
    expect(compose.services.redis.ports).toEqual([{ target: 6379, published: 6379, host_ip: '127.0.0.1', protocol: 'tcp' }]);
  });

  test.each(Object.entries(PROFILES))('%s: schema-valid, restricted, and no policy finding but the deliberate ones', (_cloud, profile) => {
    const app = new App({ outdir: '/nonexistent' });
    const chart = new Chart(app, 'airflow', { namespace: 'airflow' });
    const web = new PythonMicroservice(chart, 'airflow-web', baseProps({ profile, priorityClassName: 'business-critical' }));
    new PythonStatefulSet(chart, 'airflow-worker', {
      app: web,
      command: WorkerCommand.celery({ app: 'airflow.executors.celery_executor.app' }),
      replicas: 2,
      mounts: [{ path: '/opt/airflow/logs', volume: LOGS() }],
      ports: [{ name: 'worker-logs', port: 8793, allowFrom: [] }],
    });
    // One replica without a port: a scheduler's companion that keeps its state on its disk.
    new PythonStatefulSet(chart, 'airflow-triggerer', {
      app: web,
      command: WorkerCommand.command(['airflow', 'triggerer']),
      liveness: WorkerLiveness.command(['airflow', 'jobs', 'check', '--job-type', 'TriggererJob', '--local']),
      mounts: [{ path: '/opt/airflow/logs', volume: LOGS() }],
    });
    const r = render([{ cloud: 'c', app }]);
    expect(r.errors).toEqual([]);
    const objects = [...r.objects.get('c')!];
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
    expect(projectFindings(objects as any[]).map((f) => `${f.tool} ${f.check} ${f.object}: ${f.message}`)).toEqual([]);
  });
});
