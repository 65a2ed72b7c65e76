/**
 * Apache Airflow with the Celery executor, as its official Helm chart deploys it.
 *
 * Upstream: github.com/apache/airflow, the chart in `chart/`, as read at the
 * version whose `chart/values.yaml` defaults to Airflow 2.7.3 (statsd-exporter
 * v0.22.8, Redis 7): `values.yaml` (ports, uid 50000, git-sync uid 65533, statsd uid
 * 65534, the `config:` of airflow.cfg, the `airflow db migrate` and `airflow users
 * create` jobs), `templates/workers/worker-deployment.yaml` (a StatefulSet with a
 * `logs` claim per replica and the `worker-logs` port 8793), the triggerer's (the
 * same with `triggerer-logs` 8794), `templates/statsd/statsd-deployment.yaml` (UDP
 * 9125 ingest, TCP 9102 scrape), `templates/redis/redis-statefulset.yaml`,
 * `templates/rbac/pod-launcher-role.yaml`, `pod-launcher-rolebinding.yaml` and
 * `pod-log-reader-role.yaml`, `templates/_helpers.yaml` (git-sync's container, the
 * liveness commands) and `files/statsd-mappings.yml`; for git-sync v4 and its HTTP
 * probe, the chart's later `helm-tests/tests/helm_tests/other/test_git_sync_scheduler.py`.
 *
 * What differs from the chart, on purpose: the root filesystem is read-only, so the
 * webserver writes its pid file under /tmp and every Airflow pod has a writable logs
 * folder; the pods wait for the migration Job through the library's wait instead of
 * `airflow db check-migrations`; git-sync is v4 (the chart then shipped v3.6.9),
 * clones over HTTPS without `GITSYNC_ADD_USER` (it appends to /etc/passwd, for SSH
 * only) and has startup, liveness and readiness checks; the StatsD exporter is checked
 * on its own /-/healthy and /-/ready; Redis is pinned to a patch release and checked
 * with `redis-cli ping`; the create-user job and the scheduler have ServiceAccounts
 * without API access, and the Role for launching pods is bound to the workers' own
 * ServiceAccount only (the chart binds the scheduler's too for Kubernetes executors).
 */
