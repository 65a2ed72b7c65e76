import type { ApiObject } from 'cdk8s';

/**
 * The release history: versioned objects that pods of earlier versions still
 * name, kept in the cluster after the version that brought them is replaced.
 *
 * A content-hashed ConfigMap, a migration Job and the Role that lets pods read
 * that Job are each named after one version. When version N+1 ships, every
 * delivery engine would delete N's copies (Argo CD and Flux prune what left
 * git; `kubectl apply --prune` what left the files), yet the Deployment
 * controller keeps creating pods from N's template: proportional scaling during
 * a rollout, an evicted old pod, `kubectl rollout undo`. And a rollback that
 * re-applies N would re-create N's deleted Job, which would run N's migration
 * against N+1's schema. So these objects are exempt from pruning on every
 * engine, and a rollback re-applies an existing, finished, unchanged Job:
 * nothing runs again.
 *
 * - Argo CD: `argocd.argoproj.io/sync-options: Prune=false`, with
 *   `argocd.argoproj.io/compare-options: IgnoreExtraneous` so that the kept
 *   objects do not hold the app OutOfSync
 *   (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources,
 *   https://argo-cd.readthedocs.io/en/stable/user-guide/compare-options/).
 * - Flux: `kustomize.toolkit.fluxcd.io/prune: disabled`
 *   (https://fluxcd.io/flux/components/kustomize/kustomizations/#prune).
 * - `kubectl apply --prune`: a selector that negates {@link RELEASE_HISTORY_LABEL}
 *   ({@link KUBECTL_PRUNE_SELECTOR}); `-l` also filters what is applied, so the
 *   pruning apply runs after a full one (see docs/delivery.md, "In the cluster").
 *
 * Nothing deletes them by itself: a TTL would also delete the current
 * version's Job, and a later pod of that version (an autoscaler's scale-up
 * weeks later) would wait on a 404, while an in-cluster cleaner would need to
 * delete Jobs, ConfigMaps and Roles. `pyservice-k8s history` lists the kept
 * objects that no ReplicaSet, CronJob or pod names any more, for the user to delete.
 */

/** Label on every object of the release history; the value is always `true`. */
export const RELEASE_HISTORY_LABEL = 'pyservice.dev/release-history';
/** Label on a migration's wait Role and RoleBinding: the Job they let pods read. */
export const MIGRATION_JOB_LABEL = 'pyservice.dev/migration-job';
/** Argo CD's per-object sync options. */
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Argo CD's per-object compare options. */
export const ARGOCD_COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';
/** Flux kustomize-controller's per-object prune policy. */
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
/**
 * What `kubectl apply --prune -l` should select: the app's objects
 * (`app.kubernetes.io/managed-by=cdk8s`) except the release history. A `!=`
 * requirement also matches objects without the label.
 */
export const KUBECTL_PRUNE_SELECTOR = `app.kubernetes.io/managed-by=cdk8s,${RELEASE_HISTORY_LABEL}!=true`;

/** The annotations that keep an object out of pruning on Argo CD and Flux. */
export const RETAINED_ANNOTATIONS: Readonly<Record<string, string>> = {
  [ARGOCD_SYNC_OPTIONS]: 'Prune=false',
  [ARGOCD_COMPARE_OPTIONS]: 'IgnoreExtraneous',
  [FLUX_PRUNE]: 'disabled',
};

/** Marks `obj` as part of the release history: never pruned by Argo CD, Flux or the documented `kubectl apply --prune`. */
export function keepInReleaseHistory(obj: ApiObject): void {
  obj.metadata.addLabel(RELEASE_HISTORY_LABEL, 'true');
  for (const [key, value] of Object.entries(RETAINED_ANNOTATIONS)) obj.metadata.addAnnotation(key, value);
}
