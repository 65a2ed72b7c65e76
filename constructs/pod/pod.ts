import { JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerProps, ExtraContainerContext, kubernetesMinor, mountOf, resolveExtraContainer } from './containers';
import { ResourceSpec, renderResources } from './resources';
import { ServerScratchDir } from './server';
import { Mount, Volume, volumeName } from './volumes';
import { PropIssue } from '../core/validation';

/**
 * UID and GID every container runs as. Above 10000 so that it cannot collide
 * with a user of the node (kube-score's container-security-context-user-group-id);
 * the generated Dockerfile creates exactly this user.
 */
export const RUN_AS_UID = 10001;
/** GID every container runs as, and the fsGroup of every pod. */
const RUN_AS_GID = 10001;

/** Name of the single application container. */
export const APP_CONTAINER = 'app';

/** Environment every Python container gets. */
export const PYTHON_RUNTIME_ENV: Record<string, string> = {
  // Logs reach `kubectl logs` as they are written, not when a buffer fills.
  PYTHONUNBUFFERED: '1',
  // The root filesystem is read-only; do not try to write .pyc files.
  PYTHONDONTWRITEBYTECODE: '1',
  // The image's user has no home (/nonexistent); gunicorn's control socket and
  // other per-user files go to the writable /tmp instead of failing at start.
  HOME: '/tmp',
};

/**
 * The container of a workload as the image must match it: what a Dockerfile or
 * a compose file generated from the same description has to agree with.
 */
export interface ContainerDescription {
  /** Workload name. */
  readonly name: string;
  /** Image reference. */
  readonly image: string;
  /** The exact argv the container runs. */
  readonly command: string[];
  /**
   * The argv goes after the image's own ENTRYPOINT (Kubernetes `args`) instead of replacing it.
   * @default false
   */
  readonly keepsEntrypoint?: boolean;
  /**
   * The container runs Python (its image must then have `python3`).
   * @default true
   */
  readonly python?: boolean;
  /** Container port, for servers. */
  readonly port?: number;
  /**
   * The Kubernetes Service in front of the container, so that compose can map its
   * in-cluster addresses in other workloads' settings to this container.
   * @default - no Service
   */
  readonly service?: ServiceDescription;
  /** Port of the Prometheus metrics endpoint, when the container serves one. */
  readonly metricsPort?: number;
  /** UID the container runs as. */
  readonly runAsUser: number;
  /** GID the container runs as. */
  readonly runAsGroup: number;
  /** Literal env vars (runtime, server-derived and user-given). */
  readonly env: Record<string, string>;
  /** Settings delivered from the ConfigMap. */
  readonly config: Record<string, string>;
  /** Names of env vars that come from secrets (values are never known here). */
  readonly secretEnvNames: string[];
  /** Readiness path, for servers. */
  readonly readinessPath?: string;
  /** Headers the readiness check sends (e.g. a Host the app allows). */
  readonly readinessHeaders?: Record<string, string>;
  /** The only writable paths on the read-only root filesystem. */
  readonly writablePaths: WritablePath[];
  /** Resources after the profile's rules. */
  readonly resources: ResourceSpec;
  /** Seconds the server takes to drain after SIGTERM. */
  readonly gracefulTimeoutSeconds: number;
}

/** A Service as the other workloads of the app address it. */
export interface ServiceDescription {
  /** Name of the Service. */
  readonly name: string;
  /**
   * Namespace of the Service.
   * @default - unknown (the chart names none)
   */
  readonly namespace?: string;
  /** Port of the Service, mapped to the container port. */
  readonly port: number;
}

/** A path the container may write to on its read-only root filesystem. */
export interface WritablePath {
  readonly path: string;
  /** Scratch on the node's disk, in memory, or a persistent volume. */
  readonly medium: 'disk' | 'memory' | 'persistent';
  /** Size limit (scratch) or requested size (persistent), when known. */
  readonly sizeLimit: string;
}

