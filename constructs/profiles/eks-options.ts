import { Duration } from 'cdk8s';
import { SecretBackend } from '../settings/secret-store';
import { IdentityBindingBase, IdentityMechanism, KedaOperatorOptions, PrometheusOperatorOptions } from './profile';
import { didYouMean } from '../core/props';
import { PropIssue } from '../core/validation';
import { bindingBase, definedOnly } from './shared';

/** Options of the Amazon EKS profile. */
export interface EksProfileOptions extends PrometheusOperatorOptions {
  /**
   * IAM role the pods act as.
   * @default - no AWS identity
   */
  readonly roleArn?: string;
  /**
   * How pods get the role: IAM Roles for Service Accounts (an annotation on the
   * ServiceAccount), or EKS Pod Identity (an association created on the AWS side,
   * nothing in Kubernetes; see the workload's `identity` for its values).
   * @default 'irsa'
   */
  readonly identity?: 'irsa' | 'pod-identity';
  /**
   * Lifetime of the IRSA web identity token (3600 to 86400 seconds).
   * @default - the webhook's default, 86400 seconds
   */
  readonly tokenExpiration?: Duration;
  /**
   * Make the AWS SDKs call the regional STS endpoint (IRSA).
   * @default true when roleArn is set
   */
  readonly stsRegionalEndpoints?: boolean;
  /**
   * Where secrets from `SecretEnv.fromStore` and `SecretFile.fromStore` come from.
   * @default - store secrets are an error
   */
  readonly secrets?: EksSecretsOptions;
  /**
   * Which node labels mark spot capacity: EKS managed node groups
   * (`eks.amazonaws.com/capacityType`) or Karpenter (`karpenter.sh/capacity-type`).
   * @default 'managed-node-groups'
   */
  readonly nodeProvisioner?: 'managed-node-groups' | 'karpenter';
  /**
   * ALB IngressGroup to join, so several services share one load balancer
   * (`alb.ingress.kubernetes.io/group.name`).
   * @default - one ALB per Ingress
   */
  readonly albGroup?: string;
  /**
   * CIDRs the ALB and the NLB reach the pods from: their subnets. With IP targets,
   * an ALB always, and an NLB without client IP preservation (the AWS Load
   * Balancer Controller's default for IP targets), send traffic and health checks
   * from their own private addresses in those subnets; naming the subnets keeps
   * the other pods of the VPC out.
   * @default ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] (private addresses: the internet is not admitted directly)
   */
  readonly loadBalancerSourceRanges?: string[];
  /**
   * Where KEDA runs, for the subject the workload's role must also trust when KEDA reads SQS as the workload.
   * @default - namespace 'keda', ServiceAccount 'keda-operator'
   */
  readonly keda?: KedaOperatorOptions;
}

/** AWS Secrets Manager and SSM Parameter Store access. */
export interface EksSecretsOptions {
  /** Secrets Store CSI driver (with the AWS provider, ASCP) or External Secrets Operator. */
  readonly backend: SecretBackend;
  /** AWS region of the secrets, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * External Secrets only: an existing ClusterSecretStore to use instead of a SecretStore per service.
   * @default - a SecretStore per service, authenticated with the service's IRSA role
   */
  readonly clusterSecretStore?: string;
}

/**
 * An IAM role for a ServiceAccount on EKS. With `irsa` (the ServiceAccount is
 * annotated with the role), trust the cluster's OIDC provider in the role's
 * policy: `sts:AssumeRoleWithWebIdentity`, `<issuer host>:sub` = `subject`,
 * `<issuer host>:aud` = `audience`. With `eks-pod-identity`, create a Pod
 * Identity association for `namespace`/`serviceAccount` and trust
 * `pods.eks.amazonaws.com` in the role's policy.
 */
export interface EksIdentityBinding extends IdentityBindingBase {
  readonly cloud: 'eks';
  readonly mechanism: 'irsa' | 'eks-pod-identity';
  /** The role the pods assume. */
  readonly roleArn: string;
  /** Audience of the projected token (IRSA). */
  readonly audience?: 'sts.amazonaws.com';
  /** The cluster's OIDC issuer URL (IRSA), when given. */
  readonly issuer?: string;
}

/** The identity mechanisms of EKS, by the name the profile reports. */
export const EKS_IDENTITY_MECHANISMS: Record<EksIdentityBinding['mechanism'], IdentityMechanism> = {
  irsa: {
    cloud: 'eks',
    annotation: 'eks.amazonaws.com/role-arn',
    bind: (c): EksIdentityBinding =>
      definedOnly({
        cloud: 'eks',
        mechanism: 'irsa',
        ...bindingBase(c),
        roleArn: c.principal,
        audience: 'sts.amazonaws.com',
        issuer: c.issuer,
      }),
  },
  // EKS Pod Identity leaves nothing in the manifests: only the profile's report shows it.
  'eks-pod-identity': {
    cloud: 'eks',
    bind: (c): EksIdentityBinding => ({ cloud: 'eks', mechanism: 'eks-pod-identity', ...bindingBase(c), roleArn: c.principal }),
  },
};

const NODE_PROVISIONERS: readonly string[] = ['managed-node-groups', 'karpenter'];

/** Checks `nodeProvisioner`, which decides how long a node drain may take. */
export function nodeProvisionerIssues(provisioner: string | undefined): PropIssue[] {
  if (provisioner === undefined || NODE_PROVISIONERS.includes(provisioner)) return [];
  return [
    {
      prop: 'profile.nodeProvisioner',
      rule: "must be 'managed-node-groups' or 'karpenter'",
      received: provisioner,
      fix: `${didYouMean(provisioner, NODE_PROVISIONERS)}It decides how long a node drain may take; use what scales the cluster's nodes.`,
    },
  ];
}
