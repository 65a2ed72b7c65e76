import { Duration } from 'cdk8s';

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
}