/** Size limit of the disk-backed /tmp every pod gets. */
const TMP_SIZE_LIMIT = '256Mi';

/** The writable paths of a container: /tmp plus the server's memory-backed scratch dirs. */
export function writablePaths(scratchDirs: ServerScratchDir[]): ContainerDescription['writablePaths'] {
  return [
    { path: '/tmp', medium: 'disk', sizeLimit: TMP_SIZE_LIMIT },
    ...scratchDirs.map((d) => ({ path: d.path, medium: 'memory' as const, sizeLimit: d.sizeLimit })),
  ];
}

/** The application container of a pod. */
export interface AppContainerInput {
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly command: string[];
  readonly ports?: k8s.ContainerPort[];
  readonly env: k8s.EnvVar[];
  readonly envFrom: k8s.EnvFromSource[];
  /** Mounts beyond the scratch dirs (e.g. secrets). */
  readonly mounts?: k8s.VolumeMount[];
  readonly resources: ResourceSpec;
  readonly liveness?: k8s.Probe;
  readonly readiness?: k8s.Probe;
  readonly startup?: k8s.Probe;
  /** Seconds to keep serving after termination starts, before SIGTERM. */
  readonly preStopSeconds?: number;
  readonly scratchDirs: ServerScratchDir[];
  /** Put the argv in `args`, keeping the image's ENTRYPOINT. */
  readonly keepEntrypoint?: boolean;
  /** The container runs Python; otherwise no `python3` preStop hook is used. */
  readonly python?: boolean;
}

/** A pod template. */
export interface PodTemplateInput {
  /** Labels selectors use; also put on the pod. */
  readonly selectorLabels: Record<string, string>;
  /** Other pod labels. */
  readonly labels: Record<string, string>;
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken: boolean;
  readonly container: AppContainerInput;
  readonly terminationGracePeriodSeconds: number;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: k8s.Toleration[];
  /** Spread replicas over zones and nodes. */
  readonly spread: boolean;
  /** PriorityClass of the pods, if any. */
  readonly priorityClassName?: string;
  /** Volumes beyond the scratch dirs (e.g. secrets). */
  readonly volumes?: k8s.Volume[];
  readonly restartPolicy?: string;
  /** UID and GID of every container. */
  readonly runAs?: RunAs;
  /** Extra volumes, init containers, sidecars and annotations. */
  readonly extras?: PodExtras;
}

/** The user every container of a pod runs as. */
export interface RunAs {
  readonly user: number;
  readonly group: number;
}

/** The default user: above 10000, so it cannot collide with a user of the node. */
const DEFAULT_RUN_AS: RunAs = { user: RUN_AS_UID, group: RUN_AS_GID };

