import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { selectorLabels, workloadLabels } from '../core/labels';
import { DNS1035_LABEL, DNS1123_LABEL, chartNamespaceProblems } from '../core/names';
import { checkedProps } from '../core/props';
import { ContainerDescription } from '../pod/description';
import { PodSetup } from '../pod/extras';
import { ResolvedHealth, resolveHealth } from '../pod/health';
import { cpuBasisMillis, resolveResources } from '../pod/resources';
import { podStartSeconds, rollingRounds } from '../pod/rollout';
import { PythonServer, ServerConfig } from '../pod/server';
import { APP_CONTAINER, PYTHON_RUNTIME_ENV } from '../pod/template';
import { profileFix } from '../profiles';
import { ICloudProfile, ProfileOutput, WorkloadIdentity } from '../profiles/profile';
import { ResolvedScaling, cpuAutoscaler, resolveScaling } from '../scaling/scaling';
import { AppEnv } from '../settings/app-env';
import { Exposure, Protocol } from '../traffic/exposure';
import { checkIngressProps } from '../traffic/ingress';
import { PORT_NAMES, servicePropIssues } from '../traffic/service';
import { AppPod } from './app-pod';
import { requireLabelsOnNamespace } from './namespace';
import { IdentityBinding, PythonMicroserviceProps } from './python-microservice-props';
import { AppRuntime, ownRuntime } from './runtime';
import { SHAPES } from './shapes.generated';
import { WebTraffic } from './web-traffic';
import { PythonWorkload, WorkloadMetrics } from './workload';
import { NO_PROFILE, checkWorkloadProps } from './workload-props';

export type { IdentityBinding, PythonMicroserviceProps } from './python-microservice-props';

/** Seconds a pod's grace period allows beyond the drain and the server's graceful timeout. */
const SHUTDOWN_SLACK_SECONDS = 5;

const REQUIRED = {
  image: "Pass the image you built, e.g. 'ghcr.io/acme/orders-api:1.4.2'.",
  server: "Pass e.g. PythonServer.gunicornUvicorn({ app: 'orders.main:app' }).",
  health: "Pass e.g. { readiness: '/readyz', liveness: '/livez' }.",
  get profile() {
    return profileFix();
  },
};

/**
 * A Python web service on Kubernetes: Deployment, Service, ServiceAccount,
 * ConfigMap, HorizontalPodAutoscaler, PodDisruptionBudget and NetworkPolicy,
 * hardened to the "restricted" Pod Security Standard and wired to the cloud
 * by its profile.
 */
export class PythonMicroservice extends PythonWorkload {
  /** Name of every object of the service. */
  public readonly name: string;
  /** Container port. */
  public readonly port: number;
  /** What the service speaks. */
  public readonly protocol: Protocol;
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
  /** The props the service was defined with, for workloads that share them. */
  public readonly props: PythonMicroserviceProps;
  /** The cloud profile. */
  public readonly profile: ICloudProfile;
  /** What the profile contributed (identity, placement, resources after platform rules). */
  public readonly cloud: ProfileOutput;
  /** The settings and secrets, resolved; workers and jobs of the same app reuse them. */
  public readonly appEnv: AppEnv;
  /** The workload identity the profile set up, with what the cloud side needs to bind it. */
  public readonly identity?: WorkloadIdentity;
  /** The pod's user, runtime and extras (volumes, init containers, sidecars), resolved. */
  public readonly pod: PodSetup;
  /** What the service's workers and jobs share with it. */
  public readonly runtime: AppRuntime;

  /** The ServiceAccount the pods run as. */
  public readonly serviceAccount: ApiObject;
  /** The ConfigMap of `config`, when there is any. */
  public readonly configMap?: ApiObject;
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The Service. */
  public readonly service: ApiObject;
  /** The HorizontalPodAutoscaler, when autoscaling is on. */
  public readonly autoscaler?: ApiObject;
  /** The PodDisruptionBudget, when more than one replica can run. */
  public readonly disruptionBudget?: ApiObject;
  /** The NetworkPolicy. */
  public readonly networkPolicy: ApiObject;
  /** The Ingress, when `ingress` is set without a gateway. */
  public readonly ingress?: ApiObject;
  /** The HTTPRoute, when `ingress.gateway` is set. */
  public readonly httpRoute?: ApiObject;

