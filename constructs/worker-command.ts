import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { MiB, formatMemory } from './quantity';
import { PropIssue } from './validation';

/** What a worker command needs to know about its container. */
export interface WorkerContext {
  /** CPU the processes are sized for (limit, or request without a limit). */
  readonly cpuMillis: number;
  /** Memory limit in bytes. */
  readonly memoryBytes: number;
}

/** A worker command resolved for one container. */
export interface WorkerCommandConfig {
  readonly command: string[];
  readonly env: Record<string, string>;
  /** Worker processes (or threads) the command runs, when derived. */
  readonly concurrency?: number;
  /** The liveness check the framework supports out of the box, if any. */
  readonly defaultLiveness?: WorkerLiveness;
  readonly issues: PropIssue[];
  readonly warnings: string[];
}

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

  /** `rq worker` on the given queues; it reads the Redis URL from `RQ_REDIS_URL`. */
  public static rq(options: { readonly queues?: string[] } = {}): WorkerCommand {
    return new FixedCommand(['rq', 'worker', ...(options.queues ?? ['default'])], 'options.queues', options.queues);
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
  const byCpu = Math.floor(2 * ctx.cpuMillis / 1000) + 1;
  const byMemory = Math.max(1, Math.floor((ctx.memoryBytes - SUPERVISOR_MEMORY) / CHILD_MEMORY));
  if (byMemory < byCpu) {
    warnings.push(`memory limit ${formatMemory(ctx.memoryBytes)} holds ${byMemory} worker process(es) of ${formatMemory(CHILD_MEMORY)}; using ${byMemory} instead of ${byCpu}. Raise resources.memory or set the concurrency.`);
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
      issues.push({ prop: 'command.app', rule: 'must be a Python import path (module or module:attribute)', received: o.app, fix: 'Name the Celery app, e.g. \'orders.celery:app\'.' });
    }
    const queues = o.queues ?? ['celery'];
    if (queues.length === 0 || queues.some((q) => !QUEUE.test(q))) {
      issues.push({ prop: 'command.queues', rule: 'must be one or more queue names', received: queues, fix: 'Use e.g. [\'celery\'] or [\'orders\', \'emails\'].' });
    }
    const concurrency = o.concurrency ?? processes(ctx, warnings);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      issues.push({ prop: 'command.concurrency', rule: 'must be a whole number from 1 to 256', received: concurrency, fix: 'Leave it unset to derive it from the CPU and memory limits.' });
    }
    const command = [
      'celery', '--app', o.app, 'worker', '--loglevel', 'INFO',
      // Without it Celery starts one child per node CPU, whatever the container's limit.
      '--concurrency', String(concurrency),
      '--queues', queues.join(','),
      '--max-tasks-per-child', String(o.maxTasksPerChild ?? 1000),
      // Mingle and gossip cost a broadcast per start and per peer; not needed on Kubernetes.
      '--without-mingle', '--without-gossip',
    ];
    return {
      command,
      env: {},
      concurrency,
      // `inspect ping` asks this node (celery@<pod name>) through the broker: it fails
      // when the worker is wedged or has lost the broker.
      defaultLiveness: WorkerLiveness.command(['sh', '-c', `celery --app ${o.app} inspect ping --destination celery@$HOSTNAME --timeout 10`]),
      issues,
      warnings,
    };
  }
}

class DramatiqCommand extends WorkerCommand {
  public constructor(private readonly broker: string, private readonly threads: number) {
    super();
  }

  public bind(ctx: WorkerContext): WorkerCommandConfig {
    const issues: PropIssue[] = [];
    const warnings: string[] = [];
    if (typeof this.broker !== 'string' || !MODULE.test(this.broker)) {
      issues.push({ prop: 'command.broker', rule: 'must be a Python module path', received: this.broker, fix: 'Name the module that sets up the broker and actors, e.g. \'orders.tasks\'.' });
    }
    if (!Number.isInteger(this.threads) || this.threads < 1 || this.threads > 64) {
      issues.push({ prop: 'command.threads', rule: 'must be a whole number from 1 to 64', received: this.threads, fix: 'Use 8, Dramatiq\'s default.' });
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

class FixedCommand extends WorkerCommand {
  public constructor(private readonly argv: string[], private readonly prop: string, private readonly checked: unknown, private readonly pattern?: RegExp) {
    super();
  }

  public bind(_ctx: WorkerContext): WorkerCommandConfig {
    const issues: PropIssue[] = [];
    const values = Array.isArray(this.checked) ? this.checked : [];
    const bad = !Array.isArray(this.checked) || values.length === 0 || values.some((v) => typeof v !== 'string' || v.length === 0 || (this.pattern && !this.pattern.test(v)));
    if (bad) {
      issues.push({ prop: this.prop, rule: 'must be one or more non-empty names', received: this.checked, fix: 'Pass the queues, settings path or argv your worker needs.' });
    }
    return { command: [...this.argv], env: {}, issues, warnings: [] };
  }
}

/** How the kubelet tells that a worker is wedged. */
export class WorkerLiveness {
  /** Run a command in the container; exit code 0 means alive. */
  public static command(command: string[], period: Duration = Duration.seconds(60)): WorkerLiveness {
    return new WorkerLiveness({ exec: { command } }, period.toSeconds({ integral: false }));
  }

  /**
   * The worker touches `path` at least every `maxAge`; the check fails when the
   * file is older. Keep it under /tmp (the writable emptyDir).
   */
  public static heartbeatFile(path: string, maxAge: Duration = Duration.minutes(2)): WorkerLiveness {
    const age = maxAge.toSeconds({ integral: false });
    return new WorkerLiveness({
      exec: { command: ['python3', '-c', `import os, sys, time; sys.exit(0 if time.time() - os.path.getmtime(${JSON.stringify(path)}) < ${age} else 1)`] },
    }, Math.max(10, Math.floor(age / 2)));
  }

  private constructor(private readonly handler: Pick<k8s.Probe, 'exec'>, private readonly periodSeconds: number) {}

  /** The check runs `python3` in the container, which a non-Python image may lack. */
  public get usesPython(): boolean {
    return this.handler.exec?.command?.[0] === 'python3';
  }

  /** The liveness probe; lenient, since a restart loses the tasks in flight. */
  public toProbe(): k8s.Probe {
    return { ...this.handler, periodSeconds: this.periodSeconds, timeoutSeconds: 30, failureThreshold: 3, successThreshold: 1, initialDelaySeconds: 30 };
  }
}
