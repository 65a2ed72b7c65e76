import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { Exposure, NetworkPeer } from '../traffic/exposure';
import { LoadBalancerHealthCheck } from '../pod/health';
import { TriggerAuthenticationSpecPodIdentity } from '../imports/triggerauthentication-keda.sh';
import { IngressInput, IngressOutput } from '../traffic/ingress';
import { MonitorInput, MonitorOutput, renderPodMonitor } from '../scaling/metrics';
import type { ScalerIdentity } from '../scaling/queue-scaler';
import { ResourceSpec } from '../pod/resources';
import { SecretBackendInput, SecretBackendResult } from '../settings/secret-store';
import { PropShape, checkShape } from '../core/props';
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
   * Why the NetworkPolicy of an exposed service that restricts its callers
   * (`allowFrom`) still admits every pod of the network (a load balancer admitted
   * from whole private ranges), with the cloud's fix; undefined when it does not.
   */
  callerRestrictionWarning?(route: ExposureRoute): string | undefined;
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

/**
 * The warning for a load balancer admitted from the private ranges by default:
 * pod addresses are private too, so the ipBlock admits every pod as well.
 * @param network where the pods' addresses come from, in the cloud's words
 * @param fix how to name the load balancer's own subnets on this cloud
 */
export function privateRangesWarning(network: string, fix: string): string {
  return (
    `allowFrom restricts who may call the service, but the NetworkPolicy also admits its load balancer from the private ranges ` +
    `(${PRIVATE_RANGES.join(', ')}), the default of loadBalancerSourceRanges, and ${network}: every pod there reaches the port, whatever allowFrom says. ${fix}`
  );
}

/**
 * The cluster autoscaler waits at most 10 minutes for a pod to stop when it
 * removes a node (`--max-graceful-termination-sec`, 600 s: GKE and AKS document it).
 */
export const AUTOSCALER_MAX_GRACE_SECONDS = 600;

/**
 * The warning for a grace period the cluster autoscaler cuts short, with the
 * cloud's way out; undefined when the grace period fits.
 * @param autoscaler whose autoscaler, in the message (e.g. "the cluster autoscaler")
 */
export function autoscalerGraceWarning(terminationSeconds: number, autoscaler: string, wayOut: string): string | undefined {
  if (terminationSeconds <= AUTOSCALER_MAX_GRACE_SECONDS) return undefined;
  return (
    `terminationGracePeriodSeconds ${terminationSeconds} is above the ${AUTOSCALER_MAX_GRACE_SECONDS} s ${autoscaler} waits when it removes a node; ` +
    `longer tasks are cut on scale-down. ${wayOut}`
  );
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

/** The token subject of KEDA's operator, as its Helm chart installs it unless told otherwise. */
export function kedaOperatorSubject(options: KedaOperatorOptions = {}): string {
  return `system:serviceaccount:${options.namespace ?? 'keda'}:${options.serviceAccount ?? 'keda-operator'}`;
}

/** The answer of a profile that has no identity for the scaler's cloud. */
export function foreignScaler(identity: ScalerIdentity, profile: string): KedaIdentityResult {
  return {
    issues: [
      {
        prop: 'autoscaling.queue',
        rule: `must be a queue the cluster's cloud can authenticate to: ${identity.service} needs a ${identity.provider} identity, which the ${profile} profile has not`,
        received: identity.service,
        fix: 'Use the queue of your cloud, or a Redis or RabbitMQ scaler.',
      },
    ],
  };
}

/** Seconds for endpoint removal to reach every node's kube-proxy (in-cluster traffic only). */
const CLUSTER_DRAIN_SECONDS = 5;

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

/**
 * A list of objects as the YAML text that Secrets Store CSI providers expect in
 * a string parameter (the AWS provider's `objects`, the Google provider's `secrets`).
 */
export function yamlBlock(items: object[]): string {
  return stringify(items, { lineWidth: 0 });
}

/**
 * Seconds of a projected ServiceAccount token lifetime, checked against the
 * 3600-86400 s range both the EKS and the Azure workload identity webhooks enforce.
 */
export function tokenExpirationSeconds(d: Duration | undefined, issues: PropIssue[]): number | undefined {
  if (d === undefined) return undefined;
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < 3600 || s > 86400) {
    issues.push({
      prop: 'profile.tokenExpiration',
      rule: 'must be a whole number of seconds from 3600 to 86400',
      received: s,
      fix: 'Use e.g. Duration.hours(1); the webhook raises shorter values and rejects longer ones.',
    });
    return undefined;
  }
  return s;
}

/**
 * RFC 1918: where a load balancer's own addresses in a private network are,
 * whatever that network's CIDR; the default source of proxying load balancers.
 */
export const PRIVATE_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** Load balancer health check status codes matching what a Kubernetes HTTP probe accepts. */
export const PROBE_SUCCESS_CODES = '200-399';

/** An ingress output with nothing cloud-specific, for profiles to extend. */
export function neutralIngress(): IngressOutput {
  return { issues: [], annotations: {}, serviceAnnotations: {}, allowFrom: [NetworkPeer.cidr('0.0.0.0/0')] };
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

/** Node selectors and tolerations of a placement: one algorithm, each cloud's labels. */
export function nodePlacement(
  p: Placement | undefined,
  labels: NodeLabels,
): { nodeSelector: Record<string, string>; tolerations: k8s.Toleration[] } {
  const nodeSelector: Record<string, string> = {};
  const tolerations: k8s.Toleration[] = [];
  if (p?.spot) {
    nodeSelector[labels.spot.key] = labels.spot.value;
    if (labels.spotTainted) tolerations.push({ key: labels.spot.key, operator: 'Equal', value: labels.spot.value, effect: 'NoSchedule' });
  }
  if (p?.arch) {
    nodeSelector['kubernetes.io/arch'] = p.arch;
    if (p.arch === 'arm64' && labels.armTainted)
      tolerations.push({ key: 'kubernetes.io/arch', operator: 'Equal', value: 'arm64', effect: 'NoSchedule' });
  }
  return { nodeSelector, tolerations };
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

/** Scraping through a Prometheus Operator: a PodMonitor, and its Prometheus admitted to the metrics port. */
export function prometheusOperatorMonitor(scope: Construct, input: MonitorInput, options: PrometheusOperatorOptions): MonitorOutput {
  renderPodMonitor(scope, input, undefined, options.prometheusRelease === undefined ? {} : { release: options.prometheusRelease });
  return { issues: [], scrapers: [NetworkPeer.namespace(options.prometheusNamespace ?? 'monitoring')] };
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

/** The Kubernetes side of a binding, for mechanisms to extend. */
export function bindingBase(c: IdentityBindingContext): IdentityBindingBase {
  return { namespace: c.namespace, serviceAccount: c.serviceAccount, subject: c.subject, alsoTrustedSubjects: c.alsoTrustedSubjects };
}

/** A copy of `o` without its undefined fields, so bindings compare and print cleanly. */
export function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The base of a profile with options: they are checked against their shape once
 * (unknown keys, wrong types, for JavaScript callers), and the issues found are
 * reported by every workload that binds the profile.
 */
export abstract class CheckedOptionsProfile<O extends object> {
  /** The options, without values of the wrong kind. */
  protected readonly options: O;
  /** Mistakes in the options, as `profile.<key>` issues. */
  protected readonly optionIssues: readonly PropIssue[];

  protected constructor(options: O, shape: PropShape, factory: string) {
    const issues: PropIssue[] = [];
    this.options = checkShape(options, shape, factory, issues, 'profile');
    this.optionIssues = issues;
  }
}
