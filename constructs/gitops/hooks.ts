/**
 * Argo CD annotations that order objects within a sync.
 *
 * How a release is ordered in this library (see `PythonMigration`):
 *
 * | wave | objects |
 * |---|---|
 * | -2 | the app's ConfigMap, ServiceAccount, secret objects and the migration's NetworkPolicy |
 * | -1 | the migration Job, a `Sync` hook with `BeforeHookCreation` |
 * | 0 | the Deployment and everything else |
 *
 * Argo CD applies each wave and waits for it to be healthy before the next, so
 * the migration runs with the new config and identity and finishes before any
 * pod of the new version starts. It is a `Sync` hook rather than `PreSync`
 * because PreSync hooks run before every Sync-phase object, including the
 * config the migration reads, which on a first sync does not exist yet.
 * The namespace exists before all of it: Argo CD moves a Namespace object
 * ahead of the earliest object placed in it, whatever their waves
 * (gitops-engine PR #159), and `CreateNamespace=true` on the Application
 * creates it even when no Namespace object is synced.
 *
 * Flux has no waves: it applies a folder at once and, with `wait: true`,
 * reports Ready only when the Job has completed and the Deployments have
 * rolled out. A strict "migrate, then roll" order there needs the Job in its
 * own folder and Kustomization, which the app's Kustomization lists in `dependsOn`.
 */

/** The sync phase an object runs in as a hook (`PreSync`, `Sync`, `PostSync`, `SyncFail`). */
export const ARGOCD_HOOK = 'argocd.argoproj.io/hook';

/** When a hook object is deleted (`BeforeHookCreation`, `HookSucceeded`, `HookFailed`). */
export const ARGOCD_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';

/** The wave an object is applied in within its phase; lower waves first. */
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
