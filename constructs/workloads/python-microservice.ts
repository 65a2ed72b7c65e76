import { ApiObject, Chart, Duration } from 'cdk8s';
import { kubeObject, uniqueIn } from '../core/objects';
import { appIndex, guardApp, registerRoutedHost } from '../core/app-index';
import { checkedProps } from '../core/props';
import { SHAPES } from './shapes.generated';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppEnv, resolveAppEnv } from '../settings/app-env';
import { Exposure, NetworkPeer, Protocol } from '../traffic/exposure';
import { HealthProps, resolveHealth } from '../pod/health';
import { IngressOutput, IngressProps, checkIngressProps, renderHttpRoute, renderIngress } from '../traffic/ingress';
import { selectorLabels, workloadLabels } from '../core/labels';
import { MetricsProps } from '../scaling/metrics';
import { networkPolicySpec } from '../traffic/network-policy';
import { AppRuntime, IPythonApp, registerPod, sharedObjectsOf, workloadMetrics } from './app-pod';
import { podStartSeconds, rollingRounds } from '../pod/rollout';
import {
  APP_CONTAINER,
  ContainerDescription,
  PYTHON_RUNTIME_ENV,
  PodSetup,
  buildPodTemplate,
  resolvePodSetup,
  sleepPreStopPatch,
  writablePaths,
} from '../pod/pod';
import { ICloudProfile, ProfileOutput, TRUSTED_SUBJECTS_ANNOTATION, WorkloadIdentity } from '../profiles/profile';
import { profileFix } from '../profiles';
import { cpuBasisMillis, resolveResources } from '../pod/resources';
import { AutoscalingProps, cpuAutoscaler, disruptionBudget, resolveScaling } from '../scaling/scaling';
import { PythonServer } from '../pod/server';
import { DNS1035_LABEL, DNS1123_LABEL, dnsLabelProblem, suggestDnsLabel } from '../core/names';
import { IssueCollector, PropIssue, addWarning, formatIssue } from '../core/validation';
import { NO_PROFILE, WorkloadProps, checkWorkloadProps, nonEmpty, workloadServiceAccount } from './workload';

/** Props of {@link PythonMicroservice}. */
export interface PythonMicroserviceProps extends WorkloadProps {
  /** How the container serves the app: gunicorn, uvicorn, Django, or a command. */
  readonly server: PythonServer;
  /** Health endpoints; they drive the probes and the load balancer's health check. */
  readonly health: HealthProps;
  /**
   * What the service speaks: HTTP, gRPC or another TCP protocol. Names the port,
   * sets the Service's `appProtocol` and picks the kind of health checks.
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;
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
   * Who can reach the service.
   * @default Exposure.CLUSTER
   */
  readonly exposure?: Exposure;
  /**
   * Route HTTP(S) through the cloud's layer-7 load balancer (an Ingress) or a
   * Gateway API Gateway, instead of a LoadBalancer Service. Needs an internal or public exposure.
   * @default - a LoadBalancer Service when exposed
   */
  readonly ingress?: IngressProps;
  /**
   * In-cluster sources the NetworkPolicy admits to the service port. Load
   * balancer traffic is admitted on top when the exposure is internal or public.
   * @default [NetworkPeer.sameNamespace()]
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * How long a terminating pod keeps serving before the server is told to stop,
   * so that kube-proxy and the load balancer stop sending it requests first.
   * @default - the profile's drain time for the exposure
   */
  readonly drainDelay?: Duration;
  /**
   * Prometheus metrics: a named port, prometheus_client's multi-process
   * directory, and the cloud's scrape configuration.
   * @default - no metrics
   */
  readonly metrics?: MetricsProps;
  /**
   * Hard deadline for the pod to stop. Must cover the drain delay plus the server's graceful timeout.
   * @default - drain delay + graceful timeout + 5 seconds
   */
  readonly terminationGracePeriod?: Duration;
}

