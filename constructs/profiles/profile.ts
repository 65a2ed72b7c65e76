import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Exposure, NetworkPeer } from '../traffic/exposure';
import { LoadBalancerHealthCheck } from '../pod/health';
import { TriggerAuthenticationSpecPodIdentity } from '../imports/triggerauthentication-keda.sh';
import { IngressInput, IngressOutput } from '../traffic/ingress';
import { MonitorInput, MonitorOutput } from '../scaling/metrics';
import type { ScalerIdentity } from '../scaling/queue-scaler';
import { ResourceSpec } from '../pod/resources';
import { SecretBackendInput, SecretBackendResult } from '../settings/secret-store';
import { PropIssue } from '../core/validation';

/** What a workload tells its cloud profile. */
export interface ProfileInput {
  /** The workload's object name. */
  readonly name: string;
  /** The workload's namespace, when known at synth time. */
  readonly namespace?: string;
  /** Who can reach the workload. */
  readonly exposure: Exposure;
  /**
   * The exposure goes through an Ingress or Gateway (layer 7), not a LoadBalancer
   * Service: the Service stays ClusterIP, but pods still drain for a load balancer.
   */
  readonly viaIngress?: boolean;
  /** The container port and its name, when the workload serves traffic. */
  readonly port?: { readonly number: number; readonly name: string };
  /** The health definition as a load balancer check, when the workload serves traffic. */
  readonly health?: LoadBalancerHealthCheck;
  /** The container's resources, as the user asked for them. */
  readonly resources: ResourceSpec;
  /** Where the pods should run. */
  readonly placement?: Placement;
}

/** Where pods run, in cloud-neutral words; the profile turns it into node selectors and tolerations. */
export interface Placement {
  /**
   * Run on spot (preemptible) capacity. Only for workloads that tolerate losing a node at short notice.
   * @default false
   */
  readonly spot?: boolean;
  /**
   * CPU architecture of the nodes; the image must be built for it.
   * @default - any architecture the cluster has
   */
  readonly arch?: 'amd64' | 'arm64';
}

/** The workload identity a profile set up, and what must exist on the cloud side for it to work. */
export interface WorkloadIdentity {
  /** The mechanism, e.g. `irsa`, `eks-pod-identity`, `gke-workload-identity`, `azure-workload-identity`. */
  readonly mechanism: string;
  /** The cloud principal: a role ARN, a Google service account email, a client ID. */
  readonly principal: string;
  /** Extra values the cloud-side binding needs (e.g. the tenant). */
  readonly details: Record<string, string>;
}

export type { SecretBackendInput };

/** What a cloud profile contributes to a workload's objects. */
export interface ProfileOutput {
  /** Problems with the profile's options (prop paths start with `profile.`). */
  readonly issues: PropIssue[];
  /** Notes for the user, e.g. values changed to meet the platform's rules. */
  readonly warnings: string[];
  /** Resources after the platform's rules; equal to the input when the platform has none. */
  readonly resources: ResourceSpec;
  /** The workload identity, when the profile has one. */
  readonly identity?: WorkloadIdentity;
  /** Annotations of the ServiceAccount (workload identity). */
  readonly serviceAccountAnnotations: Record<string, string>;
  /** Labels of the pod template. */
  readonly podLabels: Record<string, string>;
  /** Annotations of the Service. */
  readonly serviceAnnotations: Record<string, string>;
  /** Node selector of the pod. */
  readonly nodeSelector: Record<string, string>;
  /** Tolerations of the pod. */
  readonly tolerations: k8s.Toleration[];
  /**
   * Seconds a terminating pod keeps serving (preStop delay) so that endpoint
   * removal reaches kube-proxy and the cloud load balancer before the server stops.
   */
  readonly drainSeconds: number;
  /**
   * Where a LoadBalancer Service's traffic reaches the pods from, for the NetworkPolicy.
   * @default - anywhere (0.0.0.0/0)
   */
  readonly loadBalancerSources?: NetworkPeer[];
}

/**
 * A cloud: the one place that knows its annotation keys, its identity
 * mechanism and its platform rules. A new cloud is a new implementation of
 * this interface, never a branch in a construct.
 */
export interface ICloudProfile {
  /** Short name of the cloud, e.g. used in folder names. */
  readonly cloud: string;
  /**
   * The cloud's own container registry, as `ContainerRegistry` names its kinds
   * (`ecr`, `artifact-registry`, `acr`): the default registry of CI workflows.
   * @default - none: a workflow must name its registry
   */
  readonly registry?: string;
  /** Turns a workload's cloud-neutral intent into cloud-specific settings. */
  bind(input: ProfileInput): ProfileOutput;
  /** Names the backend and provider parameters that fetch secrets from the cloud's secret manager. */
  secretBackend(input: SecretBackendInput): SecretBackendResult;
  /**
   * Wires an Ingress to the cloud's layer-7 load balancer, its health check
   * following the workload's health definition; may create objects under `scope`.
   */
  ingress(scope: Construct, input: IngressInput): IngressOutput;
  /** What a Gateway API route needs on this cloud beyond the HTTPRoute (e.g. a health check policy). */
  gatewayRoute(scope: Construct, input: IngressInput): IngressOutput;
  /** The KEDA pod identity that lets a scaler read a cloud queue, or why this profile cannot. */
  kedaIdentity(identity: ScalerIdentity): KedaIdentityResult;
  /** Creates the scrape configuration of the cloud's Prometheus for a workload's metrics port. */
  metricsMonitor(scope: Construct, input: MonitorInput): MonitorOutput;
  /**
   * Seconds the cloud's layer-7 load balancer keeps an idle connection to a pod
   * for reuse, when it does; the server's keep-alive is set above it.
   */
  upstreamIdleTimeoutSeconds?(route: { readonly gateway: boolean }): number | undefined;
  /**
   * Annotations of a LoadBalancer Service that make the load balancer drain a
   * pod for as long as the pod may take to stop.
   */
  serviceDrainAnnotations?(terminationSeconds: number): Record<string, string>;
  /**
   * Why the platform may not honour a pod's grace period (a node autoscaler that
   * stops waiting earlier), and the way out on this cloud; undefined when it will.
   */
  gracePeriodWarning?(terminationSeconds: number): string | undefined;
  /** Labels the workload's namespace needs on this cloud (e.g. readiness gate injection). */
  namespaceLabels?(input: ProfileInput): Record<string, string>;
  /**
   * The StorageClass of new claims many nodes mount (ReadWriteMany, ReadOnlyMany)
   * that name none: the clusters' default classes are block storage, which such a
   * claim cannot use, so it would stay Pending. Undefined: such claims keep the
   * cluster's default class, without a word.
   */
  sharedFileStorage?(): SharedFileStorage;
  /**
   * Why the NetworkPolicy of an exposed service that restricts its callers
   * (`allowFrom`) still admits every pod of the network (a load balancer admitted
   * from whole private ranges), with the cloud's fix; undefined when it does not.
   */
  callerRestrictionWarning?(route: ExposureRoute): string | undefined;
}

