import { Duration, Testing } from 'cdk8s';
import {
  CloudProfile,
  PythonMicroservice,
  SecretEnv,
  PythonWorker,
  PythonWorkerProps,
  QueueScaler,
  WorkerCommand,
  WorkerLiveness,
} from './support/internals';
import { validateAll } from './support/schema';
import { appContainer, baseProps, errorOf, find } from './support/synth';
import { testChart } from './support/cdk8s-testing';

const ROLE = 'arn:aws:iam::111122223333:role/orders-api';

function synthWorker(workerProps: Partial<PythonWorkerProps>, appOverrides = {}) {
  const chart = testChart();
  const app = new PythonMicroservice(chart, 'orders-api', baseProps({ config: { REDIS_ADDRESS: 'redis:6379' }, ...appOverrides }));
  const worker = new PythonWorker(chart, 'orders-worker', {
    app,
    command: WorkerCommand.celery({ app: 'orders.celery:app' }),
    ...workerProps,
  });
  return { chart, app, worker, objects: Testing.synth(chart) };
}

function workerError(workerProps: Partial<PythonWorkerProps>, appOverrides = {}): string {
  return errorOf(() => synthWorker(workerProps, appOverrides));
}

describe('PythonWorker', () => {
  test("shares the app's image, ServiceAccount, ConfigMap and secrets; no Service", () => {
    const { objects } = synthWorker({});
    const d = find(objects, 'Deployment', 'orders-worker');
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe('orders-api');
    expect(pod.containers[0].image).toBe('ghcr.io/acme/orders-api:1.4.2');
    expect(pod.containers[0].envFrom).toEqual(appContainer(find(objects, 'Deployment', 'orders-api')).envFrom);
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['orders-api']);
    expect(pod.containers[0].ports).toBeUndefined();
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('Celery: concurrency from the CPU limit, never the node; warm shutdown within the grace period', () => {
    const { objects, worker } = synthWorker({ resources: { cpu: '1', memory: '1Gi' }, shutdownTimeout: Duration.minutes(10) });
    const c = appContainer(find(objects, 'Deployment', 'orders-worker'));
    expect(c.command).toEqual([
      'celery',
      '--app',
      'orders.celery:app',
      'worker',
      '--loglevel',
      'INFO',
      '--concurrency',
      '3',
      '--queues',
      'celery',
      '--max-tasks-per-child',
      '1000',
      '--without-mingle',
      '--without-gossip',
    ]);
    expect(worker.concurrency).toBe(3);
    expect(find(objects, 'Deployment', 'orders-worker').spec.template.spec.terminationGracePeriodSeconds).toBe(605);
    expect(c.lifecycle).toBeUndefined();
  });

  test('Celery liveness pings this node through the broker; no readiness (no traffic to gate)', () => {
    const c = appContainer(find(synthWorker({}).objects, 'Deployment', 'orders-worker'));
    expect(c.livenessProbe.exec.command).toEqual([
      'sh',
      '-c',
      'celery --app orders.celery:app inspect ping --destination celery@$HOSTNAME --timeout 10',
    ]);
    expect(c.readinessProbe).toBeUndefined();
  });

  test('heartbeat-file liveness for other frameworks', () => {
    const c = appContainer(
      find(
        synthWorker({
          command: WorkerCommand.rq({ queues: ['high', 'default'] }),
          liveness: WorkerLiveness.heartbeatFile('/tmp/hb', Duration.seconds(90)),
        }).objects,
        'Deployment',
        'orders-worker',
      ),
    );
    expect(c.command).toEqual(['rq', 'worker', 'high', 'default']);
    expect(c.livenessProbe.exec.command[2]).toContain('os.path.getmtime("/tmp/hb") < 90');
  });

  test.each([
    [
      'dramatiq',
      WorkerCommand.dramatiq({ broker: 'orders.tasks', threads: 4 }),
      ['dramatiq', 'orders.tasks', '--processes', '2', '--threads', '4'],
    ],
    ['arq', WorkerCommand.arq({ settings: 'orders.worker.WorkerSettings' }), ['arq', 'orders.worker.WorkerSettings']],
    ['command', WorkerCommand.command(['python', '-m', 'orders.consumer']), ['python', '-m', 'orders.consumer']],
  ])('%s command', (_name, command, argv) => {
    const c = appContainer(
      find(
        synthWorker({ command, liveness: WorkerLiveness.heartbeatFile('/tmp/hb'), resources: { cpu: '500m', memory: '512Mi' } }).objects,
        'Deployment',
        'orders-worker',
      ),
    );
    expect(c.command).toEqual(argv);
  });

  test("KEDA on a Redis list: ScaledObject reading the address from the worker's env", () => {
    const { objects } = synthWorker({
      queueAutoscaling: {
        queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS', listName: 'celery', messagesPerReplica: 20 }),
        minReplicas: 0,
        maxReplicas: 30,
      },
    });
    const so = find(objects, 'ScaledObject');
    expect(so.spec).toEqual({
      scaleTargetRef: { name: 'orders-worker', envSourceContainerName: 'app' },
      minReplicaCount: 0,
      maxReplicaCount: 30,
      cooldownPeriod: 300,
      pollingInterval: 15,
      triggers: [{ type: 'redis', metadata: { addressFromEnv: 'REDIS_ADDRESS', listName: 'celery', listLength: '20' } }],
    });
    expect(find(objects, 'Deployment', 'orders-worker').spec.replicas).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'orders-worker')).toEqual([]);
    expect(find(objects, 'PodDisruptionBudget', 'orders-worker').spec.maxUnavailable).toBe(1);
    expect(validateAll(objects)).toEqual([]);
  });

  test('a scaler reading the broker address from an env var the worker lacks is refused', () => {
    expect(workerError({ queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_URL' }), maxReplicas: 5 } })).toContain(
      "[test/orders-worker] 'queueAutoscaling.queue.addressFromEnv' must name an env var the worker defines (KEDA reads the broker address from it); received \"REDIS_URL\". Define REDIS_URL in the app's config, env or secrets",
    );
  });

  test('KEDA on RabbitMQ', () => {
    const so = find(
      synthWorker(
        { queueAutoscaling: { queue: QueueScaler.rabbitmq({ hostFromEnv: 'CELERY_BROKER_URL', queueName: 'orders' }), maxReplicas: 5 } },
        { secrets: [SecretEnv.fromExisting('broker', { CELERY_BROKER_URL: 'url' })] },
      ).objects,
      'ScaledObject',
    );
    expect(so.spec.triggers[0]).toEqual({
      type: 'rabbitmq',
      metadata: { protocol: 'amqp', hostFromEnv: 'CELERY_BROKER_URL', queueName: 'orders', mode: 'QueueLength', value: '10' },
    });
  });

  test.each([
    [
      'EKS / SQS with IRSA',
      CloudProfile.eks({ roleArn: ROLE }),
      QueueScaler.sqs({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders' }),
      'aws-sqs-queue',
      { provider: 'aws', identityOwner: 'workload' },
    ],
    [
      'EKS / SQS with Pod Identity',
      CloudProfile.eks({ roleArn: ROLE, identity: 'pod-identity' }),
      QueueScaler.sqs({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders' }),
      'aws-sqs-queue',
      { provider: 'aws', roleArn: ROLE },
    ],
    [
      'GKE / Pub/Sub',
      CloudProfile.gke(),
      QueueScaler.pubsub({ subscription: 'orders-sub', project: 'acme-prod' }),
      'gcp-pubsub',
      { provider: 'gcp' },
    ],
    [
      'AKS / Service Bus',
      CloudProfile.aks({ clientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11' }),
      QueueScaler.serviceBus({ namespace: 'acme-bus', queueName: 'orders' }),
      'azure-servicebus',
      { provider: 'azure-workload', identityId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11' },
    ],
  ])('%s: TriggerAuthentication with the workload identity', (_name, profile, queue, type, podIdentity) => {
    const { objects } = synthWorker({ queueAutoscaling: { queue, maxReplicas: 10 } }, { profile });
    expect(find(objects, 'ScaledObject').spec.triggers[0]).toMatchObject({ type, authenticationRef: { name: 'orders-worker' } });
    expect(find(objects, 'TriggerAuthentication').spec).toEqual({ podIdentity });
    expect(validateAll(objects)).toEqual([]);
  });

  test('any KEDA scaler by type and metadata, e.g. Kafka, with no TriggerAuthentication when it needs no cloud identity', () => {
    // The env var check applies to custom scalers too: the address comes from an env var the worker defines.
    const queue = QueueScaler.keda('kafka', {
      bootstrapServersFromEnv: 'KAFKA_BROKERS',
      consumerGroup: 'orders',
      topic: 'orders',
      lagThreshold: '50',
    });
    expect(workerError({ queueAutoscaling: { queue, maxReplicas: 10 } })).toContain(
      "'queueAutoscaling.queue.bootstrapServersFromEnv' must name an env var the worker defines",
    );
    const { objects } = synthWorker({ queueAutoscaling: { queue, maxReplicas: 10 } }, { config: { KAFKA_BROKERS: 'kafka:9092' } });
    expect(find(objects, 'ScaledObject').spec.triggers).toEqual([
      {
        type: 'kafka',
        metadata: { bootstrapServersFromEnv: 'KAFKA_BROKERS', consumerGroup: 'orders', topic: 'orders', lagThreshold: '50' },
      },
    ]);
    expect(objects.some((o) => o.kind === 'TriggerAuthentication')).toBe(false);
    expect(validateAll(objects)).toEqual([]);
  });

  test("a custom KEDA scaler that needs another cloud's identity is refused by the profile, in the scaler's own words", () => {
    const queue = QueueScaler.keda(
      'gcp-cloudtasks',
      { queueName: 'orders', projectID: 'acme-prod', value: '10' },
      { provider: 'gcp', service: 'Cloud Tasks' },
    );
    expect(workerError({ queueAutoscaling: { queue, maxReplicas: 5 } })).toContain(
      "'queueAutoscaling.queue' must be a queue the cluster's cloud can authenticate to: Cloud Tasks needs a gcp identity, which the eks profile has not",
    );
    expect(workerError({ queueAutoscaling: { queue: QueueScaler.keda('Kafka', { lagThreshold: 50 as never }), maxReplicas: 5 } })).toMatch(
      /'queueAutoscaling.queue.type' must be a KEDA scaler type[\s\S]*'queueAutoscaling.queue.metadata.lagThreshold' must be a string/,
    );
  });

  test('CPU autoscaling as the fallback without KEDA', () => {
    const { objects } = synthWorker({ autoscaling: { minReplicas: 2, maxReplicas: 8 } });
    expect(find(objects, 'HorizontalPodAutoscaler', 'orders-worker').spec.scaleTargetRef.name).toBe('orders-worker');
  });

  test('NetworkPolicy: no ingress, egress as the app allows', () => {
    const np = find(synthWorker({}).objects, 'NetworkPolicy', 'orders-worker');
    expect(np.spec.ingress).toEqual([]);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  test.each([
    [
      'a queue of another cloud',
      { queueAutoscaling: { queue: QueueScaler.pubsub({ subscription: 'orders-sub', project: 'acme-prod' }), maxReplicas: 5 } },
      {},
      "'queueAutoscaling.queue' must be a queue the cluster's cloud can authenticate to: Pub/Sub needs a gcp identity, which the eks profile has not",
    ],
    [
      'SQS without a role',
      {
        queueAutoscaling: {
          queue: QueueScaler.sqs({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders' }),
          maxReplicas: 5,
        },
      },
      {},
      "'profile.roleArn' is needed for KEDA to read SQS as the worker",
    ],
    [
      'a malformed SQS URL',
      { queueAutoscaling: { queue: QueueScaler.sqs({ queueUrl: 'orders' }), maxReplicas: 5 } },
      { profile: CloudProfile.eks({ roleArn: ROLE }) },
      "'queueAutoscaling.queue.queueUrl' must be an SQS queue URL",
    ],
    [
      'KEDA and HPA together',
      {
        queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }), maxReplicas: 5 },
        autoscaling: { minReplicas: 1, maxReplicas: 2 },
      },
      {},
      "'autoscaling' must not be set together with queueAutoscaling",
    ],
    ['a command with no health check', { command: WorkerCommand.rq() }, {}, "'liveness' is required for this command"],
    ['a bad Celery app', { command: WorkerCommand.celery({ app: 'orders celery' }) }, {}, "'command.app' must be a Python import path"],
    [
      'an env var name KEDA cannot read',
      { queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'redis-address' }), maxReplicas: 5 } },
      {},
      "'queueAutoscaling.queue.addressFromEnv' must name an env var of the worker",
    ],
  ])('error: %s', (_name, props, app, message) => {
    expect(workerError(props as Partial<PythonWorkerProps>, app)).toContain(message);
  });

  test('a worker without its app is its own application, and then needs an image and a profile', () => {
    const chart = testChart();
    new PythonWorker(chart, 'w', { command: WorkerCommand.celery({ app: 'x:app' }) } as PythonWorkerProps);
    const message = errorOf(() => Testing.synth(chart));
    expect(message).toContain("[test/w] 'image' is required; received nothing. Pass the image the process runs");
    expect(message).toContain("[test/w] 'profile' is required; received nothing.");
  });
});

describe('a standalone worker is its own application', () => {
  test('a bad runAsUser is reported once: the pod runs as the runtime the worker resolved for itself', () => {
    // GIVEN a standalone worker running as root
    const chart = testChart();
    new PythonWorker(chart, 'loadgen', {
      image: 'ghcr.io/acme/loadgen:1.0.0',
      profile: CloudProfile.eks(),
      command: WorkerCommand.command(['python', '-m', 'loadgen']),
      liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
      runAsUser: 0,
    });
    // WHEN
    const message = errorOf(() => Testing.synth(chart));
    // THEN
    expect(message.split('\n').filter((l) => l.includes("'runAsUser' must be a whole number from 1"))).toHaveLength(1);
  });
});
