import { createHash } from 'crypto';
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDuplicateEnv, checkPlainSettings } from './env';
import { Exposure, NetworkPeer, cidrProblem } from './exposure';
import { HealthProps, resolveHealth } from './health';
import { workloadLabels, selectorLabels } from './labels';
import { LABEL_VALUE, dnsLabelProblem, dnsSubdomainProblem, imagePinProblem, suggestDnsLabel } from './names';
import { APP_CONTAINER, ContainerDescription, PYTHON_RUNTIME_ENV, RUN_AS_GID, RUN_AS_UID, buildPodTemplate, writablePaths } from './pod';
import { ICloudProfile, neutralOutput } from './profiles/profile';
import { ResourcesProps, cpuBasisMillis, resolveResources } from './resources';
import { SecretEnv } from './secrets';
import { PythonServer } from './server';
import { IssueCollector, addWarning } from './validation';

/** Horizontal autoscaling on CPU (and optionally memory) utilization. */
export interface AutoscalingProps {
  /** Fewest replicas; at least 2 keeps the service up through a node drain. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization, in percent of the CPU request.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
  /**
   * Target average memory utilization, in percent of the memory request.
   * @default - memory is not a scaling metric (Python rarely frees memory, so it would only scale up)
   */
  readonly targetMemoryUtilization?: number;
}

/** Props of {@link PythonMicroservice}. */
export interface PythonMicroserviceProps {
  /** Container image, pinned by tag or digest, e.g. `ghcr.io/acme/orders-api:1.4.2`. */
  readonly image: string;
  /** How the container serves the app: gunicorn, uvicorn, Django, or a command. */
  readonly server: PythonServer;
  /** Health endpoints; they drive the probes and the load balancer's health check. */
  readonly health: HealthProps;
  /** The cloud the manifests are for: identity, load balancer wiring, platform rules. */
  readonly profile: ICloudProfile;
  /**
   * Name of every object of the service.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Port the server listens on inside the container (1024 or above: the container runs without privileges).
   * @default 8000
   */
  readonly port?: number;
  /**
   * Port of the Service and the load balancer.
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * CPU, memory and scratch space.
   * @default - 250m CPU, 512Mi memory, limits equal to requests, 1Gi ephemeral storage
   */
  readonly resources?: ResourcesProps;
  /**
   * Replicas when there is no autoscaling.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Horizontal autoscaling. When set, the HorizontalPodAutoscaler owns the replica count.
   * @default - a fixed number of replicas
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Non-secret settings, delivered as env vars from a ConfigMap whose name
   * carries a hash of its content, so a change rolls the pods.
   * @default - no ConfigMap
   */
  readonly config?: Record<string, string>;
  /**
   * Non-secret env vars written into the pod spec.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Names in `config` or `env` that look like secrets but are not (e.g. `CACHE_KEY_PREFIX`).
   * @default - none
   */
  readonly notSecret?: string[];
  /**
   * Env vars whose values come from secrets; no value is ever written into a manifest.
   * @default - none
   */
  readonly secrets?: SecretEnv[];
  /**
   * Who can reach the service.
   * @default Exposure.CLUSTER
   */
  readonly exposure?: Exposure;
  /**
   * In-cluster sources the NetworkPolicy admits to the service port. Load
   * balancer traffic is admitted on top when the exposure is internal or public.
   * @default [NetworkPeer.sameNamespace()]
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * Destinations the pods may open connections to (DNS is always allowed).
   * @default - every destination
   */
  readonly allowEgressTo?: NetworkPeer[];
  /**
   * Name of the larger application, for the `app.kubernetes.io/part-of` label.
   * @default - no part-of label
   */
  readonly partOf?: string;
  /**
   * How long a terminating pod keeps serving before the server is told to stop,
   * so that kube-proxy and the load balancer stop sending it requests first.
   * @default - the profile's drain time for the exposure
   */
  readonly drainDelay?: Duration;
  /**
   * Hard deadline for the pod to stop. Must cover the drain delay plus the server's graceful timeout.
   * @default - drain delay + graceful timeout + 5 seconds
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * PriorityClass of the pods, so the scheduler knows what to evict first under pressure.
   * The PriorityClass must exist in the cluster.
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * Mount a Kubernetes API token into the pod. Only apps that call the Kubernetes API need one.
   * @default false
   */
  readonly mountServiceAccountToken?: boolean;
}