/** A profile's answer for claims many nodes mount that name no StorageClass. */
export interface SharedFileStorage {
  /**
   * The StorageClass to give them.
   * @default - none: the claim keeps the cluster's default class
   */
  readonly storageClassName?: string;
  /**
   * Why the profile names none, and how to name one: the workload that creates such a claim shows it.
   * @default - no warning
   */
  readonly warning?: string;
  /** Problems with the profile's option that names the class. */
  readonly issues: PropIssue[];
}

/** How an exposed service is reached, for {@link ICloudProfile.callerRestrictionWarning}. */
export interface ExposureRoute {
  /** Who can reach the service (internal or public). */
  readonly exposure: Exposure;
  /** Through an Ingress (layer 7) rather than a LoadBalancer Service. */
  readonly ingress: boolean;
  /** Through a Gateway API route rather than a LoadBalancer Service or an Ingress. */
  readonly gateway: boolean;
}

/** A profile's answer to a KEDA scaler that needs a cloud identity. */
export interface KedaIdentityResult {
  readonly issues: PropIssue[];
  readonly podIdentity?: TriggerAuthenticationSpecPodIdentity;
  /**
   * A ServiceAccount subject the workload's cloud identity must also trust,
   * because KEDA's operator, not the workload, reads the queue with it
   * (`system:serviceaccount:keda:keda-operator`).
   */
  readonly alsoTrust?: string;
}

/** Where KEDA's operator runs, for the identity it authenticates with. */
export interface KedaOperatorOptions {
  /**
   * Namespace KEDA is installed in.
   * @default 'keda'
   */
  readonly namespace?: string;
  /**
   * ServiceAccount of the KEDA operator.
   * @default 'keda-operator'
   */
  readonly serviceAccount?: string;
}

/** How a cloud labels and taints its node pools, for {@link nodePlacement}. */
export interface NodeLabels {
  /** The node label (and value) of spot capacity. */
  readonly spot: { readonly key: string; readonly value: string };
  /** Spot nodes carry a NoSchedule taint of the same key and value. */
  readonly spotTainted: boolean;
  /** arm64 nodes carry a NoSchedule taint `kubernetes.io/arch=arm64`. */
  readonly armTainted: boolean;
}

/** Where a self-run Prometheus Operator is, for the profiles that can scrape through one. */
export interface PrometheusOperatorOptions {
  /**
   * Namespace of the Prometheus (Operator) that scrapes PodMonitors; the
   * NetworkPolicy admits it to metrics ports.
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
  /**
   * Helm release name of kube-prometheus-stack: its Prometheus only reads PodMonitors
   * labelled `release: <name>` unless `podMonitorSelectorNilUsesHelmValues` is false.
   * @default - no release label
   */
  readonly prometheusRelease?: string;
}

/** What every identity binding names: the Kubernetes side of the trust. */
export interface IdentityBindingBase {
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** Name of the ServiceAccount. */
  readonly serviceAccount: string;
  /** Subject of the ServiceAccount's tokens: `system:serviceaccount:<namespace>:<name>`. */
  readonly subject: string;
  /**
   * Other subjects the cloud identity must trust too, as the application's
   * runtime reports them: KEDA's operator, when a
   * worker's scaler reads a cloud queue as the workload (a second federated
   * credential, or a second `sub` in a role's trust policy).
   */
  readonly alsoTrustedSubjects: string[];
}

/** What a cloud's identity mechanism is given to describe its binding. */
export interface IdentityBindingContext extends IdentityBindingBase {
  /** The cloud principal the profile reported. */
  readonly principal: string;
  /** Extra values the profile reported (e.g. a tenant). */
  readonly details: Record<string, string>;
  /** The cluster's OIDC issuer URL, when known. */
  readonly issuer?: string;
  /** The cluster's Google Cloud project, when known. */
  readonly gcpProject?: string;
}

/**
 * One workload identity mechanism of a cloud: how its ServiceAccount shows it,
 * and the cloud-side binding it calls for, as plain values.
 */
export interface IdentityMechanism {
  /** The profile's `cloud`. */
  readonly cloud: string;
  /** The ServiceAccount annotation that carries the principal; none when nothing in Kubernetes shows it. */
  readonly annotation?: string;
  /** Annotations holding `details`, by detail name. */
  readonly detailAnnotations?: Record<string, string>;
  /** The binding, or a problem with the cluster facts it needs. */
  bind(c: IdentityBindingContext): IdentityBindingBase;
}
