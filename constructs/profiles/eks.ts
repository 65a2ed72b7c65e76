import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Exposure, NetworkPeer } from '../traffic/exposure';
import { IngressInput, IngressOutput } from '../traffic/ingress';
import { MonitorInput, MonitorOutput } from '../scaling/metrics';
import { SecretStoreSpecProviderAwsService } from '../imports/secretstore-external-secrets.io';
import {
  TriggerAuthenticationSpecPodIdentityIdentityOwner,
  TriggerAuthenticationSpecPodIdentityProvider,
} from '../imports/triggerauthentication-keda.sh';
import { ScalerIdentity } from '../scaling/queue-scaler';
import { SecretBackendResult, secretBackendOf } from '../settings/secret-store';
import { PropIssue } from '../core/validation';
import { ICloudProfile, KedaIdentityResult, Placement, ProfileInput, ProfileOutput, SecretBackendInput, ExposureRoute } from './profile';
import {
  AUTOSCALER_MAX_GRACE_SECONDS,
  CheckedOptionsProfile,
  PRIVATE_RANGES,
  PROBE_SUCCESS_CODES,
  autoscalerGraceWarning,
  foreignScaler,
  kedaOperatorSubject,
  neutralIngress,
  neutralOutput,
  nodePlacement,
  prometheusOperatorMonitor,
  tokenExpirationSeconds,
  yamlBlock,
  privateRangesWarning,
} from './shared';
import { SHAPES } from './shapes.generated';
import { didYouMean } from '../core/props';
import { EKS_SHARED_FILES, EksProfileOptions, nodeProvisionerIssues } from './eks-options';

// IAM ARNs: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
// Role names: 1-64 of [\w+=,.@-]; paths: '/'-delimited printable ASCII (CreateRole API).
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/(?:[\x21-\x7E]+\/)?[\w+=,.@-]{1,64}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
// Secrets Manager names: 1-512 of [A-Za-z0-9/_+=.@-]; SSM parameter names: [a-zA-Z0-9_.\-/].
const SM_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SSM_NAME = /^\/?[a-zA-Z0-9_.\-/]{1,1011}$/;
const SSM_PREFIX = 'ssm:';
const ACM_ARN = /^arn:(aws|aws-cn|aws-us-gov):acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
// IngressGroup names: lowercase alphanumerics, '-' and '.', at most 63 (docs/guide/ingress/annotations.md).
const ALB_GROUP = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

/** Annotation prefix of the AWS Load Balancer Controller's Ingress (docs/guide/ingress/annotations.md). */
const ALB = 'alb.ingress.kubernetes.io/';

/** Annotation keys of the AWS Load Balancer Controller (docs/guide/service/annotations.md). */
const LBC = 'service.beta.kubernetes.io/aws-load-balancer-';

/**
 * Seconds between a pod starting to terminate and an NLB with IP targets no
 * longer sending it new connections: the controller deregisters the target,
 * and ELBv2 takes several seconds to stop routing to it.
 */
const NLB_DRAIN_SECONDS = 20;

/**
 * Amazon EKS: IRSA or EKS Pod Identity, the AWS Load Balancer Controller for
 * internal and public exposure (NLB with IP targets, so the health check
 * reaches the pod's readiness endpoint), and AWS Secrets Manager / SSM
 * Parameter Store through the Secrets Store CSI driver or External Secrets.
 */
export class EksProfile extends CheckedOptionsProfile<EksProfileOptions> implements ICloudProfile {
  public readonly cloud = 'eks';
  public readonly registry = 'ecr';

  public constructor(options: EksProfileOptions = {}) {
    super(options, SHAPES.EksProfileOptions, 'CloudProfile.eks()', EKS_SHARED_FILES);
  }

