/**
 * What a worker's broker decides: the Celery liveness check (remote control or a
 * heartbeat file) and the Redis lists and address KEDA watches. The heartbeat with
 * a real Celery worker is in worker-celery.test.ts (integration: it runs Celery).
 */
import { spawnSync } from 'child_process';
import { Testing } from 'cdk8s';
import {
  CeleryBroker,
  CloudProfile,
  ICloudProfile,
  PythonMicroservice,
  PythonWorker,
  PythonWorkerProps,
  QueueScaler,
  SecretEnv,
  WorkerCommand,
  WorkerLiveness,
} from './support/internals';
import { appContainer, baseProps, errorOf, find } from './support/synth';
import { testChart } from './support/cdk8s-testing';

const ROLE = 'arn:aws:iam::111122223333:role/orders-api';
const CLIENT_ID = '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11';

function synthWorker(workerProps: Partial<PythonWorkerProps>, appOverrides: Record<string, unknown> = {}) {
  const chart = testChart();
  const app = new PythonMicroservice(chart, 'orders-api', baseProps({ config: { REDIS_ADDRESS: 'redis:6379' }, ...appOverrides }));
  new PythonWorker(chart, 'orders-worker', { app, command: WorkerCommand.celery({ app: 'orders.celery:app' }), ...workerProps });
  return Testing.synth(chart);
}

const workerContainer = (objects: any[]) => appContainer(find(objects, 'Deployment', 'orders-worker'));
const PING = ['sh', '-c', 'celery --app orders.celery:app inspect ping --destination celery@$HOSTNAME --timeout 10'];

describe("Celery liveness follows the broker's remote control", () => {
  const sqs = QueueScaler.sqs({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders' });
  test.each<[string, QueueScaler, ICloudProfile, Record<string, unknown>, boolean]>([
    ['Redis', QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }), CloudProfile.eks(), {}, true],
    [
      'RabbitMQ',
      QueueScaler.rabbitmq({ hostFromEnv: 'CELERY_BROKER_URL' }),
      CloudProfile.eks(),
      { secrets: [SecretEnv.fromExisting('broker', { CELERY_BROKER_URL: 'url' })] },
      true,
    ],
    ['Google Pub/Sub', QueueScaler.pubsub({ subscription: 'orders-sub', project: 'acme-prod' }), CloudProfile.gke(), {}, true],
    ['Amazon SQS', sqs, CloudProfile.eks({ roleArn: ROLE }), {}, false],
    [
      'Azure Service Bus',
      QueueScaler.serviceBus({ namespace: 'acme-bus', queueName: 'celery' }),
      CloudProfile.aks({ clientId: CLIENT_ID }),
      {},
      false,
    ],
    [
      'Kafka',
      QueueScaler.keda('kafka', { bootstrapServersFromEnv: 'REDIS_ADDRESS', consumerGroup: 'orders', topic: 'celery', lagThreshold: '5' }),
      CloudProfile.eks(),
      {},
      false,
    ],
  ])('%s (from the queue scaler)', (_broker, queue, profile, app, remoteControl) => {
    // GIVEN a Celery worker scaled on its broker's queue WHEN it synthesizes
    const c = workerContainer(synthWorker({ queueAutoscaling: { queue, maxReplicas: 5 } }, { profile, ...app }));
    // THEN a broker with remote control is pinged; one without gets the heartbeat file the command writes
    if (remoteControl) {
      expect(c.livenessProbe.exec.command).toEqual(PING);
      expect(c.command[0]).toBe('celery');
    } else {
      expect(c.livenessProbe.exec.command[2]).toContain('os.path.getmtime("/tmp/celery-heartbeat") < 90');
      expect(c.command.slice(0, 2)).toEqual(['python3', '-c']);
      expect(c.command.slice(3, 7)).toEqual(['/tmp/celery-heartbeat', '30', 'celery', '--app']);
    }
  });

  test.each([
    [CeleryBroker.SQS, false],
    [CeleryBroker.AZURE_SERVICE_BUS, false],
    [CeleryBroker.AZURE_STORAGE_QUEUES, false],
    [CeleryBroker.KAFKA, false],
    [CeleryBroker.REDIS, true],
    [CeleryBroker.RABBITMQ, true],
    [CeleryBroker.GOOGLE_PUBSUB, true],
  ])('broker %s named on the command', (broker, remoteControl) => {
    const c = workerContainer(synthWorker({ command: WorkerCommand.celery({ app: 'orders.celery:app', broker }) }));
    expect(c.livenessProbe.exec.command[0]).toBe(remoteControl ? 'sh' : 'python3');
  });

  test("the broker named on the command wins over the scaler's; the user's own liveness drops the heartbeat", () => {
    const c = workerContainer(
      synthWorker({
        command: WorkerCommand.celery({ app: 'orders.celery:app', broker: CeleryBroker.SQS }),
        queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }), maxReplicas: 3 },
      }),
    );
    expect(c.livenessProbe.exec.command[0]).toBe('python3');
    const own = workerContainer(
      synthWorker({
        command: WorkerCommand.celery({ app: 'orders.celery:app', broker: CeleryBroker.SQS }),
        liveness: WorkerLiveness.command(['true']),
      }),
    );
    expect(own.command[0]).toBe('celery');
    expect(own.livenessProbe.exec.command).toEqual(['true']);
  });

  test('the heartbeat bootstrap is valid Python (real python3)', () => {
    const c = workerContainer(synthWorker({ command: WorkerCommand.celery({ app: 'orders.celery:app', broker: CeleryBroker.SQS }) }));
    const run = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.argv[1])', c.command[2]], { encoding: 'utf8' });
    expect([run.status, run.stderr]).toEqual([0, '']);
  });
});