/** A workload identity with the Kubernetes side of its binding. */
export interface IdentityBinding extends WorkloadIdentity {
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** Name of the ServiceAccount. */
  readonly serviceAccount: string;
  /** The token subject clouds federate on: `system:serviceaccount:<namespace>:<name>`. */
  readonly subject: string;
  /**
   * Other subjects the identity must trust too: KEDA's operator, when a worker's
   * scaler reads a cloud queue as the workload (AWS `identityOwner: workload`, `azure-workload`).
   */
  readonly alsoTrustedSubjects: string[];
}

const SHUTDOWN_SLACK_SECONDS = 5;

/** The namespace the chart puts the objects in must be one the API server accepts. */
function namespaceProblems(obj: ApiObject): string[] {
  const ns = obj.metadata.namespace;
  if (ns === undefined) return [];
  const problem = dnsLabelProblem(ns);
  return problem
    ? [
        formatIssue({
          prop: 'namespace (of the chart)',
          rule: problem.rule,
          received: ns,
          fix: `Use e.g. new Chart(app, 'shop', { namespace: '${suggestDnsLabel(ns)}' }).`,
        }),
      ]
    : [];
}

/** The name of the serving port per protocol (Istio and Linkerd also read the protocol from it). */
const PORT_NAMES: Record<Protocol, string> = { [Protocol.HTTP]: 'http', [Protocol.GRPC]: 'grpc', [Protocol.TCP]: 'tcp' };

/**
 * `appProtocol` per protocol: `kubernetes.io/h2c` is the standard value for
 * cleartext HTTP/2, which gRPC is (KEP-3726); plain TCP sets none.
 */
const APP_PROTOCOLS: Record<Protocol, string | undefined> = {
  [Protocol.HTTP]: 'http',
  [Protocol.GRPC]: 'kubernetes.io/h2c',
  [Protocol.TCP]: undefined,
};

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
export class PythonMicroservice extends Construct implements IPythonApp {
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
    super(uniqueIn(scope, id), id);
    const issues = IssueCollector.of(this);
    guardApp(this);
    props = checkedProps(props, SHAPES.PythonMicroserviceProps, 'PythonMicroservice', issues);
    this.props = props;
    this.name = checkWorkloadProps(id, props, REQUIRED, issues);
    if (DNS1123_LABEL.test(this.name) && !DNS1035_LABEL.test(this.name)) {
      issues.add({
        prop: 'name',
        rule: 'must start with a letter: it also names the Service, whose name is an RFC 1035 label',
        received: this.name,
        fix: `Use e.g. 'svc-${this.name}' (or set 'name' when the construct id starts with a digit).`,
      });
    }
    this.profile = props.profile ?? NO_PROFILE;
    const serverModel = props.server ?? PythonServer.command({ command: ['python3'] });

    this.port = props.port ?? 8000;
    issues.check(Number.isInteger(this.port) && this.port >= 1024 && this.port <= 65535, {
      prop: 'port',
      rule: 'must be a whole number from 1024 to 65535 (the container has no privilege to bind lower ports)',
      received: this.port,
      fix: 'Listen on 8000 inside the container; the Service maps servicePort (80) to it.',
    });
    this.servicePort = props.servicePort ?? 80;
    issues.check(Number.isInteger(this.servicePort) && this.servicePort >= 1 && this.servicePort <= 65535, {
      prop: 'servicePort',
      rule: 'must be a whole number from 1 to 65535',
      received: this.servicePort,
      fix: 'Use 80.',
    });
    this.exposure = props.exposure ?? Exposure.CLUSTER;
    issues.check(Object.values(Exposure).includes(this.exposure), {
      prop: 'exposure',
      rule: `must be one of ${Object.values(Exposure).join(', ')}`,
      received: this.exposure,
      fix: 'Use Exposure.CLUSTER, Exposure.INTERNAL or Exposure.PUBLIC.',
    });

