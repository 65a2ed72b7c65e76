/**
 * Messages that must say one thing once, in the shape
 * `[path] '<prop>' <rule>; received <value>. <fix>`: no false follow-up errors
 * from one wrong value, no internal fields, no crash for a value of the wrong kind.
 */
import { Duration } from 'cdk8s';
import {
  CloudProfile,
  PythonMicroservice,
  PythonWorker,
  QueueScaler,
  SecretEnv,
  SecretFile,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { baseProps, chartError } from './support/synth';

/** The error lines of a chart, without the summary. */
function lines(build: Parameters<typeof chartError>[0]): string[] {
  return chartError(build)
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
}

const app = (chart: Parameters<typeof chartError>[0] extends (c: infer C) => void ? C : never) =>
  new PythonMicroservice(chart, 'api', baseProps({ config: { REDIS_ADDRESS: 'redis:6379' } }));

describe('one wrong value, one message', () => {
  test('an empty RQ queue list with a Redis scaler: the command is named, the scaler does not ask for a list again', () => {
    expect(
      lines(
        (chart) =>
          new PythonWorker(chart, 'worker', {
            app: app(chart),
            command: WorkerCommand.rq({ queues: [] }),
            liveness: WorkerLiveness.heartbeatFile('/tmp/h'),
            queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }), maxReplicas: 3 },
          }),
      ),
    ).toEqual([
      "[test/worker] 'command.queues' must be one or more queue names (letters, digits, '_', '.', ':' and '-'); received []. Use e.g. ['default'] (RQ's own) or ['high', 'default', 'low'], most urgent first.",
    ]);
  });

  test('a Celery queue list that is a string (JavaScript): one message, no crash', () => {
    expect(
      lines(
        (chart) =>
          new PythonWorker(chart, 'worker', {
            app: app(chart),
            command: WorkerCommand.celery({ app: 'orders.celery:app', queues: 'orders' as never }),
            queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }), maxReplicas: 3 },
          }),
      ),
    ).toEqual([
      "[test/worker] 'command.queues' must be one or more queue names; received \"orders\". Use e.g. ['celery'] or ['orders', 'emails'].",
    ]);
  });

  test('a broker env var name that is no name: reported once, under queueAutoscaling', () => {
    expect(
      lines(
        (chart) =>
          new PythonWorker(chart, 'worker', {
            app: app(chart),
            command: WorkerCommand.celery({ app: 'orders.celery:app' }),
            queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'redis address' }), maxReplicas: 3 },
          }),
      ),
    ).toEqual([
      "[test/worker] 'queueAutoscaling.queue.addressFromEnv' must name an env var of the worker; received \"redis address\". Name the variable holding the address, e.g. 'REDIS_ADDRESS'; KEDA reads it from the container.",
    ]);
  });

  test('a missing worker command: required, with no follow-up about an empty argv or a liveness check', () => {
    expect(lines((chart) => new PythonWorker(chart, 'worker', { app: app(chart) } as never))).toEqual([
      "[test/worker] 'command' is required; received nothing. Use e.g. WorkerCommand.celery({ app: 'orders.celery:app' }), WorkerCommand.command([...]) or WorkerCommand.fromImage().",
    ]);
  });
});

describe('a value of the wrong kind (JavaScript) is named by its kind, never crashes', () => {
  test.each([
    [
      'a SecretFile among secrets',
      { secrets: [SecretFile.fromStore('orders/key', 'key')] },
      "[test/api] 'secrets[0]' must be a SecretEnv; received a SecretFile. Use e.g. SecretEnv.fromExisting('orders-db', { DATABASE_URL: 'url' }).",
    ],
    [
      'a SecretEnv among secret files',
      { secretFiles: [SecretEnv.fromStore({ A: 'b' })] },
      "[test/api] 'secretFiles[0]' must be a SecretFile; received a SecretEnv. Use e.g. SecretFile.fromStore('orders/tls-key', 'tls.key').",
    ],
    [
      'a plain object for the server',
      { server: { app: 'orders.main:app' } },
      '[test/api] \'server\' must be a PythonServer; received {"app":"orders.main:app"}. Use e.g. PythonServer.gunicornUvicorn({ app: \'orders.main:app\' }), PythonServer.command({ command: [...] }) or PythonServer.fromImage().',
    ],
  ])('%s', (_name, overrides, message) => {
    expect(lines((chart) => new PythonMicroservice(chart, 'api', baseProps(overrides as never)))).toEqual([message]);
  });

  test('a plain object for the queue', () => {
    expect(
      lines(
        (chart) =>
          new PythonWorker(chart, 'worker', {
            app: app(chart),
            command: WorkerCommand.celery({ app: 'orders.celery:app' }),
            queueAutoscaling: { queue: { type: 'redis' } as never, maxReplicas: 3 },
          }),
      ),
    ).toEqual([
      '[test/worker] \'queueAutoscaling.queue\' must be a QueueScaler; received {"type":"redis"}. Use e.g. QueueScaler.redis({ addressFromEnv: \'REDIS_ADDRESS\' }) or QueueScaler.sqs({ queueUrl }).',
    ]);
  });
});