  public bind(input: ProfileInput): ProfileOutput {
    const out = neutralOutput(input);
    const issues: PropIssue[] = [...this.optionIssues];
    const { roleArn } = this.options;
    const mode = this.options.identity ?? 'irsa';
    const sa: Record<string, string> = {};
    if (!['irsa', 'pod-identity'].includes(mode)) {
      issues.push({
        prop: 'profile.identity',
        rule: "must be 'irsa' or 'pod-identity'",
        received: mode,
        fix: `${didYouMean(mode, ['irsa', 'pod-identity'])}Use 'irsa' unless your cluster runs the EKS Pod Identity Agent.`,
      });
    }
    issues.push(...nodeProvisionerIssues(this.options.nodeProvisioner));
    if (roleArn !== undefined && (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn))) {
      issues.push({
        prop: 'profile.roleArn',
        rule: 'must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)',
        received: roleArn,
        fix: "Copy the ARN from the IAM console, e.g. 'arn:aws:iam::111122223333:role/orders-api'.",
      });
    }
    if (roleArn !== undefined && mode === 'irsa') {
      // amazon-eks-pod-identity-webhook: pkg/annotations/constants.go.
      sa['eks.amazonaws.com/role-arn'] = roleArn;
      if (this.options.stsRegionalEndpoints ?? true) sa['eks.amazonaws.com/sts-regional-endpoints'] = 'true';
      const ttl = tokenExpirationSeconds(this.options.tokenExpiration, issues);
      if (ttl !== undefined) sa['eks.amazonaws.com/token-expiration'] = String(ttl);
    }
    const identity =
      roleArn === undefined ? undefined : { mechanism: mode === 'irsa' ? 'irsa' : 'eks-pod-identity', principal: roleArn, details: {} };
    const placement = this.placement(input.placement);