/** Security context of every pod: the "restricted" Pod Security Standard, by default. */
function podSecurityContext(runAs: RunAs = DEFAULT_RUN_AS): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    fsGroup: runAs.group,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Security context of every container. */
export function containerSecurityContext(runAs: RunAs = DEFAULT_RUN_AS): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Builds a hardened pod template around one application container. */
export function buildPodTemplate(input: PodTemplateInput): k8s.PodTemplateSpec {
  const c = input.container;
  const runAs = input.runAs ?? DEFAULT_RUN_AS;
  const extras = input.extras ?? EMPTY_EXTRAS;
  // /tmp is the one disk-backed writable path on the read-only root filesystem:
  // Python's tempfile, uploads and many libraries write there.
  const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(TMP_SIZE_LIMIT) } }];
  const mounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  for (const dir of c.scratchDirs) {
    volumes.push({ name: dir.name, emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(dir.sizeLimit) } });
    mounts.push({ name: dir.name, mountPath: dir.path });
  }
  volumes.push(...(input.volumes ?? []), ...extras.volumes);
  mounts.push(...(c.mounts ?? []), ...extras.mounts);

  const preStop = c.preStopSeconds ? preStopHook(c.preStopSeconds, c.python ?? true, extras.kubernetesMinor) : undefined;
  const container: k8s.Container = {
    name: APP_CONTAINER,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    command: c.keepEntrypoint ? undefined : c.command,
    args: c.keepEntrypoint ? c.command : undefined,
    ports: c.ports,
    env: c.env,
    envFrom: c.envFrom.length > 0 ? c.envFrom : undefined,
    resources: renderResources(c.resources),
    livenessProbe: c.liveness,
    readinessProbe: c.readiness,
    startupProbe: c.startup,
    lifecycle: preStop ? { preStop } : undefined,
    securityContext: containerSecurityContext(runAs),
    volumeMounts: mounts,
  };

  const annotations: Record<string, string> = { 'kubectl.kubernetes.io/default-container': APP_CONTAINER, ...extras.annotations };
  return {
    metadata: {
      labels: { ...input.labels, ...input.selectorLabels },
      annotations,
    },
    spec: {
      serviceAccountName: input.serviceAccountName,
      automountServiceAccountToken: input.automountServiceAccountToken,
      // Service links inject FOO_PORT=tcp://... variables for every Service in the
      // namespace; they collide with settings such as REDIS_PORT in Python apps.
      enableServiceLinks: false,
      securityContext: podSecurityContext(runAs),
      terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
      restartPolicy: input.restartPolicy,
      nodeSelector: Object.keys(input.nodeSelector).length > 0 ? input.nodeSelector : undefined,
      tolerations: input.tolerations.length > 0 ? input.tolerations : undefined,
      priorityClassName: input.priorityClassName,
      topologySpreadConstraints: input.spread ? spreadConstraints(input.selectorLabels) : undefined,
      // Topology spread balances zones; the anti-affinity keeps two replicas off one
      // node when the scheduler has a choice (kube-score and kube-linter ask for it).
      affinity: input.spread ? antiAffinity(input.selectorLabels) : undefined,
      initContainers: extras.initContainers.length > 0 ? extras.initContainers : undefined,
      containers: [container, ...extras.sidecars],
      volumes,
    },
  };
}

/**
 * Keeps the container serving for `seconds` after termination starts. The
 * `sleep` action needs no binary in the image but exists only from Kubernetes
 * 1.30 (beta, on by default); before that, Python images have `python3`, and
 * other images get no hook (the workload warns).
 */
function preStopHook(seconds: number, python: boolean, minor: number): k8s.LifecycleHandler | undefined {
  // cdk8s-plus-28's classes cannot carry the sleep action; the workload patches it in (sleepPreStopPatch).
  if (minor >= 30) return undefined;
  if (python) return { exec: { command: ['python3', '-c', `import time; time.sleep(${seconds})`] } };
  return undefined;
}

/**
 * The `sleep` preStop action for Kubernetes 1.30+, as a patch of the object that
 * holds the pod template at `specPath` (the 1.28 object classes cannot express it).
 */
export function sleepPreStopPatch(seconds: number, specPath: string): JsonPatch {
  return JsonPatch.add(`${specPath}/containers/0/lifecycle`, { preStop: { sleep: { seconds } } });
}

/** Extra parts of a pod: volumes, mounts of the app container, init containers, sidecars, annotations. */
export interface PodExtras {
  readonly volumes: k8s.Volume[];
  /** Mounts of the app container. */
  readonly mounts: k8s.VolumeMount[];
  readonly initContainers: k8s.Container[];
  /** Sidecars as regular containers (before native sidecars). */
  readonly sidecars: k8s.Container[];
  readonly annotations: Record<string, string>;
  /** Paths of the app container that are writable, for the container files. */
  readonly writablePaths: WritablePath[];
  /** Kubernetes minor version the pod is for. */
  readonly kubernetesMinor: number;
}

const EMPTY_EXTRAS: PodExtras = {
  volumes: [],
  mounts: [],
  initContainers: [],
  sidecars: [],
  annotations: {},
  writablePaths: [],
  kubernetesMinor: 28,
};

