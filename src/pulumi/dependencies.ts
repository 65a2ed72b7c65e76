import { Manifest, ManifestField, apiGroup } from './kinds';
import { ValidationError } from '../../constructs/core/validation';

/** Kinds whose pods are described by a pod template, and where the pod spec sits. */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * Kinds without a namespace. cdk8s gives every object of a chart the chart's
 * namespace, these included; the API server ignores it, and so do lookups here.
 */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'PriorityClass',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'PersistentVolume',
  'IngressClass',
  'ClusterSecretStore',
  'ClusterIssuer',
]);

/** An object another object needs to exist first, found by kind, namespace and name. */
interface Reference {
  readonly kind: string;
  readonly name: string;
  /** Namespace of the target; undefined for cluster-scoped targets. */
  readonly namespace?: string;
}

/**
 * For every object, the indexes of the objects that must be created before
 * it, inferred from the manifests alone:
 *
 * - a namespaced object needs its Namespace;
 * - a workload needs the ServiceAccount, ConfigMaps, Secrets (or the
 *   ExternalSecret or SealedSecret that makes the Secret), PersistentVolumeClaims,
 *   SecretProviderClasses and PriorityClass its pods name;
 * - an ExternalSecret needs its SecretStore or ClusterSecretStore, and a
 *   store needs the ServiceAccount it authenticates as;
 * - an Ingress needs the Services it routes to and its TLS Secrets;
 * - a custom resource needs the CustomResourceDefinition of its kind.
 *
 * References to objects that are not in `objects` (created elsewhere) add nothing.
 */
export function inferDependencies(objects: readonly Manifest[]): Set<number>[] {
  const index = new Map<string, number>();
  const crds = new Map<string, number>();
  objects.forEach((o, i) => {
    index.set(refKey({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }), i);
    for (const made of producedSecrets(o)) index.set(refKey({ kind: 'Secret', name: made, namespace: o.metadata.namespace }), i);
    if (o.kind === 'CustomResourceDefinition' && o.spec?.group && o.spec?.names?.kind) crds.set(`${o.spec.group}/${o.spec.names.kind}`, i);
  });

  return objects.map((o, self) => {
    const deps = new Set<number>();
    const add = (ref: Reference) => {
      const i = index.get(refKey(ref));
      if (i !== undefined && i !== self) deps.add(i);
    };
    if (o.metadata.namespace !== undefined && !CLUSTER_SCOPED.has(o.kind)) add({ kind: 'Namespace', name: o.metadata.namespace });
    podReferences(o).forEach(add);
    storeReferences(o).forEach(add);
    ingressReferences(o).forEach(add);
    const crd = crds.get(`${apiGroup(o.apiVersion)}/${o.kind}`);
    if (crd !== undefined && crd !== self) deps.add(crd);
    return deps;
  });
}

function refKey(ref: Reference): string {
  return `${ref.kind}/${CLUSTER_SCOPED.has(ref.kind) ? '' : (ref.namespace ?? '')}/${ref.name}`;
}

/** Names of the Secrets an object makes the cluster create (ExternalSecret, SealedSecret). */
function producedSecrets(o: Manifest): string[] {
  const group = apiGroup(o.apiVersion);
  if (group === 'external-secrets.io' && o.kind === 'ExternalSecret') return [o.spec?.target?.name ?? o.metadata.name];
  if (group === 'bitnami.com' && o.kind === 'SealedSecret') return [o.spec?.template?.metadata?.name ?? o.metadata.name];
  return [];
}

/** The store an ExternalSecret reads from; the ServiceAccounts a store authenticates as. */
function storeReferences(o: Manifest): Reference[] {
  if (apiGroup(o.apiVersion) !== 'external-secrets.io') return [];
  if (o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore') {
    return serviceAccountRefs(o.spec?.provider).map((r) => ({
      kind: 'ServiceAccount',
      name: r.name,
      namespace: r.namespace ?? o.metadata.namespace,
    }));
  }
  const ref = o.kind === 'ExternalSecret' ? o.spec?.secretStoreRef : undefined;
  if (!ref?.name) return [];
  const kind = ref.kind ?? 'SecretStore';
  return [{ kind, name: ref.name, namespace: o.metadata.namespace }];
}