    if (input.exposure === Exposure.CLUSTER || !input.health) {
      return { ...out, ...placement, issues, identity, serviceAccountAnnotations: sa };
    }
    if (input.viaIngress) return { ...out, ...placement, issues, identity, serviceAccountAnnotations: sa, drainSeconds: NLB_DRAIN_SECONDS };
    const hc = input.health;
    return {
      ...out,
      ...placement,
      issues,
      identity,
      serviceAccountAnnotations: sa,
      serviceAnnotations: {
        [`${LBC}type`]: 'external',
        [`${LBC}nlb-target-type`]: 'ip',
        [`${LBC}scheme`]: input.exposure === Exposure.PUBLIC ? 'internet-facing' : 'internal',
        // NLB target groups check gRPC and TCP services by connecting (TCP); HTTP ones on the readiness path.
        [`${LBC}healthcheck-protocol`]: hc.path === undefined ? 'tcp' : 'http',
        [`${LBC}healthcheck-port`]: 'traffic-port',
        ...(hc.path === undefined ? {} : { [`${LBC}healthcheck-path`]: hc.path }),
        // ELBv2 accepts intervals of 5-300 s and thresholds of 2-10.
        [`${LBC}healthcheck-interval`]: String(clamp(hc.intervalSeconds, 5, 300)),
        [`${LBC}healthcheck-timeout`]: String(clamp(hc.timeoutSeconds, 2, 120)),
        [`${LBC}healthcheck-healthy-threshold`]: String(clamp(hc.healthyThreshold, 2, 10)),
        [`${LBC}healthcheck-unhealthy-threshold`]: String(clamp(hc.unhealthyThreshold, 2, 10)),
      },
      drainSeconds: NLB_DRAIN_SECONDS,
      loadBalancerSources: this.loadBalancerSources(),
    };
  }

  /** The load balancers' own addresses: the VPC's private ranges, or the subnets named. */
  private loadBalancerSources(): NetworkPeer[] {
    return (this.options.loadBalancerSourceRanges ?? PRIVATE_RANGES).map((c) => NetworkPeer.cidr(c));
  }

  public secretBackend(input: SecretBackendInput): SecretBackendResult {
    const podIdentity = this.options.identity === 'pod-identity';
    const remoteKey = (remote: string) => (remote.startsWith(SSM_PREFIX) ? remote.slice(SSM_PREFIX.length) : remote);
    return secretBackendOf(input, {
      options: this.options.secrets,
      manager: 'AWS',
      example: "CloudProfile.eks({ secrets: { backend: SecretBackend.CSI_DRIVER, region: 'eu-west-1' } })",
      checkOptions: (opts, issues) => {
        if (typeof opts.region !== 'string' || !REGION.test(opts.region)) {
          issues.push({
            prop: 'profile.secrets.region',
            rule: 'must be an AWS region code',
            received: opts.region,
            fix: "Use e.g. 'eu-west-1'.",
          });
        }
      },
      nameProblem: (remote) => {
        const ssm = remote.startsWith(SSM_PREFIX);
        if ((ssm ? SSM_NAME : SM_NAME).test(remoteKey(remote))) return undefined;
        return {
          rule: ssm ? 'must be an SSM parameter name ([a-zA-Z0-9_.-/])' : 'must be a Secrets Manager name (1-512 of [A-Za-z0-9/_+=.@-])',
          fix: "Use the name as the AWS console shows it; prefix Parameter Store names with 'ssm:'.",
        };
      },
      csiDriver: (opts, req) => {
        // ASCP parameters: https://docs.aws.amazon.com/secretsmanager/latest/userguide/ascp-examples.html
        const objects = req.requests.map((r) => ({
          objectName: remoteKey(r.remote),
          objectType: r.remote.startsWith(SSM_PREFIX) ? 'ssmparameter' : 'secretsmanager',
          objectAlias: r.alias,
        }));
        const parameters: Record<string, string> = { region: opts.region, objects: yamlBlock(objects) };
        if (podIdentity) parameters.usePodIdentity = 'true';
        return { provider: 'aws', parameters };
      },
      storeIdentityProblem: () =>
        podIdentity || this.options.roleArn === undefined
          ? {
              prop: 'profile.secrets.clusterSecretStore',
              rule: "is needed: a per-service SecretStore authenticates with the service's IRSA role",
              received: undefined,
              fix: "Set profile.roleArn with identity 'irsa', or name a ClusterSecretStore.",
            }
          : undefined,
      storeProvider: (opts, req, issues) => {
        const ssmCount = req.requests.filter((r) => r.remote.startsWith(SSM_PREFIX)).length;
        if (ssmCount > 0 && ssmCount < req.requests.length) {
          issues.push({
            prop: 'secrets',
            rule: 'must all come from one AWS service when External Secrets uses a SecretStore per service',
            received: req.requests.map((r) => r.remote),
            fix: 'Keep them all in Secrets Manager or all in Parameter Store, or set profile.secrets.clusterSecretStore.',
          });
        }
        return {
          provider: {
            aws: {
              service: ssmCount > 0 ? SecretStoreSpecProviderAwsService.PARAMETER_STORE : SecretStoreSpecProviderAwsService.SECRETS_MANAGER,
              region: opts.region,
              auth: { jwt: { serviceAccountRef: { name: req.serviceAccountName } } },
            },
          },
          remoteKey,
        };
      },
    });
  }

  public ingress(_scope: Construct, input: IngressInput): IngressOutput {
    const out = neutralIngress();
    const issues: PropIssue[] = [];
    const hc = input.health;
    const annotations: Record<string, string> = {
      [`${ALB}scheme`]: input.exposure === Exposure.PUBLIC ? 'internet-facing' : 'internal',
      // IP targets: the ALB sends to pod IPs, so its health check hits the pod's readiness path.
      [`${ALB}target-type`]: 'ip',
      [`${ALB}healthcheck-protocol`]: 'HTTP',
      [`${ALB}healthcheck-port`]: 'traffic-port',
      [`${ALB}healthcheck-path`]: hc.path ?? '/',
      [`${ALB}healthcheck-interval-seconds`]: String(clamp(hc.intervalSeconds, 5, 300)),
      [`${ALB}healthcheck-timeout-seconds`]: String(clamp(hc.timeoutSeconds, 2, 120)),
      [`${ALB}healthy-threshold-count`]: String(clamp(hc.healthyThreshold, 2, 10)),
      [`${ALB}unhealthy-threshold-count`]: String(clamp(hc.unhealthyThreshold, 2, 10)),
      [`${ALB}success-codes`]: PROBE_SUCCESS_CODES,
      // Keep in-flight requests only as long as the pod itself lives (the default is 300 s).
      [`${ALB}target-group-attributes`]: `deregistration_delay.timeout_seconds=${clamp(input.terminationSeconds, 0, 3600)}`,
    };
    const group = this.options.albGroup;
    if (group !== undefined) {
      if (!ALB_GROUP.test(group))
        issues.push({
          prop: 'profile.albGroup',
          rule: "must be lowercase alphanumerics, '-' and '.', at most 63",
          received: group,
          fix: "Use e.g. 'shop-public'.",
        });
      annotations[`${ALB}group.name`] = group;
    }
    let tls: k8s.IngressTls[] | undefined;
    if (input.tls) {
      if (input.tls.kind === 'acm') {
        if (!ACM_ARN.test(input.tls.ref)) {
          issues.push({
            prop: 'ingress.tls',
            rule: 'must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)',
            received: input.tls.ref,
            fix: 'Copy the ARN from the ACM console.',
          });
        }
        annotations[`${ALB}certificate-arn`] = input.tls.ref;
      } else if (input.tls.kind === 'secret') {
        issues.push({
          prop: 'ingress.tls',
          rule: 'must be an ACM certificate: the ALB cannot serve a Kubernetes Secret',
          received: input.tls.ref,
          fix: "Use TlsCertificate.acm('arn:aws:acm:...').",
        });
      } else {
        issues.push(wrongTls(input.tls.kind, 'TlsCertificate.acm(arn)'));
      }
      annotations[`${ALB}listen-ports`] = '[{"HTTP": 80}, {"HTTPS": 443}]';
      annotations[`${ALB}ssl-redirect`] = '443';
      tls = [{ hosts: [input.host] }];
    }
    // Ingresses of one IngressGroup share one ALB; without a group each Ingress gets its own.
    return {
      ...out,
      issues,
      ingressClassName: 'alb',
      annotations,
      tls,
      sharesHost: group !== undefined,
      // The ALB proxies: pods see its private addresses, never the client's.
      allowFrom: this.loadBalancerSources(),
      shareHostFix: "Set CloudProfile.eks({ albGroup: '<name>' }) on every service of the host, so their Ingresses share one ALB.",
    };
  }

  /**
   * With Karpenter, a NodePool's `spec.template.spec.terminationGracePeriod` bounds how
   * long a node drains, and `karpenter.sh/do-not-disrupt: "true"` keeps a pod from being
   * disrupted; the cluster autoscaler of managed node groups waits at most 600 s.
   */
  public gracePeriodWarning(terminationSeconds: number): string | undefined {
    if (terminationSeconds <= AUTOSCALER_MAX_GRACE_SECONDS) return undefined;
    return (this.options.nodeProvisioner ?? 'managed-node-groups') === 'karpenter'
      ? `terminationGracePeriodSeconds ${terminationSeconds} needs a Karpenter NodePool whose spec.template.spec.terminationGracePeriod is at least as long; ` +
          "for tasks that must not be interrupted, podAnnotations: { 'karpenter.sh/do-not-disrupt': 'true' }."
      : autoscalerGraceWarning(
          terminationSeconds,
          'the cluster autoscaler',
          "Use Karpenter (nodeProvisioner: 'karpenter') with a long NodePool terminationGracePeriod, or a node group without autoscaling.",
        );
  }

  /**
   * The NLB and the ALB (IP targets) are admitted from their subnets, the private ranges
   * unless named; with the VPC CNI the pods' addresses are the VPC's too. A route to a
   * Gateway is the Gateway implementation's business.
   */
  public callerRestrictionWarning(route: ExposureRoute): string | undefined {
    if (route.gateway || this.options.loadBalancerSourceRanges !== undefined) return undefined;
    return privateRangesWarning(
      'with the VPC CNI every pod of the VPC has such an address',
      'Set CloudProfile.eks({ loadBalancerSourceRanges: [...] }) to the subnets of the load balancers (those tagged kubernetes.io/role/internal-elb or kubernetes.io/role/elb that the AWS Load Balancer Controller picks).',
    );
  }

  /** Pods behind the AWS Load Balancer Controller's IP targets get readiness gates only in a namespace labelled so. */
  public namespaceLabels(input: ProfileInput): Record<string, string> {
    return input.exposure !== Exposure.CLUSTER ? { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' } : {};
  }

  /**
   * NLB target groups deregister a target after 300 s by default: longer than the
   * pod lives after SIGTERM, so its connections are cut. Match the grace period, as the ALB does.
   */
  public serviceDrainAnnotations(terminationSeconds: number): Record<string, string> {
    return { [`${LBC}target-group-attributes`]: `deregistration_delay.timeout_seconds=${clamp(terminationSeconds, 0, 3600)}` };
  }

  /**
   * The ALB keeps idle connections 60 s by default (`idle_timeout.timeout_seconds`); AWS:
   * "configure the idle timeout of your application to be larger than the idle timeout
   * configured for the load balancer" (Application Load Balancers, connection idle timeout).
   */
  public upstreamIdleTimeoutSeconds(route: { readonly gateway: boolean }): number | undefined {
    return route.gateway ? undefined : 60;
  }

  public metricsMonitor(scope: Construct, input: MonitorInput): MonitorOutput {
    // No built-in scraper here: Prometheus Operator (or Amazon Managed
    // Service for Prometheus through its agent) reads PodMonitors.
    return prometheusOperatorMonitor(scope, input, this.options);
  }

  public kedaIdentity(identity: ScalerIdentity): KedaIdentityResult {
    if (identity.provider !== 'aws') return foreignScaler(identity, this.cloud);
    if (this.options.roleArn === undefined) {
      return {
        issues: [
          {
            prop: 'profile.roleArn',
            rule: 'is needed for KEDA to read SQS as the worker',
            received: undefined,
            fix: 'Set the IAM role the worker uses; it needs sqs:GetQueueAttributes.',
          },
        ],
      };
    }
    // KEDA aws pod identity (keda.sh/docs/latest/authentication-providers/aws): with
    // identityOwner: workload the KEDA operator assumes the role on the workload's
    // ServiceAccount, first with its own web identity token, so the role's trust policy
    // must also allow KEDA's operator subject (or, as KEDA's fallback, KEDA's own role);
    // with EKS Pod Identity it needs the role named, and KEDA's role must be allowed to assume it.
    const subject = kedaOperatorSubject(this.options.keda);
    return this.options.identity === 'pod-identity'
      ? { issues: [], podIdentity: { provider: TriggerAuthenticationSpecPodIdentityProvider.AWS, roleArn: this.options.roleArn } }
      : {
          issues: [],
          podIdentity: {
            provider: TriggerAuthenticationSpecPodIdentityProvider.AWS,
            identityOwner: TriggerAuthenticationSpecPodIdentityIdentityOwner.WORKLOAD,
          },
          alsoTrust: subject,
        };
  }

  public gatewayRoute(_scope: Construct, _input: IngressInput): IngressOutput {
    return neutralIngress();
  }

  private placement(p: Placement | undefined): { nodeSelector: Record<string, string>; tolerations: k8s.Toleration[] } {
    // https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html (capacity type label);
    // https://karpenter.sh/docs/concepts/scheduling/ (karpenter.sh/capacity-type). Neither taints spot nodes.
    const karpenter = (this.options.nodeProvisioner ?? 'managed-node-groups') === 'karpenter';
    const spot = karpenter
      ? { key: 'karpenter.sh/capacity-type', value: 'spot' }
      : { key: 'eks.amazonaws.com/capacityType', value: 'SPOT' };
    return nodePlacement(p, { spot, spotTainted: false, armTainted: false });
  }
}

function wrongTls(kind: string, use: string): PropIssue {
  return {
    prop: 'ingress.tls',
    rule: 'must be a certificate the AWS Load Balancer Controller can use',
    received: kind,
    fix: `Use ${use}.`,
  };
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
