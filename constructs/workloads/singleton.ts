import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { checkedProps } from '../core/props';
import { RolloutPace, podStartSeconds } from '../pod/rollout';
import { ResolvedScaling } from '../scaling/scaling';
import { SHAPES } from './shapes.generated';
import { PythonWorker } from './worker';
import { PythonSingletonProps, PythonWorkerProps } from './worker-props';

export type { PythonSingletonProps } from './worker-props';

/** A worker's props that a singleton refuses with its own reason (see `resolveScaling`), rather than calling them unknown. */
const REFUSED_BY_SINGLETON = ['replicas', 'autoscaling', 'queueAutoscaling'] as const;

/**
 * A process that must never run twice, such as Celery beat or any scheduler:
 * exactly one replica, the `Recreate` strategy (the old pod stops before the
 * new one starts, even during a rollout), no autoscaler and no
 * PodDisruptionBudget (which could only block node drains). Liveness is
 * optional, since schedulers rarely have a cheap health check.
 */
export class PythonSingleton extends PythonWorker {
  public constructor(scope: Construct, id: string, props: PythonSingletonProps) {
    super(scope, id, props);
  }

  protected get component(): string {
    return 'scheduler';
  }

  /** A scheduler often has no cheap health check; Recreate and one replica keep it honest. */
  protected get livenessRequired(): boolean {
    return false;
  }

  /** The singleton's props checked against its shape, with the worker props it refuses kept aside for their own message. */
  protected checkProps(props: PythonWorkerProps): PythonWorkerProps {
    const check = (p: unknown) => checkedProps(p as PythonSingletonProps, SHAPES.PythonSingletonProps, 'PythonSingleton', this.issues);
    if (props === null || typeof props !== 'object') return check(props);
    const rest: Record<string, unknown> = { ...props };
    const refused: Record<string, unknown> = {};
    for (const key of REFUSED_BY_SINGLETON) {
      if (key in rest) refused[key] = rest[key];
      delete rest[key];
    }
    return { ...check(rest), ...refused };
  }

  /** Exactly one replica; an autoscaler would start a second one. */
  protected resolveScaling(props: PythonWorkerProps): ResolvedScaling {
    for (const prop of ['autoscaling', 'queueAutoscaling'] as const) {
      if (props[prop] !== undefined) {
        this.issues.add({
          prop,
          rule: 'must not be set on a singleton: it runs exactly one replica with the Recreate strategy, and an autoscaler would start a second one',
          received: props[prop],
          fix: 'Remove it, or use a PythonWorker if the process may run more than once at a time.',
        });
      }
    }
    if (props.replicas !== undefined && props.replicas !== 1) {
      this.issues.add({
        prop: 'replicas',
        rule: 'must be 1 on a singleton',
        received: props.replicas,
        fix: 'Remove it; a singleton always runs one replica.',
      });
    }
    return { fixedReplicas: 1, minReplicas: 1, maxReplicas: 1, metrics: [] };
  }

  /** Never two at once, not even during a rollout: the old pod stops before the new one starts. */
  protected strategy(): k8s.DeploymentStrategy {
    return { type: 'Recreate' };
  }

  /** Recreate first waits for the old pod's grace period, then starts the one new pod (ready, with a Service of its ports). */
  protected rolloutPace(_scaling: ResolvedScaling, readiness?: k8s.Probe): RolloutPace {
    return { startSeconds: podStartSeconds(undefined, readiness), rounds: 1, leadSeconds: this.terminationGracePeriodSeconds };
  }

  /** No autoscaler: one replica, always. */
  protected scalers(): Record<string, never> {
    return {};
  }
}