/** The backends and TLS Secrets of an Ingress. */
function ingressReferences(o: Manifest): Reference[] {
  if (o.apiVersion !== 'networking.k8s.io/v1' || o.kind !== 'Ingress') return [];
  const secrets: unknown[] = (o.spec?.tls ?? []).map((t: ManifestField) => t?.secretName);
  return [
    ...ingressBackends(o).map((name) => ({ kind: 'Service', name, namespace: o.metadata.namespace })),
    ...secrets.filter((n): n is string => typeof n === 'string').map((name) => ({ kind: 'Secret', name, namespace: o.metadata.namespace })),
  ];
}

/** Names of the Services an Ingress sends traffic to. */
export function ingressBackends(ingress: Manifest): string[] {
  const backends: ManifestField[] = [
    ingress.spec?.defaultBackend,
    ...(ingress.spec?.rules ?? []).flatMap((r: ManifestField) => (r?.http?.paths ?? []).map((p: ManifestField) => p?.backend)),
  ];
  return backends.map((b) => b?.service?.name).filter((n): n is string => typeof n === 'string');
}

/** Every `serviceAccountRef` in a store's provider block (its place differs per provider). */
function serviceAccountRefs(node: unknown): Array<{ name: string; namespace?: string }> {
  if (Array.isArray(node)) return node.flatMap(serviceAccountRefs);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'serviceAccountRef' && typeof (value as { name?: unknown } | null)?.name === 'string'
      ? [value as { name: string; namespace?: string }]
      : serviceAccountRefs(value),
  );
}

/** Everything the pods of a workload name that must exist before they start. */
function podReferences(o: Manifest): Reference[] {
  const path = POD_SPEC_PATHS[o.kind];
  if (!path) return [];
  const pod = path.reduce<ManifestField>((node, key) => node?.[key], o);
  if (!pod) return [];
  const ns = o.metadata.namespace;
  const refs: Reference[] = [];
  const local = (kind: string, name: unknown) => {
    if (typeof name === 'string' && name.length > 0) refs.push({ kind, name, namespace: ns });
  };
  local('ServiceAccount', pod.serviceAccountName);
  if (typeof pod.priorityClassName === 'string') refs.push({ kind: 'PriorityClass', name: pod.priorityClassName });
  for (const s of pod.imagePullSecrets ?? []) local('Secret', s?.name);
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    for (const from of c?.envFrom ?? []) {
      local('ConfigMap', from?.configMapRef?.name);
      local('Secret', from?.secretRef?.name);
    }
    for (const e of c?.env ?? []) {
      local('ConfigMap', e?.valueFrom?.configMapKeyRef?.name);
      local('Secret', e?.valueFrom?.secretKeyRef?.name);
    }
  }
  for (const v of pod.volumes ?? []) {
    local('ConfigMap', v?.configMap?.name);
    local('Secret', v?.secret?.secretName);
    local('PersistentVolumeClaim', v?.persistentVolumeClaim?.claimName);
    local('SecretProviderClass', v?.csi?.volumeAttributes?.secretProviderClass);
    for (const s of v?.projected?.sources ?? []) {
      local('ConfigMap', s?.configMap?.name);
      local('Secret', s?.secret?.name);
    }
  }
  return refs;
}

/**
 * Indexes of `deps.length` objects in an order where every object comes after
 * what it depends on; ties keep the input order, so the order is stable.
 */
export function topologicalOrder(deps: readonly ReadonlySet<number>[], describe: (i: number) => string): number[] {
  // Kahn's algorithm, always taking the lowest ready index: the order of picking, at
  // each step, the first object whose dependencies are all placed, in O(e + n log n).
  const waitingFor = deps.map((d) => d.size);
  const dependants: number[][] = deps.map(() => []);
  deps.forEach((d, i) => d.forEach((j) => dependants[j].push(i)));
  const ready = new MinHeap();
  waitingFor.forEach((w, i) => w === 0 && ready.push(i));
  const order: number[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(next);
    for (const k of dependants[next]) if (--waitingFor[k] === 0) ready.push(k);
  }
  if (order.length < deps.length) {
    const placed = new Set(order);
    const stuck = deps
      .map((_, i) => i)
      .filter((i) => !placed.has(i))
      .map(describe);
    throw ValidationError.fromIssues('The objects cannot be ordered for Pulumi:', [
      {
        prop: 'dependencies',
        rule: 'must not form a cycle',
        received: stuck,
        fix: 'Remove one of the dependencies between these objects.',
      },
    ]);
  }
  return order;
}

/** A binary min-heap of numbers. */
class MinHeap {
  private readonly items: number[] = [];

  public push(x: number): void {
    const a = this.items;
    a.push(x);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  public pop(): number | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