    this.protocol = props.protocol ?? Protocol.HTTP;
    issues.check(Object.values(Protocol).includes(this.protocol), {
      prop: 'protocol',
      rule: `must be one of ${Object.values(Protocol).join(', ')}`,
      received: this.protocol,
      fix: 'Use Protocol.HTTP, Protocol.GRPC or Protocol.TCP.',
    });
    const portName = PORT_NAMES[this.protocol] ?? 'http';
    if (props.ingress && this.protocol !== Protocol.HTTP) {
      issues.add({
        prop: 'ingress',
        rule: `routes HTTP only; this service speaks ${this.protocol}`,
        received: props.ingress.host,
        fix: 'Expose it with a LoadBalancer Service instead: remove ingress and keep exposure INTERNAL or PUBLIC (the load balancer checks it over TCP).',
      });
    }

    const scaling = resolveScaling(props.replicas, props.autoscaling, issues);
    const health = resolveHealth(props.health ?? ({} as HealthProps), {
      port: this.port,
      portName,
      protocol: this.protocol,
      exposedPorts: [this.port, ...(props.metrics?.port !== undefined ? [props.metrics.port] : [])],
    });
    issues.addAll(health.issues);
    const requested = resolveResources(props.resources);
    issues.addAll(requested.issues);

    if (props.ingress) issues.addAll(checkIngressProps(props.ingress, this.exposure));
    this.cloud = this.profile.bind({
      name: this.name,
      exposure: this.exposure,
      viaIngress: props.ingress !== undefined,
      port: { number: this.port, name: portName },
      health: health.loadBalancer,
      resources: requested.spec,
      placement: props.placement,
    });
    const cloud = this.cloud;
    issues.addAll(cloud.issues);
    cloud.warnings.forEach((w) => addWarning(this, w));
    this.identity = cloud.identity;

    const server = serverModel.bind({
      port: this.port,
      cpuMillis: cpuBasisMillis(cloud.resources),
      memoryBytes: cloud.resources.memoryLimitBytes,
      behindProxy: props.ingress !== undefined && this.exposure !== Exposure.CLUSTER,
      upstreamIdleTimeoutSeconds:
        props.ingress !== undefined && this.exposure !== Exposure.CLUSTER
          ? this.profile.upstreamIdleTimeoutSeconds?.({ gateway: props.ingress.gateway !== undefined })
          : undefined,
    });
    issues.addAll(server.issues);
    server.warnings.forEach((w) => addWarning(this, w));
    this.workers = server.workers;

    this.drainSeconds = this.resolveDrain(props, cloud.drainSeconds, issues);
    this.terminationGracePeriodSeconds = this.resolveGrace(props, server.gracefulTimeoutSeconds, issues);
    const graceWarning = this.profile.gracePeriodWarning?.(this.terminationGracePeriodSeconds);
    if (graceWarning) addWarning(this, graceWarning);

    const labels = workloadLabels({ name: this.name, component: 'web', image: props.image, partOf: props.partOf });
    this.selectorLabels = selectorLabels(this.name);
    const metrics = workloadMetrics(
      this,
      this.profile,
      props.metrics,
      { name: this.name, labels, selector: this.selectorLabels },
      [this.port],
      issues,
    );
    const python = props.python ?? true;
    const runtimeEnv = { ...(python ? PYTHON_RUNTIME_ENV : {}), ...server.env, ...metrics?.env };
    const command = metrics ? metrics.wrap(server.command) : server.command;
    const scratchDirs = [...server.scratchDirs, ...(metrics?.scratchDirs ?? [])];

    this.serviceAccount = workloadServiceAccount(this, this.name, labels, cloud, props.mountServiceAccountToken ?? false);
    this.appEnv = resolveAppEnv(
      this,
      props,
      {
        name: this.name,
        labels,
        serviceAccountName: this.name,
        profile: this.profile,
        reservedEnv: Object.keys(runtimeEnv),
      },
      issues,
    );
    this.configMap = this.appEnv.configMap;

