/**
 * The cleanup of the release history (see constructs/delivery/retention.ts): of
 * the kept objects, those no pod can need any more.
 *
 * A kept object is still needed when a Deployment, a ReplicaSet (the
 * Deployment controller keeps `revisionHistoryLimit` of them for `rollout
 * undo`), a StatefulSet, a ControllerRevision (the StatefulSet controller's
 * kept templates), a CronJob, a pod or a running Job names it, or when the manifests
 * being deployed hold it: a migration Job deleted while its version is still
 * the one in git would be re-created and run again. A wait Role and RoleBinding
 * are needed while their Job is. Everything else kept can go; a rollback to a
 * version whose objects are gone re-creates its Job, which then migrates again
 * (downgrade first, as for any rollback across an incompatible schema).
 *
 * Usage (the namespace's live objects on stdin, the target's folder as argument):
 *
 *     kubectl get deployments,replicasets,statefulsets,controllerrevisions,cronjobs,jobs,pods,configmaps,roles,rolebindings -n shop -o json \
 *       | npx pyservice-k8s history dist/prod/east | xargs -r kubectl delete -n shop
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { MIGRATION_JOB_LABEL, RELEASE_HISTORY_LABEL } from '../constructs/delivery/retention';

import { ManifestField } from './manifest';

/** The kinds whose live objects `pyservice-k8s history` reads on stdin, as `kubectl get` takes them. */
export const HISTORY_KINDS = 'deployments,replicasets,statefulsets,controllerrevisions,cronjobs,jobs,pods,configmaps,roles,rolebindings';

/** A live object or manifest, read as JSON. */
type Obj = ManifestField;

/** The pod spec of a workload, Job, CronJob, pod, or a StatefulSet's ControllerRevision (`data` holds its template). */
function podSpecOf(o: Obj): Obj | undefined {
  if (o.kind === 'ControllerRevision') return o.data?.spec?.template?.spec;
  return o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec ?? (o.kind === 'Pod' ? o.spec : undefined);
}

/** ConfigMaps, Secrets and migration Jobs a pod spec names. */
function named(spec: Obj): { configMaps: string[]; secrets: string[]; jobs: string[] } {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const configMaps = [
    ...containers.flatMap((c: Obj) => (c.envFrom ?? []).map((e: Obj) => e.configMapRef?.name)),
    ...containers.flatMap((c: Obj) => (c.env ?? []).map((e: Obj) => e.valueFrom?.configMapKeyRef?.name)),
    ...(spec.volumes ?? []).flatMap((v: Obj) => [v.configMap?.name, ...(v.projected?.sources ?? []).map((s: Obj) => s.configMap?.name)]),
  ];
  const secrets = [
    ...containers.flatMap((c: Obj) => (c.envFrom ?? []).map((e: Obj) => e.secretRef?.name)),
    ...containers.flatMap((c: Obj) => (c.env ?? []).map((e: Obj) => e.valueFrom?.secretKeyRef?.name)),
    ...(spec.volumes ?? []).map((v: Obj) => v.secret?.secretName),
  ];
  const jobs = containers.flatMap((c: Obj) => (c.env ?? []).filter((e: Obj) => e.name === 'MIGRATION_JOB').map((e: Obj) => e.value));
  const names = (list: unknown[]) => list.filter((n): n is string => typeof n === 'string');
  return { configMaps: names(configMaps), secrets: names(secrets), jobs };
}

/**
 * The kept objects of `live` (a `kubectl get -o json` List) that nothing needs
 * any more, as `kind/name` for `kubectl delete`, sorted.
 *
 * @param manifests the objects of the target's folder, which are needed whatever the cluster runs
 */
export function unneededHistory(live: { readonly items?: readonly Obj[] }, manifests: readonly Obj[] = []): string[] {
  const items = live.items ?? [];
  // Finished Jobs and their finished pods do not hold on to what they named; running ones do.
  const running = (o: Obj) =>
    (o.kind === 'Job' && o.status?.active > 0) || (o.kind === 'Pod' && !['Succeeded', 'Failed'].includes(o.status?.phase));
  const users = items.filter(
    (o) => ['Deployment', 'ReplicaSet', 'StatefulSet', 'ControllerRevision', 'CronJob'].includes(o.kind) || running(o),
  );
  const needed = new Set<string>(manifests.map((o) => `${o.kind}/${o.metadata?.name}`));
  for (const o of users) {
    const spec = podSpecOf(o);
    if (!spec) continue;
    const { configMaps, secrets, jobs } = named(spec);
    configMaps.forEach((n) => needed.add(`ConfigMap/${n}`));
    secrets.forEach((n) => needed.add(`Secret/${n}`));
    jobs.forEach((n) => needed.add(`Job/${n}`));
  }
  const isNeeded = (o: Obj) =>
    needed.has(`${o.kind}/${o.metadata.name}`) ||
    (['Role', 'RoleBinding'].includes(o.kind) && needed.has(`Job/${o.metadata.labels?.[MIGRATION_JOB_LABEL]}`));
  return items
    .filter((o) => o.metadata?.labels?.[RELEASE_HISTORY_LABEL] === 'true' && !isNeeded(o))
    .map((o) => `${String(o.kind).toLowerCase()}/${o.metadata.name}`)
    .sort();
}

/** Every object in the YAML files of a folder (a target's synthesized manifests), kustomization.yaml aside. */
export function manifestsIn(folder: string): Obj[] {
  return fs
    .readdirSync(folder)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(folder, f), 'utf8')).map((d) => d.toJS()))
    .filter((o) => o && typeof o === 'object');
}
