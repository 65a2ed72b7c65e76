import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { selectorLabels, workloadLabels } from '../core/labels';
import { PropIssue } from '../core/validation';
import { ContainerDescription, writablePaths } from '../pod/description';
import { PodExtrasProps, PodSetup, appEnvSources, resolvePodExtras, resolveRunAs } from '../pod/extras';
import { orderEnv } from '../pod/env-references';
import { ServerScratchDir } from '../pod/server';
import { StopSignal, checkStopSignal, resolveTmpSize } from '../pod/process';
import { PYTHON_RUNTIME_ENV, buildPodTemplate } from '../pod/template';
import { ProfileOutput } from '../profiles/profile';
import { AppRuntime } from './runtime';
import { API_TOKEN_MOUNT, API_TOKEN_VOLUME } from './api-access';
import { AppEnv, mergeAppEnv } from '../settings/app-env';
import { InheritProps } from './workload-props';

/** The pod of one workload of an application: same image, identity, settings and secrets. */
export interface AppPodInput {
  /** The application whose runtime the pod shares. */
  readonly runtime: AppRuntime;
  /** The construct of the workload. */
  readonly scope: Construct;
  /** The workload's name. */
  readonly name: string;
  /** `app.kubernetes.io/component`: web, worker, scheduler, migration, job. */
  readonly component: string;
  /** What the profile bound for the workload: pod labels, node selector, tolerations, resources. */
  readonly cloud: ProfileOutput;
  /** The argv; empty to run the image's own ENTRYPOINT and CMD. */
  readonly command: string[];
  /** Keep the image's ENTRYPOINT for this workload's process. @default - the app's `keepEntrypoint` */
  readonly keepEntrypoint?: boolean;
  /** The signal that stops this workload's process. @default - the app's `stopSignal` */
  readonly stopSignal?: StopSignal;
  /** Env the workload adds (its server's or its own concurrency, metrics), beside Python's. */
  readonly env: Record<string, string>;
  readonly ports?: k8s.ContainerPort[];
  readonly liveness?: k8s.Probe;
  readonly readiness?: k8s.Probe;
  readonly startup?: k8s.Probe;
  /** Seconds to keep serving after termination starts, before SIGTERM. */
  readonly preStopSeconds?: number;
  readonly terminationGracePeriodSeconds: number;
  /** Seconds the process takes to stop after SIGTERM, for the container files. */
  readonly gracefulTimeoutSeconds: number;
  readonly restartPolicy?: string;
  /** Spread replicas over zones and nodes. */
  readonly spread: boolean;
  readonly scratchDirs: ServerScratchDir[];
  /** Mounts, init containers, sidecars and pod annotations of the workload, and its own user when it sets one. */
  readonly extras: PodExtrasProps & { readonly runAsUser?: number; readonly runAsGroup?: number };
  /** The pod belongs to a Job. */
  readonly job?: boolean;
  /**
   * The ServiceAccount the pods run as, when it is the workload's own, and whether the app container gets an API token.
   * @default - the app's
   */
  readonly serviceAccount?: { readonly name: string; readonly apiToken: boolean };
  /** The workload's own settings and secrets, added to the app's (a worker or job of an app). */
  readonly ownEnv?: AppEnv;
  /** What the workload takes over from its application's own pod (a worker or job of an app; the app itself takes nothing). */
  readonly inherit?: InheritProps;
}

/** The pod template, its labels and selector, and the container as the image must match it. */
export interface AppPod {
  readonly template: k8s.PodTemplateSpec;
  /** The workload's labels (`app.kubernetes.io/*`). */
  readonly labels: Record<string, string>;
  /** The labels that select the workload's pods. */
  readonly selector: Record<string, string>;
  readonly container: ContainerDescription;
  readonly setup: PodSetup;
  readonly issues: PropIssue[];
}

/**
 * Builds the hardened pod of a workload of `input.runtime`: the one pod path of
 * every workload kind. The pod runs as the application's user unless the
 * workload sets its own.
 */