  public constructor(scope: Construct, id: string, props: PythonMicroserviceProps) {
    super(scope, id);
    this.props = props = checkedProps(props, SHAPES.PythonMicroserviceProps, 'PythonMicroservice', this.issues);
    this.name = this.checkName(id, props);
    this.profile = props.profile ?? NO_PROFILE;
    this.port = props.port ?? 8000;
    this.servicePort = props.servicePort ?? 80;
    this.exposure = props.exposure ?? Exposure.CLUSTER;
    this.protocol = props.protocol ?? Protocol.HTTP;
    this.issues.addAll(servicePropIssues(this, props.ingress));
    const scaling = resolveScaling(props.replicas, props.autoscaling, this.issues);
    const health = this.health(props);
    this.cloud = this.bindProfile(props, health);
    this.identity = this.cloud.identity;
    const server = this.bindServer(props.server);
    this.workers = server.workers;
    this.drainSeconds = this.resolveDrain(props);
    this.terminationGracePeriodSeconds = this.resolveGrace(props, server.gracefulTimeoutSeconds);
    const labels = workloadLabels({ name: this.name, component: 'web', image: props.image, partOf: props.partOf });
    this.selectorLabels = selectorLabels(this.name);
    const monitor = { name: this.name, labels, selector: this.selectorLabels };
    const python = props.python ?? true;
    const metrics = this.metricsOf(this.profile, props.metrics, monitor, [this.port], {
      python,
      hasPython3: props.hasPython3 ?? python,
      command: server.command,
    });
    const env = { ...server.env, ...metrics?.env };
    this.runtime = this.ownRuntime(labels, env);
    this.serviceAccount = this.runtime.serviceAccount!;
    this.appEnv = this.runtime.appEnv;
    this.configMap = this.appEnv.configMap;
    const pod = this.webPod(server, health, metrics, scaling, env);
    this.pod = pod.setup;
    this.container = this.describe(pod, server, metrics);
    this.deployment = this.renderDeployment(pod, health, scaling);
    const traffic = this.traffic(labels, health);
    this.ingress = traffic.ingress;
    this.httpRoute = traffic.httpRoute;
    this.checkAcrossTheApp(traffic);
    this.service = traffic.service();
    if (props.autoscaling) this.autoscaler = cpuAutoscaler(this, this.name, labels, scaling);
    this.disruptionBudget = this.disruptionBudgetFor(pod, scaling);
    this.networkPolicy = traffic.networkPolicy(metrics ? [metrics.ingress] : []);
  }

  /**
   * Everything a cloud-side identity binding needs (AWS Pod Identity association,
   * IRSA trust policy, GCP IAM binding, Azure federated credential), or undefined
   * without an identity.
   */
  public get identityBinding(): IdentityBinding | undefined {
    if (!this.identity) return undefined;
    const namespace = this.deployment.metadata.namespace ?? 'default';
    return {
      ...this.identity,
      namespace,
      serviceAccount: this.name,
      subject: `system:serviceaccount:${namespace}:${this.name}`,
      alsoTrustedSubjects: [...this.runtime.alsoTrustedSubjects],
    };
  }

  /** The container of the Deployment's pod template, for escape hatches. */
  public get containerName(): string {
    return APP_CONTAINER;
  }

  private get portName(): string {
    return PORT_NAMES[this.protocol] ?? 'http';
  }

  /** Routed through a layer-7 load balancer (an Ingress or a Gateway) rather than a LoadBalancer Service. */
  private get viaProxy(): boolean {
    return this.props.ingress !== undefined && this.exposure !== Exposure.CLUSTER;
  }

  private checkName(id: string, props: PythonMicroserviceProps): string {
    const name = checkWorkloadProps(id, props, REQUIRED, this.issues);
    if (DNS1123_LABEL.test(name) && !DNS1035_LABEL.test(name)) {
      this.issues.add({
        prop: 'name',
        rule: 'must start with a letter: it also names the Service, whose name is an RFC 1035 label',
        received: name,
        fix: `Use e.g. 'svc-${name}' (or set 'name' when the construct id starts with a digit).`,
      });
    }
    return name;
  }

  private health(props: PythonMicroserviceProps): ResolvedHealth {
    const health = resolveHealth(props.health ?? ({} as PythonMicroserviceProps['health']), {
      port: this.port,
      portName: this.portName,
      protocol: this.protocol,
      exposedPorts: [this.port, ...(props.metrics?.port !== undefined ? [props.metrics.port] : [])],
    });
    this.issues.addAll(health.issues);
    return health;
  }

