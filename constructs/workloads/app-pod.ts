import { ApiObject, JsonPatch } from 'cdk8s';
import { kubeObject } from '../core/objects';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppEnv, resolveAppEnv } from '../settings/app-env';
import { Exposure, NetworkPeer } from '../traffic/exposure';
import { selectorLabels, workloadLabels } from '../core/labels';
import { METRICS_PORT_NAME, MetricsProps, MonitorInput, resolveMetrics } from '../scaling/metrics';
import { NetworkPolicyInput, networkPolicySpec } from '../traffic/network-policy';
import {
  ContainerDescription,
  PYTHON_RUNTIME_ENV,
  PodExtrasProps,
  PodSetup,
  RunAs,
  buildPodTemplate,
  resolvePodSetup,
  writablePaths,
} from '../pod/pod';
import { ICloudProfile, Placement, ProfileOutput, TRUSTED_SUBJECTS_ANNOTATION } from '../profiles/profile';
import { ResourceSpec, ResourcesProps, resolveResources } from '../pod/resources';
import { RolloutPace, progressDeadlineSeconds, waitSeconds } from '../pod/rollout';
import { ServerScratchDir } from '../pod/server';
import { IssueCollector, PropIssue, ValidationError, addWarning, formatIssue } from '../core/validation';
import { WorkloadProps, workloadServiceAccount } from './workload';

/**
 * What the workloads of one application share: image, identity, settings,
 * secrets, user and placement. A web service provides it for its workers and
 * jobs; a standalone worker provides its own.
 */
export interface AppRuntime {
  /** Name of the application's ServiceAccount and of its ConfigMap's prefix. */
  readonly name: string;
  /** The application's image. */
  readonly image: string;
  /** The cloud profile. */
  readonly profile: ICloudProfile;
  /** The ServiceAccount every pod of the application runs as. */
  readonly serviceAccountName: string;
  /** Settings and secrets, resolved. */
  readonly appEnv: AppEnv;
  /** UID and GID of the image's user. */
  readonly runAs: RunAs;
  /** The image runs Python. */
  readonly python: boolean;
  /** Keep the image's ENTRYPOINT. */
  readonly keepEntrypoint: boolean;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf?: string;
  readonly priorityClassName?: string;
  readonly placement?: Placement;
  readonly mountServiceAccountToken: boolean;
  readonly allowEgressTo?: NetworkPeer[];
  /** Resources of the application, the default of its other workloads. */
  readonly resources?: ResourcesProps;
  /** Objects a job of the application needs before it runs: ServiceAccount, ConfigMap, secret objects. */
  readonly sharedObjects: readonly ApiObject[];
  /** The pod templates of the application's workloads, which a migration makes wait for it. */
  readonly pods: AppPodRef[];
  /** Init containers (and their volumes) every pod of the application gets: the migrations' waits. */
  readonly waits: PodWait[];
  /** The application's ServiceAccount, which carries the subjects its cloud identity must also trust. */
  readonly serviceAccount?: ApiObject;
}

/**
 * Records on the application's ServiceAccount another subject its cloud identity
 * must trust (KEDA's operator), where bindings, Pulumi outputs and people read it.
 */
export function alsoTrust(rt: AppRuntime, subject: string): void {
  if (!rt.serviceAccount) return;
  const current = rt.serviceAccount.metadata.toJson().annotations?.[TRUSTED_SUBJECTS_ANNOTATION];
  const subjects = new Set([...(current ? String(current).split(',') : []), subject]);
  rt.serviceAccount.metadata.addAnnotation(TRUSTED_SUBJECTS_ANNOTATION, [...subjects].sort().join(','));
}

/** A pod template of one of the application's workloads. */
export interface AppPodRef {
  /** The object holding the template. */
  readonly object: ApiObject;
  /** JSON pointer of its pod spec, e.g. `/spec/template/spec`. */
  readonly specPath: string;
  /** Whether the pod spec has init containers already (the first wait creates the list). */
  hasInitContainers: boolean;
  /** Volume names added by waits. */
  readonly addedVolumes: Set<string>;
  /** How the rollout of a Deployment is paced; its `progressDeadlineSeconds` follows from it and the waits. */
  readonly rollout?: RolloutPace;
}

