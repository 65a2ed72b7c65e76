import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Protocol } from '../traffic/exposure';
import { PropIssue } from '../core/validation';
import { wholeSeconds } from '../core/quantity';

/** How the kubelet checks a container. */
export enum HealthCheck {
  /** An HTTP GET of `readiness` (and `liveness`); 2xx and 3xx pass. */
  HTTP = 'http',
  /** The gRPC health checking protocol (`grpc.health.v1.Health/Check`), natively (Kubernetes 1.24+). */
  GRPC = 'grpc',
  /** A TCP connection to the port. */
  TCP = 'tcp',
  /** A command in the container (`command`); exit code 0 passes. */
  EXEC = 'exec',
}

/** How the service tells Kubernetes, and the cloud load balancer, that it is healthy. */
export interface HealthProps {
  /**
   * Path that answers 2xx when the process can serve traffic now (dependencies
   * reachable, warm-up done). Failing it takes the pod out of rotation, and the
   * cloud load balancer's health check uses it too. Required for HTTP checks.
   * @default - none; required when `check` is HTTP
   */
  readonly readiness?: string;
  /**
   * How the checks are made.
   * @default - HTTP for HTTP services, GRPC for gRPC services, TCP for TCP services
   */
  readonly check?: HealthCheck;
  /**
   * Service name the gRPC readiness check asks about (`''` means the whole server).
   * @default ''
   */
  readonly grpcService?: string;
  /**
   * Readiness command of an EXEC check, e.g. `['python3', '-m', 'app.health']`.
   * @default - none; required when `check` is EXEC
   */
  readonly command?: string[];
  /**
   * Headers of the HTTP checks. The kubelet sends `Host: <pod IP>:<port>`, which
   * Django's ALLOWED_HOSTS refuses; set `{ Host: 'localhost' }` (and allow that host).
   * @default - none
   */
  readonly httpHeaders?: { readonly [name: string]: string };
  /**
   * Port the checks use, when the app serves its health endpoints on another
   * port it exposes (e.g. the metrics port).
   * @default - the service's port
   */
  readonly port?: number;
  /**
   * The readiness check depends on nothing outside the process, so liveness may be
   * the same check (for apps with a single health endpoint).
   * @default false
   */
  readonly readinessChecksNoDependency?: boolean;
  /**
   * Path that answers 2xx while the process is not wedged. Failing it restarts
   * the container, so it must not check databases or other dependencies.
   * @default - a TCP check of the container port
   */
  readonly liveness?: string;
  /**
   * Time the app may take to start (imports, migrations check, model loading)
   * before liveness checks begin; the startup probe allows this long.
   * @default Duration.seconds(120)
   */
  readonly startupBudget?: Duration;
  /**
   * How often readiness is checked; the load balancer's health check uses the same interval.
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;
  /**
   * How often liveness is checked, apart from readiness: a slow liveness check
   * restarts a wedged process later but costs less.
   * @default Duration.seconds(10)
   */
  readonly livenessInterval?: Duration;
}

/** The health definition as a load balancer health check. */
export interface LoadBalancerHealthCheck {
  /** HTTP for HTTP checks; TCP for everything else (load balancers check gRPC and TCP services by connecting). */
  readonly protocol: Protocol;
  /** HTTP path checked (HTTP only). */
  readonly path?: string;
  /** Container port checked. */
  readonly port: number;
  /** Seconds between checks. */
  readonly intervalSeconds: number;
  /** Seconds a check may take. */
  readonly timeoutSeconds: number;
  /** Consecutive successes before a target is healthy. */
  readonly healthyThreshold: number;
  /** Consecutive failures before a target is unhealthy. */
  readonly unhealthyThreshold: number;
}

/** The probes and the load-balancer check derived from one health definition. */
export interface ResolvedHealth {
  readonly liveness: k8s.Probe;
  readonly readiness: k8s.Probe;
  readonly startup: k8s.Probe;
  readonly loadBalancer: LoadBalancerHealthCheck;
  readonly issues: PropIssue[];
}

const STARTUP_PERIOD = 5;
const PROBE_TIMEOUT = 3;

/** The ports and protocol of the container whose health is checked. */
export interface HealthTarget {
  /** The serving port. */
  readonly port: number;
  /** Its name (`http`, `grpc`, `tcp`). */
  readonly portName: string;
  readonly protocol: Protocol;
  /** Every port the container exposes, which a `health.port` must be one of. */
  readonly exposedPorts: readonly number[];
}

