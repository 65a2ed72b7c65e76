import { Exposure } from '../exposure';
import { PropIssue } from '../validation';
import { ICloudProfile, ProfileInput, ProfileOutput, neutralOutput } from './profile';

/** Options of the Amazon EKS profile. */
export interface EksProfileOptions {
  /**
   * IAM role the pods assume through IAM Roles for Service Accounts (IRSA).
   * @default - no AWS identity
   */
  readonly roleArn?: string;
  /**
   * Make the AWS SDKs call the regional STS endpoint (`eks.amazonaws.com/sts-regional-endpoints`).
   * @default true when roleArn is set
   */
  readonly stsRegionalEndpoints?: boolean;
}

// IAM ARNs: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
// Role names: 1-64 of [\w+=,.@-]; paths: '/'-delimited printable ASCII (CreateRole API).
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/(?:[\x21-\x7E]+\/)?[\w+=,.@-]{1,64}$/;

/** Annotation keys of the AWS Load Balancer Controller (docs/guide/service/annotations.md). */
const LBC = 'service.beta.kubernetes.io/aws-load-balancer-';

/**
 * Seconds between a pod starting to terminate and an NLB with IP targets no
 * longer sending it new connections: the controller deregisters the target,
 * and ELBv2 takes several seconds to stop routing to it.
 */
const NLB_DRAIN_SECONDS = 20;

/**
 * Amazon EKS: IRSA for identity (amazon-eks-pod-identity-webhook reads
 * `eks.amazonaws.com/role-arn` on the ServiceAccount) and the AWS Load Balancer
 * Controller for internal and public exposure (an NLB with IP targets, so the
 * health check reaches the pod's own readiness endpoint).
 */
export class EksProfile implements ICloudProfile {
  public readonly cloud = 'eks';

  public constructor(private readonly options: EksProfileOptions = {}) {}

  public bind(input: ProfileInput): ProfileOutput {
    const out = neutralOutput(input);
    const issues: PropIssue[] = [];
    const sa: Record<string, string> = {};
    const { roleArn } = this.options;
    if (roleArn !== undefined) {
      if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn)) {
        issues.push({
          prop: 'profile.roleArn', rule: 'must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)', received: roleArn,
          fix: 'Copy the ARN from the IAM console, e.g. \'arn:aws:iam::111122223333:role/orders-api\'.',
        });
      }
      sa['eks.amazonaws.com/role-arn'] = roleArn;
      if (this.options.stsRegionalEndpoints ?? true) sa['eks.amazonaws.com/sts-regional-endpoints'] = 'true';
    }

    if (input.exposure === Exposure.CLUSTER || !input.health) {
      return { ...out, issues, serviceAccountAnnotations: sa };
    }
    const hc = input.health;
    return {
      ...out,
      issues,
      serviceAccountAnnotations: sa,
      serviceAnnotations: {
        [`${LBC}type`]: 'external',
        [`${LBC}nlb-target-type`]: 'ip',
        [`${LBC}scheme`]: input.exposure === Exposure.PUBLIC ? 'internet-facing' : 'internal',
        [`${LBC}healthcheck-protocol`]: 'http',
        [`${LBC}healthcheck-port`]: 'traffic-port',
        [`${LBC}healthcheck-path`]: hc.path,
        // ELBv2 accepts intervals of 5-300 s and thresholds of 2-10.
        [`${LBC}healthcheck-interval`]: String(clamp(hc.intervalSeconds, 5, 300)),
        [`${LBC}healthcheck-timeout`]: String(clamp(hc.timeoutSeconds, 2, 120)),
        [`${LBC}healthcheck-healthy-threshold`]: String(clamp(hc.healthyThreshold, 2, 10)),
        [`${LBC}healthcheck-unhealthy-threshold`]: String(clamp(hc.unhealthyThreshold, 2, 10)),
      },
      drainSeconds: NLB_DRAIN_SECONDS,
    };
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