/** What a workload may add to its pod. */
export interface PodExtrasProps {
  /**
   * Volumes mounted into the app container: scratch space, ConfigMaps and Secrets
   * as files, PersistentVolumeClaims. The root filesystem stays read-only; every
   * writable path is one of these or a built-in scratch dir.
   * @default - none
   */
  readonly mounts?: Mount[];
  /**
   * Containers that run to completion, in order, before the app starts (wait for
   * a database, prepare a folder). Hardened like the app container.
   * @default - none
   */
  readonly initContainers?: ContainerProps[];
  /**
   * Containers beside the app (a proxy, a log shipper). From Kubernetes 1.29 they
   * are native sidecars (init containers with `restartPolicy: Always`): started
   * before the app, stopped after it, and they do not keep a Job from completing.
   * @default - none
   */
  readonly sidecars?: ContainerProps[];
  /**
   * Annotations of the pods (service mesh settings, log parsers).
   * @default - none
   */
  readonly podAnnotations?: { readonly [key: string]: string };
}

/** What {@link resolvePodExtras} needs beside the props. */
export interface PodExtrasContext extends ExtraContainerContext {
  /** Where new claims are created and the Kubernetes version is read. */
  readonly scope: Construct;
  /** Labels of created claims. */
  readonly labels: Record<string, string>;
  /** Paths the app container already mounts (/tmp, scratch dirs, secret files). */
  readonly reservedPaths: readonly string[];
  /** Volume names the pod already has. */
  readonly reservedVolumes: readonly string[];
  /** The pod belongs to a Job, which a regular sidecar container would keep from completing. */
  readonly job?: boolean;
}

