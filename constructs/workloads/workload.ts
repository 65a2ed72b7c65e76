import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { guardApp } from '../core/app-index';
import { DNS1035_LABEL } from '../core/names';
import { ManifestJson, ObjectKind, kubeObject, uniqueIn } from '../core/objects';
import { IssueCollector, PropIssue, addWarning } from '../core/validation';
import { OwnServiceAccount, OwnServiceAccountProps, createOwnServiceAccount, ownIdentityProfile } from './service-account';
import { ContainerDescription } from '../pod/description';
import { ResourcesProps, resolveResources } from '../pod/resources';
import { RolloutPace, progressDeadlineSeconds, rolloutSeconds } from '../pod/rollout';
import { PodSpecJson, addSleepPreStop } from '../pod/template';
import { addWaits, waitSeconds } from '../pod/waits';
import { addSecretReload } from '../pod/reload';
import { ICloudProfile, Placement, ProfileOutput } from '../profiles/profile';
import { METRICS_PORT_NAME, MetricsContainer, MetricsProps, MonitorInput, resolveMetrics } from '../scaling/metrics';
import { ResolvedScaling, disruptionBudget } from '../scaling/scaling';
import { Exposure } from '../traffic/exposure';
import { NetworkPolicyInput, networkPolicySpec } from '../traffic/network-policy';
import { renderPortsService, servicePortIssues } from '../traffic/service';
import { AppPod, AppPodInput, appPod } from './app-pod';
import { AppEnv, SettingsProps, resolveAppEnv } from '../settings/app-env';
import { workloadLabels } from '../core/labels';
import { PYTHON_RUNTIME_ENV } from '../pod/template';
import { AppRuntime, IPythonApp, requireApp } from './runtime';
import { PodScale, registerClaims } from './claims';

/** How the object that runs a pod renders the parts decided at synthesis. */
export interface PodControllerOptions {
  /** JSON path of the pod spec in the object, e.g. `['spec', 'template', 'spec']`. */
  readonly podSpecPath: readonly string[];
  /** How a Deployment rolls out; its progress deadline follows from it and the app's waits. */
  readonly rollout?: RolloutPace;
  /** The `sleep` preStop action's seconds (Kubernetes 1.30+). */
  readonly sleepPreStopSeconds?: number;
  /** Name the Secrets the pods read in Reloader's annotation (a Deployment or StatefulSet of an app with `reloadOnSecretChange`). */
  readonly reloadOnSecretChange?: boolean;
}

/** Metrics of a workload: its port, env, scratch dir and command wrapper, and the NetworkPolicy rule of its scraper. */
export type WorkloadMetrics = NonNullable<ReturnType<PythonWorkload['metricsOf']>>;

/**
 * The base of every workload kind of an application: what they share is built
 * here, in small steps a kind calls in its constructor (checked props, the
 * profile's resources and placement, one pod path, the object that runs the
 * pod with the app's migration waits, metrics, the NetworkPolicy and the
 * PodDisruptionBudget); each kind adds only what differs.
 */
export abstract class PythonWorkload extends Construct implements IPythonApp {
  /** Name of the workload's objects. */
  public abstract readonly name: string;
  /** What the workload shares with its application (its own, for a web service or a standalone worker). */
  public abstract readonly runtime: AppRuntime;
  /** The container as the image must match it (for the Dockerfile and compose generators). */
  public abstract readonly container: ContainerDescription;
  /** The NetworkPolicy of the workload's pods. */
  public abstract readonly networkPolicy: ApiObject;

  /** The workload's own ServiceAccount (a worker or job of an app with `serviceAccount`), instead of the app's. */
  public ownServiceAccount?: OwnServiceAccount;

  /** The rule breaks found while resolving the props, reported at synthesis with the construct path. */
  protected readonly issues: IssueCollector;
  /** How many pods may mount the pod's claims at once (the check of ReadWriteOnce claims reads it at synthesis). */
  protected podScale: PodScale = { replicas: 1, surges: false };
  /** The profile of the workload's own cloud identity, when it has one. */
  private identityProfile?: ICloudProfile;

