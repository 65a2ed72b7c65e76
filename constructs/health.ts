import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { PropIssue } from './validation';

/** How the service tells Kubernetes, and the cloud load balancer, that it is healthy. */
export interface HealthProps {
  /**
   * Path that answers 2xx when the process can serve traffic now (dependencies
   * reachable, warm-up done). Failing it takes the pod out of rotation, and the
   * cloud load balancer's health check uses it too.
   */
  readonly readiness: string;
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
}

/** The health definition as a load balancer health check. */
export interface LoadBalancerHealthCheck {
  /** HTTP path checked. */
  readonly path: string;
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

/**
 * Fans one health definition out to liveness, readiness and startup probes
 * and to the cloud load balancer's check, so they can never disagree.
 */
export function resolveHealth(props: HealthProps, port: number, portName: string): ResolvedHealth {
  const issues: PropIssue[] = [];
  const checkPath = (prop: string, path: unknown): path is string => {
    const ok = typeof path === 'string' && /^\/[^\s?#]*(\?[^\s#]*)?$/.test(path);
    if (!ok) {
      issues.push({ prop, rule: 'must be an absolute HTTP path starting with \'/\' and without spaces', received: path, fix: 'Write it like \'/readyz\'.' });
    }
    return ok;
  };
  const readinessOk = checkPath('health.readiness', props.readiness);
  if (props.liveness !== undefined) checkPath('health.liveness', props.liveness);
  if (readinessOk && props.liveness === props.readiness) {
    issues.push({
      prop: 'health.liveness',
      rule: 'must differ from health.readiness: a readiness path that checks dependencies would restart every pod when a dependency blips',
      received: props.liveness,
      fix: 'Serve a dependency-free liveness path (e.g. \'/livez\'), or leave liveness unset for a TCP check.',
    });
  }
  const interval = seconds(props.interval, 10, 'health.interval', 1, 300, issues);
  const budget = seconds(props.startupBudget, 120, 'health.startupBudget', STARTUP_PERIOD, 3600, issues);

  const livenessHandler: Pick<k8s.Probe, 'httpGet' | 'tcpSocket'> = props.liveness !== undefined
    ? { httpGet: { path: props.liveness, port: k8s.IntOrString.fromString(portName), scheme: 'HTTP' } }
    : { tcpSocket: { port: k8s.IntOrString.fromString(portName) } };
  const readinessHandler = { httpGet: { path: props.readiness, port: k8s.IntOrString.fromString(portName), scheme: 'HTTP' } };

  return {
    // Liveness is deliberately lenient: a restart is the most expensive remedy.
    liveness: { ...livenessHandler, periodSeconds: 10, timeoutSeconds: PROBE_TIMEOUT, failureThreshold: 3, successThreshold: 1 },
    readiness: { ...readinessHandler, periodSeconds: interval, timeoutSeconds: PROBE_TIMEOUT, failureThreshold: 3, successThreshold: 1 },
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
      path: props.readiness,
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
  if (d === undefined) return fallback;
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < min || s > max) {
    issues.push({ prop, rule: `must be a whole number of seconds from ${min} to ${max}`, received: s, fix: `Use e.g. Duration.seconds(${fallback}).` });
    return fallback;
  }
  return s;
}
