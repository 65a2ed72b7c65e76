/**
 * The StatefulSet controller, as the release-history model needs it: rules
 * modelled on kubernetes/pkg/controller/statefulset (stateful_set_control.go,
 * stateful_set_utils.go), not that program. It keeps what decides which
 * template a pod is created from:
 *
 * - Pods are named by ordinal. `OrderedReady` creates pod n once pods 0..n-1
 *   run and are ready; `Parallel` creates them all at once. Scaling down
 *   removes the highest ordinals.
 * - `RollingUpdate` (partition 0): from the highest ordinal down, the first pod
 *   not at the update revision is deleted, and created again from the update
 *   revision, unless a pod above it is not ready yet; one at a time. Under
 *   `OrderedReady` nothing is updated while any pod is not ready: a pod stuck on
 *   a bad template blocks the rollback to a good one until it is deleted by hand
 *   (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#forced-rollback).
 * - A pod deleted otherwise (an eviction, a drain) is created again from the
 *   current revision when its ordinal is below `status.currentReplicas` (the
 *   count of the last sync), else from the update revision
 *   (newVersionedStatefulSetPod); under `OnDelete`, always from the update revision.
 * - The current revision becomes the update revision once every pod runs it.
 * - ControllerRevisions: the `revisionHistoryLimit` (default 10) newest besides
 *   those pods run are kept, and `kubectl rollout undo` applies the previous one's template.
 */
import { createHash } from 'crypto';
import { STATEFUL_SET_MUTABLE_FIELDS } from '../../src/diff/immutable';

type Obj = any;

/** One pod of the set: the revision it was created from, and whether its waits passed and it runs. */
interface SetPod {
  readonly hash: string;
  started: boolean;
}

/** A ControllerRevision. */
export interface SetRevision {
  readonly hash: string;
  readonly template: Obj;
  revision: number;
}

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const hashOf = (o: unknown) => createHash('sha256').update(JSON.stringify(o)).digest('hex').slice(0, 10);

/**
 * The spec fields an update of a StatefulSet from `live` to `next` changes that
 * the API server refuses to change (ValidateStatefulSetUpdate, kubernetes
 * pkg/apis/apps/validation/validation.go; the list is the diff's).
 */
export function refusedSetChanges(live: Obj, next: Obj): string[] {
  const keys = [...new Set([...Object.keys(live.spec ?? {}), ...Object.keys(next.spec ?? {})])];
  return keys
    .filter((k) => !STATEFUL_SET_MUTABLE_FIELDS.has(k))
    .filter((k) => JSON.stringify(live.spec?.[k]) !== JSON.stringify(next.spec?.[k]))
    .sort();
}

/** What the controller knows of one StatefulSet. */
export class StatefulSetState {
  public replicas: number;
  public readonly revisions: SetRevision[] = [];
  /** Pods by ordinal; undefined where none exists. */
  public pods: Array<SetPod | undefined> = [];
  private current?: string;
  private update?: string;
  /** `status.currentReplicas` of the last sync. */
  private currentReplicas = 0;
  private counter = 0;

  public constructor(set: Obj) {
    this.replicas = set.spec.replicas ?? 1;
  }

  /** One sync of the controller; `passes(template)` says whether a pod of that template can start now. */
  public reconcile(set: Obj, passes: (template: Obj) => boolean): void {
    const hash = hashOf(set.spec.template);
    const rev = this.revisions.find((r) => r.hash === hash);
    const newest = Math.max(0, ...this.revisions.map((r) => r.revision));
    // A template seen before gets its ControllerRevision back, renumbered as the newest.
    if (!rev) this.revisions.push({ hash, template: clone(set.spec.template), revision: ++this.counter });
    else if (rev.revision !== newest) rev.revision = ++this.counter;
    this.update = hash;
    this.current ??= hash;
    const onDelete = set.spec.updateStrategy?.type === 'OnDelete';
    const ordered = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    this.pods = this.pods.slice(0, this.replicas);
    for (let i = 0; i < this.replicas; i++) {
      if (this.pods[i]) continue;
      if (ordered && this.pods.slice(0, i).some((p) => !p?.started)) break;
      const from = !onDelete && i < this.currentReplicas ? this.current : this.update;
      this.pods[i] = { hash: from, started: false };
    }
    for (const p of this.pods) if (p && !p.started) p.started = passes(this.template(p.hash));
    // OrderedReady stops at the first pod that is not running and ready, before it updates any:
    // a pod stuck on a bad template blocks a rollback too (the documented "forced rollback").
    const all = this.pods.length === this.replicas && this.pods.every((p) => p?.started);
    if (!onDelete && (all || !ordered)) this.rollOne();
    if (this.pods.length === this.replicas && this.pods.every((p) => p?.hash === this.update)) this.current = this.update;
    this.currentReplicas = this.pods.filter((p) => p?.hash === this.current).length;
    const used = new Set([this.current, this.update, ...this.pods.map((p) => p?.hash)]);
    const limit = set.spec.revisionHistoryLimit ?? 10;
    const idle = this.revisions.filter((r) => !used.has(r.hash)).sort((a, b) => b.revision - a.revision);
    for (const r of idle.slice(limit)) this.revisions.splice(this.revisions.indexOf(r), 1);
  }

  /** The rolling update's step: from the highest ordinal down, delete the first pod not at the update revision, unless a pod above it is not ready yet. */
  private rollOne(): void {
    for (let i = this.pods.length - 1; i >= 0; i--) {
      const p = this.pods[i];
      if (!p) return;
      if (p.hash !== this.update) {
        this.pods[i] = undefined;
        return;
      }
      if (!p.started) return;
    }
  }

  /** Deletes the started pod of the oldest revision; the next sync creates it again. */
  public evictOldPod(): void {
    const rank = (p: SetPod) => this.revisions.find((r) => r.hash === p.hash)?.revision ?? 0;
    const started = [...this.pods.keys()].filter((i) => this.pods[i]?.started);
    const oldest = started.sort((a, b) => rank(this.pods[a]!) - rank(this.pods[b]!))[0];
    if (oldest !== undefined) this.pods[oldest] = undefined;
  }

  /** The template of `kubectl rollout undo`: the revision before the newest. */
  public previousTemplate(): Obj | undefined {
    const sorted = [...this.revisions].sort((a, b) => b.revision - a.revision);
    return sorted.length > 1 ? clone(sorted[1].template) : undefined;
  }

  /** Every pod runs the set's template and is ready. */
  public rolledOut(set: Obj): boolean {
    const hash = hashOf(set.spec.template);
    const ready = this.pods.length === this.replicas && this.pods.every((p) => p?.started);
    return ready && (set.spec.updateStrategy?.type === 'OnDelete' || this.pods.every((p) => p?.hash === hash));
  }

  /** Pods that run. */
  public startedPods(): number {
    return this.pods.filter((p) => p?.started).length;
  }

  public template(hash: string): Obj {
    return this.revisions.find((r) => r.hash === hash)!.template;
  }
}