  protected constructor(scope: Construct, id: string) {
    super(uniqueIn(scope, id), id);
    this.issues = IssueCollector.of(this);
    guardApp(this);
  }

  /** The runtime of the application a workload belongs to; without one, nothing can be built, so this throws. */
  protected appRuntimeOf(app: IPythonApp | undefined): AppRuntime {
    requireApp(this, app);
    return app!.runtime;
  }

  /** Records a warning the synthesis shows. */
  protected warn(message: string | undefined): void {
    if (message) addWarning(this, message);
  }

  /**
   * Resources and placement of a workload of the app, through the app's profile
   * (so platform rules apply), or through the profile of its own identity.
   */
  protected appCloud(resources: ResourcesProps | undefined, placement?: Placement): ProfileOutput {
    const rt = this.runtime;
    const requested = resolveResources(resources ?? rt.resources);
    this.issues.addAll(requested.issues);
    const cloud = (this.identityProfile ?? rt.profile).bind({
      name: this.name,
      exposure: Exposure.CLUSTER,
      resources: requested.spec,
      placement: placement ?? rt.placement,
    });
    // The app's profile option problems are the app's to report; those of the workload's own are its own.
    if (this.identityProfile) this.issues.addAll(cloud.issues.map((i) => ({ ...i, prop: `serviceAccount.${i.prop}` })));
    cloud.warnings.forEach((w) => this.warn(w));
    return cloud;
  }

  /** {@link appCloud}, with the workload's own ServiceAccount and identity when `account` is set. */
  protected cloudWithAccount(
    account: OwnServiceAccountProps | undefined,
    component: string,
    resources: ResourcesProps | undefined,
    placement?: Placement,
  ): ProfileOutput {
    this.useOwnIdentity(account);
    const cloud = this.appCloud(resources, placement);
    this.createOwnServiceAccount(account, component, cloud);
    return cloud;
  }

  /** Checks `serviceAccount` and takes its profile, before the workload binds its cloud. */
  private useOwnIdentity(props: OwnServiceAccountProps | undefined): void {
    if (props === undefined) return;
    const issues: PropIssue[] = [];
    this.identityProfile = ownIdentityProfile(props, this.runtime, issues);
    this.issues.addAll(issues);
  }

  /** Creates the workload's own ServiceAccount, with the identity `cloud` bound; its pods run as it. */
  private createOwnServiceAccount(props: OwnServiceAccountProps | undefined, component: string, cloud: ProfileOutput): void {
    if (props === undefined) return;
    const rt = this.runtime;
    const labels = workloadLabels({ name: this.name, component, image: rt.image, partOf: rt.partOf });
    const issues: PropIssue[] = [];
    const warnings: string[] = [];
    const own = { props, runtime: rt, workload: this.name, labels, cloud: this.identityProfile ? cloud : undefined };
    this.ownServiceAccount = createOwnServiceAccount(this, own, issues, warnings);
    this.issues.addAll(issues);
    warnings.forEach((w) => this.warn(w));
  }

  /** The workload's metrics (port, env, scratch dir, command wrapper) and the cloud's scrape object, or undefined without. */
  protected metricsOf(
    profile: ICloudProfile,
    props: MetricsProps | undefined,
    monitor: Omit<MonitorInput, 'portName' | 'path' | 'intervalSeconds'>,
    servingPorts: number[],
    container: MetricsContainer,
  ) {
    if (!props) return undefined;
    const m = resolveMetrics(props, servingPorts, container);
    this.issues.addAll(m.issues);
    const scrape = profile.metricsMonitor(this, {
      ...monitor,
      portName: METRICS_PORT_NAME,
      path: m.path,
      intervalSeconds: m.intervalSeconds,
    });
    this.issues.addAll(scrape.issues);
    return {
      ...m,
      containerPort: { name: METRICS_PORT_NAME, containerPort: m.port, protocol: 'TCP' } as k8s.ContainerPort,
      ingress: { port: m.port, from: props.scrapeFrom ?? scrape.scrapers },
    };
  }

