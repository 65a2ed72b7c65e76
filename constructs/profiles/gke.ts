import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { kubeObject } from '../core/objects';
import { Construct } from 'constructs';
import { Exposure, NetworkPeer } from '../traffic/exposure';
import { ManagedCertificate } from '../imports/managedcertificate-networking.gke.io';
import { IngressInput, IngressOutput } from '../traffic/ingress';
import { MonitorInput, MonitorOutput } from '../scaling/metrics';
import { SecretBackendResult, secretBackendOf } from '../settings/secret-store';
import { PropIssue } from '../core/validation';
import { BackendConfig, FrontendConfig, HealthCheckPolicy, PodMonitoring } from './gke-types';
import { ICloudProfile, KedaIdentityResult, Placement, ProfileInput, ProfileOutput, SecretBackendInput, ExposureRoute } from './profile';
import {
  CheckedOptionsProfile,
  PRIVATE_RANGES,
  autoscalerGraceWarning,
  foreignScaler,
  neutralIngress,
  neutralOutput,
  nodePlacement,
  prometheusOperatorMonitor,
  yamlBlock,
  privateRangesWarning,
} from './shared';
import { SHAPES } from './shapes.generated';
import { TriggerAuthenticationSpecPodIdentityProvider } from '../imports/triggerauthentication-keda.sh';
import { ScalerIdentity } from '../scaling/queue-scaler';
import { GKE_SHARED_FILES, GkeProfileOptions } from './gke-options';
import { autopilotResources } from './gke-autopilot';

// Project IDs: 6-30 lowercase letters, digits, hyphens; secret IDs: [A-Za-z0-9_-]{1,255}.
const PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
// Compute Engine resource names (addresses, SSL certificates): RFC 1035, at most 63.
const GCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Where Google's external load balancers and health checkers connect from
 * (https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges);
 * the pods must admit them for container-native load balancing.
 */
const GOOGLE_LB_RANGES = ['35.191.0.0/16', '130.211.0.0/22'];

// Service account emails: <account ID>@<project>.iam.gserviceaccount.com; the account ID is
// 6-30 of [a-z0-9-], starting with a letter (https://cloud.google.com/iam/reference/rest/v1/projects.serviceAccounts/create).
const GSA_DOMAIN = '.iam.gserviceaccount.com';
const GSA_ACCOUNT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const GSA_PROJECT = /^[a-z][-a-z0-9.:]{4,61}[a-z0-9]$/;

/** What is wrong with a Google service account email, naming the part; undefined when it is one. */
function serviceAccountProblem(email: unknown): string | undefined {
  const shape = 'must be a Google service account email (<account ID>@<project>.iam.gserviceaccount.com)';
  if (typeof email !== 'string' || email.split('@').length !== 2) return shape;
  const [id, domain] = email.split('@');
  if (!domain.endsWith(GSA_DOMAIN)) return `${shape}: its domain '${domain}' must end in '${GSA_DOMAIN}'`;
  if (!GSA_ACCOUNT_ID.test(id)) {
    return `${shape}: its account ID '${id}' (${id.length} characters) must be 6-30 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`;
  }
  const project = domain.slice(0, -GSA_DOMAIN.length);
  return GSA_PROJECT.test(project) ? undefined : `${shape}: its project '${project}' must be a Google Cloud project ID`;
}

/**
 * Seconds for a terminating pod to leave its network endpoint group and the
 * Google load balancer to stop sending it requests.
 */
const LB_DRAIN_SECONDS = 15;

/**
 * Google GKE: Workload Identity Federation (`iam.gke.io/gcp-service-account`),
 * container-native load balancing (`cloud.google.com/neg`), the internal
 * passthrough load balancer annotation, and an Autopilot mode.
 */
export class GkeProfile extends CheckedOptionsProfile<GkeProfileOptions> implements ICloudProfile {
  public readonly cloud = 'gke';
  public readonly registry = 'artifact-registry';

  public constructor(options: GkeProfileOptions = {}) {
    super(options, SHAPES.GkeProfileOptions, 'CloudProfile.gke()', GKE_SHARED_FILES);
  }

