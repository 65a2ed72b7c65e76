import type { AppEnv } from '../settings/app-env';
import { ENV_NAME } from '../core/names';
import { PropIssue } from '../core/validation';

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

/** What the worker tells its scaler. */
export interface ScalerContext {
  /**
   * The Redis lists the worker's command consumes (a Celery queue's list has the
   * queue's name; RQ's is `rq:queue:<name>`), when the command says.
   * @default - unknown
   */
  readonly redisLists?: readonly string[];
  /**
   * The command's queues are wrong and already reported; the scaler does not report the lists again.
   * @default false
   */
  readonly redisListsReported?: boolean;
}

/** A KEDA trigger, resolved. */
export interface ScalerTrigger {
  /** KEDA scaler type, e.g. `redis`, `aws-sqs-queue`. */
  readonly type: string;
  readonly metadata: Record<string, string>;
  /**
   * Metadata of further triggers of the same type and identity (KEDA's Redis scaler
   * watches one list per trigger); KEDA scales on the trigger that asks for most replicas.
   * @default - none
   */
  readonly moreMetadata?: ReadonlyArray<Record<string, string>>;
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
    issues.push({
      prop: 'queueAutoscaling.queue.messagesPerReplica',
      rule: 'must be a whole number of at least 1',
      received: n,
      fix: 'Use how many queued tasks one replica clears in a few seconds, e.g. 10.',
    });
  }
  return String(n);
};

const checkEnv = (prop: string, name: string, issues: PropIssue[]) => {
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    issues.push({
      prop,
      rule: 'must name an env var of the worker',
      received: name,
      fix: "Name the variable holding the address, e.g. 'REDIS_ADDRESS'; KEDA reads it from the container.",
    });
  }
};

/**
 * Scales a worker on queue length with a KEDA ScaledObject. Broker addresses
 * come from env vars of the worker (KEDA's `...FromEnv` parameters), so no
 * connection string is written twice; cloud queues authenticate with the
 * profile's workload identity.
 */
export abstract class QueueScaler {
  /**
   * Redis lists (Celery and RQ on Redis): one trigger per list the worker consumes,
   * from its command's queues unless `listName` names one. `addressFromEnv` names an
   * env var holding `host:port` (KEDA's format, not a `redis://` URL).
   */
  public static redis(options: RedisScalerOptions): QueueScaler {
    return new Fixed('redis', (issues, context) => {
      checkEnv('queueAutoscaling.queue.addressFromEnv', options.addressFromEnv, issues);
      const lists = redisLists(options.listName, context.redisLists, context.redisListsReported ? [] : issues);
      const common: Record<string, string> = {
        addressFromEnv: options.addressFromEnv,
        listLength: checkTarget(options.messagesPerReplica ?? 10, issues),
      };
      if (options.passwordFromEnv !== undefined) {
        checkEnv('queueAutoscaling.queue.passwordFromEnv', options.passwordFromEnv, issues);
        common.passwordFromEnv = options.passwordFromEnv;
      }
      if (options.databaseIndex !== undefined) {
        if (!Number.isInteger(options.databaseIndex) || options.databaseIndex < 0) {
          issues.push({
            prop: 'queueAutoscaling.queue.databaseIndex',
            rule: 'must be a whole number of at least 0',
            received: options.databaseIndex,
            fix: 'Use the database number of the broker URL (the 0 of redis://host:6379/0).',
          });
        }
        common.databaseIndex = String(options.databaseIndex);
      }
      if (options.enableTls) common.enableTLS = 'true';
      const [first, ...rest] = lists.map((listName) => ({ ...common, listName }));
      return { type: 'redis', metadata: first ?? common, moreMetadata: rest.length > 0 ? rest : undefined };
    });
  }

  /** A RabbitMQ queue. `hostFromEnv` holds the AMQP URL (often the Celery broker URL). */
  public static rabbitmq(options: QueueTargetOptions & { readonly hostFromEnv: string; readonly queueName?: string }): QueueScaler {
    return new Fixed('rabbitmq', (issues) => {
      checkEnv('queueAutoscaling.queue.hostFromEnv', options.hostFromEnv, issues);
      return {
        type: 'rabbitmq',
        metadata: {
          protocol: 'amqp',
          hostFromEnv: options.hostFromEnv,
          queueName: options.queueName ?? 'celery',
          mode: 'QueueLength',
          value: checkTarget(options.messagesPerReplica ?? 10, issues),
        },
      };
    });
  }