  /**
   * The workload's own settings and secrets (a worker or job of an app), added to
   * the app's: its ConfigMap and secret objects are its own; a name the app or
   * `reserved` (the command's env) defines is refused. Undefined without any.
   */
  protected ownSettings(props: SettingsProps, component: string, reserved: readonly string[] = []): AppEnv | undefined {
    const keys: (keyof SettingsProps)[] = ['config', 'env', 'secrets', 'envFrom', 'fieldEnv'];
    if (keys.every((k) => props[k] === undefined)) return undefined;
    const rt = this.runtime;
    const labels = workloadLabels({ name: this.name, component, image: rt.image, partOf: rt.partOf });
    return resolveAppEnv(
      this,
      {
        config: props.config,
        env: props.env,
        notSecret: props.notSecret,
        secrets: props.secrets,
        envFrom: props.envFrom,
        fieldEnv: props.fieldEnv,
      },
      {
        name: this.name,
        labels,
        serviceAccountName: rt.serviceAccountName,
        secretBackend: (i) => rt.profile.secretBackend(i),
        reservedEnv: [...Object.keys(rt.python ? PYTHON_RUNTIME_ENV : {}), ...reserved, ...rt.appEnv.envNames],
        reservedBy: 'the app (or the runtime)',
        storeVolume: { name: 'own-store-secrets', dir: `/var/run/secrets/${this.name}-store` },
      },
      this.issues,
    );
  }

  /** The workload's pod, built by the one pod path every kind shares. */
  protected buildPod(input: Omit<AppPodInput, 'runtime' | 'scope' | 'name'>): AppPod {
    const own = this.ownServiceAccount;
    const serviceAccount = own && { name: own.name, apiToken: own.apiToken };
    const pod = appPod({ ...input, runtime: this.runtime, scope: this, name: this.name, serviceAccount });
    this.issues.addAll(pod.issues);
    registerClaims(this, pod.claims, () => this.podScale);
    const signal = pod.container.stopSignal;
    // The pod field (lifecycle.stopSignal) is alpha; containerd and CRI-O send the image's STOPSIGNAL.
    if (signal)
      this.warn(
        `stopSignal ${signal} reaches the process through the image's STOPSIGNAL: the Dockerfile generated here carries it; an image built elsewhere needs 'STOPSIGNAL ${signal}' in its Dockerfile, or the kubelet's stop sends SIGTERM.`,
      );
    return pod;
  }

  /**
   * The object that runs the pod (Deployment, Job, CronJob). The app's
   * migration waits, the progress deadline they lengthen and the `sleep`
   * preStop action are rendered at synthesis, so that a migration defined
   * after the workload still makes its pods wait.
   */
  protected podController<P>(kind: ObjectKind<P>, id: string, props: P, options: PodControllerOptions): ApiObject {
    const rt = this.runtime;
    if (options.rollout) rt.rollouts.push(options.rollout);
    return kubeObject(this, id, kind, props, (manifest) => {
      const podSpec = options.podSpecPath.reduce((o: ManifestJson, key) => o[key] as ManifestJson, manifest) as unknown as PodSpecJson;
      if (options.sleepPreStopSeconds) addSleepPreStop(podSpec, options.sleepPreStopSeconds);
      addWaits(podSpec, rt.waits);
      if (options.reloadOnSecretChange) addSecretReload(manifest, podSpec as unknown as ManifestJson);
      // A StatefulSet has no progress deadline: it waits for each pod as long as it takes.
      if (options.rollout && manifest.kind === 'Deployment')
        (manifest.spec as ManifestJson).progressDeadlineSeconds = progressDeadlineSeconds(options.rollout, waitSeconds(rt.waits));
    });
  }

