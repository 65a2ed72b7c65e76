/**
 * The algorithms the built-in profiles share, and a profile of your own may use:
 * neutral defaults, node placement, Prometheus Operator scraping, identity
 * binding helpers, and the base of a profile whose options are checked.
 */
import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { NetworkPeer } from '../traffic/exposure';
import { IngressOutput } from '../traffic/ingress';
import { MonitorInput, MonitorOutput, renderPodMonitor } from '../scaling/metrics';
import type { ScalerIdentity } from '../scaling/queue-scaler';
import { PropShape, checkShape } from '../core/props';
import { dnsSubdomainProblem } from '../core/names';
import { PropIssue } from '../core/validation';
import {
  IdentityBindingBase,
  IdentityBindingContext,
  KedaIdentityResult,
  KedaOperatorOptions,
  NodeLabels,
  Placement,
  ProfileInput,
  ProfileOutput,
  PrometheusOperatorOptions,
  SharedFileStorage,
} from './profile';

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

/** The token subject of KEDA's operator, as its Helm chart installs it unless told otherwise. */
export function kedaOperatorSubject(options: KedaOperatorOptions = {}): string {
  return `system:serviceaccount:${options.namespace ?? 'keda'}:${options.serviceAccount ?? 'keda-operator'}`;
}

/** The answer of a profile that has no identity for the scaler's cloud. */
export function foreignScaler(identity: ScalerIdentity, profile: string): KedaIdentityResult {
  return {
    issues: [
      {
        prop: 'queueAutoscaling.queue',
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

/** Scraping through a Prometheus Operator: a PodMonitor, and its Prometheus admitted to the metrics port. */
export function prometheusOperatorMonitor(scope: Construct, input: MonitorInput, options: PrometheusOperatorOptions): MonitorOutput {
  renderPodMonitor(scope, input, undefined, options.prometheusRelease === undefined ? {} : { release: options.prometheusRelease });
  return { issues: [], scrapers: [NetworkPeer.namespace(options.prometheusNamespace ?? 'monitoring')] };
}

/** The Kubernetes side of a binding, for mechanisms to extend. */
export function bindingBase(c: IdentityBindingContext): IdentityBindingBase {
  return { namespace: c.namespace, serviceAccount: c.serviceAccount, subject: c.subject, alsoTrustedSubjects: c.alsoTrustedSubjects };
}

/** A copy of `o` without its undefined fields, so bindings compare and print cleanly. */
export function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** What a cloud has for claims many nodes mount: a StorageClass built into its clusters, or why there is none. */
export interface SharedFileClass {
  /** The class the cloud creates in every cluster (or every cluster with its file driver on). */
  readonly builtIn?: string;
  /** Without one: why, and the way out, for the warning. */
  readonly missing?: string;
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

  protected constructor(
    options: O,
    shape: PropShape,
    factory: string,
    private readonly sharedFiles: SharedFileClass = {},
  ) {
    const issues: PropIssue[] = [];
    this.options = checkShape(options, shape, factory, issues, 'profile');
    this.optionIssues = issues;
  }

  /** The StorageClass of new claims many nodes mount that name none: the `sharedFileStorageClass` option, else the cloud's built-in class, else a warning. */
  public sharedFileStorage(): SharedFileStorage {
    const named = (this.options as { readonly sharedFileStorageClass?: string }).sharedFileStorageClass;
    const problem = named === undefined ? undefined : dnsSubdomainProblem(named);
    const issues = problem
      ? [
          {
            prop: 'profile.sharedFileStorageClass',
            rule: problem.rule,
            received: named,
            fix: 'Use the name of a StorageClass of the cluster.',
          },
        ]
      : [];
    const storageClassName = named ?? this.sharedFiles.builtIn;
    return { storageClassName, warning: storageClassName === undefined ? this.sharedFiles.missing : undefined, issues };
  }
}
