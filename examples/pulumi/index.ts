/**
 * The example shop (examples/shop/shop.ts) deployed with Pulumi: the same constructs,
 * props and validation as `npm run synth`, registered object by object through
 * @pulumi/kubernetes.
 *
 *   pulumi config set cloud eks              # eks, gke or aks
 *   pulumi config set environment prod       # staging or prod (default prod)
 *   pulumi config set --secret kubeconfig "$(cat cluster.kubeconfig)"   # else the ambient kubeconfig
 *   pulumi config set oidcIssuer https://…   # EKS (IRSA) and AKS: the cluster's OIDC issuer, for the outputs
 *   pulumi config set gcpProject acme-prod   # GKE: the cluster's project, if not the service accounts'
 *   pulumi preview
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Cdk8sComponent } from 'pyservice-k8s/pulumi';
import { Cloud, ENVIRONMENTS, IMAGES, defineShop } from '../shop/shop';

const CLOUDS: readonly Cloud[] = ['eks', 'gke', 'aks'];

const config = new pulumi.Config();
const cloud = config.require('cloud') as Cloud;
if (!CLOUDS.includes(cloud)) {
  throw new Error(`'cloud' must be one of ${CLOUDS.join(', ')}; received ${JSON.stringify(cloud)}. Run \`pulumi config set cloud eks\`.`);
}
const environment = config.get('environment') ?? 'prod';
if (!ENVIRONMENTS[environment]) {
  throw new Error(
    `'environment' must be one of ${Object.keys(ENVIRONMENTS).join(', ')}; received ${JSON.stringify(environment)}. Run \`pulumi config set environment prod\`.`,
  );
}

/** The target cluster; without `kubeconfig` the provider uses ~/.kube/config or $KUBECONFIG. */
const provider = new k8s.Provider(`${environment}-${cloud}-cluster`, {
  kubeconfig: config.getSecret('kubeconfig'),
  context: config.get('context'),
});

/** Every object of the shop, as `dist/<environment>/<cloud>/` holds it. */
const shop = new Cdk8sComponent(
  'shop',
  {
    define: (app) => defineShop(app, { cloud, environment, image: (service) => IMAGES![service].image }),
    // Validation errors read as in `npm run synth`: `[prod/eks] [shop/orders-api] 'image' ...`.
    label: `${environment}/${cloud}`,
    cluster: { oidcIssuer: config.get('oidcIssuer'), gcpProject: config.get('gcpProject') },
  },
  { provider },
);

/** Each Service: namespace, ServiceAccount, and the load balancer's hostname or IP once assigned. */
export const services = shop.services;
/** What each cloud identity must trust, per ServiceAccount (see below). */
export const identityBindings = shop.identityBindings;

// Wiring the identities on the cloud side. Each cloud's provider is not a
// dependency of this repository, so these are comments: add the provider to
// your own program and declare one resource per entry of `shop.identities`
// (its keys are known while the program runs, so no `apply` is needed).
//
// EKS, IRSA (the default; the ServiceAccounts carry eks.amazonaws.com/role-arn):
// the role named in the profile must trust the cluster's OIDC provider for this
// subject. Declare the role with that name and path (or update its trust policy):
//
//   import * as aws from '@pulumi/aws';
//   import { EksIdentityBinding } from 'pyservice-k8s/pulumi';
//   const cluster = aws.eks.getClusterOutput({ name: 'shop' });
//   const issuer = cluster.identities[0].oidcs[0].issuer;            // also pass as cluster.oidcIssuer above
//   const oidc = aws.iam.getOpenIdConnectProviderOutput({ url: issuer });
//   for (const [key, binding] of Object.entries(shop.identities)) {
//     const b = binding as pulumi.Output<EksIdentityBinding>;
//     new aws.iam.Role(`${key}-role`, {
//       name: b.roleArn.apply((arn) => arn.split('/').pop()!),
//       path: b.roleArn.apply((arn) => arn.slice(arn.indexOf(':role') + 5, arn.lastIndexOf('/') + 1)),
//       assumeRolePolicy: pulumi.all([b, issuer, oidc.arn]).apply(([b, url, providerArn]) => {
//         const host = url.replace(/^https:\/\//, '');
//         return JSON.stringify({
//           Version: '2012-10-17',
//           Statement: [{
//             Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: providerArn },
//             Condition: { StringEquals: { [`${host}:sub`]: b.subject, [`${host}:aud`]: b.audience } },
//           }],
//         });
//       }),
//     });
//   }
//
// EKS Pod Identity (a profile with `identity: 'pod-identity'`: nothing in the
// manifests; the role must trust pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession):
//
//     new aws.eks.PodIdentityAssociation(`${key}-pod-identity`, {
//       clusterName: 'shop', namespace: b.namespace, serviceAccount: b.serviceAccount, roleArn: b.roleArn,
//     });
//
// GKE (the ServiceAccounts carry iam.gke.io/gcp-service-account): let the
// Kubernetes ServiceAccount act as the Google service account.
//
//   import * as gcp from '@pulumi/gcp';
//   import { GkeIdentityBinding } from 'pyservice-k8s/pulumi';
//   for (const [key, binding] of Object.entries(shop.identities)) {
//     const b = binding as pulumi.Output<GkeIdentityBinding>;
//     new gcp.serviceaccount.IAMMember(`${key}-workload-identity`, {
//       serviceAccountId: b.googleServiceAccount.apply((email) => `projects/${email.split('@')[1].split('.')[0]}/serviceAccounts/${email}`),
//       role: b.role,                                                  // roles/iam.workloadIdentityUser
//       member: b.member,                                              // serviceAccount:<project>.svc.id.goog[shop/orders-api]
//     });
//   }
//
// AKS (the ServiceAccounts carry azure.workload.identity/client-id): federate the
// managed identity with that client ID with the cluster's issuer and this subject.
//
//   import * as azure from '@pulumi/azure-native';
//   import { AksIdentityBinding } from 'pyservice-k8s/pulumi';
//   const aks = azure.containerservice.getManagedClusterOutput({ resourceGroupName: 'shop', resourceName: 'shop' });
//   const issuer = aks.oidcIssuerProfile.apply((p) => p!.issuerURL!);  // also pass as cluster.oidcIssuer above
//   const identityNames: Record<string, string> = { 'shop/orders-api': 'orders-api', 'shop/inventory': 'inventory' };
//   for (const [key, binding] of Object.entries(shop.identities)) {
//     const b = binding as pulumi.Output<AksIdentityBinding>;
//     new azure.managedidentity.FederatedIdentityCredential(`${key}-federation`, {
//       resourceGroupName: 'shop-identities',                          // the group of the managed identities
//       resourceName: identityNames[key],                              // the identity whose client ID the profile names
//       federatedIdentityCredentialResourceName: pulumi.interpolate`${b.namespace}-${b.serviceAccount}`,
//       issuer,
//       subject: b.subject,                                            // system:serviceaccount:shop:orders-api
//       audiences: [b.audience],                                       // api://AzureADTokenExchange
//     });
//   }
