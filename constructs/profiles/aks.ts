import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Exposure, NetworkPeer } from '../traffic/exposure';
import { IngressInput, IngressOutput } from '../traffic/ingress';
import { MonitorInput, MonitorOutput, renderPodMonitor } from '../scaling/metrics';
import { SecretStoreSpecProviderAzurekvAuthType } from '../imports/secretstore-external-secrets.io';
import { TriggerAuthenticationSpecPodIdentityProvider } from '../imports/triggerauthentication-keda.sh';
import { ScalerIdentity } from '../scaling/queue-scaler';
import { SecretBackendResult, secretBackendOf } from '../settings/secret-store';
import { PropIssue } from '../core/validation';
import {
  ICloudProfile,
  KedaIdentityResult,
  Placement,
  ProfileInput,
  ProfileOutput,
  SecretBackendInput,
  WorkloadIdentity,
  ExposureRoute,
} from './profile';
import {
  PROBE_SUCCESS_CODES,
  neutralIngress,
  foreignScaler,
  neutralOutput,
  CheckedOptionsProfile,
  nodePlacement,
  prometheusOperatorMonitor,
  tokenExpirationSeconds,
  PRIVATE_RANGES,
  autoscalerGraceWarning,
  kedaOperatorSubject,
  privateRangesWarning,
} from './shared';
import { SHAPES } from './shapes.generated';
import { AKS_SHARED_FILES, AksProfileOptions } from './aks-options';

