import { dnsLabelProblem, imagePinProblem } from '../core/names';
import { PropIssue } from '../core/validation';

/** A compose healthcheck, in the Compose Specification's own keys. */
export interface ComposeHealthcheck {
  /** The check, exec form: `['CMD', argv...]`. */
  readonly test: string[];
  /** Time between checks, as a compose duration. */
  readonly interval: string;
  /** Time one check may take. */
  readonly timeout: string;
  /** Consecutive failures before the container is unhealthy. */
  readonly retries: number;
  /** Time to start before failures count. */
  readonly start_period: string;
}

/** Props of a backing service of your own. */
export interface BackingServiceProps {
  /** Compose service name, also the host name the app connects to. */
  readonly name: string;
  /** Image, pinned by tag or digest. */
  readonly image: string;
  /** The readiness check, as argv run inside the container (without the leading 'CMD'). */
  readonly healthcheck: string[];
  /**
   * Environment of the container. Local development values only: this file is committed.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Port the service listens on inside the container; published only when `hostPort` is set.
   * @default - nothing published
   */
  readonly containerPort?: number;
  /**
   * Port on 127.0.0.1 of the developer's machine that reaches `containerPort`, for local tools.
   * @default - not published (the app reaches it on the compose network by `name`)
   */
  readonly hostPort?: number;
}

/** Options of the PostgreSQL backing service. */
export interface PostgresOptions {
  /**
   * Compose service name and host name.
   * @default 'postgres'
   */
  readonly name?: string;
  /**
   * Exact tag of the official `postgres` image (Debian bookworm variant).
   * @default '17.2'
   */
  readonly version?: string;
  /**
   * Database created at first start.
   * @default 'app'
   */
  readonly database?: string;
  /**
   * Role created at first start; it connects without a password (see `BackingService.postgres`).
   * @default 'app'
   */
  readonly user?: string;
  /**
   * Port on 127.0.0.1 that reaches PostgreSQL, for psql or a GUI.
   * @default - not published
   */
  readonly hostPort?: number;
}

/** Options of the Redis backing service. */
export interface RedisOptions {
  /**
   * Compose service name and host name.
   * @default 'redis'
   */
  readonly name?: string;
  /**
   * Exact tag of the official `redis` image (Debian bookworm variant).
   * @default '7.4.1'
   */
  readonly version?: string;
  /**
   * Port on 127.0.0.1 that reaches Redis, for redis-cli.
   * @default - not published
   */
  readonly hostPort?: number;
}

const EXACT_VERSION = /^\d+\.\d+(\.\d+)?$/;

/**
 * A service the app needs locally (a database, a cache), run next to it by
 * compose with its own healthcheck, so the app starts only when it is ready.
 */
export class BackingService {
  /**
   * PostgreSQL. Local connections need no password (`POSTGRES_HOST_AUTH_METHOD=trust`),
   * so no credential is written into the committed compose file; it is reachable only
   * on the compose network unless `hostPort` publishes it on 127.0.0.1. Connect with
   * `postgresql://<user>@<name>:5432/<database>`.
   */
  public static postgres(options: PostgresOptions = {}): BackingService {
    const user = options.user ?? 'app';
    const database = options.database ?? 'app';
    const version = options.version ?? '17.2';
    return new BackingService(
      {
        name: options.name ?? 'postgres',
        image: `postgres:${version}-bookworm`,
        environment: { POSTGRES_USER: user, POSTGRES_DB: database, POSTGRES_HOST_AUTH_METHOD: 'trust' },
        healthcheck: ['pg_isready', '--username', user, '--dbname', database],
        containerPort: 5432,
        hostPort: options.hostPort,
      },
      version,
    );
  }

  /** Redis, reachable as `redis://<name>:6379/0`. */
  public static redis(options: RedisOptions = {}): BackingService {
    const version = options.version ?? '7.4.1';
    return new BackingService(
      {
        name: options.name ?? 'redis',
        image: `redis:${version}-bookworm`,
        healthcheck: ['redis-cli', 'ping'],
        containerPort: 6379,
        hostPort: options.hostPort,
      },
      version,
    );
  }

  /** A service of your own: any pinned image with a readiness command. */
  public static custom(props: BackingServiceProps): BackingService {
    return new BackingService(props);
  }

  /** Compose service name and host name. */
  public readonly name: string;
  /** Pinned image. */
  public readonly image: string;
  /** Environment (local values only). */
  public readonly environment: Readonly<Record<string, string>>;
  /** Healthcheck the app's `depends_on: service_healthy` waits for. */
  public readonly healthcheck: ComposeHealthcheck;
  /** Container port, when it has one. */
  public readonly containerPort?: number;
  /** Published port on 127.0.0.1, when any. */
  public readonly hostPort?: number;

  private constructor(
    props: BackingServiceProps,
    private readonly version?: string,
  ) {
    this.name = props.name;
    this.image = props.image;
    this.environment = { ...(props.environment ?? {}) };
    this.healthcheck = { test: ['CMD', ...(props.healthcheck ?? [])], interval: '5s', timeout: '3s', retries: 10, start_period: '10s' };
    this.containerPort = props.containerPort;
    this.hostPort = props.hostPort;
  }

  /** Every broken rule, in the project's error shape. */
  public validate(prop: string): PropIssue[] {
    const issues: PropIssue[] = [];
    const nameProblem = dnsLabelProblem(this.name);
    if (nameProblem)
      issues.push({ prop: `${prop}.name`, rule: nameProblem.rule, received: this.name, fix: "Use a short name like 'postgres'." });
    if (this.version !== undefined && !EXACT_VERSION.test(this.version)) {
      issues.push({
        prop: `${prop}.version`,
        rule: "must be an exact version such as '17.2' (a major-only tag moves under you)",
        received: this.version,
        fix: 'Pin the version production runs.',
      });
    }
    const pin = imagePinProblem(this.image);
    if (pin) issues.push({ prop: `${prop}.image`, rule: pin.rule, received: this.image, fix: pin.fix });
    if (this.healthcheck.test.length < 2) {
      issues.push({
        prop: `${prop}.healthcheck`,
        rule: 'must name a command that succeeds once the service is ready',
        received: this.healthcheck.test.slice(1),
        fix: "Pass e.g. ['pg_isready'] or ['redis-cli', 'ping'].",
      });
    }
    for (const key of ['containerPort', 'hostPort'] as const) {
      const v = this[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 65535)) {
        issues.push({
          prop: `${prop}.${key}`,
          rule: 'must be a whole number from 1 to 65535',
          received: v,
          fix: 'Use the port the service documents, e.g. 5432.',
        });
      }
    }
    if (this.hostPort !== undefined && this.containerPort === undefined) {
      issues.push({
        prop: `${prop}.hostPort`,
        rule: 'needs containerPort, the port it maps to',
        received: this.hostPort,
        fix: 'Set containerPort too.',
      });
    }
    return issues;
  }
}
