import { MiB, formatMemory, parseMemory } from '../core/quantity';
import { PropIssue } from '../core/validation';
import { shellArgv, shellScriptIssues } from './process';
import {
  AppServerOptions,
  CommandServerOptions,
  DjangoOptions,
  GunicornOptions,
  ImageServerOptions,
  ServerOptions,
  ShellServerOptions,
  workersFlagArgs,
} from './server-options';

/** What a server needs to know about the container it runs in. */
export interface ServerContext {
  /** The container port the server must bind. */
  readonly port: number;
  /** CPU the process model is sized for: the CPU limit, or the request when there is no limit. */
  readonly cpuMillis: number;
  /** The container's memory limit in bytes. */
  readonly memoryBytes: number;
  /**
   * Requests arrive through a layer-7 load balancer that sets X-Forwarded-For
   * and X-Forwarded-Proto, which the server should then trust.
   */
  readonly behindProxy?: boolean;
  /**
   * Seconds a layer-7 load balancer in front keeps an idle connection to the pod
   * open for reuse. The server must keep it longer, or the load balancer sends a
   * request on a connection the server just closed and answers 502.
   */
  readonly upstreamIdleTimeoutSeconds?: number;
}

/**
 * The server's keep-alive: 5 s above the load balancer's idle timeout (AWS:
 * "configure the idle timeout of your application to be larger than the idle
 * timeout configured for the load balancer"), or the server's own default.
 */
function keepAliveSeconds(ctx: ServerContext): number | undefined {
  return ctx.upstreamIdleTimeoutSeconds === undefined ? undefined : ctx.upstreamIdleTimeoutSeconds + 5;
}

/**
 * gunicorn and uvicorn read FORWARDED_ALLOW_IPS; the load balancer's addresses
 * are not known at synth time, and the NetworkPolicy already limits who reaches the pod.
 */
function proxyEnv(ctx: ServerContext): Record<string, string> {
  return ctx.behindProxy ? { FORWARDED_ALLOW_IPS: '*' } : {};
}

/** A writable in-memory directory the server needs on a read-only root filesystem. */
export interface ServerScratchDir {
  /** Volume name. */
  readonly name: string;
  /** Mount path. */
  readonly path: string;
  /** Size limit of the memory-backed emptyDir. */
  readonly sizeLimit: string;
}

/** The process model of a server, resolved for one container. */
export interface ServerConfig {
  /** The container command (argv). */
  readonly command: string[];
  /** Environment the server reads, e.g. `WEB_CONCURRENCY`. */
  readonly env: Record<string, string>;
  /** Seconds the server takes, at most, to finish in-flight requests after SIGTERM. */
  readonly gracefulTimeoutSeconds: number;
  /** Worker processes, when the server has a worker model. */
  readonly workers?: number;
  /** Memory-backed scratch directories to mount. */
  readonly scratchDirs: ServerScratchDir[];
  /** Prop issues found while resolving. */
  readonly issues: PropIssue[];
  /** Non-fatal notes for the user. */
  readonly warnings: string[];
}

type Flavour = 'wsgi' | 'asgi';

/** Base memory of a gunicorn arbiter or uvicorn supervisor, before any worker. */
const SUPERVISOR_MEMORY = 64 * MiB;
const APP_SPEC = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_.]*(\(.*\))?)?$/;
const DEFAULT_GRACE = 30;

/**
 * How the container serves the Python application: the server, its process
 * model and its shutdown behaviour. Worker counts follow the container's
 * resources, never the node's core count (which Python's `os.cpu_count()`
 * would report).
 */
export abstract class PythonServer {
  /** gunicorn with sync (or threaded) WSGI workers: Flask, Django, any WSGI app. */
  public static gunicorn(options: GunicornOptions): PythonServer {
    return new GunicornServer(options, 'wsgi', options.app, options.threads);
  }

  /** gunicorn managing uvicorn workers: FastAPI, Starlette, any ASGI app. */
  public static gunicornUvicorn(options: AppServerOptions): PythonServer {
    return new GunicornServer(options, 'asgi', options.app);
  }

  /** uvicorn alone, with its own process supervisor: FastAPI, Starlette, any ASGI app. */
  public static uvicorn(options: AppServerOptions): PythonServer {
    return new UvicornServer(options);
  }

  /** Django's WSGI application served by gunicorn. */
  public static django(options: DjangoOptions): PythonServer {
    const settings = options.settingsModule ?? `${options.project}.settings`;
    return new GunicornServer(options, 'wsgi', `${options.project}.wsgi:application`, options.threads, {
      DJANGO_SETTINGS_MODULE: settings,
    });
  }

  /** A command of your own; `WEB_CONCURRENCY` is derived when you name its concurrency model. */
  public static command(options: CommandServerOptions): PythonServer {
    return new CommandServer(options, 'command');
  }