/** An init container that makes a pod wait (for a migration), with the volumes it needs. */
export interface PodWait {
  readonly container: k8s.Container;
  readonly volumes: k8s.Volume[];
  /** The longest the wait takes before it gives up. */
  readonly deadlineSeconds: number;
}

/** Makes `ref` wait as every wait of the application says, now and for waits added later. */
export function registerPod(rt: AppRuntime, ref: AppPodRef): void {
  rt.pods.push(ref);
  for (const wait of rt.waits) applyWait(ref, wait);
  setProgressDeadline(rt, ref);
}

/** Adds a wait to every pod of the application, and to pods registered later. */
export function addWait(rt: AppRuntime, wait: PodWait): void {
  rt.waits.push(wait);
  for (const ref of rt.pods) {
    applyWait(ref, wait);
    setProgressDeadline(rt, ref);
  }
}

/** A Deployment's progress deadline covers its waits and its own start-up (JSON Patch `add` replaces an earlier value). */
function setProgressDeadline(rt: AppRuntime, ref: AppPodRef): void {
  if (ref.rollout)
    ref.object.addJsonPatch(JsonPatch.add('/spec/progressDeadlineSeconds', progressDeadlineSeconds(ref.rollout, waitSeconds(rt))));
}

/** A typed value as the JSON a patch must carry: Quantity and IntOrString objects become their values. */
function plainJson<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => (v instanceof k8s.Quantity || v instanceof k8s.IntOrString ? v.value : v)));
}

function applyWait(ref: AppPodRef, wait: PodWait): void {
  const spec = ref.specPath;
  const container = plainJson(wait.container);
  // Waits go first, so that nothing of the new version starts before them.
  ref.object.addJsonPatch(
    ref.hasInitContainers ? JsonPatch.add(`${spec}/initContainers/0`, container) : JsonPatch.add(`${spec}/initContainers`, [container]),
  );
  ref.hasInitContainers = true;
  for (const volume of wait.volumes.filter((v) => !ref.addedVolumes.has(v.name))) {
    ref.object.addJsonPatch(JsonPatch.add(`${spec}/volumes/-`, plainJson(volume)));
    ref.addedVolumes.add(volume.name);
  }
}

/** An application whose image, identity, settings and secrets other workloads share. */
export interface IPythonApp {
  /** What the application's workloads share. */
  readonly runtime: AppRuntime;
}

/** Creates the ServiceAccount and settings of a workload that is its own application (a standalone worker). */
export function standaloneRuntime(scope: Construct, name: string, props: WorkloadProps, issues: IssueCollector): AppRuntime {
  const labels = workloadLabels({ name, component: 'worker', image: props.image, partOf: props.partOf });
  const cloud = props.profile.bind({
    name,
    exposure: Exposure.CLUSTER,
    resources: resolveResources(props.resources).spec,
    placement: props.placement,
  });
  issues.addAll(cloud.issues);
  const serviceAccount = workloadServiceAccount(scope, name, labels, cloud, props.mountServiceAccountToken ?? false);
  const appEnv = resolveAppEnv(
    scope,
    props,
    { name, labels, serviceAccountName: name, profile: props.profile, reservedEnv: Object.keys(PYTHON_RUNTIME_ENV) },
    issues,
  );
  const runAsIssues: PropIssue[] = [];
  const setup = resolvePodSetup(
    { runAsUser: props.runAsUser, runAsGroup: props.runAsGroup, python: props.python },
    {
      scope,
      image: props.image,
      labels,
      scratchDirs: [],
      appEnv,
    },
    runAsIssues,
  );
  issues.addAll(runAsIssues.filter((i) => i.prop.startsWith('runAs') || i.prop === 'python'));
  return {
    name,
    image: props.image,
    profile: props.profile,
    serviceAccountName: serviceAccount.name,
    appEnv,
    runAs: setup.runAs,
    python: setup.python,
    keepEntrypoint: props.keepEntrypoint === true,
    partOf: props.partOf,
    priorityClassName: props.priorityClassName,
    placement: props.placement,
    mountServiceAccountToken: props.mountServiceAccountToken ?? false,
    allowEgressTo: props.allowEgressTo,
    resources: props.resources,
    sharedObjects: sharedObjectsOf(scope),
    pods: [],
    waits: [],
    serviceAccount,
  };
}