/** Checks and resolves the mounts, init containers, sidecars and annotations of a pod. */
function resolvePodExtras(props: PodExtrasProps, ctx: PodExtrasContext, issues: PropIssue[]): PodExtras {
  const minor = kubernetesMinor(ctx.scope);
  const volumes = new Map<string, k8s.Volume>();
  const writablePaths: WritablePath[] = [];
  const addVolume = (m: Mount, prop: string): boolean => {
    if (!m || typeof m !== 'object' || !(m.volume instanceof Volume)) {
      issues.push({
        prop,
        rule: 'must be { path, volume } with a Volume',
        received: m,
        fix: "Pass e.g. { path: '/data', volume: Volume.newClaim('media', { storage: '10Gi' }) }.",
      });
      return false;
    }
    const bound = m.volume.bind(`${prop}.volume`);
    issues.push(...bound.issues);
    const name = bound.volume.name;
    if (ctx.reservedVolumes.includes(name)) {
      issues.push({
        prop: `${prop}.volume`,
        rule: `must not use the name '${name}', which the pod already has`,
        received: m.volume.key,
        fix: 'Give the volume another name.',
      });
    }
    const existing = volumes.get(name);
    if (existing && JSON.stringify(existing) !== JSON.stringify(bound.volume)) {
      issues.push({
        prop: `${prop}.volume`,
        rule: `must not share the name '${name}' with a different volume`,
        received: m.volume.key,
        fix: 'Give each volume its own name.',
      });
    }
    volumes.set(name, bound.volume);
    m.volume.createClaim(ctx.scope, ctx.labels);
    return bound.writable && m.readOnly !== true;
  };
  const checkPath = (m: Mount, prop: string, taken: Set<string>) => {
    if (typeof m?.path !== 'string' || !/^\/[A-Za-z0-9._\-/]*$/.test(m.path) || m.path.split('/').includes('..')) {
      issues.push({
        prop: `${prop}.path`,
        rule: "must be an absolute path of letters, digits, '.', '_', '-' and '/'",
        received: m?.path,
        fix: "Use e.g. '/app/media'.",
      });
      return;
    }
    const normal = m.path.replace(/\/+$/, '') || '/';
    if (normal === '/')
      issues.push({
        prop: `${prop}.path`,
        rule: 'must not be the root folder',
        received: m.path,
        fix: "Mount under a folder of its own, e.g. '/data'.",
      });
    if (taken.has(normal)) {
      issues.push({
        prop: `${prop}.path`,
        rule: 'must not be mounted twice in one container (the second mount hides the first)',
        received: m.path,
        fix: 'Mount each volume at its own path, or one key with subPath.',
      });
    }
    taken.add(normal);
    if (
      m.subPath !== undefined &&
      (typeof m.subPath !== 'string' || m.subPath === '' || m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))
    ) {
      issues.push({
        prop: `${prop}.subPath`,
        rule: 'must be a relative path inside the volume',
        received: m.subPath,
        fix: "Use the key or file name, e.g. 'settings.py'.",
      });
    }
  };

  const appTaken = new Set(ctx.reservedPaths);
  const mounts: k8s.VolumeMount[] = [];
  (props.mounts ?? []).forEach((m, i) => {
    const prop = `mounts[${i}]`;
    checkPath(m, prop, appTaken);
    const writable = addVolume(m, prop);
    if (!(m?.volume instanceof Volume)) return;
    mounts.push(mountOf(m, writable));
    const bound = m.volume.bind(prop);
    if (writable && (bound.medium === 'disk' || bound.medium === 'memory' || bound.medium === 'persistent')) {
      writablePaths.push({ path: m.path, medium: bound.medium, sizeLimit: bound.sizeLimit ?? '1Gi' });
    }
  });

  const names = new Set(['app']);
  const extra = (list: ContainerProps[] | undefined, kind: 'initContainers' | 'sidecars') =>
    (list ?? []).map((c, i) => {
      const prop = `${kind}[${i}]`;
      const resolved = resolveExtraContainer(c, prop, ctx, issues);
      if (names.has(c?.name))
        issues.push({
          prop: `${prop}.name`,
          rule: "must be unique in the pod ('app' is the application container)",
          received: c?.name,
          fix: 'Give every container its own name.',
        });
      names.add(c?.name);
      const taken = new Set(['/tmp']);
      resolved.mounts.forEach((m, j) => {
        checkPath(m, `${prop}.mounts[${j}]`, taken);
        addVolume(m, `${prop}.mounts[${j}]`);
      });
      return resolved.container;
    });
  const initContainers = extra(props.initContainers, 'initContainers');
  const sidecars = extra(props.sidecars, 'sidecars');
  const native = minor >= 29;
  if (sidecars.length > 0 && ctx.job && !native) {
    issues.push({
      prop: 'sidecars',
      rule: 'need native sidecars (Kubernetes 1.29 and later) in a Job: a regular sidecar container never exits, so the Job never completes',
      received: `Kubernetes 1.${minor}`,
      fix: "Set the target's kubernetesVersion to '1.29' or later, or run the helper as an init container.",
    });
  }

  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(props.podAnnotations ?? {})) {
    if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key) || key.split('/').pop()!.length > 63) {
      issues.push({
        prop: `podAnnotations.${key}`,
        rule: "must be an annotation key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
        received: key,
        fix: "Use e.g. 'sidecar.istio.io/inject'.",
      });
    }
    if (typeof value !== 'string')
      issues.push({ prop: `podAnnotations.${key}`, rule: 'must be a string', received: value, fix: "Quote it, e.g. 'true'." });
    annotations[key] = value;
  }

  return {
    volumes: [...volumes.values()],
    mounts,
    initContainers: [...initContainers, ...(native ? sidecars.map((s) => ({ ...s, restartPolicy: 'Always' })) : [])],
    sidecars: native ? [] : sidecars,
    annotations,
    writablePaths,
    kubernetesMinor: minor,
  };
}

