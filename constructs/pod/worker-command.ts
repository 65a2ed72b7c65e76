import { Duration } from 'cdk8s';
import { MiB, formatMemory } from '../core/quantity';
import { PropIssue } from '../core/validation';
import {
  BROKER_OF_SCALER,
  CELERY_HEARTBEAT,
  CELERY_HEARTBEAT_FILE,
  CELERY_HEARTBEAT_SECONDS,
  CeleryBroker,
  CeleryOptions,
  REMOTE_CONTROL,
  celeryExtraArgs,
} from './celery';
import { shellArgv, shellScriptIssues } from './process';
import { WorkerLiveness } from './worker-liveness';

export { CELERY_HEARTBEAT_FILE, CeleryBroker } from './celery';
export type { CeleryOptions } from './celery';

/** What a worker command needs to know about its container. */
export interface WorkerContext {
  /** CPU the processes are sized for (limit, or request without a limit). */
  readonly cpuMillis: number;
  /** Memory limit in bytes. */
  readonly memoryBytes: number;
  /**
   * KEDA scaler type of the worker's queue autoscaling (e.g. `aws-sqs-queue`), which names its broker.
   * @default - no queue autoscaling
   */
  readonly scaler?: string;
  /**
   * The worker brings its own liveness check, so the command need not support one.
   * @default false
   */
  readonly ownLiveness?: boolean;
}

/** A worker command resolved for one container. */
export interface WorkerCommandConfig {
  readonly command: string[];
  readonly env: Record<string, string>;
  /** Worker processes (or threads) the command runs, when derived. */
  readonly concurrency?: number;
  /** The liveness check the framework supports out of the box, if any. */
  readonly defaultLiveness?: WorkerLiveness;
  /** The Redis lists the command consumes, when it says (for a Redis queue scaler). */
  readonly redisLists?: string[];
  readonly issues: PropIssue[];
  readonly warnings: string[];
}

const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_.]*)?$/;
const QUEUE = /^[A-Za-z0-9_.:-]{1,255}$/;
const CHILD_MEMORY = 128 * MiB;
const SUPERVISOR_MEMORY = 64 * MiB;

/** How a worker is started: Celery, RQ, Dramatiq, arq, or any command. */
export abstract class WorkerCommand {
  /**
   * `celery worker`: SIGTERM starts Celery's warm shutdown, which finishes the
   * running tasks before exiting; the pod's grace period allows for it.
   */
  public static celery(options: CeleryOptions): WorkerCommand {
    return new CeleryCommand(options);
  }

  /** `rq worker` on the given queues (default: `['default']`, RQ's own); it reads the Redis URL from `RQ_REDIS_URL`. */
  public static rq(options: { readonly queues?: string[] } = {}): WorkerCommand {
    const queues = options?.queues ?? ['default'];
    // RQ keeps a queue's jobs in the list 'rq:queue:<name>' (rq/queue.py, redis_queue_namespace_prefix).
    return new FixedCommand(
      ['rq', 'worker', ...(Array.isArray(queues) ? queues : [])],
      'command.queues',
      queues,
      QUEUE,
      Array.isArray(queues) ? queues.map((q) => `rq:queue:${q}`) : undefined,
    );
  }

  /** The image's own ENTRYPOINT and CMD, unchanged: the pod sets no `command` and no `args`. */
  public static fromImage(): WorkerCommand {
    return new FixedCommand([], 'command', [], undefined, undefined, true);
  }

  /** A shell command line (`/bin/sh -c`) that must `exec` the worker, so that SIGTERM reaches it. */
  public static shell(script: string): WorkerCommand {
    return new ShellCommand(script);
  }

  /** `dramatiq <module>` with processes derived from the CPU and threads per process. */
  public static dramatiq(options: { readonly broker: string; readonly threads?: number }): WorkerCommand {
    return new DramatiqCommand(options.broker, options.threads ?? 8);
  }

  /** `arq <WorkerSettings>`: one asyncio process; concurrency is `max_jobs` in the settings. */
  public static arq(options: { readonly settings: string }): WorkerCommand {
    return new FixedCommand(['arq', options.settings], 'command.settings', [options.settings], MODULE);
  }