  public bind(input: ProfileInput): ProfileOutput {
    const out = neutralOutput(input);
    const issues: PropIssue[] = [...this.optionIssues];
    const sa: Record<string, string> = {};
    const gsa = this.options.serviceAccount;
    if (gsa !== undefined) {
      const problem = serviceAccountProblem(gsa);
      if (problem) {
        issues.push({
          prop: 'profile.serviceAccount',
          rule: problem,
          received: gsa,
          fix: "Use the email `gcloud iam service-accounts list` shows, e.g. 'orders-api@acme-prod.iam.gserviceaccount.com'.",
        });
      }
      sa['iam.gke.io/gcp-service-account'] = gsa;
    }

    const warnings: string[] = [];
    const resources = this.options.autopilot
      ? autopilotResources(input.resources, this.options.autopilotBursting ?? true, warnings)
      : input.resources;

    const serviceAnnotations: Record<string, string> = {};
    if (input.port) {
      // Container-native load balancing: the Google LB targets pod IPs directly.
      serviceAnnotations['cloud.google.com/neg'] = '{"ingress": true}';
    }
    if (input.exposure === Exposure.INTERNAL && !input.viaIngress) serviceAnnotations['networking.gke.io/load-balancer-type'] = 'Internal';

    return {
      ...out,
      ...placement(input.placement),
      issues,
      warnings,
      resources,
      identity: gsa === undefined ? undefined : { mechanism: 'gke-workload-identity', principal: gsa, details: {} },
      serviceAccountAnnotations: sa,
      serviceAnnotations,
      drainSeconds: input.exposure === Exposure.CLUSTER ? out.drainSeconds : LB_DRAIN_SECONDS,
    };
  }

  public ingress(scope: Construct, input: IngressInput): IngressOutput {
    const issues: PropIssue[] = [];
    const internal = input.exposure === Exposure.INTERNAL;
    const backend = this.backendConfig(scope, input);
    // GKE selects its controller by this annotation; it ignores spec.ingressClassName
    // (https://cloud.google.com/kubernetes-engine/docs/concepts/ingress).
    const annotations: Record<string, string> = { 'kubernetes.io/ingress.class': internal ? 'gce-internal' : 'gce' };
    const ip = this.options.staticIpName;
    if (ip !== undefined) {
      if (!GCE_NAME.test(ip))
        issues.push({
          prop: 'profile.staticIpName',
          rule: 'must be a Compute Engine address name',
          received: ip,
          fix: 'Use the name `gcloud compute addresses list --global` shows.',
        });
      annotations[internal ? 'kubernetes.io/ingress.regional-static-ip-name' : 'kubernetes.io/ingress.global-static-ip-name'] = ip;
    }
    let tls: k8s.IngressTls[] | undefined;
    const t = input.tls;
    if (t) {
      if (t.kind === 'google-managed') {
        if (internal)
          issues.push({
            prop: 'ingress.tls',
            rule: 'cannot be Google-managed on an internal Ingress (Google-managed certificates need a public load balancer)',
            received: t.kind,
            fix: 'Use TlsCertificate.gcpPreShared(name) or a Kubernetes Secret.',
          });
        const cert = kubeObject(scope, 'ManagedCertificate', ManagedCertificate, {
          metadata: { name: input.name, labels: input.labels },
          spec: { domains: [input.host] },
        });
        annotations['networking.gke.io/managed-certificates'] = cert.name;
      } else if (t.kind === 'gcp-pre-shared') {
        if (!GCE_NAME.test(t.ref))
          issues.push({
            prop: 'ingress.tls',
            rule: 'must name a Compute Engine SSL certificate',
            received: t.ref,
            fix: 'Use the name `gcloud compute ssl-certificates list` shows.',
          });
        annotations['ingress.gcp.kubernetes.io/pre-shared-cert'] = t.ref;
      } else if (t.kind === 'secret') {
        tls = [{ hosts: [input.host], secretName: t.ref }];
      } else {
        issues.push({
          prop: 'ingress.tls',
          rule: 'must be a certificate the GKE Ingress can use',
          received: t.kind,
          fix: 'Use TlsCertificate.googleManaged(), gcpPreShared(name) or kubernetesSecret(name).',
        });
      }
      tls = tls ?? [{ hosts: [input.host] }];
      if (!internal) {
        const frontend = new FrontendConfig(scope, 'FrontendConfig', {
          metadata: { name: input.name, labels: input.labels },
          spec: { redirectToHttps: { enabled: true, responseCodeName: 'MOVED_PERMANENTLY_DEFAULT' } },
        });
        annotations['networking.gke.io/v1beta1.FrontendConfig'] = frontend.name;
      }
    }
    return {
      issues,
      annotations,
      tls,
      serviceAnnotations: { 'cloud.google.com/backend-config': JSON.stringify({ default: backend.name }) },
      allowFrom: this.layer7Sources(internal),
      // Each GKE Ingress is its own load balancer (and certificate); HTTPRoutes of one Gateway share one.
      sharesHost: false,
      shareHostFix: "Route the services through one Gateway instead: ingress: { host, path, gateway: { name: '<gateway>' } }.",
    };
  }

