/**
 * Argo CD annotations that order objects within a sync.
 *
 * How a release is ordered (see `PythonMigration`):
 *
 * | wave | objects |
 * |---|---|
 * | -3 | prerequisites other objects name: Namespaces, PriorityClasses, CRDs, StorageClasses (the app kit gives them this wave when they have none) |
 * | -2 | the app's ConfigMap, ServiceAccount, secret objects, claims, the migration's NetworkPolicy, the wait's script ConfigMap, Role and RoleBinding |
 * | -1 | the migration Job, a regular resource (a hook would be re-created, so re-run, on every sync); finished, it stays (retention.ts) and is healthy on every later sync |
 * | 0 | the Deployment and everything else, and the setup jobs that wait for no other setup job |
 * | 1, 2, … | a setup job that waits for others: one wave after the latest of them |
 *
 * Argo CD applies each wave and waits for it to be healthy before the next
 * (a Job is healthy once it succeeded), so the migration runs with the new
 * config and identity and finishes before any pod of the new version starts;
 * those pods also wait for it themselves, for Flux and `kubectl apply`. A
 * setup job (`PythonSetupJob`) runs after the migrations, and after the setup
 * jobs it names, by the same two means: its wave, and its pod's waits.
 * A pod whose PriorityClass does not exist is rejected by admission, so the
 * PriorityClass must be in an earlier wave than the Job that names it.
 */

/** Wave of prerequisites (Namespaces, PriorityClasses, CRDs, StorageClasses). */
export const PREREQUISITE_WAVE = '-3';
/** Wave of what a migration needs: config, secrets, identity, its NetworkPolicy and RBAC. */
export const MIGRATION_INPUT_WAVE = '-2';
/** Wave of migration Jobs. */
export const MIGRATION_WAVE = '-1';
/** Wave of a setup job that waits for setup jobs of the wave before, or for none (`0`). */
export function setupWave(after: readonly number[]): number {
  return after.length === 0 ? 0 : Math.max(...after) + 1;
}
/** Kinds other objects name that must exist first. */
export const PREREQUISITE_KINDS: readonly string[] = ['Namespace', 'PriorityClass', 'CustomResourceDefinition', 'StorageClass'];

/** The wave an object is applied in within its phase; lower waves first. */
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
