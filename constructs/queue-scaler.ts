import { ENV_NAME } from './names';
import { PropIssue } from './validation';

/** The cloud identity a KEDA scaler authenticates with, and the service it reads. */
export interface ScalerIdentity {
  /**
   * KEDA's pod identity family the scaler needs (`aws`, `gcp`, `azure`); the
   * profile of the workload says whether it can provide it.
   */
  readonly provider: string;
  /** The queue service, for messages, e.g. `SQS`. */
  readonly service: string;
}

/** A KEDA trigger, resolved. */
export interface ScalerTrigger {
  /** KEDA scaler type, e.g. `redis`, `aws-sqs-queue`. */
  readonly type: string;
  readonly metadata: Record<string, string>;
  /** The cloud identity the scaler needs (through a TriggerAuthentication). */
  readonly identity?: ScalerIdentity;
  readonly issues: PropIssue[];
  /** Notes for the user, e.g. a deprecated scaler. */
  readonly warnings?: string[];
}

/** Options every queue scaler shares. */
export interface QueueTargetOptions {
  /**
   * Messages (or list entries) per replica the scaler aims for.
   * @default 10
   */
  readonly messagesPerReplica?: number;
}

const checkTarget = (n: number, issues: PropIssue[]): string => {
  if (!Number.isInteger(n) || n < 1) {
    issues.push({ prop: 'autoscaling.queue.messagesPerReplica', rule: 'must be a whole number of at least 1', received: n, fix: 'Use how many queued tasks one replica clears in a few seconds, e.g. 10.' });
  }
  return String(n);
};

const checkEnv = (prop: string, name: string, issues: PropIssue[]) => {
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    issues.push({ prop, rule: 'must name an env var of the worker', received: name, fix: 'Name the variable holding the address, e.g. \'REDIS_ADDRESS\'; KEDA reads it from the container.' });
  }
};

/**
 * Scales a worker on queue length with a KEDA ScaledObject. Broker addresses
 * come from env vars of the worker (KEDA's `...FromEnv` parameters), so no
 * connection string is written twice; cloud queues authenticate with the
 * profile's workload identity.
 */
export abstract class QueueScaler {
  /** A Redis list (Celery and RQ on Redis). `addressFromEnv` holds `host:port`. */
  public static redis(options: QueueTargetOptions & { readonly addressFromEnv: string; readonly listName?: string; readonly passwordFromEnv?: string }): QueueScaler {
    return new Fixed((issues) => {
      checkEnv('autoscaling.queue.addressFromEnv', options.addressFromEnv, issues);
      const metadata: Record<string, string> = {
        addressFromEnv: options.addressFromEnv, listName: options.listName ?? 'celery', listLength: checkTarget(options.messagesPerReplica ?? 10, issues),
      };
      if (options.passwordFromEnv !== undefined) {
        checkEnv('autoscaling.queue.passwordFromEnv', options.passwordFromEnv, issues);
        metadata.passwordFromEnv = options.passwordFromEnv;
      }
      return { type: 'redis', metadata };
    });
  }

  /** A RabbitMQ queue. `hostFromEnv` holds the AMQP URL (often the Celery broker URL). */
  public static rabbitmq(options: QueueTargetOptions & { readonly hostFromEnv: string; readonly queueName?: string }): QueueScaler {
    return new Fixed((issues) => {
      checkEnv('autoscaling.queue.hostFromEnv', options.hostFromEnv, issues);
      return {
        type: 'rabbitmq',
        metadata: { protocol: 'amqp', hostFromEnv: options.hostFromEnv, queueName: options.queueName ?? 'celery', mode: 'QueueLength', value: checkTarget(options.messagesPerReplica ?? 10, issues) },
      };
    });
  }

  /** An Amazon SQS queue, read with the worker's AWS identity. */
  public static sqs(options: QueueTargetOptions & { readonly queueUrl: string }): QueueScaler {
    return new Fixed((issues) => {
      const m = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/.exec(options.queueUrl ?? '');
      if (!m) issues.push({ prop: 'autoscaling.queue.queueUrl', rule: 'must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)', received: options.queueUrl, fix: 'Copy the URL from the SQS console.' });
      return {
        type: 'aws-sqs-queue',
        metadata: { queueURL: options.queueUrl, awsRegion: m?.[1] ?? '', queueLength: checkTarget(options.messagesPerReplica ?? 10, issues) },
        identity: { provider: 'aws', service: 'SQS' },
      };
    });
  }