  /**
   * The image's own ENTRYPOINT and CMD, unchanged: the pod sets no `command`
   * and no `args`. `WEB_CONCURRENCY` is derived when you name the concurrency model.
   */
  public static fromImage(options: ImageServerOptions = {}): PythonServer {
    return new CommandServer({ ...options, command: [] }, 'image');
  }

  /** A shell command line (`/bin/sh -c`) that must `exec` the server, so that SIGTERM reaches it. */
  public static shell(options: ShellServerOptions): PythonServer {
    return new CommandServer({ ...options, command: shellArgv(options?.script) }, 'shell', options?.script);
  }

  /** A short name of the server for labels and messages. */
  public abstract readonly kind: string;

  /** Resolves the server for one container. */
  public abstract bind(ctx: ServerContext): ServerConfig;
}

abstract class WorkerServer extends PythonServer {
  protected constructor(
    protected readonly options: ServerOptions,
    protected readonly flavour: Flavour,
  ) {
    super();
  }

  protected graceSeconds(issues: PropIssue[]): number {
    const s = this.options.gracefulTimeout?.toSeconds({ integral: false }) ?? DEFAULT_GRACE;
    if (!Number.isInteger(s) || s < 1 || s > 3600) {
      issues.push({
        prop: 'server.gracefulTimeout',
        rule: 'must be a whole number of seconds from 1 to 3600',
        received: s,
        fix: 'Use Duration.seconds(30) or the time your slowest request takes.',
      });
      return DEFAULT_GRACE;
    }
    return s;
  }

  /** Worker count from CPU, capped by what the memory limit holds. */
  protected workers(ctx: ServerContext, issues: PropIssue[], warnings: string[]): number {
    if (this.options.workers !== undefined) {
      const w = this.options.workers;
      if (!Number.isInteger(w) || w < 1 || w > 64) {
        issues.push({
          prop: 'server.workers',
          rule: 'must be a whole number from 1 to 64',
          received: w,
          fix: 'Leave it unset to derive it from the CPU and memory limits.',
        });
        return 1;
      }
      return w;
    }
    const cores = ctx.cpuMillis / 1000;
    // gunicorn's rule of thumb (2 x cores + 1) is for blocking WSGI workers; an
    // event loop saturates a core by itself, so ASGI gets one worker per core.
    const byCpu = this.flavour === 'wsgi' ? Math.floor(2 * cores) + 1 : Math.max(1, Math.round(cores));
    const perWorker = this.perWorkerBytes(issues);
    const byMemory = Math.floor((ctx.memoryBytes - SUPERVISOR_MEMORY) / perWorker);
    if (byMemory < 1) {
      warnings.push(
        `memory limit ${formatMemory(ctx.memoryBytes)} cannot hold one ${formatMemory(perWorker)} worker ` +
          `plus ${formatMemory(SUPERVISOR_MEMORY)} for the supervisor; expect OOM kills. Raise resources.memory.`,
      );
      return 1;
    }
    if (byMemory < byCpu) {
      warnings.push(
        `memory limit ${formatMemory(ctx.memoryBytes)} holds ${byMemory} worker(s) of ` +
          `${formatMemory(perWorker)}; using ${byMemory} instead of the ${byCpu} the CPU allows. ` +
          'Raise resources.memory or lower server.memoryPerWorker.',
      );
      return byMemory;
    }
    return byCpu;
  }

  private perWorkerBytes(issues: PropIssue[]): number {
    const fallback = (this.flavour === 'wsgi' ? 128 : 192) * MiB;
    if (this.options.memoryPerWorker === undefined) return fallback;
    const parsed = parseMemory(this.options.memoryPerWorker);
    if ('error' in parsed) {
      issues.push({
        prop: 'server.memoryPerWorker',
        rule: parsed.error,
        received: this.options.memoryPerWorker,
        fix: "Use a value like '150Mi'.",
      });
      return fallback;
    }
    return parsed.bytes;
  }

  protected checkApp(app: string, prop: string, issues: PropIssue[]): void {
    if (typeof app !== 'string' || !APP_SPEC.test(app)) {
      issues.push({
        prop,
        rule: "must be a Python import path 'module:attribute'",
        received: app,
        fix: "Name the module and the application object, e.g. 'orders.main:app'.",
      });
    }
  }
}

class GunicornServer extends WorkerServer {
  public readonly kind: string;

  public constructor(
    options: ServerOptions,
    flavour: Flavour,
    private readonly app: string,
    private readonly threads?: number,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    super(options, flavour);
    this.kind = flavour === 'asgi' ? 'gunicorn-uvicorn' : 'gunicorn';
  }

  private get uvicornWorkerClass(): string {
    return (this.options as AppServerOptions).uvicornWorkerPackage === true
      ? 'uvicorn_worker.UvicornWorker'
      : 'uvicorn.workers.UvicornWorker';
  }