  /** What the profile contributes for the service: identity, load balancer wiring, placement, resources after platform rules. */
  private bindProfile(props: PythonMicroserviceProps, health: ResolvedHealth): ProfileOutput {
    const requested = resolveResources(props.resources);
    this.issues.addAll(requested.issues);
    if (props.ingress) this.issues.addAll(checkIngressProps(props.ingress, this.exposure));
    const cloud = this.profile.bind({
      name: this.name,
      exposure: this.exposure,
      viaIngress: props.ingress !== undefined,
      port: { number: this.port, name: this.portName },
      health: health.loadBalancer,
      resources: requested.spec,
      placement: props.placement,
    });
    this.issues.addAll(cloud.issues);
    cloud.warnings.forEach((w) => this.warn(w));
    return cloud;
  }

  /** The server's command, env and worker count, sized from the container's resources. */
  private bindServer(given: PythonServer | undefined): ServerConfig {
    this.issues.check(given === undefined || given instanceof PythonServer, {
      prop: 'server',
      rule: 'must be a PythonServer',
      received: given,
      fix: "Use e.g. PythonServer.gunicornUvicorn({ app: 'orders.main:app' }), PythonServer.command({ command: [...] }) or PythonServer.fromImage().",
    });
    // A missing server is reported as a required prop; the rest is still checked against a stand-in.
    const model = given instanceof PythonServer ? given : PythonServer.command({ command: ['python3'] });
    const server = model.bind({
      port: this.port,
      cpuMillis: cpuBasisMillis(this.cloud.resources),
      memoryBytes: this.cloud.resources.memoryLimitBytes,
      behindProxy: this.viaProxy,
      upstreamIdleTimeoutSeconds: this.viaProxy
        ? this.profile.upstreamIdleTimeoutSeconds?.({ gateway: this.props.ingress!.gateway !== undefined })
        : undefined,
    });
    this.issues.addAll(server.issues);
    server.warnings.forEach((w) => this.warn(w));
    return server;
  }

  private resolveDrain(props: PythonMicroserviceProps): number {
    const profileDrain = this.cloud.drainSeconds;
    if (props.drainDelay === undefined) return profileDrain;
    const s = props.drainDelay.toSeconds({ integral: false });
    this.issues.check(Number.isInteger(s) && s >= 0 && s <= 300, {
      prop: 'drainDelay',
      rule: 'must be a whole number of seconds from 0 to 300',
      received: s,
      fix: `Use Duration.seconds(${profileDrain}), the profile's drain time.`,
    });
    if (s < profileDrain) {
      this.warn(
        `drainDelay ${s}s is shorter than the ${profileDrain}s the profile allows for the load balancer to stop sending traffic; some requests may fail during rollouts.`,
      );
    }
    return s;
  }

  private resolveGrace(props: PythonMicroserviceProps, gracefulTimeout: number): number {
    const needed = this.drainSeconds + gracefulTimeout;
    let s = needed + SHUTDOWN_SLACK_SECONDS;
    if (props.terminationGracePeriod !== undefined) {
      s = props.terminationGracePeriod.toSeconds({ integral: false });
      this.issues.check(Number.isInteger(s) && s >= needed, {
        prop: 'terminationGracePeriod',
        rule: `must cover the drain delay (${this.drainSeconds}s) plus the server's graceful timeout (${gracefulTimeout}s), or pods are killed mid-request`,
        received: s,
        fix: `Set it to Duration.seconds(${needed + SHUTDOWN_SLACK_SECONDS}) or more, or leave it unset.`,
      });
    }
    this.warn(this.profile.gracePeriodWarning?.(s));
    return s;
  }

  /** The service's own runtime: ServiceAccount, settings and secrets, user; its workers and jobs share it. */
  private ownRuntime(labels: Record<string, string>, env: Record<string, string>): AppRuntime {
    const python = this.props.python ?? true;
    const home = this.props.home === undefined ? {} : { HOME: this.props.home };
    const reservedEnv = Object.keys({ ...(python ? PYTHON_RUNTIME_ENV : {}), ...home, ...env });
    const props = { ...this.props, profile: this.profile };
    return ownRuntime(props, { scope: this, name: this.name, labels, cloud: this.cloud, reservedEnv }, this.issues);
  }