const SHUTDOWN_SLACK_SECONDS = 5;

const REQUIRED_FIX = {
  image: 'Pass the image you built, e.g. \'ghcr.io/acme/orders-api:1.4.2\'.',
  server: 'Pass e.g. PythonServer.gunicornUvicorn({ app: \'orders.main:app\' }).',
  health: 'Pass e.g. { readiness: \'/readyz\', liveness: \'/livez\' }.',
  profile: 'Pass CloudProfile.eks(), CloudProfile.gke() or CloudProfile.aks().',
};

/** Stands in for a missing profile so the other props can still be checked. */
const NO_PROFILE: ICloudProfile = { cloud: 'none', bind: (input) => neutralOutput(input) };

/**
 * A Python web service on Kubernetes: Deployment, Service, ServiceAccount,
 * ConfigMap, HorizontalPodAutoscaler, PodDisruptionBudget and NetworkPolicy,
 * hardened to the "restricted" Pod Security Standard and wired to the cloud
 * by its profile.
 */
export class PythonMicroservice extends Construct {
  /** Name of every object of the service. */
  public readonly name: string;
  /** Container port. */
  public readonly port: number;
  /** Service port. */
  public readonly servicePort: number;
  /** Exposure of the service. */
  public readonly exposure: Exposure;
  /** Worker processes the server runs, when it has a worker model. */
  public readonly workers?: number;
  /** Seconds a terminating pod keeps serving before SIGTERM. */
  public readonly drainSeconds: number;
  /** terminationGracePeriodSeconds of the pods. */
  public readonly terminationGracePeriodSeconds: number;
  /** Labels that select the service's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The container as the image must match it (for Dockerfile and compose generators). */
  public readonly container: ContainerDescription;