  /**
   * A Google Pub/Sub subscription, read with KEDA's Google identity. KEDA's
   * `gcp-pubsub` scaler is deprecated since KEDA 2.18 in favour of its Prometheus
   * scaler against Google Cloud Monitoring's PromQL endpoint; it still works, and
   * the synth says so. KEDA's Google service account needs `roles/monitoring.viewer`
   * (the scaler reads Cloud Monitoring, not Pub/Sub).
   */
  public static pubsub(options: QueueTargetOptions & { readonly subscription: string; readonly project?: string }): QueueScaler {
    return new Fixed((issues) => {
      const qualified = typeof options.subscription === 'string' && /^projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/subscriptions\/[A-Za-z][-A-Za-z0-9_.~+%]{2,254}$/.test(options.subscription);
      if (!qualified && (typeof options.subscription !== 'string' || !/^[A-Za-z][-A-Za-z0-9_.~+%]{2,254}$/.test(options.subscription))) {
        issues.push({ prop: 'autoscaling.queue.subscription', rule: 'must be a Pub/Sub subscription ID or projects/<p>/subscriptions/<s>', received: options.subscription, fix: 'Use the subscription the worker pulls from.' });
      }
      if (options.project !== undefined && !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(options.project)) {
        issues.push({ prop: 'autoscaling.queue.project', rule: 'must be a Google Cloud project ID', received: options.project, fix: 'Use the ID of the project that holds the subscription.' });
      }
      if (!qualified && options.project === undefined) {
        // KEDA resolves a bare name in the project of its own credentials, not the workload's.
        issues.push({
          prop: 'autoscaling.queue.project', rule: 'is required unless the subscription is a full name: KEDA resolves a bare subscription in its own project',
          received: undefined, fix: 'Pass project: \'<project ID>\', or subscription: \'projects/<project>/subscriptions/<name>\'.',
        });
      }
      const subscriptionName = qualified ? options.subscription : `projects/${options.project}/subscriptions/${options.subscription}`;
      return {
        type: 'gcp-pubsub',
        metadata: { subscriptionName, mode: 'SubscriptionSize', value: checkTarget(options.messagesPerReplica ?? 10, issues) },
        identity: { provider: 'gcp', service: 'Pub/Sub' },
        warnings: ['KEDA deprecates the gcp-pubsub scaler since 2.18 (its Prometheus scaler against Google Cloud Monitoring\'s PromQL endpoint replaces it); it still works today.'],
      };
    });
  }

  /** An Azure Service Bus queue, read with the worker's Azure identity. */
  public static serviceBus(options: QueueTargetOptions & { readonly namespace: string; readonly queueName: string }): QueueScaler {
    return new Fixed((issues) => {
      if (typeof options.namespace !== 'string' || !/^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/.test(options.namespace)) {
        issues.push({ prop: 'autoscaling.queue.namespace', rule: 'must be a Service Bus namespace name (6-50 letters, digits, hyphens)', received: options.namespace, fix: 'Use the namespace name without .servicebus.windows.net.' });
      }
      return {
        type: 'azure-servicebus',
        metadata: { namespace: options.namespace, queueName: options.queueName, messageCount: checkTarget(options.messagesPerReplica ?? 10, issues) },
        identity: { provider: 'azure', service: 'Service Bus' },
      };
    });
  }

  /**
   * Any KEDA scaler, by its type and metadata (https://keda.sh/docs/latest/scalers/),
   * e.g. Kafka or NATS JetStream; `identity` when it reads a cloud service with
   * the workload's cloud identity. Secrets belong in env vars the metadata names
   * (`...FromEnv`), not in the metadata.
   */
  public static keda(type: string, metadata: Record<string, string>, identity?: ScalerIdentity): QueueScaler {
    return new Fixed((issues) => {
      if (typeof type !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(type)) {
        issues.push({ prop: 'autoscaling.queue.type', rule: 'must be a KEDA scaler type (lowercase letters, digits, hyphens)', received: type, fix: 'Use the type as KEDA\'s scaler page names it, e.g. \'kafka\'.' });
      }
      for (const [key, value] of Object.entries(metadata ?? {})) {
        if (typeof value !== 'string') issues.push({ prop: `autoscaling.queue.metadata.${key}`, rule: 'must be a string (KEDA reads every metadata value as text)', received: value, fix: `Quote it: '${String(value)}'.` });
      }
      return { type, metadata: { ...metadata }, identity };
    });
  }

  /** Resolves the trigger. */
  public abstract bind(): ScalerTrigger;
}

class Fixed extends QueueScaler {
  public constructor(private readonly build: (issues: PropIssue[]) => Omit<ScalerTrigger, 'issues'>) {
    super();
  }

  public bind(): ScalerTrigger {
    const issues: PropIssue[] = [];
    return { ...this.build(issues), issues };
  }
}