/** Checks a UID and GID for the pod's security context. */
function resolveRunAs(user: number | undefined, group: number | undefined, issues: PropIssue[]): RunAs {
  const u = user ?? RUN_AS_UID;
  const g = group ?? (user !== undefined ? user : RUN_AS_GID);
  if (!Number.isInteger(u) || u < 1 || u > 2147483647) {
    issues.push({
      prop: 'runAsUser',
      rule: 'must be a whole number from 1 to 2147483647: the "restricted" Pod Security Standard forbids UID 0 (root)',
      received: u,
      fix: "Use the UID the image's USER creates (often 1000), or leave it unset for 10001.",
    });
  }
  if (!Number.isInteger(g) || g < 1 || g > 2147483647) {
    issues.push({
      prop: 'runAsGroup',
      rule: "must be a whole number from 1 to 2147483647 (GID 0 is root's group)",
      received: g,
      fix: "Use the image's group, often the same number as the user.",
    });
  }
  return { user: u, group: g };
}

/** The name a volume gets in the pod, for the built-in ones (`tmp`, scratch dirs) too. */
export { volumeName };

function antiAffinity(selector: Record<string, string>): k8s.Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...selector } } },
        },
      ],
    },
  };
}

/** Spread over zones first, then nodes; soft, so a small cluster still schedules. */
function spreadConstraints(selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    topologyKey,
    maxSkew: 1,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...selector } },
    // Count only pods of the same ReplicaSet, so a rollout is spread too.
    matchLabelKeys: ['pod-template-hash'],
  }));
}

/** The parts of a workload's pod that come from its process and extras props. */
export interface PodSetup {
  readonly runAs: RunAs;
  readonly python: boolean;
  readonly extras: PodExtras;
}

/** What {@link resolvePodSetup} needs to know about the workload. */
export interface PodSetupInput {
  readonly scope: Construct;
  readonly image: string;
  readonly labels: Record<string, string>;
  readonly scratchDirs: readonly ServerScratchDir[];
  /** The app's env, env sources, secret volumes and mounts. */
  readonly appEnv: {
    readonly env: k8s.EnvVar[];
    readonly envFrom: k8s.EnvFromSource[];
    readonly volumes: k8s.Volume[];
    readonly mounts: k8s.VolumeMount[];
  };
  readonly job?: boolean;
  /** UID and GID inherited (a worker of an app runs as the app's user), unless the props set their own. */
  readonly inheritedRunAs?: RunAs;
}

/** Resolves the user, runtime and extras of a workload's pod, with every issue. */
export function resolvePodSetup(
  props: PodExtrasProps & { readonly runAsUser?: number; readonly runAsGroup?: number; readonly python?: boolean },
  input: PodSetupInput,
  issues: PropIssue[],
): PodSetup {
  const runAs =
    props.runAsUser === undefined && props.runAsGroup === undefined && input.inheritedRunAs
      ? input.inheritedRunAs
      : resolveRunAs(props.runAsUser, props.runAsGroup, issues);
  const python = props.python ?? true;
  if (typeof python !== 'boolean')
    issues.push({
      prop: 'python',
      rule: 'must be true or false',
      received: python,
      fix: 'Set false for a container that does not run Python.',
    });
  const extras = resolvePodExtras(
    props,
    {
      scope: input.scope,
      labels: input.labels,
      job: input.job,
      image: input.image,
      reservedPaths: ['/tmp', ...input.scratchDirs.map((d) => d.path), ...input.appEnv.mounts.map((m) => m.mountPath)],
      reservedVolumes: ['tmp', ...input.scratchDirs.map((d) => d.name), ...input.appEnv.volumes.map((v) => v.name)],
      pythonEnv: Object.entries(PYTHON_RUNTIME_ENV).map(([name, value]) => ({ name, value })),
      appEnv: input.appEnv.env,
      appEnvFrom: input.appEnv.envFrom,
      appMounts: input.appEnv.mounts,
      securityContext: containerSecurityContext(runAs),
      tmpMount: { name: 'tmp', mountPath: '/tmp' },
    },
    issues,
  );
  return { runAs, python, extras };
}
