import { k8s } from 'cdk8s-plus-28';
import { kubeObject } from '../core/objects';
import { Construct } from 'constructs';
import { Exposure, NetworkPeer } from '../traffic/exposure';
import { ManagedCertificate } from '../imports/managedcertificate-networking.gke.io';
import { IngressInput, IngressOutput } from '../traffic/ingress';
import { MonitorInput, MonitorOutput } from '../scaling/metrics';
import { MiB, formatCpu, formatMemory } from '../core/quantity';
import { ResourceSpec } from '../pod/resources';
import { SecretBackend, SecretBackendResult, secretBackendOf } from '../settings/secret-store';
import { PropIssue, ValidationError } from '../core/validation';
import { BackendConfig, FrontendConfig, HealthCheckPolicy, PodMonitoring } from './gke-types';
import {
  CheckedOptionsProfile,
  ICloudProfile,
  IdentityBindingBase,
  IdentityMechanism,
  KedaIdentityResult,
  PRIVATE_RANGES,
  Placement,
  ProfileInput,
  ProfileOutput,
  PrometheusOperatorOptions,
  SecretBackendInput,
  autoscalerGraceWarning,
  bindingBase,
  foreignScaler,
  neutralIngress,
  neutralOutput,
  nodePlacement,
  prometheusOperatorMonitor,
  yamlBlock,
  ExposureRoute,
  privateRangesWarning,
} from './profile';
import { SHAPES } from './shapes.generated';
import { TriggerAuthenticationSpecPodIdentityProvider } from '../imports/triggerauthentication-keda.sh';
import { ScalerIdentity } from '../scaling/queue-scaler';

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
 * Autopilot general-purpose compute class rules
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-resource-requests):
 * minimum 50m CPU / 52MiB with bursting, 250m / 512MiB without; memory between
 * 1 and 6.5 GiB per vCPU; without bursting, CPU in steps of 250m and limits equal requests.
 */
const AUTOPILOT = {
  bursting: { minCpu: 50, minMemory: 52 * MiB, cpuStep: 1 },
  legacy: { minCpu: 250, minMemory: 512 * MiB, cpuStep: 250 },
  minGiBPerCpu: 1,
  maxGiBPerCpu: 6.5,
  maxCpu: 30_000,
  maxMemory: 110 * 1024 * MiB,
  minEphemeral: 10 * MiB,
  maxEphemeral: 10 * 1024 * MiB,
};

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
 * Google GKE: Workload Identity Federation (`iam.gke.io/gcp-service-account`),
 * container-native load balancing (`cloud.google.com/neg`), the internal
 * passthrough load balancer annotation, and an Autopilot mode.
 */
export class GkeProfile extends CheckedOptionsProfile<GkeProfileOptions> implements ICloudProfile {
  public readonly cloud = 'gke';
  public readonly registry = 'artifact-registry';

