import { PropIssue } from '../core/validation';

/** Options of a Celery worker. */
export interface CeleryOptions {
  /** The Celery application, as given to `--app`, e.g. `orders.celery:app`. */
  readonly app: string;
  /**
   * Queues to consume.
   * @default ['celery']
   */
  readonly queues?: string[];
  /**
   * Child processes of the prefork pool.
   * @default - 2 x CPU + 1, capped by what the memory limit holds at 128Mi per child
   */
  readonly concurrency?: number;
  /**
   * Restart a child after this many tasks, bounding slow memory leaks.
   * @default 1000
   */
  readonly maxTasksPerChild?: number;
  /**
   * Keep Celery's mingle (at start, ask the other workers for their revoked tasks and clocks)
   * and gossip (watch the other workers' events). Each costs a broadcast per start and per peer.
   * @default false (`--without-mingle --without-gossip`)
   */
  readonly mingleAndGossip?: boolean;
  /**
   * More arguments of `celery worker`, e.g. `['--prefetch-multiplier', '1']`, appended last.
   * The flags the library derives (`--concurrency`, `--queues`, `--max-tasks-per-child`) are set through their props.
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * The broker (kombu transport) of the Celery app. It decides the liveness check:
   * `celery inspect ping` where the transport has remote control, a heartbeat file otherwise.
   * @default - the broker the queue scaler reads (SQS, Pub/Sub, Service Bus, Redis, RabbitMQ), else Redis
   */
  readonly broker?: CeleryBroker;
}

/**
 * Celery brokers, by kombu transport name. Celery answers remote control
 * (`celery inspect`, `celery control`) only on transports with fanout exchanges:
 * its worker leaves out the remote control bootstep otherwise (celery/worker/consumer/control.py,
 * `include_if`: `c.conninfo.supports_exchange_type('fanout')`). Celery's broker table:
 * RabbitMQ and Redis yes, Amazon SQS no, GC PubSub yes, Kafka no
 * (docs.celeryq.dev, Backends and Brokers); kombu's Azure transports implement direct and topic only.
 */
export enum CeleryBroker {
  /** Redis (`redis://`, `rediss://`): remote control. */
  REDIS = 'redis',
  /** RabbitMQ (`amqp://`, `pyamqp://`): remote control. */
  RABBITMQ = 'amqp',
  /** Amazon SQS (`sqs://`): no remote control (kombu's SNS fanout is opt-in and not assumed). */
  SQS = 'sqs',
  /** Google Cloud Pub/Sub (`gcpubsub://`): remote control. */
  GOOGLE_PUBSUB = 'gcpubsub',
  /** Azure Service Bus (`azureservicebus://`): no remote control. */
  AZURE_SERVICE_BUS = 'azureservicebus',
  /** Azure Storage Queues (`azurestoragequeues://`): no remote control. */
  AZURE_STORAGE_QUEUES = 'azurestoragequeues',
  /** Kafka (`confluentkafka://`): no remote control. */
  KAFKA = 'confluentkafka',
}

/** The brokers that answer `celery inspect ping`. */
export const REMOTE_CONTROL = new Set<CeleryBroker>([CeleryBroker.REDIS, CeleryBroker.RABBITMQ, CeleryBroker.GOOGLE_PUBSUB]);

/** The Celery broker a KEDA scaler type reads. */
export const BROKER_OF_SCALER: Record<string, CeleryBroker> = {
  redis: CeleryBroker.REDIS,
  'redis-sentinel': CeleryBroker.REDIS,
  rabbitmq: CeleryBroker.RABBITMQ,
  'aws-sqs-queue': CeleryBroker.SQS,
  'gcp-pubsub': CeleryBroker.GOOGLE_PUBSUB,
  'azure-servicebus': CeleryBroker.AZURE_SERVICE_BUS,
  'azure-queue': CeleryBroker.AZURE_STORAGE_QUEUES,
  kafka: CeleryBroker.KAFKA,
  'apache-kafka': CeleryBroker.KAFKA,
};

/** Where the Celery heartbeat is written: /tmp is the writable emptyDir of every pod. */
export const CELERY_HEARTBEAT_FILE = '/tmp/celery-heartbeat';
/** Seconds between two heartbeats; the liveness check allows three to be missed. */
export const CELERY_HEARTBEAT_SECONDS = 30;

/**
 * Runs `celery` (the argv after the file and interval) with a worker bootstep that
 * touches the heartbeat file from the worker's timer while its consumer is connected,
 * added through the `celeryd_init` signal, before the worker builds its steps.
 * With an event loop (Redis, RabbitMQ, SQS) the timer runs in the consumer's loop,
 * so a wedged loop stops the heartbeat; without one, the consumer's connection is checked.
 */
export const CELERY_HEARTBEAT = [
  'import os, sys',
  'from celery import bootsteps, signals',
  'from celery.bin.celery import main',
  'path, every = sys.argv[1], float(sys.argv[2])',
  'sys.argv = sys.argv[3:]',
  'class Heartbeat(bootsteps.StartStopStep):',
  '    requires = {"celery.worker.components:Timer"}',
  '    def __init__(self, worker, **kwargs):',
  '        super().__init__(worker, **kwargs)',
  '        self.tref = None',
  '    def start(self, worker):',
  '        self.tref = worker.timer.call_repeatedly(every, self.beat, (worker,), priority=10)',
  '    def stop(self, worker):',
  '        if self.tref is not None:',
  '            self.tref.cancel()',
  '            self.tref = None',
  '    def beat(self, worker):',
  '        c = worker.consumer',
  '        if c is not None and c.connection is not None and c.blueprint.state == bootsteps.RUN:',
  '            with open(path, "a"):',
  '                os.utime(path, None)',
  '@signals.celeryd_init.connect',
  'def add_heartbeat(sender=None, instance=None, **kwargs):',
  '    instance.app.steps["worker"].add(Heartbeat)',
  'sys.exit(main())',
].join('\n');

/** Flags of `celery worker` the library derives from props; extraArgs must not set them again. */
const DERIVED_CELERY_FLAGS = ['--app', '-A', '--concurrency', '-c', '--queues', '-Q', '--max-tasks-per-child', '--loglevel', '-l'];

/** Checks the extra arguments of `celery worker`. */
export function celeryExtraArgs(args: string[] | undefined, issues: PropIssue[]): string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string' || a.length === 0)) {
    issues.push({
      prop: 'command.extraArgs',
      rule: 'must be a list of non-empty strings',
      received: args,
      fix: "Pass e.g. ['--prefetch-multiplier', '1'].",
    });
    return [];
  }
  const derived = args.filter((a) => DERIVED_CELERY_FLAGS.includes(a.split('=')[0]));
  if (derived.length > 0) {
    issues.push({
      prop: 'command.extraArgs',
      rule: `must not repeat a flag the library derives (${DERIVED_CELERY_FLAGS.filter((f) => f.startsWith('--')).join(', ')})`,
      received: derived,
      fix: 'Set it through its prop instead: app, concurrency, queues, maxTasksPerChild.',
    });
  }
  return [...args];
}
