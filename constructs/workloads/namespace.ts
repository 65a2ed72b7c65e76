import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { appIndex, isLabellingNamespace, rendersRequiredLabels, requireNamespaceLabels, requiredNamespaceLabels } from '../core/app-index';
import { nameIssue } from '../core/names';
import { ManifestJson, kubeObject, sortedMap, uniqueIn } from '../core/objects';
import { checkedProps } from '../core/props';
import { IssueCollector, addWarning } from '../core/validation';
import { ARGOCD_SYNC_WAVE, PREREQUISITE_WAVE } from '../delivery/hooks';
import { SHAPES } from './shapes.generated';

/** Props of {@link RestrictedNamespace}. */
export interface RestrictedNamespaceProps {
  /**
   * Name of the namespace.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Pod Security Standards version the admission controller evaluates against.
   * @default 'v1.28'
   */
  readonly podSecurityVersion?: string;
}

/**
 * A namespace whose Pod Security Admission enforces the "restricted" standard
 * (https://kubernetes.io/docs/concepts/security/pod-security-admission/), so a
 * pod that is not hardened is rejected by the cluster, not just by review. It
 * also carries the labels the app's services need on their namespace (a
 * cloud's admission webhook reads them), whenever those services are defined.
 */
export class RestrictedNamespace extends Construct {
  /** Name of the namespace. */
  public readonly name: string;
  /** The Namespace object. */
  public readonly namespace: ApiObject;

  public constructor(scope: Construct, id: string, props: RestrictedNamespaceProps = {}) {
    super(uniqueIn(scope, id), id);
    const issues = IssueCollector.of(this);
    props = checkedProps(props, SHAPES.RestrictedNamespaceProps, 'RestrictedNamespace', issues);
    this.name = props.name ?? id;
    const bad = nameIssue(this.name, 63);
    if (bad) issues.add(bad);
    const version = props.podSecurityVersion ?? 'v1.28';
    issues.check(/^(latest|v1\.\d+)$/.test(version), {
      prop: 'podSecurityVersion',
      rule: "must be 'latest' or a Kubernetes minor version like 'v1.28'",
      received: version,
      fix: "Use the version of your cluster, e.g. 'v1.28'.",
    });
    const labels: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
      labels[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    const metadata = { name: this.name, labels, annotations: { [ARGOCD_SYNC_WAVE]: PREREQUISITE_WAVE } };
    // Everything in the namespace needs it first (Argo CD also orders Namespaces ahead on its own).
    this.namespace = kubeObject(this, 'Resource', k8s.KubeNamespace, { metadata }, (manifest) => this.addRequiredLabels(manifest));
    rendersRequiredLabels(this.namespace);
  }

  private addRequiredLabels(manifest: ManifestJson): void {
    const required = requiredNamespaceLabels(this, this.name);
    if (Object.keys(required).length === 0) return;
    const metadata = manifest.metadata as { labels?: Record<string, string> };
    metadata.labels = sortedMap({ ...metadata.labels, ...required });
  }
}

/**
 * Asks for `labels` on the namespace of `scope`'s objects: a RestrictedNamespace
 * of the app renders them. When the app defines no Namespace of that name, or
 * one the library does not own, the synthesis warns with the labels to set.
 */
export function requireLabelsOnNamespace(scope: Construct, namespace: string | undefined, labels: Record<string, string>): void {
  if (Object.keys(labels).length === 0) return;
  if (namespace !== undefined) requireNamespaceLabels(scope, namespace, labels);
  // The Namespace may be defined after the service: checked once the whole tree exists.
  scope.node.addValidation({ validate: () => namespaceLabelWarning(scope, namespace, labels) });
}

function namespaceLabelWarning(scope: Construct, namespace: string | undefined, labels: Record<string, string>): string[] {
  const ns = namespace === undefined ? undefined : appIndex(scope).namespaces.get(namespace);
  if ((ns && isLabellingNamespace(ns)) || scope.node.metadata.some((m) => m.type === 'pyservice:namespace-labels')) return [];
  scope.node.addMetadata('pyservice:namespace-labels', true);
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  addWarning(
    scope,
    ns
      ? `namespace '${namespace}' needs the label(s) ${wanted}, and its Namespace object is not a RestrictedNamespace, which the library leaves as written; add the label(s) to it (or define the namespace with RestrictedNamespace).`
      : `namespace '${namespace ?? 'default'}' needs the label(s) ${wanted}, and the app does not define the Namespace; label it in the cluster (or add a RestrictedNamespace).`,
  );
  return [];
}