  public constructor(options: GkeProfileOptions = {}) {
    super(options, SHAPES.GkeProfileOptions, 'CloudProfile.gke()');
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

/** Applies Autopilot's resource rules, recording a warning for every value it changes. */
export function autopilotResources(spec: ResourceSpec, bursting: boolean, warnings: string[]): ResourceSpec {
  const rules = bursting ? AUTOPILOT.bursting : AUTOPILOT.legacy;
  let cpu = spec.cpuRequestMillis;
  let memory = spec.memoryRequestBytes;
  let ephemeral = spec.ephemeralStorageBytes;
  const change = (what: string, from: string, to: string, why: string) => {
    if (from !== to) warnings.push(`Autopilot: ${what} ${from} -> ${to} (${why})`);
  };

  const cpuIn = cpu;
  cpu = Math.min(AUTOPILOT.maxCpu, Math.max(rules.minCpu, Math.ceil(cpu / rules.cpuStep) * rules.cpuStep));
  change(
    'CPU request',
    formatCpu(cpuIn),
    formatCpu(cpu),
    cpu < cpuIn && cpu === AUTOPILOT.maxCpu
      ? `maximum ${formatCpu(AUTOPILOT.maxCpu)} per pod`
      : bursting
        ? `minimum ${formatCpu(rules.minCpu)}`
        : 'minimum 250m, steps of 250m',
  );

  const memIn = memory;
  memory = Math.min(AUTOPILOT.maxMemory, Math.max(rules.minMemory, memory));
  const memoryCapped = memory < memIn;
  // Keep memory within 1-6.5 GiB per vCPU; Autopilot raises the smaller side.
  const gib = 1024 * MiB;
  const minMemForCpu = Math.ceil(((cpu / 1000) * AUTOPILOT.minGiBPerCpu * gib) / MiB) * MiB;
  if (memory < minMemForCpu) memory = minMemForCpu;
  const minCpuForMem = Math.ceil(((memory / gib / AUTOPILOT.maxGiBPerCpu) * 1000) / rules.cpuStep) * rules.cpuStep;
  if (cpu < minCpuForMem) {
    change('CPU request', formatCpu(cpu), formatCpu(minCpuForMem), 'at most 6.5 GiB of memory per vCPU');
    cpu = minCpuForMem;
  }
  change(
    'memory request',
    formatMemory(memIn),
    formatMemory(memory),
    memoryCapped ? `maximum ${formatMemory(AUTOPILOT.maxMemory)} per pod` : 'minimum and 1 GiB per vCPU',
  );

  const ephIn = ephemeral;
  ephemeral = Math.min(AUTOPILOT.maxEphemeral, Math.max(AUTOPILOT.minEphemeral, ephemeral));
  change('ephemeral storage', formatMemory(ephIn), formatMemory(ephemeral), 'between 10Mi and 10Gi');

  if (!bursting) {
    if (spec.cpuLimitMillis !== cpu)
      change(
        'CPU limit',
        spec.cpuLimitMillis === undefined ? 'none' : formatCpu(spec.cpuLimitMillis),
        formatCpu(cpu),
        'limits equal requests without bursting',
      );
    if (spec.memoryLimitBytes !== memory)
      change('memory limit', formatMemory(spec.memoryLimitBytes), formatMemory(memory), 'limits equal requests without bursting');
    return {
      cpuRequestMillis: cpu,
      cpuLimitMillis: cpu,
      memoryRequestBytes: memory,
      memoryLimitBytes: memory,
      ephemeralStorageBytes: ephemeral,
    };
  }
  // Limits stay between the request and Autopilot's per-pod maximum (the worker count follows the CPU limit).
  const cpuLimit = spec.cpuLimitMillis === undefined ? undefined : Math.min(AUTOPILOT.maxCpu, Math.max(spec.cpuLimitMillis, cpu));
  const memoryLimit = Math.min(AUTOPILOT.maxMemory, Math.max(spec.memoryLimitBytes, memory));
  const why = (from: number, to: number, max: number, fmt: (x: number) => string) =>
    to < from ? `maximum ${fmt(max)} per pod` : 'not below the request';
  if (cpuLimit !== spec.cpuLimitMillis && spec.cpuLimitMillis !== undefined)
    change(
      'CPU limit',
      formatCpu(spec.cpuLimitMillis),
      formatCpu(cpuLimit!),
      why(spec.cpuLimitMillis, cpuLimit!, AUTOPILOT.maxCpu, formatCpu),
    );
  if (memoryLimit !== spec.memoryLimitBytes)
    change(
      'memory limit',
      formatMemory(spec.memoryLimitBytes),
      formatMemory(memoryLimit),
      why(spec.memoryLimitBytes, memoryLimit, AUTOPILOT.maxMemory, formatMemory),
    );
  return {
    cpuRequestMillis: cpu,
    cpuLimitMillis: cpuLimit,
    memoryRequestBytes: memory,
    memoryLimitBytes: memoryLimit,
    ephemeralStorageBytes: ephemeral,
  };
}
