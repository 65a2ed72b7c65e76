/**
 * Pulumi adapter: deploys the cdk8s constructs of this library through
 * @pulumi/kubernetes, object for object what `cdk8s synth` writes, and
 * reports what each cloud identity has to trust.
 */
export { Cdk8sComponent, PythonMicroserviceComponent } from './components';
export type { Cdk8sComponentArgs, PythonMicroserviceComponentArgs } from './components';
export { hostTree } from './host';
export type { HostOptions, HostedTree, IngressInfo, LoadBalancerAddress, ServiceInfo } from './host';
export { identityBinding, identityFromAnnotations } from './identity';
export type {
  AksIdentityBinding, CloudIdentityBinding, ClusterIdentityInputs, EksIdentityBinding, GkeIdentityBinding, IdentityBindingBase,
} from './identity';
export { TYPED_KINDS, registerManifest } from './kinds';
export type { Manifest, TypedKind } from './kinds';
export { inferDependencies } from './dependencies';
export { SynthesisError, objectId, synthesizeTree } from './tree';
export type { SynthesizedTree, TreeObject } from './tree';
