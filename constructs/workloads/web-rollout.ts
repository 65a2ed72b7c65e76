import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { PropIssue } from '../core/validation';
import { ResolvedHealth } from '../pod/health';
import { RolloutPace, podStartSeconds, rollingRounds } from '../pod/rollout';
import { ResolvedScaling } from '../scaling/scaling';

/** How a web service's Deployment replaces its pods. */
export enum RolloutStrategy {
  /**
   * New pods first (`maxSurge: 25%`, `maxUnavailable: 0`): full capacity all
   * along, old and new pods serve side by side for a while.
   */
  ROLLING_UPDATE = 'RollingUpdate',
  /**
   * The old pod stops before the new one starts: never two at once, so a
   * ReadWriteOnce claim moves from one pod to the next; the service is down
   * from the old pod's stop to the new pod's readiness. One replica only.
   */
  RECREATE = 'Recreate',
}

/** What a web service's rollout is made of: the Deployment's strategy, and its pace for the deadlines. */
export interface WebRollout {
  readonly strategy: k8s.DeploymentStrategy;
  readonly pace: RolloutPace;
}

/** Checks `strategy` against the replicas and the autoscaler, and resolves the rollout. */
export function webRollout(
  strategy: RolloutStrategy | undefined,
  scaling: ResolvedScaling,
  health: ResolvedHealth,
  terminationGracePeriodSeconds: number,
  issues: PropIssue[],
): WebRollout {
  const chosen = strategy ?? RolloutStrategy.ROLLING_UPDATE;
  const known = Object.values(RolloutStrategy).includes(chosen);
  if (!known) {
    issues.push({
      prop: 'strategy',
      rule: `must be one of ${Object.values(RolloutStrategy).join(', ')}`,
      received: strategy,
      fix: 'Use RolloutStrategy.ROLLING_UPDATE, or RolloutStrategy.RECREATE for one replica.',
    });
  }
  const startSeconds = podStartSeconds(health.startup, health.readiness);
  if (chosen === RolloutStrategy.RECREATE) {
    if (scaling.fixedReplicas !== 1) {
      issues.push({
        prop: 'strategy',
        rule:
          scaling.fixedReplicas === undefined
            ? 'must not be Recreate with an autoscaler: Recreate stops every replica before it starts new ones, so each rollout is an outage at whatever scale the autoscaler reached'
            : `must not be Recreate with ${scaling.fixedReplicas} replicas: Recreate stops every replica before it starts new ones, so each rollout is an outage`,
        received: chosen,
        fix: 'Run one replica (replicas: 1), or keep the rolling update and put shared data on a file share (AccessMode.READ_WRITE_MANY), or give each replica its own disk with a PythonStatefulSet.',
      });
    }
    // The old pod's whole grace period (drain, then the server's stop) passes before the new one is created.
    return { strategy: { type: 'Recreate' }, pace: { startSeconds, rounds: 1, leadSeconds: terminationGracePeriodSeconds } };
  }
  return {
    // Surge new pods before removing old ones: full capacity during rollouts.
    strategy: {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) },
    },
    // maxSurge 25% (rounded up), maxUnavailable 0: a round of new pods at a time, at the most replicas.
    pace: { startSeconds, leadSeconds: 0, rounds: rollingRounds(scaling.maxReplicas, Math.ceil(scaling.maxReplicas / 4)) },
  };
}
