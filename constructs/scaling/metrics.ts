import { ApiObject, Duration } from 'cdk8s';
import { kubeObject } from '../core/objects';
import { Construct } from 'constructs';
import { NetworkPeer } from '../traffic/exposure';
import { PodMonitor } from '../imports/podmonitor-monitoring.coreos.com';
import { ServerScratchDir } from '../pod/server';
import { PropIssue } from '../core/validation';

/** Prometheus metrics of a workload. */
export interface MetricsProps {
  /**
   * Port the metrics endpoint listens on (e.g. `prometheus_client.start_http_server`).
   * @default 9090
   */
  readonly port?: number;
  /**
   * Path of the metrics endpoint.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Scrape interval.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * prometheus_client's multi-process mode, needed when several worker
   * processes serve (gunicorn, uvicorn workers, Celery prefork): sets
   * `PROMETHEUS_MULTIPROC_DIR` to a memory-backed directory that is emptied
   * every time the container starts. The emptying is a `python3 -c` starter
   * in front of the command, so it needs python3 in the image and a command.
   * @default - true for a Python app whose image has python3 (`python`, `hasPython3`), else false
   */
  readonly multiprocess?: boolean;
  /**
   * Who may scrape the metrics port (the NetworkPolicy admits them).
   * @default - the profile's Prometheus (its namespace)
   */
  readonly scrapeFrom?: NetworkPeer[];
}

/** What a profile's monitoring needs to know. */
export interface MonitorInput {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  /** Name of the container port serving metrics. */
  readonly portName: string;
  readonly path: string;
  readonly intervalSeconds: number;
}

/** What a profile's monitoring contributes. */
export interface MonitorOutput {
  readonly issues: PropIssue[];
  /** The scrapers the NetworkPolicy admits to the metrics port by default. */
  readonly scrapers: NetworkPeer[];
}

/** Metrics resolved for one container. */
export interface ResolvedMetrics {
  readonly port: number;
  readonly path: string;
  readonly intervalSeconds: number;
  readonly env: Record<string, string>;
  readonly scratchDirs: ServerScratchDir[];
  /** Wraps the container command so the multi-process directory starts empty. */
  readonly wrap: (command: string[]) => string[];
  readonly issues: PropIssue[];
}

/** Directory of prometheus_client's multi-process files. */
const MULTIPROC_DIR = '/run/prometheus';
/** Name of the metrics port. */
export const METRICS_PORT_NAME = 'metrics';

/**
 * Empties PROMETHEUS_MULTIPROC_DIR, then execs the real command. A container
 * restart keeps its emptyDir, and stale files from dead processes would be
 * summed into the new process's counters. Python, not a shell, so it works in
 * any Python image.
 */
const CLEAN_AND_EXEC =
  'import os, sys; d = os.environ.get("PROMETHEUS_MULTIPROC_DIR"); ' +
  // Tolerates a missing variable or folder: `docker run` of the bare image sets neither.
  '[os.remove(os.path.join(d, f)) for f in (os.listdir(d) if d and os.path.isdir(d) else [])]; os.execvp(sys.argv[1], sys.argv[1:])';

/** What the metrics of a container depend on: whether it runs a Python app, has python3, and its command. */
export interface MetricsContainer {
  readonly python: boolean;
  readonly hasPython3: boolean;
  /** The argv; empty when the image's own ENTRYPOINT and CMD run. */
  readonly command: readonly string[];
}

/** Checks and resolves the metrics props. */
export function resolveMetrics(
  props: MetricsProps,
  otherPorts: number[],
  container: MetricsContainer = { python: true, hasPython3: true, command: ['python3'] },
): ResolvedMetrics {
  const issues: PropIssue[] = [];
  const port = props.port ?? 9090;
  if (!Number.isInteger(port) || port < 1024 || port > 65535 || otherPorts.includes(port)) {
    issues.push({
      prop: 'metrics.port',
      rule: 'must be a whole number from 1024 to 65535, different from the serving port',
      received: port,
      fix: 'Use 9090.',
    });
  }
  const path = props.path ?? '/metrics';
  if (!/^\/[^\s?#]*$/.test(path))
    issues.push({ prop: 'metrics.path', rule: "must be a path starting with '/'", received: path, fix: "Use '/metrics'." });
  const interval = props.interval?.toSeconds({ integral: false }) ?? 30;
  if (!Number.isInteger(interval) || interval < 5 || interval > 3600) {
    issues.push({
      prop: 'metrics.interval',
      rule: 'must be a whole number of seconds from 5 to 3600',
      received: interval,
      fix: 'Use Duration.seconds(30).',
    });
  }
  const multi = props.multiprocess ?? (container.python && container.hasPython3);
  if (multi) issues.push(...multiprocessIssues(container));
  return {
    port,
    path,
    intervalSeconds: interval,
    issues,
    env: multi ? { PROMETHEUS_MULTIPROC_DIR: MULTIPROC_DIR } : {},
    scratchDirs: multi ? [{ name: 'prometheus', path: MULTIPROC_DIR, sizeLimit: '64Mi' }] : [],
    wrap: (command) => (multi && command.length > 0 ? ['python3', '-c', CLEAN_AND_EXEC, ...command] : command),
  };
}

/** Why the multi-process folder cannot be emptied at start in this container. */
function multiprocessIssues(container: MetricsContainer): PropIssue[] {
  if (!container.hasPython3) {
    return [
      {
        prop: 'metrics.multiprocess',
        rule: "needs python3 in the image (a 'python3 -c' starter empties PROMETHEUS_MULTIPROC_DIR before the command), and the image has none (hasPython3: false): the container could not start",
        received: true,
        fix: "Set metrics.multiprocess: false (prometheus_client's multi-process mode is for Python apps), or hasPython3: true if the image has python3.",
      },
    ];
  }
  if (container.command.length === 0) {
    return [
      {
        prop: 'metrics.multiprocess',
        rule: "needs the command, which a 'python3 -c' starter wraps to empty PROMETHEUS_MULTIPROC_DIR at every start; the workload runs its image's own ENTRYPOINT and CMD",
        received: true,
        fix: 'Give the command (PythonServer.command, WorkerCommand.command), or set metrics.multiprocess: false and empty the folder in your own entrypoint.',
      },
    ];
  }
  return [];
}

/**
 * A Prometheus Operator PodMonitor, or the same spec under Azure Monitor's
 * managed Prometheus group (`azmonitoring.coreos.com/v1`), which reads the
 * Prometheus Operator schema under its own API group.
 */
export function renderPodMonitor(
  scope: Construct,
  input: MonitorInput,
  apiVersion = 'monitoring.coreos.com/v1',
  selectorLabels: Record<string, string> = {},
): ApiObject {
  // kube-prometheus-stack's Prometheus selects PodMonitors by its `release` label by default.
  const metadata = { name: input.name, labels: { ...input.labels, ...selectorLabels } };
  const spec = {
    selector: { matchLabels: { ...input.selector } },
    podMetricsEndpoints: [{ port: input.portName, path: input.path, interval: `${input.intervalSeconds}s` }],
  };
  if (apiVersion === 'monitoring.coreos.com/v1') return kubeObject(scope, 'PodMonitor', PodMonitor, { metadata, spec });
  return new ApiObject(scope, 'PodMonitor', { apiVersion, kind: 'PodMonitor', metadata, spec });
}