export function appPod(input: AppPodInput): AppPod {
  const rt = input.runtime;
  const appEnv = mergeAppEnv(rt.appEnv, input.ownEnv);
  const account = input.serviceAccount ?? { name: rt.serviceAccountName, apiToken: rt.apiToken };
  const labels = workloadLabels({ name: input.name, component: input.component, image: rt.image, partOf: rt.partOf });
  const selector = selectorLabels(input.name);
  const issues: PropIssue[] = [];
  const own = input.extras.runAsUser !== undefined || input.extras.runAsGroup !== undefined;
  const runAs = own ? resolveRunAs(input.extras.runAsUser, input.extras.runAsGroup, issues) : rt.runAs;
  const imageEnv = imageEnvOf(rt);
  const extras = resolvePodExtras(
    input.extras,
    {
      scope: input.scope,
      image: rt.image,
      labels,
      scratchDirs: input.scratchDirs,
      appEnv,
      runAs,
      job: input.job,
      imageEnv,
      imagePullPolicy: rt.process.imagePullPolicy,
      inherited: input.inherit && {
        mounts: input.inherit.mounts === false ? [] : rt.extras.mounts,
        initContainers: input.inherit.initContainers === false ? [] : rt.extras.initContainers,
      },
    },
    issues,
  );
  const setup: PodSetup = { runAs, python: rt.python, extras };
  const tmpSize = resolveTmpSize(input.extras.tmpSize, issues);
  const keepEntrypoint = input.keepEntrypoint ?? rt.keepEntrypoint;
  const runtimeEnv = { ...(rt.python ? PYTHON_RUNTIME_ENV : {}), ...imageEnv, ...input.env };
  const env = orderEnv(
    [...Object.entries(runtimeEnv).map(([name, value]) => ({ name, value })), ...appEnv.env],
    // The app's and the workload's own settings were checked where they were resolved.
    { ...appEnvSources(appEnv), propOf: (name) => (appEnv.envNames.includes(name) ? undefined : `env.${name}`) },
    issues,
  );
  const template = buildPodTemplate({
    selectorLabels: selector,
    labels: { ...labels, ...input.cloud.podLabels },
    serviceAccountName: account.name,
    automountServiceAccountToken: rt.mountServiceAccountToken,
    terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
    nodeSelector: input.cloud.nodeSelector,
    tolerations: input.cloud.tolerations,
    spread: input.spread,
    priorityClassName: rt.priorityClassName,
    volumes: account.apiToken ? [...appEnv.volumes, API_TOKEN_VOLUME] : appEnv.volumes,
    restartPolicy: input.restartPolicy,
    runAs,
    extras,
    container: {
      image: rt.image,
      imagePullPolicy: rt.process.imagePullPolicy,
      command: input.command,
      ports: input.ports,
      env,
      envFrom: appEnv.envFrom,
      // Only the app container gets the token: sidecars and init containers have no API access.
      mounts: account.apiToken ? [...appEnv.mounts, API_TOKEN_MOUNT] : appEnv.mounts,
      resources: input.cloud.resources,
      liveness: input.liveness,
      readiness: input.readiness,
      startup: input.startup,
      preStopSeconds: input.preStopSeconds,
      scratchDirs: input.scratchDirs,
      keepEntrypoint,
      hasPython3: rt.process.hasPython3,
      tmpSize,
    },
  });
  const stopSignal = input.stopSignal === undefined ? rt.process.stopSignal : checkStopSignal(input.stopSignal, issues);
  const container = describe(input, runtimeEnv, setup, appEnv, { keepEntrypoint, tmpSize, stopSignal });
  return { template, labels, selector, container, setup, issues };
}

/** The container as a Dockerfile or compose file made from the same description must match it. */
function describe(
  input: AppPodInput,
  runtimeEnv: Record<string, string>,
  setup: PodSetup,
  appEnv: AppEnv,
  process: { keepEntrypoint: boolean; tmpSize: string; stopSignal?: StopSignal },
): ContainerDescription {
  const rt = input.runtime;
  return {
    name: input.name,
    image: rt.image,
    command: input.command,
    keepsEntrypoint: process.keepEntrypoint,
    python: rt.python,
    hasPython3: rt.process.hasPython3,
    home: rt.process.home,
    stopSignal: process.stopSignal,
    port: undefined,
    metricsPort: input.ports?.find((p) => p.name === 'metrics')?.containerPort,
    runAsUser: setup.runAs.user,
    runAsGroup: setup.runAs.group,
    env: { ...runtimeEnv, ...appEnv.literalEnv },
    config: appEnv.config,
    secretEnvNames: appEnv.secretEnvNames,
    files: appEnv.files.length > 0 ? [...appEnv.files] : undefined,
    writablePaths: [...writablePaths(input.scratchDirs, process.tmpSize), ...setup.extras.writablePaths],
    resources: input.cloud.resources,
    gracefulTimeoutSeconds: input.gracefulTimeoutSeconds,
  };
}

/** Env every container of the app's image gets, beside Python's: HOME, when the app sets one. */
function imageEnvOf(rt: AppRuntime): Record<string, string> {
  return rt.process.home === undefined ? {} : { HOME: rt.process.home };
}