/**
 * Fans one health definition out to liveness, readiness and startup probes
 * and to the cloud load balancer's check, so they can never disagree.
 */
export function resolveHealth(props: HealthProps, target: HealthTarget | number, legacyPortName?: string): ResolvedHealth {
  const t: HealthTarget =
    typeof target === 'number'
      ? { port: target, portName: legacyPortName ?? 'http', protocol: Protocol.HTTP, exposedPorts: [target] }
      : target;
  const issues: PropIssue[] = [];
  const defaultCheck = t.protocol === Protocol.GRPC ? HealthCheck.GRPC : t.protocol === Protocol.TCP ? HealthCheck.TCP : HealthCheck.HTTP;
  const check = props.check ?? defaultCheck;
  if (!Object.values(HealthCheck).includes(check)) {
    issues.push({
      prop: 'health.check',
      rule: `must be one of ${Object.values(HealthCheck).join(', ')}`,
      received: check,
      fix: 'Use HealthCheck.HTTP, .GRPC, .TCP or .EXEC.',
    });
  }
  const checkPath = (prop: string, path: unknown): path is string => {
    const ok = typeof path === 'string' && /^\/[^\s?#]*(\?[^\s#]*)?$/.test(path);
    if (!ok) {
      issues.push({
        prop,
        rule: "must be an absolute HTTP path starting with '/' and without spaces",
        received: path,
        fix: "Write it like '/readyz'.",
      });
    }
    return ok;
  };
  const port = props.port ?? t.port;
  if (props.port !== undefined && !t.exposedPorts.includes(props.port)) {
    issues.push({
      prop: 'health.port',
      rule: `must be a port the container exposes (${t.exposedPorts.join(', ')}); the kubelet would probe a port nothing listens on`,
      received: props.port,
      fix: 'Expose the port (e.g. as the metrics port), or leave health.port unset.',
    });
  }
  const portRef = props.port === undefined ? k8s.IntOrString.fromString(t.portName) : k8s.IntOrString.fromNumber(props.port);
  if (check === HealthCheck.GRPC && t.protocol === Protocol.HTTP && props.port === undefined) {
    // Allowed (an HTTP app with a gRPC health server elsewhere needs health.port), but not on the HTTP port.
    issues.push({
      prop: 'health.check',
      rule: 'must not be GRPC on an HTTP port',
      received: check,
      fix: 'Set protocol: Protocol.GRPC, or health.port to the gRPC port.',
    });
  }
  if (check === HealthCheck.HTTP && t.protocol === Protocol.GRPC && props.port === undefined) {
    // A gRPC server speaks h2c on its port; the kubelet's HTTP probe speaks HTTP/1.1 and never gets an answer.
    issues.push({
      prop: 'health.check',
      rule: "must not be HTTP on a gRPC port: the kubelet's HTTP/1.1 probe cannot talk to an h2c server, so the pods would never become ready",
      received: check,
      fix: 'Use HealthCheck.GRPC (the grpc.health.v1 service), or set health.port to an exposed port where an HTTP health server listens.',
    });
  }
  const headers = Object.entries(props.httpHeaders ?? {}).map(([name, value]) => ({ name, value }));
  for (const h of headers) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(h.name) || typeof h.value !== 'string') {
      issues.push({
        prop: `health.httpHeaders.${h.name}`,
        rule: 'must be an HTTP header name with a string value',
        received: h.value,
        fix: "Use e.g. { Host: 'localhost' }.",
      });
    }
  }
  if (headers.length > 0 && check !== HealthCheck.HTTP) {
    issues.push({
      prop: 'health.httpHeaders',
      rule: 'apply to HTTP checks only',
      received: check,
      fix: 'Remove them, or use HealthCheck.HTTP.',
    });
  }
  const httpGet = (path: string): Pick<k8s.Probe, 'httpGet'> => ({
    httpGet: { path, port: portRef, scheme: 'HTTP', httpHeaders: headers.length > 0 ? headers : undefined },
  });
  const tcp: Pick<k8s.Probe, 'tcpSocket'> = { tcpSocket: { port: portRef } };

  let readinessHandler: Pick<k8s.Probe, 'httpGet' | 'tcpSocket' | 'grpc' | 'exec'> = tcp;
  let livenessHandler: Pick<k8s.Probe, 'httpGet' | 'tcpSocket' | 'grpc' | 'exec'> = tcp;
  if (check === HealthCheck.HTTP) {
    const readinessOk = checkPath('health.readiness', props.readiness);
    if (props.liveness !== undefined) checkPath('health.liveness', props.liveness);
    // '/health' and '/health/' are one endpoint in most frameworks (Django redirects one to the other).
    const same = (a?: string, b?: string) => a !== undefined && b !== undefined && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
    if (readinessOk && same(props.liveness, props.readiness) && props.readinessChecksNoDependency !== true) {
      issues.push({
        prop: 'health.liveness',
        rule: 'must differ from health.readiness: a readiness path that checks dependencies would restart every pod when a dependency blips',
        received: props.liveness,
        fix: "Serve a dependency-free liveness path (e.g. '/livez'), leave liveness unset for a TCP check, or set readinessChecksNoDependency: true if the path checks nothing outside the process.",
      });
    }
    if (readinessOk) readinessHandler = httpGet(props.readiness!);
    if (props.liveness !== undefined) livenessHandler = httpGet(props.liveness);
  } else {
    for (const [prop, value] of [
      ['readiness', props.readiness],
      ['liveness', props.liveness],
    ] as const) {
      if (value !== undefined)
        issues.push({
          prop: `health.${prop}`,
          rule: `is an HTTP path, but the check is ${check}`,
          received: value,
          fix: 'Remove it, or use HealthCheck.HTTP.',
        });
    }
  }
  if (check === HealthCheck.GRPC) {
    // The gRPC probe takes a port number, not a name (core/v1 GRPCAction).
    readinessHandler = { grpc: { port, service: props.grpcService ?? '' } };
  }
  if (check === HealthCheck.EXEC) {
    const ok =
      Array.isArray(props.command) && props.command.length > 0 && props.command.every((c) => typeof c === 'string' && c.length > 0);
    if (!ok)
      issues.push({
        prop: 'health.command',
        rule: 'must be a non-empty argv for an EXEC check',
        received: props.command,
        fix: "Pass e.g. ['python3', '-m', 'app.health'].",
      });
    else readinessHandler = { exec: { command: [...props.command!] } };
  }
  if (props.readinessChecksNoDependency === true && props.liveness === undefined) livenessHandler = readinessHandler;

  const interval = seconds(props.interval, 10, 'health.interval', 1, 300, issues);
  const budget = seconds(props.startupBudget, 120, 'health.startupBudget', STARTUP_PERIOD, 3600, issues);
  const livenessInterval = seconds(props.livenessInterval, 10, 'health.livenessInterval', 1, 300, issues);

  return {
    // Liveness is deliberately lenient: a restart is the most expensive remedy.
    liveness: {
      ...livenessHandler,
      periodSeconds: livenessInterval,
      timeoutSeconds: Math.min(PROBE_TIMEOUT, livenessInterval),
      failureThreshold: 3,
      successThreshold: 1,
    },
    // A timeout longer than the period overlaps checks; the kubelet then counts them unpredictably.
    readiness: {
      ...readinessHandler,
      periodSeconds: interval,
      timeoutSeconds: Math.min(PROBE_TIMEOUT, interval),
      failureThreshold: 3,
      successThreshold: 1,
    },
    // Liveness and readiness only start once the startup probe has passed, so a
    // slow import gets the whole budget without loosening the other two.
    startup: {
      ...livenessHandler,
      periodSeconds: STARTUP_PERIOD,
      timeoutSeconds: PROBE_TIMEOUT,
      failureThreshold: Math.ceil(budget / STARTUP_PERIOD),
      successThreshold: 1,
    },
    loadBalancer: {
      protocol: check === HealthCheck.HTTP ? Protocol.HTTP : Protocol.TCP,
      path: check === HealthCheck.HTTP ? props.readiness : undefined,
      port,
      intervalSeconds: interval,
      timeoutSeconds: Math.min(PROBE_TIMEOUT, interval),
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
    issues,
  };
}

function seconds(d: Duration | undefined, fallback: number, prop: string, min: number, max: number, issues: PropIssue[]): number {
  const before = issues.length;
  const s = wholeSeconds(d, prop, min, max, issues, fallback);
  return s === undefined || issues.length > before ? fallback : s;
}
