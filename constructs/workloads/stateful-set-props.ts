import { WorkerLiveness } from '../pod/worker-liveness';
import { PythonProcessProps } from './worker-props';

/** How a StatefulSet starts and stops its pods. Rolling updates replace one pod at a time under both. */
export enum PodManagementPolicy {
  /**
   * One at a time, in order: pod 1 starts once pod 0 is ready; scaling down stops
   * the highest first. For members that must join in order. While any pod is not
   * ready the controller changes nothing, so a pod stuck on a bad version (a failed
   * migration) blocks the rollback until you delete it (Kubernetes' "forced rollback").
   */
  ORDERED_READY = 'OrderedReady',
  /** All at once, for processes that do not wait for their peers; a rollback replaces a stuck pod by itself. */
  PARALLEL = 'Parallel',
}

/** How a StatefulSet replaces its pods when their template changes. */
export enum StatefulSetUpdate {
  /** One pod at a time, from the highest ordinal down, each once the one before is ready. */
  ROLLING_UPDATE = 'RollingUpdate',
  /** A pod gets the new template only when it is deleted (by you, a node drain or an eviction). */
  ON_DELETE = 'OnDelete',
}

/** What happens to a per-replica claim. */
export enum ClaimRetention {
  /** The claim and its data stay (Kubernetes' default). */
  RETAIN = 'Retain',
  /** The claim is deleted, and with it the volume when its StorageClass reclaims it. */
  DELETE = 'Delete',
}

/** What happens to the per-replica claims when the StatefulSet is deleted or scaled down. */
export interface ClaimRetentionProps {
  /**
   * When the StatefulSet is deleted.
   * @default ClaimRetention.RETAIN
   */
  readonly whenDeleted?: ClaimRetention;
  /**
   * When the StatefulSet is scaled down (the claims of the pods above the new count).
   * @default ClaimRetention.RETAIN
   */
  readonly whenScaled?: ClaimRetention;
}

/** Props of {@link PythonStatefulSet}. */
export interface PythonStatefulSetProps extends PythonProcessProps {
  /**
   * Pods, each with its own per-replica claims (`Volume.perReplicaClaim` in `mounts`)
   * and its own name, `<name>-<ordinal>.<name>`.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * How pods start and stop. Kubernetes' own default is `ORDERED_READY`; this one
   * is `PARALLEL`, so that rolling back after a failed migration needs no hand.
   * @default PodManagementPolicy.PARALLEL
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * How pods get a new template.
   * @default StatefulSetUpdate.ROLLING_UPDATE
   */
  readonly updateStrategy?: StatefulSetUpdate;
  /**
   * What happens to the per-replica claims when the set is deleted or scaled down
   * (`persistentVolumeClaimRetentionPolicy`: beta from Kubernetes 1.27, on by default;
   * stable in 1.32). Needs the target's kubernetesVersion at 1.27 or later.
   * @default - not rendered: the claims stay, as Kubernetes does by default
   */
  readonly claimRetention?: ClaimRetentionProps;
  /**
   * When a pod is ready: it then gets its DNS name, and with `ORDERED_READY` the
   * next pod starts.
   * @default - a TCP connection to the first declared TCP port; none without one (ready once running)
   */
  readonly readiness?: WorkerLiveness;
}