  /**
   * Google's front ends keep backend connections for 600 s, a fixed value; Google
   * asks for a backend keep-alive above it ("HTTP keepalive timeout", external
   * Application Load Balancer timeouts). The same front ends serve GKE Gateways.
   */
  public upstreamIdleTimeoutSeconds(): number {
    return 600;
  }

  public metricsMonitor(scope: Construct, input: MonitorInput): MonitorOutput {
    if (this.options.managedPrometheus === false) {
      return prometheusOperatorMonitor(scope, input, this.options);
    }
    // https://cloud.google.com/stackdriver/docs/managed-prometheus/setup-managed: collectors run in gmp-system.
    new PodMonitoring(scope, 'PodMonitoring', {
      metadata: { name: input.name, labels: input.labels },
      spec: {
        selector: { matchLabels: { ...input.selector } },
        endpoints: [{ port: input.portName, path: input.path, interval: `${input.intervalSeconds}s` }],
      },
    });
    // Managed Service for Prometheus runs its collectors in gmp-system; GKE-managed
    // collection on recent versions runs them in gke-gmp-system. Both may scrape.
    return { issues: [], scrapers: [NetworkPeer.namespace('gmp-system'), NetworkPeer.namespace('gke-gmp-system')] };
  }

  /**
   * GKE's cluster autoscaler waits at most 10 minutes for pods when it removes a node
   * (cloud.google.com/kubernetes-engine/docs/concepts/cluster-autoscaler). Autopilot
   * can keep a pod up to 7 days (extended duration pods, annotation
   * `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"`).
   */
  public gracePeriodWarning(terminationSeconds: number): string | undefined {
    return autoscalerGraceWarning(
      terminationSeconds,
      "GKE's cluster autoscaler",
      "On Autopilot, make the pods extended-duration pods (podAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' }, up to 7 days); on Standard, run them on a node pool without autoscaling.",
    );
  }

  public kedaIdentity(identity: ScalerIdentity): KedaIdentityResult {
    if (identity.provider !== 'gcp') return foreignScaler(identity, this.cloud);
    // KEDA's gcp provider uses the KEDA operator's own Workload Identity; the gcp-pubsub
    // scaler reads the subscription's size from Cloud Monitoring, so KEDA's Google
    // service account needs roles/monitoring.viewer (keda.sh/docs/latest/scalers/gcp-pub-sub).
    return { issues: [], podIdentity: { provider: TriggerAuthenticationSpecPodIdentityProvider.GCP } };
  }

  public gatewayRoute(scope: Construct, input: IngressInput): IngressOutput {
    const hc = input.health;
    // GKE Gateways do not read readiness probes; this policy makes their health check the same one.
    new HealthCheckPolicy(scope, 'HealthCheckPolicy', {
      metadata: { name: input.name, labels: input.labels },
      spec: {
        default: {
          checkIntervalSec: hc.intervalSeconds,
          timeoutSec: hc.timeoutSeconds,
          healthyThreshold: hc.healthyThreshold,
          unhealthyThreshold: hc.unhealthyThreshold,
          config: { type: 'HTTP', httpHealthCheck: { portSpecification: 'USE_FIXED_PORT', port: hc.port, requestPath: hc.path } },
        },
        targetRef: { group: '', kind: 'Service', name: input.name },
      },
    });
    // An internal exposure through a Gateway is an internal (Envoy-based) Gateway class.
    return { ...neutralIngress(), allowFrom: this.layer7Sources(input.exposure === Exposure.INTERNAL) };
  }

  /** Internal layer-7 load balancers are admitted from the proxy-only subnet, the private ranges unless named. */
  public callerRestrictionWarning(route: ExposureRoute): string | undefined {
    const internalProxy = (route.ingress || route.gateway) && route.exposure === Exposure.INTERNAL;
    if (!internalProxy || this.options.loadBalancerSourceRanges !== undefined) return undefined;
    return privateRangesWarning(
      'in a VPC-native cluster every pod of the VPC has such an address',
      "Set CloudProfile.gke({ loadBalancerSourceRanges: [...] }) to the region's proxy-only subnet (gcloud compute networks subnets list --filter=purpose=REGIONAL_MANAGED_PROXY).",
    );
  }

