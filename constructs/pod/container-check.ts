import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { PropIssue } from '../core/validation';

/** What a check of a sidecar is for; it sets how often it runs and how many failures count. */
export type ContainerCheckUse = 'liveness' | 'readiness' | 'startup';

type Handler = Pick<k8s.Probe, 'httpGet' | 'tcpSocket' | 'exec'>;
type Timing = Pick<k8s.Probe, 'periodSeconds' | 'timeoutSeconds' | 'failureThreshold' | 'successThreshold'>;

const TIMING: Record<ContainerCheckUse, Timing> = {
  liveness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
  readiness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
  // Two minutes to start (24 x 5 s), the app container's default startup budget; liveness and readiness wait for it.
  startup: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24, successThreshold: 1 },
};

/**
 * A check the kubelet runs on a sidecar (`sidecars[].liveness`, `.readiness`,
 * `.startup`): an HTTP GET, a TCP connection or a command in the container,
 * e.g. git-sync's `--http-bind` endpoint, which answers `/` with 200 once the
 * first sync is done.
 */
export class ContainerCheck {
  /** An HTTP GET of `path` on `port` of the container; 2xx and 3xx pass. */
  public static http(path: string, port: number): ContainerCheck {
    return new ContainerCheck({ httpGet: { path, port: k8s.IntOrString.fromNumber(port), scheme: 'HTTP' } }, port, path);
  }

  /** A TCP connection to `port` of the container. */
  public static tcp(port: number): ContainerCheck {
    return new ContainerCheck({ tcpSocket: { port: k8s.IntOrString.fromNumber(port) } }, port);
  }

  /** A command run in the container; exit code 0 passes. */
  public static command(command: string[]): ContainerCheck {
    return new ContainerCheck({ exec: { command } }, undefined, undefined, command);
  }

  private constructor(
    private readonly handler: Handler,
    private readonly port?: number,
    private readonly path?: string,
    private readonly command?: string[],
  ) {}

  /** The probe for `use`, checked; `prop` names the check in messages (`sidecars[0].liveness`). */
  public toProbe(use: ContainerCheckUse, prop: string, issues: PropIssue[]): k8s.Probe {
    if (this.handler.exec) {
      const c = this.command;
      if (!Array.isArray(c) || c.length === 0 || !c.every((a) => typeof a === 'string'))
        issues.push({
          prop,
          rule: 'must run a non-empty list of strings',
          received: c,
          fix: "Pass an argv, e.g. ContainerCheck.command(['pgrep', 'envoy']).",
        });
    } else if (!Number.isInteger(this.port) || this.port! < 1024 || this.port! > 65535) {
      issues.push({
        prop,
        rule: 'must check a port from 1024 to 65535 (the container runs without privileges, so it listens on no lower port)',
        received: this.port,
        fix: "Check the port the sidecar listens on, e.g. ContainerCheck.http('/', 1234) for git-sync's --http-bind=:1234.",
      });
    }
    if (this.handler.httpGet && (typeof this.path !== 'string' || !/^\/\S*$/.test(this.path)))
      issues.push({ prop, rule: 'must GET an absolute path without spaces', received: this.path, fix: "Use e.g. '/healthz'." });
    return { ...this.handler, ...TIMING[use] };
  }
}