  /** The ServiceAccount the pods run as. */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** The ConfigMap of `config`, when there is any. */
  public readonly configMap?: k8s.KubeConfigMap;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service. */
  public readonly service: k8s.KubeService;
  /** The HorizontalPodAutoscaler, when autoscaling is on. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The PodDisruptionBudget, when more than one replica can run. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  public constructor(scope: Construct, id: string, props: PythonMicroserviceProps) {
    super(scope, id);
    const issues = IssueCollector.of(this);

    for (const prop of ['image', 'server', 'health', 'profile'] as const) {
      issues.check(props[prop] !== undefined && props[prop] !== null, {
        prop, rule: 'is required', received: props[prop], fix: REQUIRED_FIX[prop],
      });
    }
    const profile = props.profile ?? NO_PROFILE;
    const serverModel = props.server ?? PythonServer.command({ command: ['python3'] });

    this.name = props.name ?? id;
    const nameProblem = dnsLabelProblem(this.name, 52);
    issues.check(!nameProblem, {
      prop: 'name', rule: nameProblem ?? '', received: this.name,
      fix: `Use a name like '${suggestDnsLabel(this.name)}' (52 characters at most, so derived names fit).`,
    });
    const pin = imagePinProblem(props.image);
    if (pin) issues.add({ prop: 'image', rule: pin.rule, received: props.image, fix: pin.fix });
    if (props.priorityClassName !== undefined) {
      const problem = dnsSubdomainProblem(props.priorityClassName);
      issues.check(!problem, { prop: 'priorityClassName', rule: problem ?? '', received: props.priorityClassName, fix: 'Use the name of a PriorityClass in the cluster.' });
    }
    if (props.partOf !== undefined) {
      issues.check(LABEL_VALUE.test(props.partOf), {
        prop: 'partOf', rule: 'must be a label value: at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit',
        received: props.partOf, fix: 'Use a short name like \'shop\'.',
      });
    }

    this.port = props.port ?? 8000;
    issues.check(Number.isInteger(this.port) && this.port >= 1024 && this.port <= 65535, {
      prop: 'port', rule: 'must be a whole number from 1024 to 65535 (the container has no privilege to bind lower ports)', received: this.port,
      fix: 'Listen on 8000 inside the container; the Service maps servicePort (80) to it.',
    });
    this.servicePort = props.servicePort ?? 80;
    issues.check(Number.isInteger(this.servicePort) && this.servicePort >= 1 && this.servicePort <= 65535, {
      prop: 'servicePort', rule: 'must be a whole number from 1 to 65535', received: this.servicePort, fix: 'Use 80.',
    });
    this.exposure = props.exposure ?? Exposure.CLUSTER;
    issues.check(Object.values(Exposure).includes(this.exposure), {
      prop: 'exposure', rule: `must be one of ${Object.values(Exposure).join(', ')}`, received: this.exposure, fix: 'Use Exposure.CLUSTER, Exposure.INTERNAL or Exposure.PUBLIC.',
    });

    const scaling = this.resolveScaling(props, issues);
    const health = resolveHealth(props.health ?? ({} as HealthProps), this.port, 'http');
    issues.addAll(health.issues);
    const requested = resolveResources(props.resources);
    issues.addAll(requested.issues);

    const cloud = profile.bind({
      name: this.name,
      exposure: this.exposure,
      port: { number: this.port, name: 'http' },
      health: health.loadBalancer,
      resources: requested.spec,
    });
    issues.addAll(cloud.issues);
    cloud.warnings.forEach((w) => addWarning(this, w));

    const server = serverModel.bind({ port: this.port, cpuMillis: cpuBasisMillis(cloud.resources), memoryBytes: cloud.resources.memoryLimitBytes });
    issues.addAll(server.issues);
    server.warnings.forEach((w) => addWarning(this, w));
    this.workers = server.workers;

    this.drainSeconds = this.resolveDrain(props, cloud.drainSeconds, issues);
    this.terminationGracePeriodSeconds = this.resolveGrace(props, server.gracefulTimeoutSeconds, issues);

    // Env: runtime defaults, then the server's, then the user's; names must be unique.
    const notSecret = new Set(props.notSecret ?? []);
    const config = props.config ?? {};
    const env = props.env ?? {};
    issues.addAll(checkPlainSettings('config', config, notSecret));
    issues.addAll(checkPlainSettings('env', env, notSecret));
    const secretBindings = (props.secrets ?? []).map((s, i) => s.bind(`secrets[${i}]`));
    secretBindings.forEach((b) => issues.addAll(b.issues));
    issues.addAll(checkDuplicateEnv([
      { prop: 'the runtime (derived from server and resources)', names: [...Object.keys(PYTHON_RUNTIME_ENV), ...Object.keys(server.env)] },
      { prop: 'config', names: Object.keys(config) },
      { prop: 'env', names: Object.keys(env) },
      ...secretBindings.map((b, i) => ({ prop: `secrets[${i}]`, names: b.env.map((e) => e.name) })),
    ]));

    const literalEnv = { ...PYTHON_RUNTIME_ENV, ...server.env, ...env };
    this.container = {
      name: this.name,
      image: props.image,
      command: server.command,
      port: this.port,
      runAsUser: RUN_AS_UID,
      runAsGroup: RUN_AS_GID,
      env: literalEnv,
      config: { ...config },
      secretEnvNames: secretBindings.flatMap((b) => b.env.map((e) => e.name)),
      readinessPath: props.health?.readiness,
      writablePaths: writablePaths(server.scratchDirs),
      resources: cloud.resources,
      gracefulTimeoutSeconds: server.gracefulTimeoutSeconds,
    };

    const labels = workloadLabels({ name: this.name, component: 'web', image: props.image, partOf: props.partOf });
    this.selectorLabels = selectorLabels(this.name);

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels, annotations: nonEmpty(cloud.serviceAccountAnnotations) },
      automountServiceAccountToken: props.mountServiceAccountToken ?? false,
    });

    if (Object.keys(config).length > 0) {
      this.configMap = new k8s.KubeConfigMap(this, 'Config', {
        // The content hash in the name makes every change a new ConfigMap, which
        // rolls the pods and lets a rollback return to the old values.
        metadata: { name: `${this.name}-config-${contentHash(config)}`, labels },
        data: { ...config },
        immutable: true,
      });
    }

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: {
        name: this.name,
        labels,
        // Polaris wants spec.replicas >= 2, but a replica count beside an HPA
        // resets the scale on every apply (kube-score flags that): the HPA wins.
        annotations: scaling.fixedReplicas === undefined ? { 'polaris.fairwinds.com/deploymentMissingReplicas-exempt': 'true' } : undefined,
      },
      spec: {
        replicas: scaling.fixedReplicas,
        selector: { matchLabels: this.selectorLabels },
        // Surge new pods before removing old ones: full capacity during rollouts.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        revisionHistoryLimit: 5,
        template: buildPodTemplate({
          selectorLabels: this.selectorLabels,
          labels: { ...labels, ...cloud.podLabels },
          serviceAccountName: this.name,
          automountServiceAccountToken: props.mountServiceAccountToken ?? false,
          terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
          nodeSelector: cloud.nodeSelector,
          tolerations: cloud.tolerations,
          spread: scaling.maxReplicas > 1,
          priorityClassName: props.priorityClassName,
          container: {
            image: props.image,
            // Re-resolving the tag on every start keeps imagePullSecrets checked
            // for every pod; with a pinned tag or digest it costs one manifest request.
            imagePullPolicy: 'Always',
            command: server.command,
            ports: [{ name: 'http', containerPort: this.port, protocol: 'TCP' }],
            env: [
              ...Object.entries(literalEnv).map(([name, value]) => ({ name, value })),
              ...secretBindings.flatMap((b) => b.env),
            ],
            envFrom: this.configMap ? [{ configMapRef: { name: this.configMap.name } }] : [],
            resources: cloud.resources,
            liveness: health.liveness,
            readiness: health.readiness,
            startup: health.startup,
            preStopSeconds: this.drainSeconds,
            scratchDirs: server.scratchDirs,
          },
        }),
      },
    });

    const loadBalanced = this.exposure !== Exposure.CLUSTER;
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels, annotations: nonEmpty(cloud.serviceAnnotations) },
      spec: {
        type: loadBalanced ? 'LoadBalancer' : 'ClusterIP',
        loadBalancerClass: loadBalanced ? cloud.loadBalancerClass : undefined,
        selector: this.selectorLabels,
        ports: [{ name: 'http', port: this.servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP', appProtocol: 'http' }],
      },
    });

    if (props.autoscaling) {
      this.autoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata: { name: this.name, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: scaling.minReplicas,
          maxReplicas: scaling.maxReplicas,
          metrics: scaling.metrics,
        },
      });
    }

    if (scaling.maxReplicas > 1) {
      this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: this.name, labels },
        spec: {
          // One pod at a time: node drains proceed, capacity never drops by more than one.
          maxUnavailable: k8s.IntOrString.fromNumber(1),
          selector: { matchLabels: this.selectorLabels },
          // A pod that is not ready serves nothing; never let it block a drain.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }

    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: this.networkPolicySpec(props, loadBalanced, issues),
    });
  }

  /** The container of the Deployment's pod template, for escape hatches. */
  public get containerName(): string {
    return APP_CONTAINER;
  }