  /** A Deployment that runs the pod: `replicas` unless an autoscaler owns them, five old ReplicaSets kept for rollbacks. */
  protected deploymentOf(
    pod: AppPod,
    scaling: ResolvedScaling,
    strategy: k8s.DeploymentStrategy,
    options: Omit<PodControllerOptions, 'podSpecPath'>,
  ): ApiObject {
    const spec: k8s.DeploymentSpec = {
      replicas: scaling.fixedReplicas,
      selector: { matchLabels: pod.selector },
      strategy,
      revisionHistoryLimit: 5,
      template: pod.template,
    };
    const metadata = { name: this.name, labels: pod.labels };
    this.podScale = { replicas: scaling.maxReplicas, surges: strategy.type !== 'Recreate' };
    return this.podController(
      k8s.KubeDeployment,
      'Deployment',
      { metadata, spec },
      { podSpecPath: ['spec', 'template', 'spec'], reloadOnSecretChange: this.runtime.reloadOnSecretChange, ...options },
    );
  }

  /** A NetworkPolicy for pods that serve nothing: egress only, unless metrics are scraped. */
  protected egressOnlyPolicy(pod: AppPod, extraIngress: NetworkPolicyInput['extraIngress'] = []): ApiObject {
    return kubeObject(this, 'NetworkPolicy', k8s.KubeNetworkPolicy, {
      metadata: { name: this.name, labels: pod.labels },
      spec: networkPolicySpec(
        { selector: pod.selector, allowFrom: [], loadBalanced: false, allowEgressTo: this.runtime.allowEgressTo, extraIngress },
        this.issues,
      ),
    });
  }

  /** A ClusterIP Service (or a headless one) of the pod's exposed declared ports, named after the workload. */
  protected portsService(pod: AppPod, headless = false): ApiObject | undefined {
    this.issues.addAll(servicePortIssues(undefined, pod.ports));
    this.issues.check(!pod.ports.some((p) => p.expose) || DNS1035_LABEL.test(this.name), {
      prop: 'name',
      rule: 'must start with a letter: it also names the Service of the exposed ports, whose name is an RFC 1035 label',
      received: this.name,
      fix: `Use e.g. 'svc-${this.name}'.`,
    });
    return renderPortsService(this, {
      id: 'Service',
      name: this.name,
      labels: pod.labels,
      selector: pod.selector,
      ports: pod.ports,
      headless,
    });
  }

  /** A PodDisruptionBudget that lets one pod go at a time, when more than one replica can run. */
  protected disruptionBudgetFor(pod: AppPod, scaling: ResolvedScaling): ApiObject | undefined {
    return scaling.maxReplicas > 1 ? disruptionBudget(this, this.name, pod.labels, pod.selector) : undefined;
  }
}

/**
 * The longest a release of everything under `scope` takes until all of it is
 * healthy: the slowest rollout among its workloads (which includes the
 * migrations their pods wait for) or the longest Job, rounded up to a whole
 * minute; undefined when there is no workload.
 */
export function releaseSeconds(scope: Construct): number | undefined {
  const runtimes = new Set<AppRuntime>();
  const longest: number[] = [];
  for (const c of scope.node.findAll()) {
    if (c instanceof PythonWorkload) runtimes.add(c.runtime);
    if (c instanceof ApiObject && c.kind === 'Job') {
      const deadline = (c.toJson() as { spec?: { activeDeadlineSeconds?: number } }).spec?.activeDeadlineSeconds;
      if (typeof deadline === 'number') longest.push(deadline);
    }
  }
  for (const rt of runtimes) {
    const waits = waitSeconds(rt.waits);
    for (const pace of rt.rollouts) longest.push(rolloutSeconds(pace, waits));
  }
  return longest.length === 0 ? undefined : Math.ceil(Math.max(...longest) / 60) * 60;
}