    const podIssues: PropIssue[] = [];
    this.pod = resolvePodSetup(props, { scope: this, image: props.image, labels, scratchDirs, appEnv: this.appEnv }, podIssues);
    issues.addAll(podIssues);
    if (!this.pod.python && this.drainSeconds > 0 && this.pod.extras.kubernetesMinor < 30) {
      addWarning(
        this,
        `the container does not run Python, so there is no python3 for the ${this.drainSeconds}s preStop delay before Kubernetes 1.30 (its sleep action); in-flight requests may fail during rollouts. Target Kubernetes 1.30 or later (the target's kubernetesVersion).`,
      );
    }

    this.container = {
      name: this.name,
      image: props.image,
      command,
      keepsEntrypoint: props.keepEntrypoint === true,
      python: this.pod.python,
      port: this.port,
      service: { name: this.name, namespace: Chart.of(this).namespace, port: this.servicePort },
      metricsPort: metrics?.port,
      runAsUser: this.pod.runAs.user,
      runAsGroup: this.pod.runAs.group,
      env: { ...runtimeEnv, ...this.appEnv.literalEnv },
      config: this.appEnv.config,
      secretEnvNames: this.appEnv.secretEnvNames,
      readinessPath: props.health?.readiness,
      readinessHeaders: props.health?.httpHeaders ? { ...props.health.httpHeaders } : undefined,
      writablePaths: [...writablePaths(scratchDirs), ...this.pod.extras.writablePaths],
      resources: cloud.resources,
      gracefulTimeoutSeconds: server.gracefulTimeoutSeconds,
    };