describe("KEDA's Redis scaler watches the worker's own lists", () => {
  const redis = (extra: Partial<Parameters<typeof QueueScaler.redis>[0]> = {}) =>
    QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS', ...extra });
  const triggers = (objects: any[]) => find(objects, 'ScaledObject').spec.triggers;

  test('one trigger per Celery queue the worker consumes', () => {
    // GIVEN a Celery worker on two queues, scaled on Redis without a list named
    const objects = synthWorker({
      command: WorkerCommand.celery({ app: 'orders.celery:app', queues: ['orders', 'emails'] }),
      queueAutoscaling: { queue: redis(), maxReplicas: 5 },
    });
    // THEN KEDA watches both lists, named like the queues
    expect(triggers(objects)).toEqual([
      { type: 'redis', metadata: { addressFromEnv: 'REDIS_ADDRESS', listLength: '10', listName: 'orders' } },
      { type: 'redis', metadata: { addressFromEnv: 'REDIS_ADDRESS', listLength: '10', listName: 'emails' } },
    ]);
  });

  test('RQ queues are the lists rq:queue:<name>', () => {
    const objects = synthWorker({
      command: WorkerCommand.rq({ queues: ['high', 'default'] }),
      liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
      queueAutoscaling: { queue: redis(), maxReplicas: 5 },
    });
    expect(triggers(objects).map((t: any) => t.metadata.listName)).toEqual(['rq:queue:high', 'rq:queue:default']);
  });

  test('a list the worker does not consume is refused; a command that names none needs listName', () => {
    expect(
      errorOf(() =>
        synthWorker({
          command: WorkerCommand.celery({ app: 'orders.celery:app', queues: ['orders'] }),
          queueAutoscaling: { queue: redis({ listName: 'celery' }), maxReplicas: 5 },
        }),
      ),
    ).toContain('\'queueAutoscaling.queue.listName\' must be a Redis list the worker consumes (orders); received "celery"');
    expect(
      errorOf(() =>
        synthWorker({
          command: WorkerCommand.command(['python', '-m', 'orders.consume']),
          liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
          queueAutoscaling: { queue: redis(), maxReplicas: 5 },
        }),
      ),
    ).toContain("'queueAutoscaling.queue.listName' is needed: the worker's command does not say which Redis list it consumes");
  });

  test('a redis:// URL in the address variable is refused with the host:port to use instead', () => {
    // GIVEN the address variable holds Celery's broker URL in the app's config
    const error = errorOf(() =>
      synthWorker(
        { queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_URL' }), maxReplicas: 5 } },
        { config: { REDIS_URL: 'rediss://:pw@redis.shop.svc.cluster.local:6380/2' } },
      ),
    );
    // THEN the error says what KEDA needs, and what to write
    expect(error).toContain(
      "'queueAutoscaling.queue.addressFromEnv' must hold host:port, the address KEDA's Redis scaler connects to, not a redis:// URL; REDIS_URL holds 'rediss://:pw@redis.shop.svc.cluster.local:6380/2'",
    );
    expect(error).toContain(
      "Add a variable holding 'redis.shop.svc.cluster.local:6380' (e.g. REDIS_ADDRESS) and name it in addressFromEnv, with databaseIndex: 2, enableTls: true",
    );
  });

  test('a host:port address passes; one held in a secret cannot be seen, so it is not checked; database and TLS reach the trigger', () => {
    const objects = synthWorker(
      {
        queueAutoscaling: {
          queue: QueueScaler.redis({ addressFromEnv: 'REDIS_HOSTPORT', databaseIndex: 2, enableTls: true }),
          maxReplicas: 5,
        },
      },
      { secrets: [SecretEnv.fromExisting('redis', { REDIS_HOSTPORT: 'address' })] },
    );
    expect(triggers(objects)[0].metadata).toEqual({
      addressFromEnv: 'REDIS_HOSTPORT',
      listLength: '10',
      databaseIndex: '2',
      enableTLS: 'true',
      listName: 'celery',
    });
  });
});