/** The objects under `scope` a job needs before it runs: ServiceAccount, ConfigMap, secret objects. */
export function sharedObjectsOf(scope: Construct): ApiObject[] {
  const kinds = new Set([
    'ServiceAccount',
    'ConfigMap',
    'Secret',
    'SecretProviderClass',
    'ExternalSecret',
    'SecretStore',
    'PersistentVolumeClaim',
  ]);
  return scope.node.children.filter((c): c is ApiObject => c instanceof ApiObject && kinds.has(c.kind));
}

/** A pod of a workload of an application: same image, identity, settings and secrets. */
export interface AppPodInput {
  /** The application whose runtime the pod shares. */
  readonly runtime: AppRuntime;
  /** The construct of the workload. */
  readonly scope: Construct;
  /** The workload's name. */
  readonly name: string;
  /** `app.kubernetes.io/component`: worker, migration, job. */
  readonly component: string;
  readonly command: string[];
  /** Env the workload adds (e.g. its own concurrency), checked against the app's names. */
  readonly env: Record<string, string>;
  readonly resources: ResourceSpec;
  readonly liveness?: k8s.Probe;
  readonly readiness?: k8s.Probe;
  readonly terminationGracePeriodSeconds: number;
  readonly restartPolicy?: string;
  /** Spread replicas over zones and nodes. */
  readonly spread: boolean;
  readonly scratchDirs: ServerScratchDir[];
  readonly ports?: k8s.ContainerPort[];
  /** Mounts, init containers, sidecars and pod annotations of the workload itself. */
  readonly extras?: PodExtrasProps;
  /** The pod belongs to a Job. */
  readonly job?: boolean;
}

/** The pod template, its labels and selector, and the container as the image must match it. */
export interface AppPod {
  readonly template: k8s.PodTemplateSpec;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly container: ContainerDescription;
  readonly setup: PodSetup;
  readonly issues: PropIssue[];
}

/** Builds a hardened pod for a workload of `input.runtime`, sharing its runtime. */
export function appPod(input: AppPodInput, cloud: ProfileOutput): AppPod {
  const rt = input.runtime;
  const labels = workloadLabels({ name: input.name, component: input.component, image: rt.image, partOf: rt.partOf });
  const selector = selectorLabels(input.name);
  const issues: PropIssue[] = [];
  const setup = resolvePodSetup(
    { ...input.extras, python: rt.python },
    {
      scope: input.scope,
      image: rt.image,
      labels,
      scratchDirs: input.scratchDirs,
      appEnv: rt.appEnv,
      job: input.job,
      inheritedRunAs: rt.runAs,
    },
    issues,
  );
  const runtimeEnv = { ...(rt.python ? PYTHON_RUNTIME_ENV : {}), ...input.env };
  const template = buildPodTemplate({
    selectorLabels: selector,
    labels: { ...labels, ...cloud.podLabels },
    serviceAccountName: rt.serviceAccountName,
    automountServiceAccountToken: rt.mountServiceAccountToken,
    terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
    nodeSelector: cloud.nodeSelector,
    tolerations: cloud.tolerations,
    spread: input.spread,
    priorityClassName: rt.priorityClassName,
    volumes: rt.appEnv.volumes,
    restartPolicy: input.restartPolicy,
    runAs: setup.runAs,
    extras: setup.extras,
    container: {
      image: rt.image,
      imagePullPolicy: 'Always',
      command: input.command,
      keepEntrypoint: rt.keepEntrypoint,
      python: rt.python,
      ports: input.ports,
      env: [...Object.entries(runtimeEnv).map(([name, value]) => ({ name, value })), ...rt.appEnv.env],
      envFrom: rt.appEnv.envFrom,
      mounts: rt.appEnv.mounts,
      resources: input.resources,
      liveness: input.liveness,
      readiness: input.readiness,
      scratchDirs: input.scratchDirs,
    },
  });
  const container: ContainerDescription = {
    name: input.name,
    image: rt.image,
    command: input.command,
    keepsEntrypoint: rt.keepEntrypoint,
    python: rt.python,
    port: undefined,
    metricsPort: input.ports?.find((p) => p.name === 'metrics')?.containerPort,
    runAsUser: setup.runAs.user,
    runAsGroup: setup.runAs.group,
    env: { ...runtimeEnv, ...rt.appEnv.literalEnv },
    config: rt.appEnv.config,
    secretEnvNames: rt.appEnv.secretEnvNames,
    writablePaths: [...writablePaths(input.scratchDirs), ...setup.extras.writablePaths],
    resources: input.resources,
    gracefulTimeoutSeconds: input.terminationGracePeriodSeconds,
  };
  return { template, labels, selector, container, setup, issues };
}

