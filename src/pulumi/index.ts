/**
 * pyservice-k8s/pulumi: deploys the cdk8s constructs of this library through
 * `@pulumi/kubernetes`, object for object what `cdk8s synth` writes, and
 * reports what each cloud identity has to trust. Needs the optional peers
 * `@pulumi/pulumi` and `@pulumi/kubernetes`.
 *
 * @module pyservice-k8s/pulumi
 */
export { Cdk8sComponent, PythonMicroserviceComponent } from './components';
export type { Cdk8sComponentArgs, PythonMicroserviceComponentArgs } from './components';
export type { IngressInfo, LoadBalancerAddress, ServiceInfo } from './host';
export type {
  AksIdentityBinding,
  CloudIdentityBinding,
  ClusterIdentityInputs,
  EksIdentityBinding,
  GkeIdentityBinding,
  IdentityBindingBase,
} from './identity';
export { ValidationError } from '../../constructs/core/validation';
