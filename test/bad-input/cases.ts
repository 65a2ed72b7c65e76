/**
 * Plausible mistakes, one or more per prop family and per class of failure,
 * each with what its message must name: the construct path, the prop, the
 * received value (as the message echoes it) and the start of the fix.
 */
import { Chart, Duration } from 'cdk8s';
import {
  CloudProfile,
  EnvFrom,
  Exposure,
  HealthCheck,
  PodField,
  Protocol,
  MigrationCommand,
  PythonBuild,
  PythonCronJob,
  PythonMicroservice,
  PythonMicroserviceProps,
  PythonMigration,
  PythonServer,
  PythonSetupJob,
  PythonStatefulSet,
  PythonWorker,
  PortProtocol,
  QueueScaler,
  RolloutStrategy,
  SecretEnv,
  TlsCertificate,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';

/** Props of a valid service, to break one prop at a time. */
export function good(overrides: Partial<PythonMicroserviceProps> | Record<string, unknown> = {}): PythonMicroserviceProps {
  return {
    image: 'ghcr.io/acme/orders-api:1.4.2',
    server: PythonServer.gunicornUvicorn({ app: 'orders.main:app' }),
    health: { liveness: '/livez', readiness: '/readyz' },
    config: { REDIS_ADDRESS: 'redis:6379' },
    profile: CloudProfile.eks(),
    ...overrides,
  } as PythonMicroserviceProps;
}

export interface BadInput {
  readonly family: string;
  readonly name: string;
  /** Defines the mistake in a chart called `shop`. */
  readonly build: (chart: Chart) => void;
  /** Construct path the message names. */
  readonly path: string;
  readonly prop: string;
  /** The received value as the message prints it. */
  readonly received: string;
  /** The start of the fix. */
  readonly fix: string;
}

const service =
  (overrides: Partial<PythonMicroserviceProps> | Record<string, unknown>, id = 'orders-api') =>
  (chart: Chart) => {
    new PythonMicroservice(chart, id, good(overrides));
  };

const withApp =
  (add: (chart: Chart, app: PythonMicroservice) => void, appOverrides: Partial<PythonMicroserviceProps> = {}) =>
  (chart: Chart) => {
    add(chart, new PythonMicroservice(chart, 'orders-api', good(appOverrides)));
  };

export const CASES: BadInput[] = [
  // names
  {
    family: 'names',
    name: 'a Service name that starts with a digit',
    build: service({}, '1orders'),
    path: 'shop/1orders',
    prop: 'name',
    received: '"1orders"',
    fix: "Use e.g. 'svc-1orders'",
  },
  {
    family: 'names',
    name: 'an accented name: transliterated, not truncated',
    build: service({ name: 'órders-api' }),
    path: 'shop/orders-api',
    prop: 'name',
    received: '"órders-api"',
    fix: "Use a name like 'orders-api'",
  },
  {
    family: 'names',
    name: 'a chart namespace the API server refuses',
    build: (chart) => new PythonMicroservice(new Chart(chart, 'Shop', { namespace: 'Shop_Prod' }), 'orders-api', good()),
    path: 'shop/Shop/orders-api',
    prop: 'namespace (of the chart)',
    received: '"Shop_Prod"',
    fix: "Use e.g. new Chart(app, 'shop', { namespace: 'shop-prod' })",
  },
  // images
  {
    family: 'images',
    name: 'an uppercase repository',
    build: service({ image: 'ghcr.io/Acme/orders-api:1.0' }),
    path: 'shop/orders-api',
    prop: 'image',
    received: '"ghcr.io/Acme/orders-api:1.0"',
    fix: 'Write it like',
  },
  {
    family: 'images',
    name: 'a short digest',
    build: service({ image: 'ghcr.io/acme/orders-api@sha256:abc' }),
    path: 'shop/orders-api',
    prop: 'image',
    received: '"ghcr.io/acme/orders-api@sha256:abc"',
    fix: 'Write it like',
  },
  {
    family: 'images',
    name: 'trailing whitespace',
    build: service({ image: 'ghcr.io/acme/orders-api:1.0 ' }),
    path: 'shop/orders-api',
    prop: 'image',
    received: '"ghcr.io/acme/orders-api:1.0 "',
    fix: "Remove the whitespace: 'ghcr.io/acme/orders-api:1.0'",
  },
  {
    family: 'images',
    name: ':latest',
    build: service({ image: 'ghcr.io/acme/orders-api:latest' }),
    path: 'shop/orders-api',
    prop: 'image',
    received: '"ghcr.io/acme/orders-api:latest"',
    fix: 'Tag each build',
  },
  // quantities
  {
    family: 'quantities',
    name: 'a CPU in cores with a unit',
    build: service({ resources: { cpu: '2 cores' } }),
    path: 'shop/orders-api',
    prop: 'resources.cpu',
    received: '"2 cores"',
    fix: 'Use',
  },
  {
    family: 'quantities',
    name: 'NaN replicas, echoed as NaN',
    build: service({ replicas: NaN }),
    path: 'shop/orders-api',
    prop: 'replicas',
    received: 'NaN',
    fix: 'Pass a finite number',
  },
  {
    family: 'quantities',
    name: 'Infinity as a port',
    build: service({ port: Infinity }),
    path: 'shop/orders-api',
    prop: 'port',
    received: 'Infinity',
    fix: 'Pass a finite number',
  },
  // durations
  {
    family: 'durations',
    name: 'a number where a Duration goes (JavaScript)',
    build: service({ drainDelay: 30 }),
    path: 'shop/orders-api',
    prop: 'drainDelay',
    received: '30',
    fix: 'Use Duration.seconds(30)',
  },
  {
    family: 'durations',
    name: 'a string where a Duration goes, nested',
    build: service({ health: { readiness: '/readyz', startupBudget: '90s' } }),
    path: 'shop/orders-api',
    prop: 'health.startupBudget',
    received: '"90s"',
    fix: 'Use Duration.seconds(...)',
  },
  // health
  {
    family: 'health',
    name: 'liveness equal to readiness but for a slash',
    build: service({ health: { readiness: '/health/', liveness: '/health' } }),
    path: 'shop/orders-api',
    prop: 'health.liveness',
    received: '"/health"',
    fix: 'Serve a dependency-free liveness path',
  },
  {
    family: 'health',
    name: 'a misspelled nested prop (JavaScript)',
    build: service({ health: { readyness: '/readyz', readiness: '/readyz' } }),
    path: 'shop/orders-api',
    prop: 'health.readyness',
    received: '"/readyz"',
    fix: "Did you mean 'health.readiness'?",
  },
  // scaling
  {
    family: 'scaling',
    name: 'a misspelled prop silently losing the autoscaler (JavaScript)',
    build: service({ autoscalling: { minReplicas: 2, maxReplicas: 5 } }),
    path: 'shop/orders-api',
    prop: 'autoscalling',
    received: '{"minReplicas":2,"maxReplicas":5}',
    fix: "Did you mean 'autoscaling'?",
  },
  {
    family: 'scaling',
    name: 'min above max',
    build: service({ autoscaling: { minReplicas: 5, maxReplicas: 2 } }),
    path: 'shop/orders-api',
    prop: 'autoscaling.minReplicas',
    received: '5',
    fix: 'Lower minReplicas to 2 or raise maxReplicas to 5.',
  },
  // env, config, secrets
  {
    family: 'env/config/secrets',
    name: 'a store secret passed as two strings (JavaScript)',
    build: service({ secrets: [(SecretEnv.fromStore as (...a: unknown[]) => SecretEnv)('DATABASE_URL', 'shop/orders-db')] }),
    path: 'shop/orders-api',
    prop: 'secrets[0]',
    received: '"DATABASE_URL"',
    fix: "Pass e.g. { DATABASE_URL: 'orders/database-url' }.",
  },
  {
    family: 'env/config/secrets',
    name: 'a secret in camelCase',
    build: service({ config: { dbPassword: 'hunter2' } }),
    path: 'shop/orders-api',
    prop: 'config.dbPassword',
    received: '"dbPassword"',
    fix: "Move it to 'secrets'",
  },
  {
    family: 'env/config/secrets',
    name: 'a secret in lowercase, without separators',
    build: service({ env: { apitoken: 'x' } }),
    path: 'shop/orders-api',
    prop: 'env.apitoken',
    received: '"apitoken"',
    fix: "Move it to 'secrets'",
  },
  {
    family: 'env/config/secrets',
    name: 'a ConfigMap over 1 MiB',
    build: service({ config: { BIG: 'x'.repeat(1024 * 1024) } }),
    path: 'shop/orders-api',
    prop: 'config',
    received: '"1048579 bytes"',
    fix: 'Keep large data out of env vars',
  },
  // identity per cloud
  {
    family: 'identity',
    name: 'EKS: not a role ARN',
    build: service({ profile: CloudProfile.eks({ roleArn: 'orders-api' }) }),
    path: 'shop/orders-api',
    prop: 'profile.roleArn',
    received: '"orders-api"',
    fix: '',
  },
  {
    family: 'identity',
    name: 'GKE: not a service account email',
    build: service({ profile: CloudProfile.gke({ serviceAccount: 'orders-api' }) }),
    path: 'shop/orders-api',
    prop: 'profile.serviceAccount',
    received: '"orders-api"',
    fix: '',
  },
  {
    family: 'identity',
    name: 'AKS: not a client ID',
    build: service({ profile: CloudProfile.aks({ clientId: 'orders-api' }) }),
    path: 'shop/orders-api',
    prop: 'profile.clientId',
    received: '"orders-api"',
    fix: '',
  },
  {
    family: 'identity',
    name: 'a misspelled profile option (JavaScript)',
    build: service({ profile: CloudProfile.eks({ loadBalancerSourceRange: ['10.0.96.0/20'] } as never), exposure: Exposure.PUBLIC }),
    path: 'shop/orders-api',
    prop: 'profile.loadBalancerSourceRange',
    received: '["10.0.96.0/20"]',
    fix: "Did you mean 'profile.loadBalancerSourceRanges'?",
  },
  {
    family: 'ingress/TLS',
    name: 'a proxy range as a string (JavaScript)',
    build: service({
      profile: CloudProfile.aks({ ingressController: 'agic', loadBalancerSourceRanges: '10.225.0.0/16' } as never),
      ingress: { host: 'api.example.com' },
      exposure: Exposure.PUBLIC,
    }),
    path: 'shop/orders-api',
    prop: 'profile.loadBalancerSourceRanges',
    received: '"10.225.0.0/16"',
    fix: 'Pass a list.',
  },
  // ingress and TLS
  {
    family: 'ingress/TLS',
    name: 'an internationalised host: suggested in punycode',
    build: service({ exposure: Exposure.PUBLIC, ingress: { host: 'café.example.com' } }),
    path: 'shop/orders-api',
    prop: 'ingress.host',
    received: '"café.example.com"',
    fix: "Use its ASCII form 'xn--caf-dma.example.com'",
  },
  {
    family: 'ingress/TLS',
    name: 'a Google certificate on EKS',
    build: service({ exposure: Exposure.PUBLIC, ingress: { host: 'api.example.com', tls: TlsCertificate.googleManaged() } }),
    path: 'shop/orders-api',
    prop: 'ingress.tls',
    received: '"google-managed"',
    fix: 'Use TlsCertificate.acm(arn)',
  },
  // workers and KEDA
  {
    family: 'workers/KEDA',
    name: 'a scaler reading an env var nobody defines',
    build: withApp(
      (chart, app) =>
        new PythonWorker(chart, 'orders-worker', {
          app,
          command: WorkerCommand.celery({ app: 'orders.celery:app' }),
          queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_URL' }), maxReplicas: 5 },
        }),
    ),
    path: 'shop/orders-worker',
    prop: 'queueAutoscaling.queue.addressFromEnv',
    received: '"REDIS_URL"',
    fix: 'Define REDIS_URL',
  },
  {
    family: 'workers/KEDA',
    name: 'a Redis scaler reading a redis:// URL as its address',
    build: withApp(
      (chart, app) =>
        new PythonWorker(chart, 'orders-worker', {
          app,
          command: WorkerCommand.celery({ app: 'orders.celery:app' }),
          queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_URL' }), maxReplicas: 5 },
        }),
      { config: { REDIS_URL: 'redis://redis:6379/0' } },
    ),
    path: 'shop/orders-worker',
    prop: 'queueAutoscaling.queue.addressFromEnv',
    received: '"REDIS_URL"',
    fix: "Add a variable holding 'redis:6379'",
  },
  {
    family: 'workers/KEDA',
    name: 'a Redis scaler watching a list the worker does not consume',
    build: withApp(
      (chart, app) =>
        new PythonWorker(chart, 'orders-worker', {
          app,
          command: WorkerCommand.celery({ app: 'orders.celery:app', queues: ['orders'] }),
          queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS', listName: 'celery' }), maxReplicas: 5 },
        }),
    ),
    path: 'shop/orders-worker',
    prop: 'queueAutoscaling.queue.listName',
    received: '"celery"',
    fix: 'Leave listName unset',
  },
  {
    family: 'workers/KEDA',
    name: 'shutdownTimeout as a number (JavaScript)',
    build: withApp(
      (chart, app) =>
        new PythonWorker(chart, 'orders-worker', {
          app,
          command: WorkerCommand.celery({ app: 'orders.celery:app' }),
          shutdownTimeout: 600 as never,
        }),
    ),
    path: 'shop/orders-worker',
    prop: 'shutdownTimeout',
    received: '600',
    fix: 'Use Duration.seconds(600)',
  },
  {
    family: 'workers/KEDA',
    name: 'a command without a liveness check',
    build: withApp(
      (chart, app) => new PythonWorker(chart, 'orders-events', { app, command: WorkerCommand.command(['python', '-m', 'events']) }),
    ),
    path: 'shop/orders-events',
    prop: 'liveness',
    received: 'nothing',
    fix: 'Use WorkerLiveness.heartbeatFile',
  },
  // cron
  {
    family: 'cron',
    name: 'a six-field schedule',
    build: withApp(
      (chart, app) => new PythonCronJob(chart, 'nightly', { app, command: ['python', '-m', 'report'], schedule: '0 30 2 * * *' }),
    ),
    path: 'shop/nightly',
    prop: 'schedule',
    received: '"0 30 2 * * *"',
    fix: 'Use five fields',
  },
  {
    family: 'cron',
    name: 'a time zone abbreviation',
    build: withApp(
      (chart, app) =>
        new PythonCronJob(chart, 'nightly', { app, command: ['python', '-m', 'report'], schedule: '@daily', timeZone: 'CET+1' }),
    ),
    path: 'shop/nightly',
    prop: 'timeZone',
    received: '"CET+1"',
    fix: "Use e.g. 'Europe/Paris'",
  },
  // migrations
  {
    family: 'migrations',
    name: 'an empty command',
    build: withApp((chart, app) => new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.command([]) })),
    path: 'shop/migrate',
    prop: 'command',
    received: '[]',
    fix: 'Use MigrationCommand.django()',
  },
  {
    family: 'migrations',
    name: 'timeout as a string (JavaScript)',
    build: withApp(
      (chart, app) => new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic(), timeout: '10m' as never }),
    ),
    path: 'shop/migrate',
    prop: 'timeout',
    received: '"10m"',
    fix: 'Use Duration.seconds(...)',
  },
  // setup jobs
  {
    family: 'setup jobs',
    name: 'an empty command',
    build: withApp((chart, app) => new PythonSetupJob(chart, 'seed', { app, command: [] })),
    path: 'shop/seed',
    prop: 'command',
    received: '[]',
    fix: "Pass e.g. ['python', 'app/initial_data.py']",
  },
  {
    family: 'setup jobs',
    name: 'after as one job instead of a list (JavaScript)',
    build: withApp((chart, app) => {
      const first = new PythonSetupJob(chart, 'first', { app, command: ['true'] });
      new PythonSetupJob(chart, 'seed', { app, command: ['true'], after: first as never });
    }),
    path: 'shop/seed',
    prop: 'after',
    received: 'the construct shop/first',
    fix: 'Pass a list',
  },
  // pods
  {
    family: 'pods',
    name: 'a sidecar of its own user running as root',
    build: service({ sidecars: [{ name: 'git-sync', image: 'registry.k8s.io/git-sync/git-sync:v4.2.4', runAsUser: 0 }] }),
    path: 'shop/orders-api',
    prop: 'sidecars[0].runAsUser',
    received: '0',
    fix: "Use the UID the container's image runs as",
  },
  {
    family: 'pods',
    name: 'UID 0',
    build: service({ runAsUser: 0 }),
    path: 'shop/orders-api',
    prop: 'runAsUser',
    received: '0',
    fix: "Use the UID the image's USER creates",
  },
  {
    family: 'pods',
    name: 'a mount of something that is not a Volume',
    build: service({ mounts: [{ path: '/data', volume: PythonBuild as never }] }),
    path: 'shop/orders-api',
    prop: 'mounts[0]',
    received: '{"path":"/data"}',
    fix: 'Pass e.g. { path:',
  },
  {
    family: 'pods',
    name: 'two mounts at one path',
    build: service({
      mounts: [
        { path: '/data', volume: Volume.emptyDir('a') },
        { path: '/data', volume: Volume.emptyDir('b') },
      ],
    }),
    path: 'shop/orders-api',
    prop: 'mounts[1].path',
    received: '"/data"',
    fix: 'Mount each volume at its own path',
  },
  // grace periods and wait
  {
    family: 'health',
    name: 'a grace period shorter than the drain and graceful timeout',
    build: service({ terminationGracePeriod: Duration.seconds(10) }),
    path: 'shop/orders-api',
    prop: 'terminationGracePeriod',
    received: '10',
    fix: 'Set it to Duration.seconds(',
  },
  // liveness command arg
  {
    family: 'workers/KEDA',
    name: 'a worker with an unknown prop (JavaScript)',
    build: withApp(
      (chart, app) =>
        new PythonWorker(chart, 'orders-worker', {
          app,
          command: WorkerCommand.celery({ app: 'x:app' }),
          liveness: WorkerLiveness.heartbeatFile('/tmp/h'),
          replica: 3,
        } as never),
    ),
    path: 'shop/orders-worker',
    prop: 'replica',
    received: '3',
    fix: "Did you mean 'replicas'?",
  },
  // storage and stateful workloads
  {
    family: 'storage',
    name: 'a ReadWriteOnce claim on a web service of two replicas',
    build: service({ mounts: [{ path: '/data', volume: Volume.newClaim('data', { storage: '10Gi' }) }] }),
    path: 'shop/orders-api',
    prop: 'mounts[0].volume',
    received: '"data"',
    fix: 'Give each replica a disk of its own with a PythonStatefulSet',
  },
  {
    family: 'storage',
    name: 'Recreate with two replicas',
    build: service({ strategy: RolloutStrategy.RECREATE, replicas: 2 }),
    path: 'shop/orders-api',
    prop: 'strategy',
    received: '"Recreate"',
    fix: 'Run one replica (replicas: 1)',
  },
  {
    family: 'storage',
    name: 'a StatefulSet with a misspelled prop (JavaScript)',
    build: withApp(
      (chart, app) =>
        new PythonStatefulSet(chart, 'orders-ledger', {
          app,
          command: WorkerCommand.command(['python', '-m', 'orders.ledger']),
          liveness: WorkerLiveness.heartbeatFile('/tmp/h'),
          volumeClaims: [{ name: 'data', path: '/data' }],
        } as never),
    ),
    path: 'shop/orders-ledger',
    prop: 'volumeClaims',
    received: '[{"name":"data","path":"/data"}]',
    fix: 'Remove it; the props are',
  },
  {
    family: 'storage',
    name: 'a per-replica claim a worker takes over from its app, a standalone StatefulSet',
    build: withApp((chart) => {
      const cache = new PythonStatefulSet(chart, 'cache', {
        image: 'redis:7.4.1',
        profile: CloudProfile.eks(),
        python: false,
        command: WorkerCommand.command(['redis-server']),
        liveness: WorkerLiveness.none('redis: the TCP check of its Service is its health'),
        mounts: [{ path: '/data', volume: Volume.perReplicaClaim('data', { storage: '1Gi' }) }],
      });
      new PythonWorker(chart, 'flusher', {
        app: cache,
        command: WorkerCommand.command(['flush']),
        liveness: WorkerLiveness.heartbeatFile('/tmp/h'),
      });
    }),
    path: 'shop/flusher',
    prop: 'app.mounts[0].volume',
    received: '"data"',
    fix: "Keep the workload from taking over the app's mounts (inherit: { mounts: false })",
  },
  {
    family: 'storage',
    name: 'serviceAccount on a standalone StatefulSet',
    build: withApp(
      (chart) =>
        new PythonStatefulSet(chart, 'cache', {
          image: 'redis:7.4.1',
          profile: CloudProfile.eks(),
          python: false,
          command: WorkerCommand.command(['redis-server']),
          liveness: WorkerLiveness.none('redis: the TCP check of its Service is its health'),
          serviceAccount: { name: 'cache-admin' },
        }),
    ),
    path: 'shop/cache',
    prop: 'serviceAccount',
    received: '{"name":"cache-admin"}',
    fix: 'Set permissions and the profile of the process itself',
  },
  {
    family: 'ports',
    name: 'a port name over 15 characters',
    build: service({ ports: [{ name: 'statsd-listener-udp', port: 8125, protocol: PortProtocol.UDP }] }),
    path: 'shop/orders-api',
    prop: 'ports[0].name',
    received: '"statsd-listener-udp"',
    fix: "Use e.g. 'statsd'",
  },
  // env sources the API server refuses
  {
    family: 'env/config/secrets',
    name: 'an envFrom Secret name in mixed case',
    build: service({ envFrom: [EnvFrom.secret('NetBox-Env')] }),
    path: 'shop/orders-api',
    prop: 'envFrom[0].name',
    received: '"NetBox-Env"',
    fix: "Use the Secret's name as the cluster has it, e.g. 'netbox-env'.",
  },
  {
    family: 'env/config/secrets',
    name: 'an envFrom prefix starting with a digit',
    build: service({ envFrom: [EnvFrom.configMap('settings', { prefix: '1APP_' })] }),
    path: 'shop/orders-api',
    prop: 'envFrom[0].prefix',
    received: '"1APP_"',
    fix: "Use e.g. '_1APP_'.",
  },
  {
    family: 'env/config/secrets',
    name: 'a fieldEnv name with a space',
    build: service({ fieldEnv: { 'POD IP': PodField.POD_IP } }),
    path: 'shop/orders-api',
    prop: 'fieldEnv.POD IP',
    received: '"POD IP"',
    fix: "Use e.g. 'POD_IP'.",
  },
  {
    family: 'env/config/secrets',
    name: 'a SecretEnv where a list goes (JavaScript): named by its class, not its fields',
    build: service({ secrets: SecretEnv.fromExisting('orders-db', { DATABASE_URL: 'url' }) }),
    path: 'shop/orders-api',
    prop: 'secrets',
    received: 'a SecretEnv',
    fix: 'Pass a list.',
  },
  {
    family: 'health',
    name: 'a gRPC service given an HTTP health check',
    build: service({ protocol: Protocol.GRPC, port: 8080, health: { check: HealthCheck.HTTP, readiness: '/healthz' } }),
    path: 'shop/orders-api',
    prop: 'health.check',
    received: '"http"',
    fix: 'Use HealthCheck.GRPC (the grpc.health.v1 service)',
  },
  {
    family: 'cron',
    name: 'a time zone in the wrong case',
    build: withApp(
      (chart, app) =>
        new PythonCronJob(chart, 'nightly', { app, command: ['python', '-m', 'report'], schedule: '@daily', timeZone: 'europe/paris' }),
    ),
    path: 'shop/nightly',
    prop: 'timeZone',
    received: '"europe/paris"',
    fix: "Did you mean 'Europe/Paris'?",
  },
  {
    family: 'workers/KEDA',
    name: 'an RQ worker given no queue',
    build: withApp(
      (chart, app) =>
        new PythonWorker(chart, 'orders-worker', {
          app,
          command: WorkerCommand.rq({ queues: [] }),
          liveness: WorkerLiveness.heartbeatFile('/tmp/h'),
        }),
    ),
    path: 'shop/orders-worker',
    prop: 'command.queues',
    received: '[]',
    fix: "Use e.g. ['default'] (RQ's own)",
  },
  {
    family: 'workers/KEDA',
    name: 'an SQS queue URL: reported under queueAutoscaling',
    build: withApp(
      (chart, app) =>
        new PythonWorker(chart, 'orders-worker', {
          app,
          command: WorkerCommand.celery({ app: 'orders.celery:app' }),
          queueAutoscaling: { queue: QueueScaler.sqs({ queueUrl: 'orders-events' }), maxReplicas: 3 },
        }),
      { profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/orders-api' }) },
    ),
    path: 'shop/orders-worker',
    prop: 'queueAutoscaling.queue.queueUrl',
    received: '"orders-events"',
    fix: 'Copy the URL from the SQS console.',
  },
  {
    family: 'identity',
    name: 'a profile option value with an underscore for a hyphen',
    build: service({ profile: CloudProfile.eks({ identity: 'pod_identity' } as never) }),
    path: 'shop/orders-api',
    prop: 'profile.identity',
    received: '"pod_identity"',
    fix: "Did you mean 'pod-identity'?",
  },
  {
    family: 'quantities',
    name: 'a memory of 0Gi: said to be above zero',
    build: service({ resources: { memory: '0Gi' } }),
    path: 'shop/orders-api',
    prop: 'resources.memory',
    received: '"0Gi"',
    fix: 'Use binary units',
  },
  {
    family: 'pods',
    name: '/tmp mounted again: the built-in one is named, and tmpSize',
    build: service({ mounts: [{ path: '/tmp', volume: Volume.emptyDir('scratch', { sizeLimit: '2Gi' }) }] }),
    path: 'shop/orders-api',
    prop: 'mounts[0].path',
    received: '"/tmp"',
    fix: "Set tmpSize (e.g. '2Gi') to resize the built-in /tmp",
  },
];
