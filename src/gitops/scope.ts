/**
 * What a target's manifests reach in a cluster: the namespaces of their
 * namespaced objects and the kinds of their cluster-scoped ones. An Argo CD
 * AppProject allows exactly these.
 */
import { GroupKind } from '../../constructs/delivery';

/**
 * The built-in cluster-scoped kinds of Kubernetes 1.28, `<group>/<kind>`: the
 * kinds whose create path in the API has no `{namespace}`
 * (test/gitops/scope.test.ts reads them from the 1.28 OpenAPI spec).
 */
export const CLUSTER_SCOPED_KINDS: readonly string[] = [
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'authentication.k8s.io/SelfSubjectReview',
  'authentication.k8s.io/TokenReview',
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
  'authorization.k8s.io/SubjectAccessReview',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'internal.apiserver.k8s.io/StorageVersion',
  'networking.k8s.io/ClusterCIDR',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'resource.k8s.io/ResourceClass',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/VolumeAttachment',
];

const CLUSTER_SCOPED = new Set(CLUSTER_SCOPED_KINDS);

/** Built-in API groups: the core group, the unqualified ones (`apps`, `batch`) and `*.k8s.io`. */
const isBuiltInGroup = (group: string): boolean => group === '' || !group.includes('.') || group.endsWith('.k8s.io');

/** Namespaces and cluster-scoped kinds of a target's objects. */
export interface TargetScope {
  /** Namespaces of the namespaced objects, sorted; objects without one go to the destination namespace. */
  readonly namespaces: string[];
  /** Kinds of the cluster-scoped objects, sorted. */
  readonly clusterKinds: GroupKind[];
}

/**
 * The scope of synthesized objects (`{ apiVersion, kind, metadata }`). A custom
 * resource without a namespace is counted as cluster-scoped: allowing a
 * namespaced kind there grants nothing, while missing a cluster-scoped one
 * would fail every sync.
 */
export function scopeOf(
  objects: ReadonlyArray<
    | {
        readonly apiVersion?: unknown;
        readonly kind?: unknown;
        readonly metadata?: { readonly namespace?: unknown; readonly [field: string]: unknown };
      }
    | undefined
  >,
  destinationNamespace: string,
): TargetScope {
  const namespaces = new Set<string>([destinationNamespace]);
  const kinds = new Map<string, GroupKind>();
  for (const obj of objects) {
    const apiVersion = String(obj?.apiVersion ?? '');
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const kind = String(obj?.kind ?? '');
    const namespace: unknown = obj?.metadata?.namespace;
    if (CLUSTER_SCOPED.has(`${group}/${kind}`) || (typeof namespace !== 'string' && !isBuiltInGroup(group))) {
      kinds.set(`${group}/${kind}`, { group, kind });
    } else if (typeof namespace === 'string') {
      namespaces.add(namespace);
    }
  }
  return {
    namespaces: [...namespaces].sort(),
    clusterKinds: [...kinds.keys()].sort().map((k) => kinds.get(k)!),
  };
}