  private webPod(
    server: ServerConfig,
    health: ResolvedHealth,
    metrics: WorkloadMetrics | undefined,
    scaling: ResolvedScaling,
    env: Record<string, string>,
  ): AppPod {
    const pod = this.buildPod({
      component: 'web',
      cloud: this.cloud,
      command: metrics ? metrics.wrap(server.command) : server.command,
      env,
      ports: [{ name: this.portName, containerPort: this.port, protocol: 'TCP' }, ...(metrics ? [metrics.containerPort] : [])],
      liveness: health.liveness,
      readiness: health.readiness,
      startup: health.startup,
      preStopSeconds: this.drainSeconds,
      terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
      gracefulTimeoutSeconds: server.gracefulTimeoutSeconds,
      spread: scaling.maxReplicas > 1,
      scratchDirs: [...server.scratchDirs, ...(metrics?.scratchDirs ?? [])],
      // The service's own user is its runtime's; the rest of its pod props are its own.
      extras: {
        mounts: this.props.mounts,
        initContainers: this.props.initContainers,
        sidecars: this.props.sidecars,
        podAnnotations: this.props.podAnnotations,
        tmpSize: this.props.tmpSize,
      },
    });
    if (!this.runtime.process.hasPython3 && this.drainSeconds > 0 && pod.setup.extras.kubernetesMinor < 30) {
      this.warn(
        `the image has no python3 (hasPython3: false), so there is no ${this.drainSeconds}s preStop delay before Kubernetes 1.30 (its sleep action); in-flight requests may fail during rollouts. Target Kubernetes 1.30 or later (the target's kubernetesVersion), or set hasPython3: true if the image has python3.`,
      );
    }
    return pod;
  }

  private describe(pod: AppPod, server: ServerConfig, metrics: WorkloadMetrics | undefined): ContainerDescription {
    const health = this.props.health;
    return {
      ...pod.container,
      port: this.port,
      service: { name: this.name, namespace: Chart.of(this).namespace, port: this.servicePort },
      metricsPort: metrics?.port,
      readinessPath: health?.readiness,
      readinessHeaders: health?.httpHeaders ? { ...health.httpHeaders } : undefined,
      gracefulTimeoutSeconds: server.gracefulTimeoutSeconds,
    };
  }

  private renderDeployment(pod: AppPod, health: ResolvedHealth, scaling: ResolvedScaling): ApiObject {
    // Surge new pods before removing old ones: full capacity during rollouts.
    const strategy = {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) },
    };
    return this.deploymentOf(pod, scaling, strategy, {
      sleepPreStopSeconds: pod.setup.extras.kubernetesMinor >= 30 ? this.drainSeconds : undefined,
      // maxSurge 25% (rounded up), maxUnavailable 0: a round of new pods at a time, at the most replicas.
      rollout: {
        startSeconds: podStartSeconds(health.startup, health.readiness),
        leadSeconds: 0,
        rounds: rollingRounds(scaling.maxReplicas, Math.ceil(scaling.maxReplicas / 4)),
      },
    });
  }

  /** The Ingress or HTTPRoute (with what the profile wires for it), and how the Service and NetworkPolicy follow. */
  private traffic(labels: Record<string, string>, health: ResolvedHealth): WebTraffic {
    const { props } = this;
    return new WebTraffic(
      this,
      {
        name: this.name,
        labels,
        selector: this.selectorLabels,
        profile: this.profile,
        cloud: this.cloud,
        exposure: this.exposure,
        protocol: this.protocol,
        port: this.port,
        servicePort: this.servicePort,
        ingress: props.ingress,
        allowFrom: props.allowFrom,
        allowEgressTo: props.allowEgressTo,
        health: health.loadBalancer,
        terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
      },
      this.issues,
    );
  }

  /** What only the whole app shows: who may call an exposed service, the chart's namespace, the labels it needs. */
  private checkAcrossTheApp(traffic: WebTraffic): void {
    traffic.checkCallers();
    this.node.addValidation({ validate: () => chartNamespaceProblems(this.deployment) });
    const labels = this.profile.namespaceLabels?.({ name: this.name, exposure: this.exposure, resources: this.cloud.resources }) ?? {};
    requireLabelsOnNamespace(this, this.deployment.metadata.namespace, labels);
  }
}