// Key Vault names: 3-24 of letters, digits and single hyphens, starting with a letter, not ending in a hyphen.
const KEY_VAULT = /^(?=.{3,24}$)[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/;
// Key Vault object names: 1-127 of letters, digits and hyphens.
const KV_OBJECT = /^[0-9a-zA-Z-]{1,127}$/;
// Key Vault certificate URIs, optionally versioned.
const KV_CERT_URI =
  /^https:\/\/[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]\.vault\.azure\.net\/certificates\/[0-9a-zA-Z-]{1,127}(\/[0-9a-f]{32})?$/;

/** The application routing add-on's public IngressClass (https://learn.microsoft.com/azure/aks/app-routing). */
const APP_ROUTING_CLASS = 'webapprouting.kubernetes.azure.com';
/** Annotation prefix of AGIC (application-gateway-kubernetes-ingress pkg/annotations/ingress_annotations.go). */
const AGIC = 'appgw.ingress.kubernetes.io/';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Annotation prefix of cloud-provider-azure (site/content/en/topics/loadbalancer.md). */
const AZ = 'service.beta.kubernetes.io/azure-load-balancer-';

/**
 * Seconds for the Azure load balancer to mark a terminating pod's node path
 * down: probes every 5 s, two failures (the cloud-provider defaults).
 */
const LB_DRAIN_SECONDS = 15;

/**
 * Azure AKS: Azure Workload Identity (client-id annotation on the
 * ServiceAccount, `azure.workload.identity/use` label on the pod), and
 * cloud-provider-azure annotations for internal exposure and an HTTP health
 * probe on the readiness path.
 */
export class AksProfile extends CheckedOptionsProfile<AksProfileOptions> implements ICloudProfile {
  public readonly cloud = 'aks';
  public readonly registry = 'acr';

  public constructor(options: AksProfileOptions = {}) {
    super(options, SHAPES.AksProfileOptions, 'CloudProfile.aks()', AKS_SHARED_FILES);
  }

  public bind(input: ProfileInput): ProfileOutput {
    const out = neutralOutput(input);
    const issues: PropIssue[] = [...this.optionIssues];
    const sa: Record<string, string> = {};
    const podLabels: Record<string, string> = {};
    const { clientId, tenantId } = this.options;
    for (const [prop, value] of [
      ['profile.clientId', clientId],
      ['profile.tenantId', tenantId],
    ] as const) {
      if (value !== undefined && (typeof value !== 'string' || !GUID.test(value))) {
        issues.push({
          prop,
          rule: 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
          received: value,
          fix: 'Copy it from `az identity show --query clientId` (or tenantId).',
        });
      }
    }
    if (tenantId !== undefined && clientId === undefined) {
      issues.push({
        prop: 'profile.tenantId',
        rule: 'needs profile.clientId (a tenant alone names no identity)',
        received: tenantId,
        fix: 'Set profile.clientId too.',
      });
    }
    if (clientId !== undefined) {
      // azure-workload-identity docs: topics/service-account-labels-and-annotations.md.
      sa['azure.workload.identity/client-id'] = clientId;
      const ttl = tokenExpirationSeconds(this.options.tokenExpiration, issues);
      if (ttl !== undefined) sa['azure.workload.identity/service-account-token-expiration'] = String(ttl);
      if (tenantId !== undefined) sa['azure.workload.identity/tenant-id'] = tenantId;
      // The webhook mutates only pods that carry this label (azure-workload-identity >= v1.0.0).
      podLabels['azure.workload.identity/use'] = 'true';
    }

    const identity: WorkloadIdentity | undefined =
      clientId === undefined
        ? undefined
        : { mechanism: 'azure-workload-identity', principal: clientId, details: tenantId === undefined ? {} : { tenantId } };
    const common = { ...out, ...placement(input.placement), issues, identity, serviceAccountAnnotations: sa, podLabels };
    if (input.exposure === Exposure.CLUSTER || !input.health) return common;
    if (input.viaIngress) return { ...common, drainSeconds: LB_DRAIN_SECONDS };
    const hc = input.health;
    const serviceAnnotations: Record<string, string> = {
      // With appProtocol http on the port (Kubernetes >= 1.24) the probe is HTTP and this sets its path;
      // gRPC and TCP ports have no HTTP appProtocol, so the probe is TCP.
      ...(hc.path === undefined ? {} : { [`${AZ}health-probe-request-path`]: hc.path }),
      // interval >= 5, probes >= 2, and interval x probes < 120 (cloud-provider-azure).
      [`${AZ}health-probe-interval`]: String(Math.max(5, Math.min(hc.intervalSeconds, 59))),
      [`${AZ}health-probe-num-of-probe`]: String(Math.max(2, Math.min(hc.unhealthyThreshold, 23))),
    };
    if (input.exposure === Exposure.INTERNAL) serviceAnnotations[`${AZ}internal`] = 'true';
    return { ...common, serviceAnnotations, drainSeconds: LB_DRAIN_SECONDS };
  }

  public ingress(_scope: Construct, input: IngressInput): IngressOutput {
    return (this.options.ingressController ?? 'app-routing') === 'agic' ? this.agic(input) : this.appRouting(input);
  }

  /**
   * The application routing add-on's NGINX keeps upstream connections 60 s
   * (ingress-nginx `upstream-keepalive-timeout`, which the add-on leaves at its
   * default). Application Gateway's value is not documented, so AGIC gets none.
   */
  public upstreamIdleTimeoutSeconds(route: { readonly gateway: boolean }): number | undefined {
    return !route.gateway && (this.options.ingressController ?? 'app-routing') === 'app-routing' ? 60 : undefined;
  }

  public metricsMonitor(scope: Construct, input: MonitorInput): MonitorOutput {
    if (this.options.managedPrometheus === false) {
      return prometheusOperatorMonitor(scope, input, this.options);
    }
    // https://learn.microsoft.com/azure/azure-monitor/containers/prometheus-metrics-scrape-crd:
    // the ama-metrics collectors in kube-system read PodMonitors of this group.
    renderPodMonitor(scope, input, 'azmonitoring.coreos.com/v1');
    return { issues: [], scrapers: [NetworkPeer.namespace('kube-system')] };
  }

  /** AKS's cluster autoscaler also waits at most 10 minutes for pods on a node it removes (AKS cluster autoscaler FAQ). */
  public gracePeriodWarning(terminationSeconds: number): string | undefined {
    return autoscalerGraceWarning(
      terminationSeconds,
      "AKS's cluster autoscaler",
      'Run them on a node pool without autoscaling, or annotate the pods with cluster-autoscaler.kubernetes.io/safe-to-evict: "false".',
    );
  }

  /**
   * Only the Application Gateway is admitted from the private ranges (a LoadBalancer
   * Service keeps the clients' addresses; app routing is admitted by namespace).
   */
  public callerRestrictionWarning(route: ExposureRoute): string | undefined {
    const agic = route.ingress && !route.gateway && (this.options.ingressController ?? 'app-routing') === 'agic';
    if (!agic || this.options.loadBalancerSourceRanges !== undefined) return undefined;
    return privateRangesWarning(
      'with Azure CNI every pod of the virtual network has such an address (with Azure CNI Overlay, its private pod CIDR does)',
      "Set CloudProfile.aks({ loadBalancerSourceRanges: [...] }) to the Application Gateway's subnet (az network vnet subnet show for the gateway's subnet).",
    );
  }

  public kedaIdentity(identity: ScalerIdentity): KedaIdentityResult {
    if (identity.provider !== 'azure') return foreignScaler(identity, this.cloud);
    if (this.options.clientId === undefined) {
      return {
        issues: [
          {
            prop: 'profile.clientId',
            rule: 'is needed for KEDA to read Service Bus as the worker',
            received: undefined,
            fix: "Set the client ID of the worker's managed identity.",
          },
        ],
      };
    }
    // KEDA azure-workload (keda.sh/docs/latest/authentication-providers/azure-ad-workload-identity):
    // KEDA's operator authenticates with its own ServiceAccount token, so the identity
    // needs a second federated credential, for the operator's subject.
    return {
      issues: [],
      podIdentity: { provider: TriggerAuthenticationSpecPodIdentityProvider.AZURE_HYPHEN_WORKLOAD, identityId: this.options.clientId },
      alsoTrust: kedaOperatorSubject(this.options.keda),
    };
  }

  public gatewayRoute(_scope: Construct, _input: IngressInput): IngressOutput {
    return neutralIngress();
  }

  /** Managed NGINX: it routes to ready endpoints itself, so readiness is its health check. */
  private appRouting(input: IngressInput): IngressOutput {
    const issues: PropIssue[] = [];
    const annotations: Record<string, string> = {};
    let tls: k8s.IngressTls[] | undefined;
    const t = input.tls;
    if (t?.kind === 'key-vault') {
      if (!KV_CERT_URI.test(t.ref))
        issues.push({
          prop: 'ingress.tls',
          rule: 'must be a Key Vault certificate URI (https://<vault>.vault.azure.net/certificates/<name>)',
          received: t.ref,
          fix: "Copy the certificate's identifier from the Key Vault.",
        });
      // The add-on syncs the certificate into this Secret name.
      annotations['kubernetes.azure.com/tls-cert-keyvault-uri'] = t.ref;
      tls = [{ hosts: [input.host], secretName: `keyvault-${input.name}` }];
    } else if (t?.kind === 'secret') {
      tls = [{ hosts: [input.host], secretName: t.ref }];
    } else if (t) {
      issues.push({
        prop: 'ingress.tls',
        rule: 'must be a certificate application routing can use',
        received: t.kind,
        fix: 'Use TlsCertificate.keyVault(uri) or kubernetesSecret(name).',
      });
    }
    const internal = input.exposure === Exposure.INTERNAL;
    return {
      ...neutralIngress(),
      issues,
      ingressClassName: internal ? (this.options.internalIngressClassName ?? 'nginx-internal') : APP_ROUTING_CLASS,
      annotations,
      tls,
      // The NGINX pods run in the add-on's namespace and connect to pod IPs.
      allowFrom: [NetworkPeer.namespace('app-routing-system')],
      // The managed NGINX merges the Ingresses of one host into one server block.
      sharesHost: true,
    };
  }

  /** Application Gateway: its probe follows the health definition; it drains for as long as the pod lives. */
  private agic(input: IngressInput): IngressOutput {
    const issues: PropIssue[] = [];
    const hc = input.health;
    const annotations: Record<string, string> = {
      [`${AGIC}health-probe-path`]: hc.path ?? '/',
      [`${AGIC}health-probe-port`]: String(hc.port),
      [`${AGIC}health-probe-interval`]: String(hc.intervalSeconds),
      [`${AGIC}health-probe-timeout`]: String(hc.timeoutSeconds),
      [`${AGIC}health-probe-unhealthy-threshold`]: String(hc.unhealthyThreshold),
      [`${AGIC}health-probe-status-codes`]: PROBE_SUCCESS_CODES,
      [`${AGIC}connection-draining`]: 'true',
      [`${AGIC}connection-draining-timeout`]: String(input.terminationSeconds),
    };
    if (input.exposure === Exposure.INTERNAL) annotations[`${AGIC}use-private-ip`] = 'true';
    let tls: k8s.IngressTls[] | undefined;
    const t = input.tls;
    if (t) {
      if (t.kind === 'app-gateway') annotations[`${AGIC}appgw-ssl-certificate`] = t.ref;
      else if (t.kind === 'secret') tls = [{ hosts: [input.host], secretName: t.ref }];
      else
        issues.push({
          prop: 'ingress.tls',
          rule: 'must be a certificate the Application Gateway can use',
          received: t.kind,
          fix: 'Use TlsCertificate.appGateway(name) or kubernetesSecret(name).',
        });
      annotations[`${AGIC}ssl-redirect`] = 'true';
      tls = tls ?? [{ hosts: [input.host] }];
    }
    // AGIC merges the Ingresses of one host into one listener with path rules.
    return {
      ...neutralIngress(),
      issues,
      ingressClassName: 'azure-application-gateway',
      annotations,
      tls,
      sharesHost: true,
      allowFrom: (this.options.loadBalancerSourceRanges ?? PRIVATE_RANGES).map((c) => NetworkPeer.cidr(c)),
    };
  }

  public secretBackend(input: SecretBackendInput): SecretBackendResult {
    const { clientId, tenantId } = this.options;
    return secretBackendOf(input, {
      options: this.options.secrets,
      manager: 'Azure Key Vault',
      example: "CloudProfile.aks({ secrets: { backend: SecretBackend.CSI_DRIVER, keyVaultName: 'acme-prod-kv' } })",
      checkOptions: (opts, issues) => {
        if (typeof opts.keyVaultName !== 'string' || !KEY_VAULT.test(opts.keyVaultName)) {
          issues.push({
            prop: 'profile.secrets.keyVaultName',
            rule: 'must be a Key Vault name: 3-24 letters, digits and single hyphens, starting with a letter',
            received: opts.keyVaultName,
            fix: "Use the name `az keyvault list` shows, e.g. 'acme-prod-kv'.",
          });
        }
      },
      nameProblem: (remote) =>
        KV_OBJECT.test(remote)
          ? undefined
          : {
              rule: 'must be a Key Vault secret name (1-127 letters, digits and hyphens)',
              fix: "Key Vault names cannot contain '/' or '_'; use hyphens.",
            },
      csiDriver: (opts, req, issues) => {
        if (clientId === undefined || tenantId === undefined) {
          issues.push({
            prop: 'profile.clientId',
            rule: 'and profile.tenantId are needed: the Key Vault provider authenticates with the workload identity',
            received: clientId,
            fix: 'Set profile.clientId and profile.tenantId.',
          });
        }
        // Key Vault provider parameters: https://learn.microsoft.com/azure/aks/csi-secrets-store-identity-access
        const objects =
          [
            'array:',
            ...req.requests.flatMap((r) => [
              '  - |',
              `    objectName: ${r.remote}`,
              '    objectType: secret',
              `    objectAlias: ${r.alias}`,
            ]),
          ].join('\n') + '\n';
        return {
          provider: 'azure',
          parameters: {
            usePodIdentity: 'false',
            clientID: clientId ?? '',
            keyvaultName: opts.keyVaultName,
            tenantId: tenantId ?? '',
            objects,
          },
        };
      },
      storeIdentityProblem: () =>
        clientId === undefined
          ? {
              prop: 'profile.clientId',
              rule: "is needed: a per-service SecretStore authenticates with the service's workload identity",
              received: undefined,
              fix: 'Set profile.clientId, or name a ClusterSecretStore in profile.secrets.',
            }
          : undefined,
      storeProvider: (opts, req) => ({
        provider: {
          azurekv: {
            authType: SecretStoreSpecProviderAzurekvAuthType.WORKLOAD_IDENTITY,
            vaultUrl: `https://${opts.keyVaultName}.vault.azure.net`,
            serviceAccountRef: { name: req.serviceAccountName },
          },
        },
      }),
    });
  }
}

/**
 * Spot node pools carry the label and taint kubernetes.azure.com/scalesetpriority=spot
 * (https://learn.microsoft.com/azure/aks/spot-node-pool).
 */
function placement(p: Placement | undefined): { nodeSelector: Record<string, string>; tolerations: k8s.Toleration[] } {
  return nodePlacement(p, { spot: { key: 'kubernetes.azure.com/scalesetpriority', value: 'spot' }, spotTainted: true, armTainted: false });
}