describe('sizes of zero and profile values', () => {
  test.each([
    ['memory', { resources: { memory: '0Gi' } }, '\'resources.memory\' must be above zero; received "0Gi".'],
    [
      'a new claim',
      { mounts: [{ path: '/d', volume: Volume.newClaim('d', { storage: '0Gi' }) }] },
      "'mounts[0].volume.storage' must be a size above zero, like '10Gi'; received \"0Gi\".",
    ],
    [
      'an emptyDir',
      { mounts: [{ path: '/d', volume: Volume.emptyDir('d', { sizeLimit: '0Gi' }) }] },
      '\'mounts[0].volume.sizeLimit\' must be above zero; received "0Gi".',
    ],
  ])('%s of 0Gi', (_name, overrides, message) => {
    expect(chartError((chart) => new PythonMicroservice(chart, 'api', baseProps(overrides as never)))).toContain(message);
  });

  test('an unknown EKS node provisioner is refused with a did-you-mean', () => {
    expect(
      lines(
        (chart) =>
          new PythonMicroservice(chart, 'api', baseProps({ profile: CloudProfile.eks({ nodeProvisioner: 'Karpenter' as never }) })),
      ),
    ).toEqual([
      "[test/api] 'profile.nodeProvisioner' must be 'managed-node-groups' or 'karpenter'; received \"Karpenter\". Did you mean 'karpenter'? It decides how long a node drain may take; use what scales the cluster's nodes.",
    ]);
  });

  test('a Secret backend spelled without its hyphen gets a did-you-mean', () => {
    const message = chartError(
      (chart) =>
        new PythonMicroservice(
          chart,
          'api',
          baseProps({
            profile: CloudProfile.eks({
              roleArn: 'arn:aws:iam::111122223333:role/x',
              secrets: { backend: 'externalsecrets' as never, region: 'eu-west-1' },
            }),
            secrets: [SecretEnv.fromStore({ DATABASE_URL: 'orders/database-url' })],
          }),
        ),
    );
    expect(message).toContain(
      "'profile.secrets.backend' must be a SecretBackend; received \"externalsecrets\". Did you mean 'external-secrets'?",
    );
  });
});

describe('KEDA timing', () => {
  test('cooldown and cooldownSeconds together are refused; a polling interval of 0 too', () => {
    const message = chartError(
      (c) =>
        new PythonWorker(c, 'worker', {
          app: app(c),
          command: WorkerCommand.celery({ app: 'orders.celery:app' }),
          queueAutoscaling: {
            queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }),
            maxReplicas: 3,
            cooldown: Duration.minutes(1),
            cooldownSeconds: 60,
            pollingInterval: Duration.seconds(0),
          },
        }),
    );
    expect(message).toContain(
      "'queueAutoscaling.cooldownSeconds' must not be set together with 'queueAutoscaling.cooldown'; received 60. Keep cooldown: Duration.seconds(60) only.",
    );
    expect(message).toContain("'queueAutoscaling.pollingInterval' must be a whole number of seconds from 1 to 3600; received 0.");
  });
});

test('a missing server is reported once, as required', () => {
  expect(lines((chart) => new PythonMicroservice(chart, 'api', baseProps({ server: undefined as never })))).toEqual([
    "[test/api] 'server' is required; received nothing. Pass e.g. PythonServer.gunicornUvicorn({ app: 'orders.main:app' }).",
  ]);
});
