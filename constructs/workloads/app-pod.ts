import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { selectorLabels, workloadLabels } from '../core/labels';
import { PropIssue, addWarning } from '../core/validation';
import { ContainerDescription, writablePaths } from '../pod/description';
import { InheritedExtras, PodExtrasProps, PodSetup, appEnvSources, resolvePodExtras, resolveRunAs } from '../pod/extras';
import { orderEnv } from '../pod/env-references';
import { PortProps, ResolvedPort, containerPortsOf, resolvePodPorts } from '../pod/ports';
import { AccessMode, Volume } from '../pod/volumes';
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
  /** The workload's own ports (serving, metrics), which declared ports must not repeat. */
  readonly ports?: k8s.ContainerPort[];
  /** The ports the app container declares beside them (the `ports` prop). */
  readonly declaredPorts?: PortProps[];
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
  /** The pod is a StatefulSet's, which gives each replica its per-replica claims. */
  readonly perReplicaClaims?: boolean;
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

/** A PersistentVolumeClaim a pod mounts. */
export interface PodClaim {
  readonly name: string;
  /** Undefined when the library cannot see it (an existing claim that does not name it). */
  readonly accessMode?: AccessMode;
  /** The prop of its first mount, e.g. `mounts[0].volume`, or `app.mounts[0].volume` for one taken over from the app. */
  readonly prop: string;
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
  /** The ports the pod's containers declare (`ports`, `sidecars[].ports`), checked. */
  readonly ports: ResolvedPort[];
  /** The PersistentVolumeClaims the pod's containers mount, once each. */
  readonly claims: PodClaim[];
  /** The per-replica claims of a StatefulSet's pod (its `volumeClaimTemplates`), once each; none for other pods. */
  readonly perReplicaClaims: Volume[];
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
  const shared = rt.profile.sharedFileStorage?.();
  issues.push(...(shared?.issues ?? []));
  const imageEnv = imageEnvOf(rt);
  const inherited = inheritedExtras(input);
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
      sharedStorageClass: shared?.storageClassName,
      perReplicaClaims: input.perReplicaClaims,
      imageEnv,
      imagePullPolicy: rt.process.imagePullPolicy,
      inherited,
    },
    issues,
  );
  if (shared?.warning) warnUnclassedClaims(input.scope, input.extras, shared.warning);
  const setup: PodSetup = { runAs, python: rt.python, extras };
  const ports = podPorts(input, issues);
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
      ports: nonEmptyList([...(input.ports ?? []), ...containerPortsOf(input.declaredPorts)]),
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
  const container = describe(input, runtimeEnv, setup, appEnv, { keepEntrypoint, tmpSize, stopSignal, ports });
  const claims = podClaims(input.extras, inherited);
  const replicaClaims = input.perReplicaClaims ? perReplicaClaims(input.extras, inherited) : [];
  return { template, labels, selector, container, setup, ports, claims, perReplicaClaims: replicaClaims, issues };
}

/** What the workload takes over from its application's own pod, unless it opts out; undefined for the app itself. */
function inheritedExtras(input: AppPodInput): InheritedExtras | undefined {
  const { inherit, runtime: rt } = input;
  return (
    inherit && {
      mounts: inherit.mounts === false ? [] : rt.extras.mounts,
      initContainers: inherit.initContainers === false ? [] : rt.extras.initContainers,
    }
  );
}

/**
 * Every volume the containers of a pod mount, with the prop of the mount (`mounts[0].volume`,
 * `sidecars[1].mounts[0].volume`), those taken over from the app first (`app.mounts[0].volume`).
 */
function mountedVolumes(extras: PodExtrasProps, inherited?: InheritedExtras): Array<[string, Volume]> {
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
  const mounts: Array<[string, unknown]> = [];
  const add = (prefix: string, from: { mounts?: unknown; initContainers?: unknown; sidecars?: unknown }) => {
    list(from.mounts).forEach((m, i) => mounts.push([`${prefix}mounts[${i}].volume`, m]));
    for (const kind of ['initContainers', 'sidecars'] as const) {
      list(from[kind]).forEach((c, i) =>
        list((c as { mounts?: unknown })?.mounts).forEach((m, j) => mounts.push([`${prefix}${kind}[${i}].mounts[${j}].volume`, m])),
      );
    }
  };
  if (inherited) add('app.', inherited);
  add('', extras);
  return mounts.flatMap(([prop, m]) => {
    const volume = (m as { volume?: unknown })?.volume;
    return volume instanceof Volume ? [[prop, volume] as [string, Volume]] : [];
  });
}

/** The claims the containers of a pod mount, each once, with the prop of its first mount. */
function podClaims(extras: PodExtrasProps, inherited?: InheritedExtras): PodClaim[] {
  const claims = new Map<string, PodClaim>();
  for (const [prop, volume] of mountedVolumes(extras, inherited)) {
    const info = volume.claimInfo;
    if (info && !claims.has(info.name)) claims.set(info.name, { ...info, prop });
  }
  return [...claims.values()];
}

/** The per-replica claims the containers of a StatefulSet's pod mount (its own and those it takes over from the app), each once. */
function perReplicaClaims(extras: PodExtrasProps, inherited?: InheritedExtras): Volume[] {
  return [...new Set(mountedVolumes(extras, inherited).map(([, v]) => v))].filter((v) => v.kind === 'replicaClaim');
}

/** Warns about each claim many nodes mount that this workload created without a StorageClass, when the profile names none. */
function warnUnclassedClaims(scope: Construct, extras: PodExtrasProps, why: string): void {
  const seen = new Set<Volume>();
  for (const [prop, volume] of mountedVolumes(extras)) {
    const mine = volume.kind === 'replicaClaim' || volume.createdClaim?.node.scope === scope;
    if (seen.has(volume) || !volume.sharedWithoutClass || !mine) continue;
    seen.add(volume);
    addWarning(
      scope,
      `'${prop}' is a new claim many nodes mount ('${volume.claimInfo!.name}', ${volume.claimInfo!.accessMode}) without a storageClass. ${why}`,
    );
  }
}

/** The declared ports of the app container and its sidecars, checked against each other and the workload's own. */
function podPorts(input: AppPodInput, issues: PropIssue[]): ResolvedPort[] {
  const reserved = (input.ports ?? []).map((p) => ({
    name: p.name ?? '',
    port: p.containerPort,
    protocol: p.protocol ?? 'TCP',
    what: `the workload's ${p.name} port`,
  }));
  const sidecars = Array.isArray(input.extras.sidecars) ? input.extras.sidecars : [];
  return resolvePodPorts(
    reserved,
    [
      { prop: 'ports', container: 'app', ports: input.declaredPorts },
      ...sidecars.map((s, i) => ({ prop: `sidecars[${i}].ports`, container: String(s?.name), ports: s?.ports })),
    ],
    issues,
  );
}

function nonEmptyList<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** The container as a Dockerfile or compose file made from the same description must match it. */
function describe(
  input: AppPodInput,
  runtimeEnv: Record<string, string>,
  setup: PodSetup,
  appEnv: AppEnv,
  process: { keepEntrypoint: boolean; tmpSize: string; stopSignal?: StopSignal; ports: ResolvedPort[] },
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
    ports: nonEmptyList(
      process.ports.filter((p) => p.container === 'app').map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    ),
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