    this.deployment = kubeObject(this, 'Deployment', k8s.KubeDeployment, {
      metadata: { name: this.name, labels },
      spec: {
        replicas: scaling.fixedReplicas,
        selector: { matchLabels: this.selectorLabels },
        // Surge new pods before removing old ones: full capacity during rollouts.
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
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
          volumes: this.appEnv.volumes,
          runAs: this.pod.runAs,
          extras: this.pod.extras,
          container: {
            image: props.image,
            // Re-resolving the tag on every start keeps imagePullSecrets checked
            // for every pod; with a pinned tag or digest it costs one manifest request.
            imagePullPolicy: 'Always',
            command,
            ports: [{ name: portName, containerPort: this.port, protocol: 'TCP' }, ...(metrics ? [metrics.containerPort] : [])],
            env: [...Object.entries(runtimeEnv).map(([name, value]) => ({ name, value })), ...this.appEnv.env],
            envFrom: this.appEnv.envFrom,
            mounts: this.appEnv.mounts,
            resources: cloud.resources,
            liveness: health.liveness,
            readiness: health.readiness,
            startup: health.startup,
            preStopSeconds: this.drainSeconds,
            scratchDirs,
            keepEntrypoint: props.keepEntrypoint === true,
            python: this.pod.python,
          },
        }),
      },
    });

    if (this.drainSeconds > 0 && this.pod.extras.kubernetesMinor >= 30) {
      this.deployment.addJsonPatch(sleepPreStopPatch(this.drainSeconds, '/spec/template/spec'));
    }

    let l7: IngressOutput | undefined;
    if (props.ingress && this.exposure !== Exposure.CLUSTER) {
      const input = {
        name: this.name,
        labels,
        exposure: this.exposure,
        host: props.ingress.host,
        tls: props.ingress.tls,
        health: health.loadBalancer,
        terminationSeconds: this.terminationGracePeriodSeconds,
      };
      if (props.ingress.gateway) {
        l7 = this.profile.gatewayRoute(this, input);
        this.httpRoute = renderHttpRoute(this, this.name, labels, props.ingress, this.servicePort);
      } else {
        l7 = this.profile.ingress(this, input);
        this.ingress = renderIngress(this, this.name, labels, props.ingress, l7);
      }
      issues.addAll(l7.issues);
      if (!props.ingress.gateway) {
        this.routedHostName = props.ingress.host;
        registerRoutedHost(this, {
          host: props.ingress.host,
          routePath: props.ingress.path ?? '/',
          sharesHost: l7.sharesHost === true,
          fix: l7.shareHostFix,
        });
      }
    }
    if (props.allowFrom !== undefined && this.exposure !== Exposure.CLUSTER) {
      const route = { exposure: this.exposure, ingress: props.ingress !== undefined, gateway: props.ingress?.gateway !== undefined };
      const callers = this.profile.callerRestrictionWarning?.(route);
      if (callers) addWarning(this, callers);
    }
    // Checked once every service of the app exists: another service may route the same host.
    this.node.addValidation({ validate: () => this.hostSharingProblems() });
    this.node.addValidation({ validate: () => namespaceProblems(this.deployment) });
    const nsLabels = this.profile.namespaceLabels?.({ name: this.name, exposure: this.exposure, resources: cloud.resources }) ?? {};
    // The Namespace may be defined after the service: labelled once the whole tree exists.
    if (Object.keys(nsLabels).length > 0) this.node.addValidation({ validate: () => this.labelNamespace(nsLabels) });

    const loadBalanced = this.exposure !== Exposure.CLUSTER && !l7;
    const drain = loadBalanced ? (this.profile.serviceDrainAnnotations?.(this.terminationGracePeriodSeconds) ?? {}) : {};
    this.service = kubeObject(this, 'Service', k8s.KubeService, {
      metadata: { name: this.name, labels, annotations: nonEmpty({ ...cloud.serviceAnnotations, ...drain, ...l7?.serviceAnnotations }) },
      spec: {
        type: loadBalanced ? 'LoadBalancer' : 'ClusterIP',
        selector: this.selectorLabels,
        ports: [
          {
            name: portName,
            port: this.servicePort,
            targetPort: k8s.IntOrString.fromString(portName),
            protocol: 'TCP',
            appProtocol: APP_PROTOCOLS[this.protocol],
          },
        ],
      },
    });

    if (props.autoscaling) this.autoscaler = cpuAutoscaler(this, this.name, labels, scaling);
    if (scaling.maxReplicas > 1) this.disruptionBudget = disruptionBudget(this, this.name, labels, this.selectorLabels);

    this.networkPolicy = kubeObject(this, 'NetworkPolicy', k8s.KubeNetworkPolicy, {
      metadata: { name: this.name, labels },
      spec: networkPolicySpec(
        {
          selector: this.selectorLabels,
          port: this.port,
          allowFrom: props.allowFrom ?? [NetworkPeer.sameNamespace()],
          proxySources: l7?.allowFrom,
          loadBalanced,
          loadBalancerSources: cloud.loadBalancerSources,
          allowEgressTo: props.allowEgressTo,
          extraIngress: metrics ? [metrics.ingress] : [],
        },
        issues,
      ),
    });

    this.runtime = {
      name: this.name,
      image: props.image,
      profile: this.profile,
      serviceAccountName: this.name,
      appEnv: this.appEnv,
      runAs: this.pod.runAs,
      python: this.pod.python,
      keepEntrypoint: props.keepEntrypoint === true,
      partOf: props.partOf,
      priorityClassName: props.priorityClassName,
      placement: props.placement,
      mountServiceAccountToken: props.mountServiceAccountToken ?? false,
      allowEgressTo: props.allowEgressTo,
      resources: props.resources,
      sharedObjects: sharedObjectsOf(this),
      pods: [],
      waits: [],
      serviceAccount: this.serviceAccount,
    };
    registerPod(this.runtime, {
      object: this.deployment,
      specPath: '/spec/template/spec',
      hasInitContainers: this.pod.extras.initContainers.length > 0,
      addedVolumes: new Set(),
      // maxSurge 25% (rounded up), maxUnavailable 0: a round of new pods at a time, at the most replicas.
      rollout: {
        startSeconds: podStartSeconds(health.startup, health.readiness),
        leadSeconds: 0,
        rounds: rollingRounds(scaling.maxReplicas, Math.ceil(scaling.maxReplicas / 4)),
      },
    });
  }

  /** Adds the labels the profile needs to the service's Namespace object, or warns when the app defines none. */
  private labelNamespace(labels: Record<string, string>): string[] {
    const namespace = this.deployment.metadata.namespace;
    const ns = namespace === undefined ? undefined : appIndex(this).namespaces.get(namespace);
    if (ns) {
      for (const [key, value] of Object.entries(labels)) ns.metadata.addLabel(key, value);
    } else if (!this.node.metadata.some((m) => m.type === 'pyservice:namespace-labels')) {
      this.node.addMetadata('pyservice:namespace-labels', true);
      addWarning(
        this,
        `namespace '${namespace ?? 'default'}' needs the label(s) ${Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}, and the app does not define the Namespace; label it in the cluster (or add a RestrictedNamespace).`,
      );
    }
    return [];
  }

  /** The host this service routes through an Ingress (registered for the check across services). */
  private routedHostName?: string;

  private hostSharingProblems(): string[] {
    if (this.routedHostName === undefined) return [];
    const path = this.node.path;
    const routes = appIndex(this).hosts.get(this.routedHostName) ?? [];
    const mine = routes.find((r) => r.path === path)!;
    const earlier = routes.filter((o) => o.path < path);
    const problems: string[] = [];
    const clash = earlier.find((o) => o.routePath === mine.routePath);
    if (clash) {
      problems.push(
        formatIssue({
          prop: 'ingress.path',
          rule: `must differ from the path of ${clash.path}, which routes the same host`,
          received: mine.routePath,
          fix: "Give each service its own path prefix, e.g. '/api' and '/ws'.",
        }),
      );
    }
    if (earlier.length > 0 && !mine.sharesHost) {
      problems.push(
        formatIssue({
          prop: 'ingress.host',
          rule: `is also routed by ${earlier[0].path}, and on this cloud each Ingress gets its own load balancer and certificate`,
          received: mine.host,
          fix: mine.fix ?? 'Route both through one Gateway.',
        }),
      );
    }
    return problems;
  }

  /**
   * Everything a cloud-side identity binding needs (AWS Pod Identity association,
   * IRSA trust policy, GCP IAM binding, Azure federated credential), or undefined
   * without an identity.
   */
  public get identityBinding(): IdentityBinding | undefined {
    if (!this.identity) return undefined;
    const namespace = this.deployment.metadata.namespace ?? 'default';
    const also = this.serviceAccount.metadata.toJson().annotations?.[TRUSTED_SUBJECTS_ANNOTATION];
    return {
      ...this.identity,
      namespace,
      serviceAccount: this.name,
      subject: `system:serviceaccount:${namespace}:${this.name}`,
      alsoTrustedSubjects: also ? String(also).split(',') : [],
    };
  }

  /** The container of the Deployment's pod template, for escape hatches. */
  public get containerName(): string {
    return APP_CONTAINER;
  }

  private resolveDrain(props: PythonMicroserviceProps, profileDrain: number, issues: IssueCollector): number {
    if (props.drainDelay === undefined) return profileDrain;
    const s = props.drainDelay.toSeconds({ integral: false });
    issues.check(Number.isInteger(s) && s >= 0 && s <= 300, {
      prop: 'drainDelay',
      rule: 'must be a whole number of seconds from 0 to 300',
      received: s,
      fix: `Use Duration.seconds(${profileDrain}), the profile's drain time.`,
    });
    if (s < profileDrain) {
      addWarning(
        this,
        `drainDelay ${s}s is shorter than the ${profileDrain}s the profile allows for the load balancer to stop sending traffic; some requests may fail during rollouts.`,
      );
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
}