  /** A command of your own. */
  public static command(command: string[]): WorkerCommand {
    return new FixedCommand(command, 'command', command);
  }

  /** Resolves the command for one container. */
  public abstract bind(ctx: WorkerContext): WorkerCommandConfig;
}

/** Processes for blocking task runners: 2 x cores + 1, capped by memory. */
function processes(ctx: WorkerContext, warnings: string[]): number {
  const byCpu = Math.floor((2 * ctx.cpuMillis) / 1000) + 1;
  const byMemory = Math.max(1, Math.floor((ctx.memoryBytes - SUPERVISOR_MEMORY) / CHILD_MEMORY));
  if (byMemory < byCpu) {
    warnings.push(
      `memory limit ${formatMemory(ctx.memoryBytes)} holds ${byMemory} worker process(es) of ${formatMemory(CHILD_MEMORY)}; using ${byMemory} instead of ${byCpu}. Raise resources.memory or set the concurrency.`,
    );
    return byMemory;
  }
  return byCpu;
}

class CeleryCommand extends WorkerCommand {
  public constructor(private readonly options: CeleryOptions) {
    super();
  }

  public bind(ctx: WorkerContext): WorkerCommandConfig {
    const issues: PropIssue[] = [];
    const warnings: string[] = [];
    const o = this.options;
    if (typeof o.app !== 'string' || !MODULE.test(o.app)) {
      issues.push({
        prop: 'command.app',
        rule: 'must be a Python import path (module or module:attribute)',
        received: o.app,
        fix: "Name the Celery app, e.g. 'orders.celery:app'.",
      });
    }
    const given = o.queues ?? ['celery'];
    const queues = Array.isArray(given) ? given : [];
    if (!Array.isArray(given) || queues.length === 0 || queues.some((q) => typeof q !== 'string' || !QUEUE.test(q))) {
      issues.push({
        prop: 'command.queues',
        rule: 'must be one or more queue names',
        received: given,
        fix: "Use e.g. ['celery'] or ['orders', 'emails'].",
      });
    }
    const concurrency = o.concurrency ?? processes(ctx, warnings);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      issues.push({
        prop: 'command.concurrency',
        rule: 'must be a whole number from 1 to 256',
        received: concurrency,
        fix: 'Leave it unset to derive it from the CPU and memory limits.',
      });
    }
    const command = [
      'celery',
      '--app',
      o.app,
      'worker',
      '--loglevel',
      'INFO',
      // Without it Celery starts one child per node CPU, whatever the container's limit.
      '--concurrency',
      String(concurrency),
      '--queues',
      queues.join(','),
      '--max-tasks-per-child',
      String(o.maxTasksPerChild ?? 1000),
      // Mingle and gossip cost a broadcast per start and per peer; not needed on Kubernetes.
      ...(o.mingleAndGossip === true ? [] : ['--without-mingle', '--without-gossip']),
      ...celeryExtraArgs(o.extraArgs, issues),
    ];
    const broker = o.broker ?? (ctx.scaler === undefined ? undefined : BROKER_OF_SCALER[ctx.scaler]) ?? CeleryBroker.REDIS;
    if (!Object.values(CeleryBroker).includes(broker)) {
      issues.push({
        prop: 'command.broker',
        rule: `must be one of ${Object.values(CeleryBroker).join(', ')}`,
        received: broker,
        fix: 'Use CeleryBroker.REDIS, CeleryBroker.SQS, ...',
      });
    }
    const remoteControl = REMOTE_CONTROL.has(broker);
    const heartbeat = !remoteControl && ctx.ownLiveness !== true;
    return {
      command: heartbeat
        ? ['python3', '-c', CELERY_HEARTBEAT, CELERY_HEARTBEAT_FILE, String(CELERY_HEARTBEAT_SECONDS), ...command]
        : command,
      env: {},
      concurrency,
      defaultLiveness: remoteControl
        ? // `inspect ping` asks this node (celery@<pod name>) through the broker: it fails
          // when the worker is wedged or has lost the broker.
          WorkerLiveness.command(['sh', '-c', `celery --app ${o.app} inspect ping --destination celery@$HOSTNAME --timeout 10`])
        : // No remote control on this broker: `inspect ping` would never be answered.
          WorkerLiveness.heartbeatFile(CELERY_HEARTBEAT_FILE, Duration.seconds(3 * CELERY_HEARTBEAT_SECONDS)),
      // A Celery queue's Redis list has the queue's name (kombu's redis transport; priorities 3, 6, 9 add lists '<queue>\x06\x16<n>').
      redisLists: [...queues],
      issues,
      warnings,
    };
  }
}

