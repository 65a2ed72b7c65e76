import { SecretBackend } from '../settings/secret-store';
import { ValidationError } from '../core/validation';
import { IdentityBindingBase, IdentityMechanism, PrometheusOperatorOptions } from './profile';
import { SharedFileClass, bindingBase } from './shared';

/** Options of the Google GKE profile. */
export interface GkeProfileOptions extends PrometheusOperatorOptions {
  /**
   * Google service account the pods act as through Workload Identity Federation for GKE.
   * @default - no Google identity (or grant IAM roles to the Kubernetes ServiceAccount principal directly)
   */
  readonly serviceAccount?: string;
  /**
   * The cluster is GKE Autopilot: requests and limits are adjusted to
   * Autopilot's rules at synth time, with a warning for each change.
   * @default false
   */
  readonly autopilot?: boolean;
  /**
   * The Autopilot cluster supports pod bursting (control plane 1.30.2-gke.1394000
   * or later): lower minimums and no 250m CPU steps.
   * @default true
   */
  readonly autopilotBursting?: boolean;
  /**
   * Where secrets from `SecretEnv.fromStore` and `SecretFile.fromStore` come from.
   * @default - store secrets are an error
   */
  readonly secrets?: GkeSecretsOptions;
  /**
   * StorageClass of new claims many nodes mount (ReadWriteMany, ReadOnlyMany) that
   * name none. GKE installs Filestore classes with its Filestore CSI driver, which
   * is on by default on Autopilot and must be enabled on Standard clusters
   * (`gcloud container clusters update <cluster> --update-addons=GcpFilestoreCsiDriver=ENABLED`):
   * `standard-rwx` (basic HDD), `premium-rwx` (basic SSD), `zonal-rwx`, `enterprise-rwx`.
   * @default 'standard-rwx'
   */
  readonly sharedFileStorageClass?: string;
  /**
   * Reserved global static IP address for the external Ingress (`kubernetes.io/ingress.global-static-ip-name`).
   * @default - an ephemeral address
   */
  readonly staticIpName?: string;
  /**
   * Scrape metrics with Google Cloud Managed Service for Prometheus
   * (PodMonitoring objects); `false` writes Prometheus Operator PodMonitors instead,
   * for the Prometheus in `prometheusNamespace`.
   * @default true
   */
  readonly managedPrometheus?: boolean;
  /**
   * CIDRs an internal Ingress or an internal Gateway (`gke-l7-rilb`,
   * `gke-l7-cross-regional-internal-managed-mc`: an internal exposure routed through
   * a Gateway) reaches the pods from: the region's proxy-only subnet, whose Envoy
   * proxies connect to the pods
   * (https://cloud.google.com/load-balancing/docs/proxy-only-subnets: "packets sent from a proxy to a backend ... [have] a source IP address from the proxy-only subnet").
   * Its range is the one you chose for the VPC; naming it keeps the other pods of the VPC out.
   * Google's health checkers (35.191.0.0/16, 130.211.0.0/22) are admitted too, and
   * external Ingresses and Gateways are reached from Google's front ends, whatever this says.
   * @default ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] (private addresses)
   */
  readonly loadBalancerSourceRanges?: string[];
}

/** Google Secret Manager access. */
export interface GkeSecretsOptions {
  /** Secrets Store CSI driver or External Secrets Operator. */
  readonly backend: SecretBackend;
  /** Project that holds the secrets. */
  readonly projectId: string;
  /**
   * CSI driver only: the open-source Google provider (`gcp`, which can sync env vars
   * into a Secret) or GKE's managed Secret Manager add-on (`gke`, files only).
   * @default 'gcp'
   */
  readonly csiProvider?: 'gcp' | 'gke';
  /**
   * External Secrets only: an existing ClusterSecretStore to use instead of a SecretStore per service.
   * @default - a SecretStore per service, authenticated as the service's ServiceAccount through Workload Identity
   */
  readonly clusterSecretStore?: string;
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

/** The identity mechanism of GKE, by the name the profile reports. */
export const GKE_IDENTITY_MECHANISMS: Record<GkeIdentityBinding['mechanism'], IdentityMechanism> = {
  'gke-workload-identity': {
    cloud: 'gke',
    annotation: 'iam.gke.io/gcp-service-account',
    bind: (c): GkeIdentityBinding => {
      const project = c.gcpProject ?? /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(c.principal)?.[1];
      if (!project) {
        throw ValidationError.fromIssues(
          'The identity binding cannot be described:',
          [
            {
              prop: 'cluster.gcpProject',
              rule: 'is needed: the project of the cluster cannot be read from the Google service account',
              received: c.principal,
              fix: "Pass the cluster's project ID.",
            },
          ],
          `${c.namespace}/${c.serviceAccount}`,
        );
      }
      const pool = `${project}.svc.id.goog`;
      return {
        cloud: 'gke',
        mechanism: 'gke-workload-identity',
        ...bindingBase(c),
        googleServiceAccount: c.principal,
        role: 'roles/iam.workloadIdentityUser',
        member: `serviceAccount:${pool}[${c.namespace}/${c.serviceAccount}]`,
        workloadPool: pool,
      };
    },
  },
};

/**
 * GKE's Filestore CSI driver installs `standard-rwx` (Filestore basic HDD) among
 * its StorageClasses
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/persistent-volumes/filestore-csi-driver);
 * the driver is enabled by default on Autopilot, off on Standard clusters
 * (GKE API `addonsConfig.gcpFilestoreCsiDriverConfig`).
 */
export const GKE_SHARED_FILES: SharedFileClass = { builtIn: 'standard-rwx' };
