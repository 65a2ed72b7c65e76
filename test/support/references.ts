/**
 * What a manifest names that must exist before it can work: its Namespace,
 * and for a pod template its PriorityClass, ServiceAccount, ConfigMaps,
 * Secrets, SecretProviderClasses and claims, and the Job and RoleBinding its
 * migration waits read. Keys are `Kind/namespace/name` (empty namespace for
 * cluster-scoped kinds).
 */

type Obj = any;

/** The key of an object in `references` results. */
export const objectKey = (kind: string, name: string, namespace?: string): string => `${kind}/${namespace ?? ''}/${name}`;

/** The pod spec of an object, if it has one (Deployment, Job, CronJob, Pod). */
export function podSpec(o: Obj): Obj | undefined {
  return o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec ?? (o.kind === 'Pod' ? o.spec : undefined);
}

/** The migration Jobs a pod spec waits for, from its init containers' `MIGRATION_JOB`. */
export function waitedJobs(pod: Obj): string[] {
  return (pod.initContainers ?? []).flatMap((c: Obj) =>
    (c.env ?? []).filter((e: Obj) => e.name === 'MIGRATION_JOB').map((e: Obj) => e.value as string),
  );
}

/** Every object a pod spec in `namespace` names. */
export function podReferences(pod: Obj, namespace: string | undefined): string[] {
  const refs: string[] = [];
  if (pod.priorityClassName) refs.push(objectKey('PriorityClass', pod.priorityClassName));
  if (pod.serviceAccountName) refs.push(objectKey('ServiceAccount', pod.serviceAccountName, namespace));
  for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) refs.push(objectKey('ConfigMap', e.configMapRef.name, namespace));
      if (e.secretRef) refs.push(objectKey('Secret', e.secretRef.name, namespace));
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef) refs.push(objectKey('ConfigMap', e.valueFrom.configMapKeyRef.name, namespace));
      if (e.valueFrom?.secretKeyRef) refs.push(objectKey('Secret', e.valueFrom.secretKeyRef.name, namespace));
    }
  }
  for (const v of pod.volumes ?? []) {
    if (v.configMap) refs.push(objectKey('ConfigMap', v.configMap.name, namespace));
    if (v.secret) refs.push(objectKey('Secret', v.secret.secretName, namespace));
    if (v.persistentVolumeClaim) refs.push(objectKey('PersistentVolumeClaim', v.persistentVolumeClaim.claimName, namespace));
    if (v.csi?.volumeAttributes?.secretProviderClass)
      refs.push(objectKey('SecretProviderClass', v.csi.volumeAttributes.secretProviderClass, namespace));
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap) refs.push(objectKey('ConfigMap', s.configMap.name, namespace));
      if (s.secret) refs.push(objectKey('Secret', s.secret.name, namespace));
    }
  }
  // A pod that waits for a migration reads that Job, allowed by the RoleBinding named after it.
  for (const job of waitedJobs(pod)) refs.push(objectKey('Job', job, namespace), objectKey('RoleBinding', `${job}-wait`, namespace));
  return refs;
}

/** Every object `o` names that must exist before it. */
export function references(o: Obj): string[] {
  const ns = o.metadata.namespace;
  const refs: string[] = ns ? [objectKey('Namespace', ns)] : [];
  const pod = podSpec(o);
  if (pod) refs.push(...podReferences(pod, ns));
  if (o.kind === 'RoleBinding')
    refs.push(objectKey('Role', o.roleRef.name, ns), ...o.subjects.map((s: Obj) => objectKey('ServiceAccount', s.name, ns)));
  return refs;
}
