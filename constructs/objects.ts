import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** A class of typed Kubernetes objects (cdk8s-plus-28's `k8s.Kube*`, or one `cdk8s import` generated). */
export interface ObjectKind<P> {
  /** Renders the object's manifest from typed props. */
  manifest(props: P): Record<string, unknown>;
}

/**
 * Creates a Kubernetes object from typed props, as a plain `ApiObject` holding
 * the rendered manifest. The typed classes re-map their JSON through their
 * typed converter after `addJsonPatch` has run, which silently drops fields
 * their Kubernetes version lacks and turns a plain quantity string into
 * `null`; a plain ApiObject applies patches to the final JSON, so the escape
 * hatch (`construct.deployment.addJsonPatch(...)`) means what it says.
 */
export function kubeObject<P>(scope: Construct, id: string, kind: ObjectKind<P>, props: P): ApiObject {
  const manifest = kind.manifest(props) as { apiVersion: string; kind: string; metadata?: Record<string, unknown> };
  return new ApiObject(scope, id, manifest as never);
}
