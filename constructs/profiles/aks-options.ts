import { Duration } from 'cdk8s';
import { SecretBackend } from '../settings/secret-store';
import { IdentityBindingBase, IdentityMechanism, PrometheusOperatorOptions, KedaOperatorOptions } from './profile';
import { SharedFileClass, bindingBase, definedOnly } from './shared';

/** Options of the Azure AKS profile. */
export interface AksProfileOptions extends PrometheusOperatorOptions {
  /**
   * Client ID of the managed identity or Entra application the pods act as
   * through Azure Workload Identity.
   * @default - no Azure identity
   */
  readonly clientId?: string;
  /**
   * Tenant of the identity.
   * @default - the tenant the workload identity webhook is configured with
   */
  readonly tenantId?: string;
  /**
   * Lifetime of the projected token the identity webhook mounts (3600 to 86400 seconds).
   * @default - the webhook's default, 3600 seconds
   */
  readonly tokenExpiration?: Duration;
  /**
   * Where secrets from `SecretEnv.fromStore` and `SecretFile.fromStore` come from.
   * @default - store secrets are an error
   */
  readonly secrets?: AksSecretsOptions;
  /**
   * Ingress controller: the application routing add-on (managed NGINX) or the
   * Application Gateway Ingress Controller.
   * @default 'app-routing'
   */
  readonly ingressController?: 'app-routing' | 'agic';
  /**
   * Application routing only: the IngressClass of the internal NGINX controller
   * (an internal NginxIngressController you created).
   * @default 'nginx-internal'
   */
  readonly internalIngressClassName?: string;
  /**
   * Scrape metrics with Azure Monitor managed Prometheus (PodMonitors in the
   * `azmonitoring.coreos.com` group); `false` writes Prometheus Operator PodMonitors,
   * for the Prometheus in `prometheusNamespace`.
   * @default true
   */
  readonly managedPrometheus?: boolean;
  /**
   * Where KEDA runs, for the subject the identity must also federate when KEDA reads Service Bus as the workload.
   * @default - namespace 'keda', ServiceAccount 'keda-operator'
   */
  readonly keda?: KedaOperatorOptions;
  /**
   * StorageClass of new claims many nodes mount (ReadWriteMany, ReadOnlyMany) that
   * name none. AKS builds in Azure Files classes: `azurefile-csi` (standard
   * storage), `azurefile-csi-premium` (premium, SSD).
   * @default 'azurefile-csi'
   */
  readonly sharedFileStorageClass?: string;
  /**
   * Application Gateway only: CIDRs it reaches the pods from, its own subnet.
   * The gateway proxies to pod IPs from its private addresses in that subnet
   * (https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure);
   * naming the subnet keeps the other pods of the virtual network out.
   * @default ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] (private addresses)
   */
  readonly loadBalancerSourceRanges?: string[];
}

/** Azure Key Vault access. */
export interface AksSecretsOptions {
  /** Secrets Store CSI driver (the AKS Key Vault provider add-on) or External Secrets Operator. */
  readonly backend: SecretBackend;
  /** Name of the Key Vault. */
  readonly keyVaultName: string;
  /**
   * External Secrets only: an existing ClusterSecretStore to use instead of a SecretStore per service.
   * @default - a SecretStore per service, authenticated with the service's workload identity
   */
  readonly clusterSecretStore?: string;
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

/** The identity mechanism of AKS, by the name the profile reports. */
export const AKS_IDENTITY_MECHANISMS: Record<AksIdentityBinding['mechanism'], IdentityMechanism> = {
  'azure-workload-identity': {
    cloud: 'aks',
    annotation: 'azure.workload.identity/client-id',
    detailAnnotations: { tenantId: 'azure.workload.identity/tenant-id' },
    bind: (c): AksIdentityBinding =>
      definedOnly({
        cloud: 'aks',
        mechanism: 'azure-workload-identity',
        ...bindingBase(c),
        clientId: c.principal,
        tenantId: c.details.tenantId,
        audience: 'api://AzureADTokenExchange',
        issuer: c.issuer,
      }),
  },
};

/**
 * AKS creates `azurefile-csi` (an Azure file share on standard storage) and
 * `azurefile-csi-premium` with its CSI drivers, on by default
 * (https://learn.microsoft.com/azure/aks/azure-files-csi, "Use built-in storage classes").
 */
export const AKS_SHARED_FILES: SharedFileClass = { builtIn: 'azurefile-csi' };
