/**
 * Annotations that order objects during a GitOps sync. Kept in one place so the
 * objects that run around a rollout (a database migration Job) and the
 * Application that deploys them agree on the same names.
 */

/** Argo CD: the sync phase an object runs in as a hook (`PreSync`, `Sync`, `PostSync`, `SyncFail`). */
export const ARGOCD_HOOK = 'argocd.argoproj.io/hook';

/** Argo CD: when a hook object is deleted. */
export const ARGOCD_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';

/** Argo CD: the wave an object is applied in within its phase; lower waves first, then by kind. */
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** Flux: recreate this object when an update hits an immutable field (a Job's pod template). */
export const FLUX_FORCE = 'kustomize.toolkit.fluxcd.io/force';

/**
 * Annotations for a Job that must finish before the new version rolls out, such
 * as a database migration.
 *
 * - Argo CD runs a `PreSync` hook before every wave of the Sync phase, so the
 *   migration completes before any Deployment changes; Namespaces (and, with
 *   `CreateNamespace=true`, the destination namespace) are created before
 *   PreSync hooks run. Objects the Job itself needs (its ServiceAccount,
 *   ConfigMap, secrets) are Sync-phase objects and do not exist yet on the
 *   very first sync.
 * - `BeforeHookCreation` deletes the previous run's Job just before the next
 *   one is created: a Job's pod template is immutable, and the last run stays
 *   inspectable until then.
 * - Flux has no hooks: it applies the Job with everything else. The force
 *   annotation lets it replace the Job when the image changes instead of
 *   failing on the immutable template; `wait: true` then holds the
 *   Kustomization not-ready until the Job completes.
 */
export function migrationJobAnnotations(): Record<string, string> {
  return {
    [ARGOCD_HOOK]: 'PreSync',
    [ARGOCD_HOOK_DELETE_POLICY]: 'BeforeHookCreation',
    [FLUX_FORCE]: 'enabled',
  };
}