/** Checks that the props of a workload of an application name the application. */
export function requireApp(scope: Construct, app: IPythonApp | undefined): void {
  if (app === undefined || app === null || typeof app !== 'object' || !('runtime' in app)) {
    // Nothing of the workload can be built without its app, so this one fails at once.
    throw new ValidationError(
      'A workload of an application needs its application:',
      [
        `[${scope.node.path}] ${formatIssue({
          prop: 'app',
          rule: 'is required',
          received: app,
          fix: 'Pass the PythonMicroservice (or standalone PythonWorker) whose image, settings, secrets and identity this workload shares.',
        })}`,
      ],
      scope.node.path,
    );
  }
}

/** Resources of a workload of the app, through the app's profile (so platform rules apply), with warnings. */
export function appWorkloadCloud(
  scope: Construct,
  rt: AppRuntime,
  name: string,
  resources: ResourcesProps | undefined,
  issues: IssueCollector,
  placement?: Placement,
) {
  const requested = resolveResources(resources ?? rt.resources);
  issues.addAll(requested.issues);
  // Profile option problems are the app's to report; only resource rules and placement matter here.
  const cloud = rt.profile.bind({ name, exposure: Exposure.CLUSTER, resources: requested.spec, placement: placement ?? rt.placement });
  cloud.warnings.forEach((w) => addWarning(scope, w));
  return cloud;
}

/** An egress-only NetworkPolicy for a workload that serves nothing. */
export function egressOnlyPolicy(
  scope: Construct,
  rt: AppRuntime,
  name: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
  issues: IssueCollector,
  extraIngress: NetworkPolicyInput['extraIngress'] = [],
) {
  return kubeObject(scope, 'NetworkPolicy', k8s.KubeNetworkPolicy, {
    metadata: { name, labels },
    spec: networkPolicySpec({ selector, allowFrom: [], loadBalanced: false, allowEgressTo: rt.allowEgressTo, extraIngress }, issues),
  });
}

/** Metrics of a workload: its port, env, scratch dir and command wrapper, and the monitor object. */
export function workloadMetrics(
  scope: Construct,
  profile: ICloudProfile,
  props: MetricsProps | undefined,
  input: Omit<MonitorInput, 'portName' | 'path' | 'intervalSeconds'>,
  servingPorts: number[],
  issues: IssueCollector,
) {
  if (!props) return undefined;
  const m = resolveMetrics(props, servingPorts);
  issues.addAll(m.issues);
  const monitor = profile.metricsMonitor(scope, {
    ...input,
    portName: METRICS_PORT_NAME,
    path: m.path,
    intervalSeconds: m.intervalSeconds,
  });
  issues.addAll(monitor.issues);
  return {
    ...m,
    containerPort: { name: METRICS_PORT_NAME, containerPort: m.port, protocol: 'TCP' } as k8s.ContainerPort,
    ingress: { port: m.port, from: props.scrapeFrom ?? monitor.scrapers },
  };
}
