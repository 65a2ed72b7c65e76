import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Exposure } from './exposure';
import { selectorLabels, workloadLabels } from './labels';
import { METRICS_PORT_NAME, MetricsProps, MonitorInput, resolveMetrics } from './metrics';
import { NetworkPolicyInput, networkPolicySpec } from './network-policy';
import { ContainerDescription, PYTHON_RUNTIME_ENV, RUN_AS_GID, RUN_AS_UID, buildPodTemplate, writablePaths } from './pod';
import { ICloudProfile, ProfileOutput } from './profiles/profile';
import { ResourceSpec, ResourcesProps, resolveResources } from './resources';
import { ServerScratchDir } from './server';
import { IssueCollector, addWarning, formatIssue } from './validation';
import type { PythonMicroservice } from './python-microservice';

/** A pod of another workload of the same application: same image, identity, settings and secrets. */
export interface AppPodInput {
  /** The web service whose image, ServiceAccount, config and secrets the pod shares. */
  readonly app: PythonMicroservice;
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
}

/** The pod template, its labels and selector, and the container as the image must match it. */
export interface AppPod {
  readonly template: k8s.PodTemplateSpec;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly container: ContainerDescription;
}

/** Builds a hardened pod for another workload of `input.app`, sharing its runtime. */
export function appPod(input: AppPodInput, cloud: ProfileOutput): AppPod {
  const { app } = input;
  const labels = workloadLabels({ name: input.name, component: input.component, image: app.container.image, partOf: app.props.partOf });
  const selector = selectorLabels(input.name);
  const template = buildPodTemplate({
    selectorLabels: selector,
    labels: { ...labels, ...cloud.podLabels },
    serviceAccountName: app.serviceAccount.name,
    automountServiceAccountToken: app.props.mountServiceAccountToken ?? false,
    terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
    nodeSelector: cloud.nodeSelector,
    tolerations: cloud.tolerations,
    spread: input.spread,
    priorityClassName: app.props.priorityClassName,
    volumes: app.appEnv.volumes,
    restartPolicy: input.restartPolicy,
    container: {
      image: app.container.image,
      imagePullPolicy: 'Always',
      command: input.command,
      ports: input.ports,
      env: [...Object.entries({ ...PYTHON_RUNTIME_ENV, ...input.env }).map(([name, value]) => ({ name, value })), ...app.appEnv.env],
      envFrom: app.appEnv.envFrom,
      mounts: app.appEnv.mounts,
      resources: input.resources,
      liveness: input.liveness,
      readiness: input.readiness,
      scratchDirs: input.scratchDirs,
    },
  });
  const container: ContainerDescription = {
    name: input.name,
    image: app.container.image,
    command: input.command,
    port: undefined,
    runAsUser: RUN_AS_UID,
    runAsGroup: RUN_AS_GID,
    env: { ...PYTHON_RUNTIME_ENV, ...input.env, ...app.appEnv.literalEnv },
    config: app.appEnv.config,
    secretEnvNames: app.appEnv.secretEnvNames,
    writablePaths: writablePaths(input.scratchDirs),
    resources: input.resources,
    gracefulTimeoutSeconds: input.terminationGracePeriodSeconds,
  };
  return { template, labels, selector, container };
}

/** Checks that the props of a workload of an application name the application. */
export function requireApp(scope: Construct, app: PythonMicroservice | undefined): void {
  if (app === undefined || app === null) {
    // Nothing of the workload can be built without its app, so this one fails at once.
    throw new Error(`[${scope.node.path}] ${formatIssue({
      prop: 'app', rule: 'is required', received: app,
      fix: 'Pass the PythonMicroservice whose image, settings, secrets and identity this workload shares.',
    })}`);
  }
}

/** Resources of a workload of the app, through the app's profile (so platform rules apply), with warnings. */
export function appWorkloadCloud(scope: Construct, app: PythonMicroservice, name: string, resources: ResourcesProps | undefined, issues: IssueCollector) {
  const requested = resolveResources(resources ?? app.props.resources);
  issues.addAll(requested.issues);
  // Profile option problems are the app's to report; only resource rules and placement matter here.
  const cloud = app.profile.bind({ name, exposure: Exposure.CLUSTER, resources: requested.spec, placement: app.props.placement });
  cloud.warnings.forEach((w) => addWarning(scope, w));
  return cloud;
}

/**
 * Annotation for workloads whose pods a deny-all-ingress NetworkPolicy selects:
 * Polaris's missingNetworkPolicy wants at least one ingress rule, which would
 * only loosen a policy for pods that serve nothing.
 */
export const DENY_INGRESS_EXEMPTION = { 'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true' };

/** An egress-only NetworkPolicy for a workload that serves nothing. */
export function egressOnlyPolicy(scope: Construct, app: PythonMicroservice, name: string, labels: Record<string, string>, selector: Record<string, string>,
  issues: IssueCollector, extraIngress: NetworkPolicyInput['extraIngress'] = []) {
  return new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata: { name, labels },
    spec: networkPolicySpec({ selector, allowFrom: [], loadBalanced: false, allowEgressTo: app.props.allowEgressTo, extraIngress }, issues),
  });
}

/** Metrics of a workload: its port, env, scratch dir and command wrapper, and the monitor object. */
export function workloadMetrics(scope: Construct, profile: ICloudProfile, props: MetricsProps | undefined, input: Omit<MonitorInput, 'portName' | 'path' | 'intervalSeconds'>,
  servingPorts: number[], issues: IssueCollector) {
  if (!props) return undefined;
  const m = resolveMetrics(props, servingPorts);
  issues.addAll(m.issues);
  const monitor = profile.metricsMonitor(scope, { ...input, portName: METRICS_PORT_NAME, path: m.path, intervalSeconds: m.intervalSeconds });
  issues.addAll(monitor.issues);
  return {
    ...m,
    containerPort: { name: METRICS_PORT_NAME, containerPort: m.port, protocol: 'TCP' } as k8s.ContainerPort,
    ingress: { port: m.port, from: props.scrapeFrom ?? monitor.scrapers },
  };
}