  public bind(ctx: ServerContext): ServerConfig {
    const issues: PropIssue[] = [];
    const warnings: string[] = [];
    this.checkApp(
      this.app,
      this.kind === 'gunicorn' && 'DJANGO_SETTINGS_MODULE' in this.extraEnv ? 'server.project' : 'server.app',
      issues,
    );
    const grace = this.graceSeconds(issues);
    const workers = this.workers(ctx, issues, warnings);
    const threads = this.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
      issues.push({
        prop: 'server.threads',
        rule: 'must be a whole number from 1 to 64',
        received: threads,
        fix: 'Use 1 (sync workers) or a small number like 4.',
      });
    }
    const command = [
      'gunicorn',
      this.app,
      '--bind',
      `0.0.0.0:${ctx.port}`,
      // gunicorn's heartbeat file must not live on the read-only root filesystem,
      // and a disk-backed /tmp can stall heartbeats: use the memory-backed mount.
      '--worker-tmp-dir',
      '/dev/shm',
      '--graceful-timeout',
      String(grace),
      '--access-logfile',
      '-',
    ];
    if (this.flavour === 'asgi') command.push('--worker-class', this.uvicornWorkerClass);
    else if (threads > 1) command.push('--worker-class', 'gthread', '--threads', String(threads));
    const keepAlive = keepAliveSeconds(ctx);
    // gunicorn's default is 2 s; the Uvicorn worker takes the same setting.
    if (keepAlive !== undefined) command.push('--keep-alive', String(keepAlive));
    command.push(...(this.options.extraArgs ?? []));
    return {
      command,
      // gunicorn reads its default worker count from WEB_CONCURRENCY.
      env: { WEB_CONCURRENCY: String(workers), ...proxyEnv(ctx), ...this.extraEnv },
      gracefulTimeoutSeconds: grace,
      workers,
      scratchDirs: [{ name: 'shm', path: '/dev/shm', sizeLimit: '64Mi' }],
      issues,
      warnings,
    };
  }
}

class UvicornServer extends WorkerServer {
  public readonly kind = 'uvicorn';

  public constructor(private readonly appOptions: AppServerOptions) {
    super(appOptions, 'asgi');
  }

  public bind(ctx: ServerContext): ServerConfig {
    const issues: PropIssue[] = [];
    const warnings: string[] = [];
    this.checkApp(this.appOptions.app, 'server.app', issues);
    const grace = this.graceSeconds(issues);
    const workers = this.workers(ctx, issues, warnings);
    return {
      command: [
        'uvicorn',
        this.appOptions.app,
        '--host',
        '0.0.0.0',
        '--port',
        String(ctx.port),
        // uvicorn waits forever for open connections unless told otherwise.
        '--timeout-graceful-shutdown',
        String(grace),
        ...(keepAliveSeconds(ctx) === undefined ? [] : ['--timeout-keep-alive', String(keepAliveSeconds(ctx))]),
        ...(this.options.extraArgs ?? []),
      ],
      // uvicorn's --workers defaults to $WEB_CONCURRENCY; --proxy-headers is on by default.
      env: { WEB_CONCURRENCY: String(workers), ...proxyEnv(ctx) },
      gracefulTimeoutSeconds: grace,
      workers,
      scratchDirs: [],
      issues,
      warnings,
    };
  }
}

class CommandServer extends WorkerServer {
  public readonly kind: string;

  public constructor(
    private readonly commandOptions: CommandServerOptions,
    private readonly mode: 'command' | 'image' | 'shell',
    private readonly script?: string,
  ) {
    super(commandOptions, commandOptions.concurrency ?? 'wsgi');
    this.kind = mode === 'command' ? 'command' : mode;
  }

  public bind(ctx: ServerContext): ServerConfig {
    const issues: PropIssue[] = [];
    const warnings: string[] = [];
    const cmd = this.commandOptions.command;
    if (this.mode === 'shell') issues.push(...shellScriptIssues(this.script, 'server.script'));
    else if (
      this.mode === 'command' &&
      (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((c) => typeof c !== 'string' || c.length === 0))
    ) {
      issues.push({
        prop: 'server.command',
        rule: 'must be a non-empty list of non-empty strings',
        received: cmd,
        fix: "Pass the argv, e.g. ['python', '-m', 'myapp'], or use PythonServer.fromImage() to run the image's own ENTRYPOINT and CMD.",
      });
    }
    const grace = this.graceSeconds(issues);
    const derived = this.commandOptions.concurrency !== undefined || this.options.workers !== undefined;
    const workers = derived ? this.workers(ctx, issues, warnings) : undefined;
    return {
      command: [
        ...(Array.isArray(cmd) ? cmd : []),
        ...(this.options.extraArgs ?? []),
        ...workersFlagArgs(this.commandOptions.workersFlag, workers, issues),
      ],
      env: workers === undefined ? {} : { WEB_CONCURRENCY: String(workers) },
      gracefulTimeoutSeconds: grace,
      workers,
      scratchDirs: [],
      issues,
      warnings,
    };
  }
}