  /**
   * Where Google's layer-7 load balancer reaches the pods from. External ones: Google's
   * front ends, which share the health checkers' ranges. Regional and cross-region
   * internal ones (Envoy-based): the proxy-only subnet for requests, the health
   * checkers' ranges for checks (https://cloud.google.com/load-balancing/docs/firewall-rules,
   * "Regional internal Application Load Balancer": health check ranges and the proxy-only subnet).
   */
  private layer7Sources(internal: boolean): NetworkPeer[] {
    const proxies = internal ? (this.options.loadBalancerSourceRanges ?? PRIVATE_RANGES) : [];
    return [...proxies, ...GOOGLE_LB_RANGES].map((c) => NetworkPeer.cidr(c));
  }

  /** The Google load balancer's health check and draining, from the workload's health definition. */
  private backendConfig(scope: Construct, input: IngressInput): BackendConfig {
    const hc = input.health;
    return new BackendConfig(scope, 'BackendConfig', {
      metadata: { name: input.name, labels: input.labels },
      spec: {
        healthCheck: {
          type: 'HTTP',
          requestPath: hc.path,
          port: hc.port,
          checkIntervalSec: hc.intervalSeconds,
          timeoutSec: hc.timeoutSeconds,
          healthyThreshold: hc.healthyThreshold,
          unhealthyThreshold: hc.unhealthyThreshold,
        },
        connectionDraining: { drainingTimeoutSec: input.terminationSeconds },
      },
    });
  }

  public secretBackend(input: SecretBackendInput): SecretBackendResult {
    return secretBackendOf(input, {
      options: this.options.secrets,
      manager: 'Google Secret Manager',
      example: "CloudProfile.gke({ secrets: { backend: SecretBackend.CSI_DRIVER, projectId: 'acme-prod' } })",
      checkOptions: (opts, issues) => {
        if (typeof opts.projectId !== 'string' || !PROJECT_ID.test(opts.projectId)) {
          issues.push({
            prop: 'profile.secrets.projectId',
            rule: 'must be a Google Cloud project ID (6-30 lowercase letters, digits and hyphens)',
            received: opts.projectId,
            fix: 'Use the ID `gcloud projects list` shows, not the project name.',
          });
        }
      },
      nameProblem: (remote) =>
        SECRET_ID.test(remote)
          ? undefined
          : {
              rule: 'must be a Secret Manager secret ID ([A-Za-z0-9_-], up to 255)',
              fix: "Use the secret's ID, not its full resource name.",
            },
      csiDriver: (opts, req, issues) => {
        const provider = opts.csiProvider ?? 'gcp';
        if (provider === 'gke' && req.requests.some((r) => r.env !== undefined)) {
          issues.push({
            prop: 'profile.secrets.csiProvider',
            rule: "must be 'gcp' for env vars: the GKE Secret Manager add-on mounts files and cannot sync a Secret",
            received: provider,
            fix: "Use SecretFile.fromStore for these secrets, or csiProvider 'gcp', or External Secrets.",
          });
        }
        // github.com/GoogleCloudPlatform/secrets-store-csi-driver-provider-gcp (README): `secrets` lists resourceName and path.
        const secrets = req.requests.map((r) => ({
          resourceName: `projects/${opts.projectId}/secrets/${r.remote}/versions/latest`,
          path: r.alias,
        }));
        // The managed add-on registers its own driver name.
        return {
          provider,
          parameters: { secrets: yamlBlock(secrets) },
          driver: provider === 'gke' ? 'secrets-store-gke.csi.k8s.io' : undefined,
        };
      },
      storeIdentityProblem: () =>
        this.options.serviceAccount === undefined
          ? {
              prop: 'profile.serviceAccount',
              rule: 'is needed: a per-service SecretStore authenticates as the service through Workload Identity',
              received: undefined,
              fix: 'Set profile.serviceAccount, or name a ClusterSecretStore in profile.secrets.',
            }
          : undefined,
      storeProvider: (opts, req) => ({
        provider: {
          gcpsm: { projectId: opts.projectId, auth: { workloadIdentity: { serviceAccountRef: { name: req.serviceAccountName } } } },
        },
      }),
    });
  }
}

/**
 * Spot VMs and Arm nodes: https://cloud.google.com/kubernetes-engine/docs/concepts/spot-vms and
 * .../how-to/prepare-arm-workloads-for-deployment. GKE taints Arm nodes with
 * kubernetes.io/arch=arm64:NoSchedule and Spot node pools may carry cloud.google.com/gke-spot=true:NoSchedule.
 */
function placement(p: Placement | undefined): { nodeSelector: Record<string, string>; tolerations: k8s.Toleration[] } {
  return nodePlacement(p, { spot: { key: 'cloud.google.com/gke-spot', value: 'true' }, spotTainted: true, armTainted: true });
}