  private resolveScaling(props: PythonMicroserviceProps, issues: IssueCollector) {
    const a = props.autoscaling;
    if (!a) {
      const replicas = props.replicas ?? 2;
      issues.check(Number.isInteger(replicas) && replicas >= 0 && replicas <= 1000, {
        prop: 'replicas', rule: 'must be a whole number from 0 to 1000', received: replicas, fix: 'Use 2 or more for a service that must stay up.',
      });
      return { fixedReplicas: replicas, minReplicas: replicas, maxReplicas: replicas, metrics: [] as k8s.MetricSpecV2[] };
    }
    const { minReplicas, maxReplicas } = a;
    issues.check(Number.isInteger(minReplicas) && minReplicas >= 1, {
      prop: 'autoscaling.minReplicas', rule: 'must be a whole number of at least 1', received: minReplicas, fix: 'Use 2 so a node drain never takes the service down.',
    });
    issues.check(Number.isInteger(maxReplicas) && maxReplicas >= 1 && maxReplicas <= 1000, {
      prop: 'autoscaling.maxReplicas', rule: 'must be a whole number from 1 to 1000', received: maxReplicas, fix: 'Use the most replicas your dependencies (e.g. database connections) can take.',
    });
    issues.check(!(minReplicas > maxReplicas), {
      prop: 'autoscaling.minReplicas', rule: `must be less than or equal to 'autoscaling.maxReplicas' (${maxReplicas})`, received: minReplicas,
      fix: `Lower minReplicas to ${maxReplicas} or raise maxReplicas to ${minReplicas}.`,
    });
    if (props.replicas !== undefined) {
      issues.add({
        prop: 'replicas', rule: 'must not be set together with autoscaling (the autoscaler owns the replica count)', received: props.replicas,
        fix: 'Remove replicas and set autoscaling.minReplicas instead.',
      });
    }
    const metrics: k8s.MetricSpecV2[] = [];
    const target = (prop: string, value: number | undefined, resource: string) => {
      if (value === undefined) return;
      if (issues.check(Number.isInteger(value) && value >= 1 && value <= 100, {
        prop, rule: 'must be a whole percentage from 1 to 100', received: value, fix: 'Use 70 for CPU: headroom for a spike while new pods start.',
      })) {
        metrics.push({ type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization: value } } });
      }
    };
    target('autoscaling.targetCpuUtilization', a.targetCpuUtilization ?? 70, 'cpu');
    target('autoscaling.targetMemoryUtilization', a.targetMemoryUtilization, 'memory');
    return { fixedReplicas: undefined, minReplicas, maxReplicas, metrics };
  }

  private resolveDrain(props: PythonMicroserviceProps, profileDrain: number, issues: IssueCollector): number {
    if (props.drainDelay === undefined) return profileDrain;
    const s = props.drainDelay.toSeconds({ integral: false });
    issues.check(Number.isInteger(s) && s >= 0 && s <= 300, {
      prop: 'drainDelay', rule: 'must be a whole number of seconds from 0 to 300', received: s, fix: `Use Duration.seconds(${profileDrain}), the profile's drain time.`,
    });
    if (s < profileDrain) {
      addWarning(this, `drainDelay ${s}s is shorter than the ${profileDrain}s the profile allows for the load balancer to stop sending traffic; some requests may fail during rollouts.`);
    }
    return s;
  }

  private resolveGrace(props: PythonMicroserviceProps, gracefulTimeout: number, issues: IssueCollector): number {
    const needed = this.drainSeconds + gracefulTimeout;
    if (props.terminationGracePeriod === undefined) return needed + SHUTDOWN_SLACK_SECONDS;
    const s = props.terminationGracePeriod.toSeconds({ integral: false });
    issues.check(Number.isInteger(s) && s >= needed, {
      prop: 'terminationGracePeriod',
      rule: `must cover the drain delay (${this.drainSeconds}s) plus the server's graceful timeout (${gracefulTimeout}s), or pods are killed mid-request`,
      received: s,
      fix: `Set it to Duration.seconds(${needed + SHUTDOWN_SLACK_SECONDS}) or more, or leave it unset.`,
    });
    return s;
  }

  private networkPolicySpec(props: PythonMicroserviceProps, loadBalanced: boolean, issues: IssueCollector): k8s.NetworkPolicySpec {
    const ports = [{ port: k8s.IntOrString.fromNumber(this.port), protocol: 'TCP' }];
    const peers = props.allowFrom ?? [NetworkPeer.sameNamespace()];
    const egressPeers = props.allowEgressTo;
    [...peers.map((p, i) => ({ p, prop: `allowFrom[${i}]` })), ...(egressPeers ?? []).map((p, i) => ({ p, prop: `allowEgressTo[${i}]` }))]
      .forEach(({ p, prop }) => {
        const problem = p.cidr !== undefined ? cidrProblem(p.cidr) : undefined;
        if (problem) issues.add({ prop, rule: problem, received: p.cidr, fix: 'Write the range like 10.0.0.0/16.' });
      });
    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    if (peers.length > 0) ingress.push({ from: peers.map((p) => p.peer), ports });
    // Load balancers forward client (or their own) addresses from outside the
    // cluster; the Service port is the only port they can reach.
    if (loadBalanced) ingress.push({ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports });
    const egress: k8s.NetworkPolicyEgressRule[] = egressPeers === undefined
      ? [{}]
      : [
        { ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }] },
        ...(egressPeers.length > 0 ? [{ to: egressPeers.map((p) => p.peer) }] : []),
      ];
    return { podSelector: { matchLabels: this.selectorLabels }, policyTypes: ['Ingress', 'Egress'], ingress, egress };
  }
}

function nonEmpty(map: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(map).length > 0 ? map : undefined;
}

/** A short, stable hash of a string map, independent of key order. */
export function contentHash(data: Record<string, string>): string {
  const canonical = JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}