class DramatiqCommand extends WorkerCommand {
  public constructor(
    private readonly broker: string,
    private readonly threads: number,
  ) {
    super();
  }

  public bind(ctx: WorkerContext): WorkerCommandConfig {
    const issues: PropIssue[] = [];
    const warnings: string[] = [];
    if (typeof this.broker !== 'string' || !MODULE.test(this.broker)) {
      issues.push({
        prop: 'command.broker',
        rule: 'must be a Python module path',
        received: this.broker,
        fix: "Name the module that sets up the broker and actors, e.g. 'orders.tasks'.",
      });
    }
    if (!Number.isInteger(this.threads) || this.threads < 1 || this.threads > 64) {
      issues.push({
        prop: 'command.threads',
        rule: 'must be a whole number from 1 to 64',
        received: this.threads,
        fix: "Use 8, Dramatiq's default.",
      });
    }
    const concurrency = processes(ctx, warnings);
    return {
      command: ['dramatiq', this.broker, '--processes', String(concurrency), '--threads', String(this.threads)],
      env: {},
      concurrency,
      issues,
      warnings,
    };
  }
}

/** What each fixed command checks, by the prop it reports. */
const FIXED_RULES: Record<string, { rule: string; fix: string }> = {
  'command.queues': {
    rule: "must be one or more queue names (letters, digits, '_', '.', ':' and '-')",
    fix: "Use e.g. ['default'] (RQ's own) or ['high', 'default', 'low'], most urgent first.",
  },
  'command.settings': {
    rule: 'must be the Python path of the worker settings class',
    fix: "Use e.g. 'orders.worker.WorkerSettings'.",
  },
  command: {
    rule: 'must be a non-empty argv of non-empty strings',
    fix: "Pass e.g. ['python', '-m', 'orders.consumer'], or use WorkerCommand.fromImage() to run the image's own ENTRYPOINT and CMD.",
  },
};

class ShellCommand extends WorkerCommand {
  public constructor(private readonly script: string) {
    super();
  }

  public bind(_ctx: WorkerContext): WorkerCommandConfig {
    return { command: shellArgv(this.script), env: {}, issues: shellScriptIssues(this.script, 'command.script'), warnings: [] };
  }
}

class FixedCommand extends WorkerCommand {
  public constructor(
    private readonly argv: string[],
    private readonly prop: string,
    private readonly checked: unknown,
    private readonly pattern?: RegExp,
    private readonly redisLists?: string[],
    private readonly fromImage = false,
  ) {
    super();
  }

  public bind(_ctx: WorkerContext): WorkerCommandConfig {
    const issues: PropIssue[] = [];
    const values = Array.isArray(this.checked) ? this.checked : [];
    const bad =
      !this.fromImage &&
      (!Array.isArray(this.checked) ||
        values.length === 0 ||
        values.some((v) => typeof v !== 'string' || v.length === 0 || (this.pattern && !this.pattern.test(v))));
    if (bad) {
      issues.push({
        prop: this.prop,
        rule: FIXED_RULES[this.prop]?.rule ?? 'must be one or more non-empty names',
        received: this.checked,
        fix: FIXED_RULES[this.prop]?.fix ?? 'Pass the queues, settings path or argv your worker needs.',
      });
    }
    return { command: [...this.argv], env: {}, issues, warnings: [], redisLists: this.redisLists };
  }
}