import { Duration } from 'cdk8s';
import {
  ApiPermission,
  ApiVerb,
  ConfigFile,
  ContainerCheck,
  ContainerProps,
  Exposure,
  MigrationCommand,
  Mount,
  NetworkPeer,
  PortProtocol,
  PyserviceApp,
  PythonMicroservice,
  PythonMigration,
  PythonServer,
  PythonSetupJob,
  PythonSingleton,
  PythonStatefulSet,
  PythonWorker,
  SecretEnv,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { AIRFLOW_CFG, STATSD_MAPPINGS, WEBSERVER_CONFIG } from './airflow-files';
import { CLOUDS, PRIORITY, profile, runIfMain, systemChart } from './common';

/** The Celery app of the Celery provider (Airflow 2.7 and later). */
const CELERY_APP = 'airflow.providers.celery.executors.celery_executor.app';
/** Every Airflow pod: the web UI, the scheduler, the workers, the triggerer and the jobs. */
const AIRFLOW_PODS = NetworkPeer.pods({ 'app.kubernetes.io/part-of': 'airflow' });

/** `airflow jobs check` through the image's entrypoint, as the chart's liveness checks run it. */
function jobsCheck(jobType: string): WorkerLiveness {
  return WorkerLiveness.command([
    'sh',
    '-c',
    `CONNECTION_CHECK_MAX_COUNT=0 AIRFLOW__LOGGING__LOGGING_LEVEL=ERROR exec /entrypoint airflow jobs check --job-type ${jobType} --local`,
  ]);
}

export function airflowApp(env: { readonly [name: string]: string | undefined } = {}): PyserviceApp {
  // The official image; CI promotes another build (one with the DAGs' own packages) with IMAGE_AIRFLOW.
  const app = new PyserviceApp({ outdir: 'examples/out/airflow', env, images: { airflow: { image: 'apache/airflow:2.7.3' } } });
  for (const cloud of CLOUDS) {
    const target = app.addTarget({ environment: 'prod', cloud });
    const chart = systemChart(target, 'airflow');

    // The DAGs: git-sync (its own image and user, UID 65533) clones them into an emptyDir the Airflow
    // container reads; once in an init container, then every 5 s in a sidecar whose HTTP endpoint
    // answers / once a sync is done (the chart's later versions probe it the same way).
    const dags = Volume.emptyDir('dags', { sizeLimit: '1Gi' });
    const gitSync = (init: boolean): ContainerProps => ({
      name: init ? 'git-sync-init' : 'git-sync',
      image: 'registry.k8s.io/git-sync/git-sync:v4.1.0',
      runAsUser: 65533,
      env: {
        GITSYNC_REPO: 'https://github.com/acme/airflow-dags.git',
        GITSYNC_REF: 'main',
        GITSYNC_DEPTH: '1',
        GITSYNC_ROOT: '/git',
        GITSYNC_LINK: 'repo',
        GITSYNC_PERIOD: '5s',
        GITSYNC_MAX_FAILURES: '0',
        ...(init ? { GITSYNC_ONE_TIME: 'true' } : { GITSYNC_HTTP_BIND: ':1234' }),
      },
      resources: { cpu: '100m', memory: '128Mi' },
      mounts: [{ path: '/git', volume: dags }],
      ...(init
        ? {}
        : {
            ports: [{ name: 'git-sync', port: 1234, expose: false, allowFrom: [] }],
            startup: ContainerCheck.http('/', 1234),
            liveness: ContainerCheck.http('/', 1234),
            readiness: ContainerCheck.tcp(1234),
          }),
    });
    const withDags = { initContainers: [gitSync(true)], sidecars: [gitSync(false)] };
    const dagsMount: Mount = { path: '/opt/airflow/dags', volume: dags, readOnly: true };
    // Every Airflow process writes under the logs folder when it starts; the web UI and the scheduler keep them per pod.
    const scratchLogs: Mount = { path: '/opt/airflow/logs', volume: Volume.emptyDir('logs', { sizeLimit: '2Gi' }) };

    const web = new PythonMicroservice(chart, 'airflow-web', {
      image: target.image('airflow'),
      runAsUser: 50000,
      // The image's dumb-init and /entrypoint (which waits for the database) stay; the command is their argument.
      keepEntrypoint: true,
      // airflow webserver starts gunicorn; it takes the worker count as a flag, not from WEB_CONCURRENCY.
      server: PythonServer.command({
        command: ['airflow', 'webserver', '--pid', '/tmp/airflow-webserver.pid'],
        concurrency: 'wsgi',
        workersFlag: '--workers',
        memoryPerWorker: '512Mi',
      }),
      port: 8080,
      resources: { cpu: '1', memory: '2Gi' },
      // /health answers 200 with the scheduler's and the database's status in its body.
      health: { readiness: '/health', liveness: '/health', readinessChecksNoDependency: true, startupBudget: Duration.minutes(3) },
      replicas: 2,
      partOf: 'airflow',
      files: {
        '/opt/airflow/airflow.cfg': ConfigFile.fromText(AIRFLOW_CFG),
        '/opt/airflow/webserver_config.py': ConfigFile.fromText(WEBSERVER_CONFIG),
      },
      secrets: [
        SecretEnv.fromExisting('airflow-metadata', { AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: 'connection' }),
        SecretEnv.fromExisting('airflow-fernet-key', { AIRFLOW__CORE__FERNET_KEY: 'fernet-key' }),
        SecretEnv.fromExisting('airflow-webserver-secret-key', { AIRFLOW__WEBSERVER__SECRET_KEY: 'webserver-secret-key' }),
        SecretEnv.fromExisting('airflow-redis-password', { REDIS_PASSWORD: 'password' }),
      ],
      // The broker URL names the password variable; Kubernetes expands it, after the secret's variable.
      env: { AIRFLOW__CELERY__BROKER_URL: 'redis://:$(REDIS_PASSWORD)@airflow-redis:6379/0' },
      reloadOnSecretChange: true,
      mounts: [scratchLogs],
      // The web UI reads the logs of the pods that tasks launch (the chart's pod-log-reader role).
      permissions: [
        ApiPermission.of({ resources: ['pods'], verbs: [ApiVerb.LIST, ApiVerb.GET, ApiVerb.WATCH] }),
        ApiPermission.of({ resources: ['pods/log'], verbs: [ApiVerb.GET, ApiVerb.LIST] }),
      ],
      exposure: Exposure.INTERNAL,
      profile: profile(cloud, 'airflow'),
      priorityClassName: PRIORITY,
    });

    new PythonMigration(chart, 'airflow-migrate', {
      app: web,
      command: MigrationCommand.command(['airflow', 'db', 'migrate']),
      timeout: Duration.minutes(15),
    });

    // The chart's createUserJob: the first admin, from a Secret only this job reads; `users create` skips an existing user.
    new PythonSetupJob(chart, 'airflow-create-user', {
      app: web,
      command: [
        'airflow',
        'users',
        'create',
        '--role',
        'Admin',
        '--username',
        '$(ADMIN_USERNAME)',
        '--email',
        '$(ADMIN_EMAIL)',
        '--firstname',
        'admin',
        '--lastname',
        'user',
        '--password',
        '$(ADMIN_PASSWORD)',
      ],
      secrets: [SecretEnv.fromExisting('airflow-admin', { ADMIN_USERNAME: 'username', ADMIN_EMAIL: 'email', ADMIN_PASSWORD: 'password' })],
      // Its own ServiceAccount, as in the chart: no API token, unlike the web UI's.
      serviceAccount: { name: 'airflow-create-user' },
    });

    // Schedulers: Airflow 2 runs several at once on PostgreSQL (row locks), so two. Their own
    // ServiceAccount: the Celery executor needs no API access.
    new PythonWorker(chart, 'airflow-scheduler', {
      app: web,
      serviceAccount: { name: 'airflow-scheduler' },
      command: WorkerCommand.command(['airflow', 'scheduler']),
      liveness: jobsCheck('SchedulerJob'),
      replicas: 2,
      resources: { cpu: '1', memory: '2Gi' },
      mounts: [dagsMount],
      ...withDags,
    });

    // Celery workers: task logs on a disk per replica, served on 8793 to the web UI, which
    // reaches each pod by its own name (airflow-worker-0.airflow-worker); the workers launch
    // pods (KubernetesPodOperator) as their own ServiceAccount, with the chart's pod-launcher role.
    new PythonStatefulSet(chart, 'airflow-worker', {
      app: web,
      command: WorkerCommand.command(['airflow', 'celery', 'worker']),
      liveness: WorkerLiveness.command([
        'sh',
        '-c',
        `CONNECTION_CHECK_MAX_COUNT=0 exec /entrypoint python -m celery --app ${CELERY_APP} inspect ping -d celery@$(hostname)`,
      ]),
      replicas: 2,
      resources: { cpu: '2', memory: '4Gi' },
      shutdownTimeout: Duration.minutes(9),
      // dumb-init signals Celery alone, so its warm shutdown finishes the running tasks.
      env: { DUMB_INIT_SETSID: '0' },
      inherit: { mounts: false },
      mounts: [{ path: '/opt/airflow/logs', volume: Volume.perReplicaClaim('logs', { storage: '100Gi' }) }, dagsMount],
      ports: [{ name: 'worker-logs', port: 8793, allowFrom: [NetworkPeer.pods({ 'app.kubernetes.io/name': 'airflow-web' })] }],
      serviceAccount: {
        name: 'airflow-worker',
        profile: profile(cloud, 'airflow-worker'),
        permissions: [
          ApiPermission.of({
            resources: ['pods'],
            verbs: [ApiVerb.CREATE, ApiVerb.LIST, ApiVerb.GET, ApiVerb.PATCH, ApiVerb.WATCH, ApiVerb.DELETE],
          }),
          ApiPermission.of({ resources: ['pods/log'], verbs: [ApiVerb.GET] }),
          ApiPermission.of({ resources: ['pods/exec'], verbs: [ApiVerb.CREATE, ApiVerb.GET] }),
          ApiPermission.of({ resources: ['events'], verbs: [ApiVerb.LIST] }),
        ],
      },
      ...withDags,
    });

    // The triggerer runs deferred tasks; its logs are served on 8794 like the workers'. It shares
    // the web UI's ServiceAccount and so its pod-log-reader Role, as the chart binds it.
    new PythonStatefulSet(chart, 'airflow-triggerer', {
      app: web,
      command: WorkerCommand.command(['airflow', 'triggerer']),
      liveness: jobsCheck('TriggererJob'),
      resources: { cpu: '500m', memory: '1Gi' },
      shutdownTimeout: Duration.seconds(55),
      inherit: { mounts: false },
      mounts: [{ path: '/opt/airflow/logs', volume: Volume.perReplicaClaim('logs', { storage: '100Gi' }) }, dagsMount],
      ports: [{ name: 'triggerer-logs', port: 8794, allowFrom: [NetworkPeer.pods({ 'app.kubernetes.io/name': 'airflow-web' })] }],
      ...withDags,
    });

    // The Celery broker: Redis with its own disk, the password from the Secret the broker URL uses.
    new PythonStatefulSet(chart, 'airflow-redis', {
      image: 'redis:7.2.4-bookworm',
      python: false,
      runAsUser: 999,
      profile: profile(cloud, 'airflow-redis'),
      priorityClassName: PRIORITY,
      partOf: 'airflow',
      command: WorkerCommand.command(['redis-server', '--requirepass', '$(REDIS_PASSWORD)']),
      secrets: [SecretEnv.fromExisting('airflow-redis-password', { REDIS_PASSWORD: 'password' })],
      // Alive when it answers a command; ready (the default) once it accepts connections.
      liveness: WorkerLiveness.command(['sh', '-c', 'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG']),
      resources: { cpu: '250m', memory: '512Mi' },
      mounts: [{ path: '/data', volume: Volume.perReplicaClaim('redis-db', { storage: '1Gi' }) }],
      ports: [{ name: 'redis-db', port: 6379, allowFrom: [AIRFLOW_PODS] }],
    });

    // StatsD: Airflow sends its metrics over UDP; Prometheus scrapes them from the exporter.
    // Not Python: its image has no python3. One replica, or each would hold part of the counters.
    new PythonSingleton(chart, 'airflow-statsd', {
      image: 'quay.io/prometheus/statsd-exporter:v0.22.8',
      python: false,
      runAsUser: 65534,
      profile: profile(cloud, 'airflow-statsd'),
      priorityClassName: PRIORITY,
      partOf: 'airflow',
      command: WorkerCommand.command(['/bin/statsd_exporter', '--statsd.mapping-config=/etc/statsd-exporter/mappings.yml']),
      files: { '/etc/statsd-exporter/mappings.yml': ConfigFile.fromText(STATSD_MAPPINGS) },
      // The exporter's own health and readiness endpoints on its scrape port (busybox's wget; the chart GETs /metrics).
      liveness: WorkerLiveness.command(['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9102/-/healthy'], Duration.seconds(10)),
      readiness: WorkerLiveness.command(['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9102/-/ready']),
      resources: { cpu: '100m', memory: '128Mi' },
      ports: [{ name: 'statsd-ingest', port: 9125, protocol: PortProtocol.UDP, allowFrom: [AIRFLOW_PODS] }],
      metrics: { port: 9102 },
    });
  }
  return app;
}

runIfMain(module, 'airflow', () => airflowApp(process.env));
