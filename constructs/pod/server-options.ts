import { Duration } from 'cdk8s';
import { PropIssue } from '../core/validation';

/** Options every server shares. */
export interface ServerOptions {
  /**
   * Time the server is given to finish in-flight requests after SIGTERM.
   * @default Duration.seconds(30)
   */
  readonly gracefulTimeout?: Duration;
  /**
   * Worker processes. Setting it turns off the derivation from CPU and memory.
   * @default - derived from the CPU limit (or request) and the memory limit
   */
  readonly workers?: number;
  /**
   * Memory one worker process needs at steady state; caps the derived worker count.
   * @default '128Mi' for WSGI workers, '192Mi' for ASGI workers
   */
  readonly memoryPerWorker?: string;
  /**
   * Extra arguments appended to the server command.
   * @default - none
   */
  readonly extraArgs?: string[];
}

/** Options of servers that load a Python application object. */
export interface AppServerOptions extends ServerOptions {
  /** The application, as `module:attribute`, e.g. `orders.main:app`. */
  readonly app: string;
  /**
   * gunicorn with Uvicorn workers only: use `uvicorn_worker.UvicornWorker` from the
   * `uvicorn-worker` package, which replaces `uvicorn.workers.UvicornWorker`
   * (deprecated since uvicorn 0.30). The image must have the package.
   * @default false
   */
  readonly uvicornWorkerPackage?: boolean;
}

/** Options of gunicorn with its own (WSGI) workers. */
export interface GunicornOptions extends AppServerOptions {
  /**
   * Threads per worker; more than 1 selects gunicorn's `gthread` worker.
   * @default 1
   */
  readonly threads?: number;
}

/** Options of Django served by gunicorn. */
export interface DjangoOptions extends ServerOptions {
  /** The Django project package, the one holding `wsgi.py`, e.g. `mysite`. */
  readonly project: string;
  /**
   * The settings module, exported as `DJANGO_SETTINGS_MODULE`.
   * @default - `<project>.settings`
   */
  readonly settingsModule?: string;
  /**
   * Threads per worker; more than 1 selects gunicorn's `gthread` worker.
   * @default 1
   */
  readonly threads?: number;
}

/** Options of a server started by a command of your own. */
export interface CommandServerOptions extends ServerOptions {
  /** The full command (argv). */
  readonly command: string[];
  /**
   * The concurrency model of the server, so that `WEB_CONCURRENCY` can be
   * derived for it to read: 'wsgi' (blocking workers) or 'asgi' (event loop).
   * @default - no worker count is derived and `WEB_CONCURRENCY` is not set
   */
  readonly concurrency?: 'wsgi' | 'asgi';
  /**
   * The server's flag for its worker count, for servers that do not read
   * `WEB_CONCURRENCY` (granian, hypercorn, a Node server): the derived count is
   * appended as `<flag> <count>`, or `<flag><count>` when the flag ends with `=`.
   * Needs `concurrency`.
   * @default - the count is only in `WEB_CONCURRENCY`
   */
  readonly workersFlag?: string;
}

/** Options of a server the image starts by itself (its ENTRYPOINT and CMD). */
export interface ImageServerOptions extends Omit<ServerOptions, 'extraArgs'> {
  /**
   * The concurrency model of the server, so that `WEB_CONCURRENCY` can be derived for it to read.
   * @default - no worker count is derived and `WEB_CONCURRENCY` is not set
   */
  readonly concurrency?: 'wsgi' | 'asgi';
}

/** Options of a server started by a shell command line. */
export interface ShellServerOptions extends Omit<ServerOptions, 'extraArgs'> {
  /**
   * The command line, run by `/bin/sh -c`; it must `exec` the server so that
   * SIGTERM reaches it, e.g. `'cd /app && exec granian --workers "$WEB_CONCURRENCY" app:app'`.
   */
  readonly script: string;
  /**
   * The concurrency model of the server, so that `WEB_CONCURRENCY` can be derived for the script to read.
   * @default - no worker count is derived and `WEB_CONCURRENCY` is not set
   */
  readonly concurrency?: 'wsgi' | 'asgi';
}

/** The worker count as the server's own flag, for servers that do not read WEB_CONCURRENCY. */
export function workersFlagArgs(flag: string | undefined, workers: number | undefined, issues: PropIssue[]): string[] {
  if (flag === undefined) return [];
  if (typeof flag !== 'string' || !/^--?[A-Za-z0-9][A-Za-z0-9-]*=?$/.test(flag)) {
    issues.push({
      prop: 'server.workersFlag',
      rule: "must be a command-line flag such as '--workers' or '--workers='",
      received: flag,
      fix: "Use the server's flag, e.g. '--workers'.",
    });
    return [];
  }
  if (workers === undefined) {
    issues.push({
      prop: 'server.workersFlag',
      rule: "needs 'concurrency' ('wsgi' or 'asgi'), from which the worker count is derived, or 'workers'",
      received: flag,
      fix: "Add concurrency: 'asgi' (one worker per CPU) or 'wsgi' (2 x CPU + 1), or set workers.",
    });
    return [];
  }
  return flag.endsWith('=') ? [`${flag}${workers}`] : [flag, String(workers)];
}