  /** An Amazon SQS queue, read with the worker's AWS identity. */
  public static sqs(options: QueueTargetOptions & { readonly queueUrl: string }): QueueScaler {
    return new Fixed('aws-sqs-queue', (issues) => {
      const m = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/.exec(options.queueUrl ?? '');
      if (!m)
        issues.push({
          prop: 'queueAutoscaling.queue.queueUrl',
          rule: 'must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)',
          received: options.queueUrl,
          fix: 'Copy the URL from the SQS console.',
        });
      return {
        type: 'aws-sqs-queue',
        metadata: {
          queueURL: options.queueUrl,
          awsRegion: m?.[1] ?? '',
          queueLength: checkTarget(options.messagesPerReplica ?? 10, issues),
        },
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
    return new Fixed('gcp-pubsub', (issues) => {
      const qualified =
        typeof options.subscription === 'string' &&
        /^projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/subscriptions\/[A-Za-z][-A-Za-z0-9_.~+%]{2,254}$/.test(options.subscription);
      if (!qualified && (typeof options.subscription !== 'string' || !/^[A-Za-z][-A-Za-z0-9_.~+%]{2,254}$/.test(options.subscription))) {
        issues.push({
          prop: 'queueAutoscaling.queue.subscription',
          rule: 'must be a Pub/Sub subscription ID or projects/<p>/subscriptions/<s>',
          received: options.subscription,
          fix: 'Use the subscription the worker pulls from.',
        });
      }
      if (options.project !== undefined && !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(options.project)) {
        issues.push({
          prop: 'queueAutoscaling.queue.project',
          rule: 'must be a Google Cloud project ID',
          received: options.project,
          fix: 'Use the ID of the project that holds the subscription.',
        });
      }
      if (!qualified && options.project === undefined) {
        // KEDA resolves a bare name in the project of its own credentials, not the workload's.
        issues.push({
          prop: 'queueAutoscaling.queue.project',
          rule: 'is required unless the subscription is a full name: KEDA resolves a bare subscription in its own project',
          received: undefined,
          fix: "Pass project: '<project ID>', or subscription: 'projects/<project>/subscriptions/<name>'.",
        });
      }
      const subscriptionName = qualified ? options.subscription : `projects/${options.project}/subscriptions/${options.subscription}`;
      return {
        type: 'gcp-pubsub',
        metadata: { subscriptionName, mode: 'SubscriptionSize', value: checkTarget(options.messagesPerReplica ?? 10, issues) },
        identity: { provider: 'gcp', service: 'Pub/Sub' },
        warnings: [
          "KEDA deprecates the gcp-pubsub scaler since 2.18 (its Prometheus scaler against Google Cloud Monitoring's PromQL endpoint replaces it); it still works today.",
        ],
      };
    });
  }

  /** An Azure Service Bus queue, read with the worker's Azure identity. */
  public static serviceBus(options: QueueTargetOptions & { readonly namespace: string; readonly queueName: string }): QueueScaler {
    return new Fixed('azure-servicebus', (issues) => {
      if (typeof options.namespace !== 'string' || !/^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/.test(options.namespace)) {
        issues.push({
          prop: 'queueAutoscaling.queue.namespace',
          rule: 'must be a Service Bus namespace name (6-50 letters, digits, hyphens)',
          received: options.namespace,
          fix: 'Use the namespace name without .servicebus.windows.net.',
        });
      }
      return {
        type: 'azure-servicebus',
        metadata: {
          namespace: options.namespace,
          queueName: options.queueName,
          messageCount: checkTarget(options.messagesPerReplica ?? 10, issues),
        },
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
    return new Fixed(type, (issues) => {
      if (typeof type !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(type)) {
        issues.push({
          prop: 'queueAutoscaling.queue.type',
          rule: 'must be a KEDA scaler type (lowercase letters, digits, hyphens)',
          received: type,
          fix: "Use the type as KEDA's scaler page names it, e.g. 'kafka'.",
        });
      }
      for (const [key, value] of Object.entries(metadata ?? {})) {
        if (typeof value !== 'string')
          issues.push({
            prop: `queueAutoscaling.queue.metadata.${key}`,
            rule: 'must be a string (KEDA reads every metadata value as text)',
            received: value,
            fix: `Quote it: '${String(value)}'.`,
          });
      }
      return { type, metadata: { ...metadata }, identity };
    });
  }

  /** KEDA scaler type, e.g. `redis`: it names the broker the worker reads. */
  public abstract readonly type: string;

  /** Resolves the trigger for a worker. */
  public abstract bind(context?: ScalerContext): ScalerTrigger;
}

/** Options of {@link QueueScaler.redis}. */
export interface RedisScalerOptions extends QueueTargetOptions {
  /**
   * Env var of the worker holding the Redis address as `host:port` (KEDA's format);
   * a literal `redis://` URL in the worker's config is refused at synth time.
   */
  readonly addressFromEnv: string;
  /**
   * The one list to watch.
   * @default - every list the worker's command consumes (Celery: its queues; RQ: `rq:queue:<queue>`)
   */
  readonly listName?: string;
  /**
   * Env var of the worker holding the Redis password.
   * @default - no password
   */
  readonly passwordFromEnv?: string;
  /**
   * Redis database of the lists (the `/0` of a broker URL).
   * @default - KEDA's default, 0
   */
  readonly databaseIndex?: number;
  /**
   * Connect with TLS (a `rediss://` broker).
   * @default false
   */
  readonly enableTls?: boolean;
}

/**
 * The lists to watch: the one named, which must be one the worker consumes when its
 * command says, or every one the command consumes.
 */
function redisLists(listName: string | undefined, consumed: readonly string[] | undefined, issues: PropIssue[]): string[] {
  if (listName !== undefined) {
    if (consumed !== undefined && !consumed.includes(listName)) {
      issues.push({
        prop: 'queueAutoscaling.queue.listName',
        rule: `must be a Redis list the worker consumes (${consumed.join(', ')})`,
        received: listName,
        fix: 'Leave listName unset to watch every list of the worker, or name one of them.',
      });
    }
    return [listName];
  }
  if (consumed !== undefined && consumed.length > 0) return [...consumed];
  issues.push({
    prop: 'queueAutoscaling.queue.listName',
    rule: "is needed: the worker's command does not say which Redis list it consumes",
    received: undefined,
    fix: "Name the list: a Celery queue's list has the queue's name, an RQ queue's is 'rq:queue:<name>'.",
  });
  return [];
}

/**
 * Why a Redis address is not the `host:port` KEDA's Redis scaler connects to,
 * with the fix; undefined when it is.
 */
export function redisAddressProblem(value: string): { readonly rule: string; readonly fix: string } | undefined {
  if (/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/.test(value)) return undefined;
  const url = /^(rediss?):\/\/(?:[^@/]*@)?([^/:?#]+|\[[^\]]+\])(?::(\d+))?(?:\/(\d+))?/.exec(value);
  if (url) {
    const [, scheme, host, port, db] = url;
    const extra = [db !== undefined && db !== '0' ? `databaseIndex: ${db}` : '', scheme === 'rediss' ? 'enableTls: true' : '']
      .filter(Boolean)
      .join(', ');
    return {
      rule: "must hold host:port, the address KEDA's Redis scaler connects to, not a redis:// URL",
      fix: `Add a variable holding '${host}:${port ?? '6379'}' (e.g. REDIS_ADDRESS) and name it in addressFromEnv${extra ? `, with ${extra}` : ''}; keep the URL for Celery.`,
    };
  }
  return {
    rule: "must hold host:port, the address KEDA's Redis scaler connects to",
    fix: "Hold e.g. 'redis.shop.svc.cluster.local:6379' in it.",
  };
}

class Fixed extends QueueScaler {
  public constructor(
    public readonly type: string,
    private readonly build: (issues: PropIssue[], context: ScalerContext) => Omit<ScalerTrigger, 'issues'>,
  ) {
    super();
  }

  public bind(context: ScalerContext = {}): ScalerTrigger {
    const issues: PropIssue[] = [];
    return { ...this.build(issues, context), issues };
  }
}

/**
 * KEDA reads a broker's address from an env var of the scaled container
 * (`addressFromEnv`, `hostFromEnv`); a name the container does not define fails
 * only once KEDA polls. Whole Secrets or ConfigMaps in `envFrom` may define
 * anything, so with them nothing is checked.
 */
export function scalerEnvIssues(trigger: ScalerTrigger, appEnv: AppEnv, ownEnv: string[]): PropIssue[] {
  // A Redis address KEDA cannot connect to, when the worker's settings show its value (a secret's is never known).
  const addressEnv = trigger.type === 'redis' ? trigger.metadata.addressFromEnv : undefined;
  const address = addressEnv === undefined ? undefined : (appEnv.config[addressEnv] ?? appEnv.literalEnv[addressEnv]);
  const problem = address === undefined ? undefined : redisAddressProblem(address);
  const addressIssues = problem
    ? [
        {
          prop: 'queueAutoscaling.queue.addressFromEnv',
          rule: `${problem.rule}; ${addressEnv} holds '${address}'`,
          received: addressEnv,
          fix: problem.fix,
        },
      ]
    : [];
  const opaque = appEnv.envFrom.some(
    (e) => e.secretRef !== undefined || (e.configMapRef !== undefined && e.configMapRef.name !== appEnv.configMap?.name),
  );
  if (opaque) return addressIssues;
  const defined = new Set([...appEnv.envNames, ...ownEnv]);
  return [
    ...addressIssues,
    ...Object.entries(trigger.metadata)
      // A name that is no env var name at all is already reported by the scaler.
      .filter(([key, name]) => key.endsWith('FromEnv') && !defined.has(name) && ENV_NAME.test(name))
      .map(([key, name]) => ({
        prop: `queueAutoscaling.queue.${key}`,
        rule: 'must name an env var the worker defines (KEDA reads the broker address from it)',
        received: name,
        fix: `Define ${name} in the app's config, env or secrets, or name the variable that holds the address.`,
      })),
  ];
}
