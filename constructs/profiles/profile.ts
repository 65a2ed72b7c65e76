import { k8s } from 'cdk8s-plus-28';
import { Exposure } from '../exposure';
import { LoadBalancerHealthCheck } from '../health';
import { ResourceSpec } from '../resources';
import { PropIssue } from '../validation';

/** What a workload tells its cloud profile. */
export interface ProfileInput {
  /** The workload's object name. */
  readonly name: string;
  /** The workload's namespace, when known at synth time. */
  readonly namespace?: string;
  /** Who can reach the workload. */
  readonly exposure: Exposure;
  /** The container port and its name, when the workload serves traffic. */
  readonly port?: { readonly number: number; readonly name: string };
  /** The health definition as a load balancer check, when the workload serves traffic. */
  readonly health?: LoadBalancerHealthCheck;
  /** The container's resources, as the user asked for them. */
  readonly resources: ResourceSpec;
}

/** What a cloud profile contributes to a workload's objects. */
export interface ProfileOutput {
  /** Problems with the profile's options (prop paths start with `profile.`). */
  readonly issues: PropIssue[];
  /** Notes for the user, e.g. values changed to meet the platform's rules. */
  readonly warnings: string[];
  /** Resources after the platform's rules; equal to the input when the platform has none. */
  readonly resources: ResourceSpec;
  /** Annotations of the ServiceAccount (workload identity). */
  readonly serviceAccountAnnotations: Record<string, string>;
  /** Labels of the pod template. */
  readonly podLabels: Record<string, string>;
  /** Annotations of the Service. */
  readonly serviceAnnotations: Record<string, string>;
  /** `spec.loadBalancerClass` of a LoadBalancer Service, when the cloud's controller wants one. */
  readonly loadBalancerClass?: string;
  /** Node selector of the pod. */
  readonly nodeSelector: Record<string, string>;
  /** Tolerations of the pod. */
  readonly tolerations: k8s.Toleration[];
  /**
   * Seconds a terminating pod keeps serving (preStop delay) so that endpoint
   * removal reaches kube-proxy and the cloud load balancer before the server stops.
   */
  readonly drainSeconds: number;
}

/**
 * A cloud: the one place that knows its annotation keys, its identity
 * mechanism and its platform rules. A new cloud is a new implementation of
 * this interface, never a branch in a construct.
 */
export interface ICloudProfile {
  /** Short name of the cloud, e.g. used in folder names. */
  readonly cloud: string;
  /** Turns a workload's cloud-neutral intent into cloud-specific settings. */
  bind(input: ProfileInput): ProfileOutput;
}

/** Seconds for endpoint removal to reach every node's kube-proxy (in-cluster traffic only). */
export const CLUSTER_DRAIN_SECONDS = 5;

/** A profile output with nothing cloud-specific in it, for profiles to extend. */
export function neutralOutput(input: ProfileInput): ProfileOutput {
  return {
    issues: [],
    warnings: [],
    resources: input.resources,
    serviceAccountAnnotations: {},
    podLabels: {},
    serviceAnnotations: {},
    nodeSelector: {},
    tolerations: [],
    drainSeconds: CLUSTER_DRAIN_SECONDS,
  };
}
