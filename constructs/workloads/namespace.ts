import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { kubeObject, uniqueIn } from '../core/objects';
import { Construct } from 'constructs';
import { ARGOCD_SYNC_WAVE, PREREQUISITE_WAVE } from '../delivery/hooks';
import { nameIssue } from '../core/names';
import { checkedProps } from '../core/props';
import { SHAPES } from './shapes.generated';
import { IssueCollector } from '../core/validation';

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
 * pod that is not hardened is rejected by the cluster, not just by review.
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
    this.namespace = kubeObject(this, 'Resource', k8s.KubeNamespace, {
      // Everything in the namespace needs it first (Argo CD also orders Namespaces ahead on its own).
      metadata: { name: this.name, labels, annotations: { [ARGOCD_SYNC_WAVE]: PREREQUISITE_WAVE } },
    });
  }
}
