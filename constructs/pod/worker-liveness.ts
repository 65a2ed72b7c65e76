import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

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
    return new WorkerLiveness(
      {
        exec: {
          command: [
            'python3',
            '-c',
            `import os, sys, time; sys.exit(0 if time.time() - os.path.getmtime(${JSON.stringify(path)}) < ${age} else 1)`,
          ],
        },
      },
      Math.max(10, Math.floor(age / 2)),
    );
  }

  /**
   * No liveness check, for a process that has no way to tell it is wedged (a
   * scheduler, a relay). The reason is required: the plan shows it beside the worker,
   * so a reviewer sees why the kubelet will never restart a stuck process.
   */
  public static none(reason: string): WorkerLiveness {
    return new WorkerLiveness(undefined, 0, reason);
  }

  private constructor(
    private readonly handler: Pick<k8s.Probe, 'exec'> | undefined,
    private readonly periodSeconds: number,
    /** Why the worker has no liveness check, for {@link WorkerLiveness.none}. */
    public readonly noneReason?: string,
  ) {}

  /** The check runs `python3` in the container, which a non-Python image may lack. */
  public get usesPython(): boolean {
    return this.handler?.exec?.command?.[0] === 'python3';
  }

  /** The check as a readiness probe: every 10 s, ready at the first success, not ready after three failures. Undefined for {@link WorkerLiveness.none}. */
  public toReadinessProbe(): k8s.Probe | undefined {
    if (this.handler === undefined) return undefined;
    return { ...this.handler, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 };
  }

  /** The liveness probe; lenient, since a restart loses the tasks in flight. Undefined for {@link WorkerLiveness.none}. */
  public toProbe(): k8s.Probe | undefined {
    if (this.handler === undefined) return undefined;
    return {
      ...this.handler,
      periodSeconds: this.periodSeconds,
      timeoutSeconds: 30,
      failureThreshold: 3,
      successThreshold: 1,
      initialDelaySeconds: 30,
    };
  }
}
