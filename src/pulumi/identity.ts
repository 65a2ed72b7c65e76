import * as pulumi from '@pulumi/pulumi';
import { CloudIdentityBinding, IDENTITY_MECHANISMS } from '../../constructs/profiles';
import { WorkloadIdentity } from '../../constructs/profiles/profile';
import { Manifest } from './kinds';

/**
 * Facts about the cluster that the manifests cannot know, needed to bind a
 * cloud identity to a Kubernetes ServiceAccount.
 */
export interface ClusterIdentityInputs {
  /**
   * OIDC issuer URL of the cluster, as the cloud's Pulumi provider reports it
   * (the cluster resource's OIDC issuer output).
   * @default - unknown: bindings have no `issuer`
   */
  readonly oidcIssuer?: pulumi.Input<string>;
  /**
   * Google Cloud project of the cluster; its workload identity pool is `<project>.svc.id.goog`.
   * @default - the project in the Google service account's email
   */
  readonly gcpProject?: pulumi.Input<string>;
}

export type { AksIdentityBinding, EksIdentityBinding, GkeIdentityBinding } from '../../constructs/profiles';
export type { IdentityBindingBase } from '../../constructs/profiles/profile';
export type { CloudIdentityBinding };

/**
 * The identity a ServiceAccount's annotations bind, if any. With `cloud` (a
 * profile's `cloud`), only that cloud's annotations count.
 */
function identityFromAnnotations(serviceAccount: Manifest, cloud?: string): WorkloadIdentity | undefined {
  const annotations: Record<string, string> = serviceAccount.metadata.annotations ?? {};
  for (const [mechanism, m] of Object.entries(IDENTITY_MECHANISMS)) {
    if (!m.annotation || annotations[m.annotation] === undefined || (cloud !== undefined && m.cloud !== cloud)) continue;
    const details = Object.fromEntries(
      Object.entries(m.detailAnnotations ?? {})
        .filter(([, key]) => annotations[key] !== undefined)
        .map(([name, key]) => [name, annotations[key]]),
    );
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
 *   (some mechanisms leave nothing in the manifests)
 * @param cloud the profile's cloud, when known
 * @param alsoTrustedSubjects other subjects the identity must trust, as the construct reported them
 */
export function identityBinding(
  serviceAccount: Manifest,
  namespace: pulumi.Input<string>,
  cluster: ClusterIdentityInputs = {},
  reported?: WorkloadIdentity,
  cloud?: string,
  alsoTrustedSubjects: readonly string[] = [],
): pulumi.Output<CloudIdentityBinding> | undefined {
  const identity = reported ?? identityFromAnnotations(serviceAccount, cloud);
  const mechanism =
    identity && Object.hasOwn(IDENTITY_MECHANISMS, identity.mechanism) ? IDENTITY_MECHANISMS[identity.mechanism] : undefined;
  if (!identity || !mechanism) return undefined;
  const name = serviceAccount.metadata.name;
  return pulumi.all([namespace, cluster.oidcIssuer, cluster.gcpProject]).apply(
    ([ns, issuer, gcpProject]) =>
      mechanism.bind({
        namespace: ns,
        serviceAccount: name,
        subject: `system:serviceaccount:${ns}:${name}`,
        alsoTrustedSubjects: [...alsoTrustedSubjects],
        principal: identity.principal,
        details: identity.details,
        issuer,
        gcpProject,
      }) as CloudIdentityBinding,
  );
}
