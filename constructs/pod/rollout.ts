import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/**
 * How long rollouts may take, derived from what the pods do: the migration
 * waits of the app, the start-up of one pod, and how many pods a rollout
 * replaces at a time. Two numbers come out of it and must agree with the
 * waits: each Deployment's `progressDeadlineSeconds`, and the time a delivery
 * engine that waits for health (Flux's Kustomization `timeout`) allows a release.
 */

/**
 * Seconds a new pod may take before its probes run: scheduling (on capacity a
 * node autoscaler may first have to add), the image pull and the container start.
 */
export const POD_SCHEDULE_SECONDS = 120;

/**
 * The Deployment controller's default progress deadline; a derived deadline
 * is never shorter (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds).
 */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** How a Deployment's rollout is paced. */
export interface RolloutPace {
  /** Seconds one new pod takes to become available once its waits passed: scheduling, then its startup and readiness probes. */
  readonly startSeconds: number;
  /** Rounds of new pods a rollout at the most replicas takes (each round waits for the one before to be available). */
  readonly rounds: number;
  /** Seconds before the first new pod is created: the old pods' grace period under `Recreate`, else 0. */
  readonly leadSeconds: number;
}

/**
 * Seconds a pod needs from creation to available, once its waits passed: the
 * scheduling allowance, the startup probe's whole budget, then one readiness
 * period (probes only start once the startup probe passed).
 */
export function podStartSeconds(startup?: k8s.Probe, readiness?: k8s.Probe): number {
  const budget = (p?: k8s.Probe) => (p ? (p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3) : 0);
  const firstSuccess = readiness
    ? (readiness.initialDelaySeconds ?? 0) + (readiness.periodSeconds ?? 10) * (readiness.successThreshold ?? 1)
    : 0;
  return POD_SCHEDULE_SECONDS + budget(startup) + firstSuccess;
}

/**
 * Rounds of a RollingUpdate with `maxUnavailable: 0`: each round surges
 * `surge` new pods and waits for them to be available before the old ones go.
 */
export function rollingRounds(replicas: number, surge: number): number {
  return Math.max(1, Math.ceil(replicas / Math.max(1, surge)));
}

/**
 * The Deployment's progress deadline: the longest stretch without progress is
 * the first new pod's, which waits for the migrations and then starts. The
 * controller resets the clock whenever a new pod becomes available.
 */
export function progressDeadlineSeconds(pace: RolloutPace, waits: number): number {
  return Math.max(DEFAULT_PROGRESS_DEADLINE_SECONDS, pace.leadSeconds + waits + pace.startSeconds);
}

/** The longest a whole rollout takes: the first round waits for the migrations, every round starts its pods. */
export function rolloutSeconds(pace: RolloutPace, waits: number): number {
  return pace.leadSeconds + waits + pace.rounds * pace.startSeconds;
}
