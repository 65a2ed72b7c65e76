import * as pulumi from '@pulumi/pulumi';
import { TRUSTED_SUBJECTS_ANNOTATION, WorkloadIdentity } from '../../constructs/profiles/profile';
import { Manifest } from './kinds';
import { withoutUndefined } from './util';

/**
 * Facts about the cluster that the manifests cannot know, needed to bind a
 * cloud identity to a Kubernetes ServiceAccount.
 */
export interface ClusterIdentityInputs {
  /**
   * OIDC issuer URL of the cluster, e.g. `aws.eks.Cluster.identities[0].oidcs[0].issuer`
   * or `azure.containerservice.ManagedCluster.oidcIssuerProfile.issuerURL`.
   * @default - unknown: bindings have no `issuer`
   */
  readonly oidcIssuer?: pulumi.Input<string>;
  /**
   * Google Cloud project of the cluster; its workload identity pool is `<project>.svc.id.goog`.
   * @default - the project in the Google service account's email
   */
  readonly gcpProject?: pulumi.Input<string>;
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
   * Other subjects the cloud identity must trust too, from the ServiceAccount's
   * `pyservice.dev/also-trusted-subjects` annotation: KEDA's operator, when a
   * worker's scaler reads a cloud queue as the workload (a second federated
   * credential on AKS; a second `sub` in the role's trust policy on EKS).
   */
  readonly alsoTrustedSubjects: string[];
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

/** A Google service account for a ServiceAccount on GKE: grant `role` on `googleServiceAccount` to `member`. */
export interface GkeIdentityBinding extends IdentityBindingBase {
  readonly cloud: 'gke';
  readonly mechanism: 'gke-workload-identity';
  /** Email of the Google service account the pods act as. */
  readonly googleServiceAccount: string;
  /** The role that lets the Kubernetes ServiceAccount act as the Google service account. */
  readonly role: 'roles/iam.workloadIdentityUser';
  /** IAM member of the Kubernetes ServiceAccount: `serviceAccount:<project>.svc.id.goog[<namespace>/<name>]`. */
  readonly member: string;
  /** The cluster's workload identity pool, `<project>.svc.id.goog`. */
  readonly workloadPool: string;
}

/**
 * A managed identity (or app registration) for a ServiceAccount on AKS: create
 * a federated identity credential on it with `issuer`, `subject` and `audience`.
 */
export interface AksIdentityBinding extends IdentityBindingBase {
  readonly cloud: 'aks';
  readonly mechanism: 'azure-workload-identity';
  /** Client ID of the identity the pods act as. */
  readonly clientId: string;
  /** Tenant of the identity, when the profile names one. */
  readonly tenantId?: string;
  /** Audience Microsoft Entra ID accepts for workload identity tokens. */
  readonly audience: 'api://AzureADTokenExchange';
  /** The cluster's OIDC issuer URL, when given. */
  readonly issuer?: string;
}

/** The cloud side of a workload identity, as plain values to wire into that cloud's provider. */
export type CloudIdentityBinding = EksIdentityBinding | GkeIdentityBinding | AksIdentityBinding;

interface BindingContext extends IdentityBindingBase {
  readonly principal: string;
  readonly details: Record<string, string>;
  readonly issuer?: string;
  readonly gcpProject?: string;
}

interface Mechanism {
  readonly cloud: CloudIdentityBinding['cloud'];
  /** The ServiceAccount annotation that carries the principal; none when nothing in Kubernetes shows it. */
  readonly annotation?: string;
  /** Annotations holding `details`, by detail name. */
  readonly detailAnnotations?: Record<string, string>;
  readonly bind: (c: BindingContext) => CloudIdentityBinding;
}

const base = (c: BindingContext): IdentityBindingBase => ({
  namespace: c.namespace, serviceAccount: c.serviceAccount, subject: c.subject, alsoTrustedSubjects: c.alsoTrustedSubjects,
});

/** Per mechanism: its cloud, the annotation that reveals it, and the binding it calls for. */
const MECHANISMS: Record<CloudIdentityBinding['mechanism'], Mechanism> = {
  'irsa': {
    cloud: 'eks',
    annotation: 'eks.amazonaws.com/role-arn',
    bind: (c) => withoutUndefined({ cloud: 'eks', mechanism: 'irsa', ...base(c), roleArn: c.principal, audience: 'sts.amazonaws.com', issuer: c.issuer }),
  },
  'eks-pod-identity': {
    cloud: 'eks',
    bind: (c) => ({ cloud: 'eks', mechanism: 'eks-pod-identity', ...base(c), roleArn: c.principal }),
  },
  'gke-workload-identity': {
    cloud: 'gke',
    annotation: 'iam.gke.io/gcp-service-account',
    bind: (c) => {
      const project = c.gcpProject ?? /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(c.principal)?.[1];
      if (!project) {
        throw new Error(`'cluster.gcpProject' is needed: the project of the cluster cannot be read from the Google service account ${JSON.stringify(c.principal)}. Pass the cluster's project ID.`);
      }
      const pool = `${project}.svc.id.goog`;
      return {
        cloud: 'gke', mechanism: 'gke-workload-identity', ...base(c), googleServiceAccount: c.principal,
        role: 'roles/iam.workloadIdentityUser', member: `serviceAccount:${pool}[${c.namespace}/${c.serviceAccount}]`, workloadPool: pool,
      };
    },
  },
  'azure-workload-identity': {
    cloud: 'aks',
    annotation: 'azure.workload.identity/client-id',
    detailAnnotations: { tenantId: 'azure.workload.identity/tenant-id' },
    bind: (c) => withoutUndefined({
      cloud: 'aks', mechanism: 'azure-workload-identity', ...base(c), clientId: c.principal, tenantId: c.details.tenantId,
      audience: 'api://AzureADTokenExchange', issuer: c.issuer,
    }),
  },
};

/**
 * The identity a ServiceAccount's annotations bind, if any. With `cloud` (a
 * profile's `cloud`), only that cloud's annotations count.
 */
export function identityFromAnnotations(serviceAccount: Manifest, cloud?: string): WorkloadIdentity | undefined {
  const annotations: Record<string, string> = serviceAccount.metadata.annotations ?? {};
  for (const [mechanism, m] of Object.entries(MECHANISMS)) {
    if (!m.annotation || annotations[m.annotation] === undefined || (cloud !== undefined && m.cloud !== cloud)) continue;
    const details = Object.fromEntries(Object.entries(m.detailAnnotations ?? {})
      .filter(([, key]) => annotations[key] !== undefined).map(([name, key]) => [name, annotations[key]]));
    return { mechanism, principal: annotations[m.annotation], details };
  }
  return undefined;
}

/**
 * The identity binding a ServiceAccount needs on its cloud, or undefined when
 * it binds no cloud identity (or one of a mechanism this module does not know).
 *
 * @param serviceAccount the ServiceAccount manifest
 * @param namespace its namespace (from the cluster when the manifest leaves it to the provider)
 * @param cluster facts about the cluster
 * @param reported the identity the profile reported, which wins over the annotations
 *   (EKS Pod Identity leaves nothing in the manifests)
 * @param cloud the profile's cloud, when known
 */
export function identityBinding(
  serviceAccount: Manifest, namespace: pulumi.Input<string>, cluster: ClusterIdentityInputs = {}, reported?: WorkloadIdentity, cloud?: string,
): pulumi.Output<CloudIdentityBinding> | undefined {
  const identity = reported ?? identityFromAnnotations(serviceAccount, cloud);
  const mechanism = identity && Object.hasOwn(MECHANISMS, identity.mechanism) ? MECHANISMS[identity.mechanism as CloudIdentityBinding['mechanism']] : undefined;
  if (!identity || !mechanism) return undefined;
  const name = serviceAccount.metadata.name;
  const also = serviceAccount.metadata.annotations?.[TRUSTED_SUBJECTS_ANNOTATION];
  return pulumi.all([namespace, cluster.oidcIssuer, cluster.gcpProject]).apply(([ns, issuer, gcpProject]) => mechanism.bind({
    namespace: ns,
    serviceAccount: name,
    subject: `system:serviceaccount:${ns}:${name}`,
    alsoTrustedSubjects: also ? String(also).split(',') : [],
    principal: identity.principal,
    details: identity.details,
    issuer,
    gcpProject,
  }));
}
