import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ServerScratchDir } from './server';
import { ResourceSpec, renderResources } from './resources';
import { WritablePath } from './description';
import { PropIssue } from '../core/validation';
import { DEFAULT_TMP_SIZE } from './process';

/**
 * UID and GID every container runs as. Above 10000 so that it cannot collide
 * with a user of the node (kube-score's container-security-context-user-group-id);
 * the generated Dockerfile creates exactly this user.
 */
export const RUN_AS_UID = 10001;
/** GID every container runs as, and the fsGroup of every pod. */
export const RUN_AS_GID = 10001;

/** Name of the single application container. */
export const APP_CONTAINER = 'app';

/** Environment every Python container gets. */
export const PYTHON_RUNTIME_ENV: Record<string, string> = {
  // Logs reach `kubectl logs` as they are written, not when a buffer fills.
  PYTHONUNBUFFERED: '1',
  // The root filesystem is read-only; do not try to write .pyc files.
  PYTHONDONTWRITEBYTECODE: '1',
};

/** The application container of a pod. */
export interface AppContainerInput {
  readonly image: string;
  readonly imagePullPolicy: string;
  /** The argv; empty to run the image's own ENTRYPOINT and CMD. */
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
  /** The image has `python3` for the preStop delay before Kubernetes 1.30. */
  readonly hasPython3?: boolean;
  /** Size limit of the disk-backed /tmp. */
  readonly tmpSize?: string;
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

/**
 * The user and group a container runs as, each checked: a whole number from 1,
 * since the "restricted" Pod Security Standard forbids UID 0 (root). `prefix`
 * names where they sit in the props (`''` for the workload, `sidecars[0].` for a container).
 */
export function checkedRunAs(user: number, group: number, prefix: string, issues: PropIssue[]): RunAs {
  if (!Number.isInteger(user) || user < 1 || user > 2147483647) {
    issues.push({
      prop: `${prefix}runAsUser`,
      rule: 'must be a whole number from 1 to 2147483647: the "restricted" Pod Security Standard forbids UID 0 (root)',
      received: user,
      fix: prefix
        ? "Use the UID the container's image runs as (e.g. 65533 for git-sync), or leave it unset for the pod's user."
        : "Use the UID the image's USER creates (often 1000), or leave it unset for 10001.",
    });
  }
  if (!Number.isInteger(group) || group < 1 || group > 2147483647) {
    issues.push({
      prop: `${prefix}runAsGroup`,
      rule: "must be a whole number from 1 to 2147483647 (GID 0 is root's group)",
      received: group,
      fix: "Use the image's group, often the same number as the user.",
    });
  }
  return { user, group };
}

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
  const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(c.tmpSize ?? DEFAULT_TMP_SIZE) } }];
  const mounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  for (const dir of c.scratchDirs) {
    volumes.push({ name: dir.name, emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(dir.sizeLimit) } });
    mounts.push({ name: dir.name, mountPath: dir.path });
  }
  volumes.push(...(input.volumes ?? []), ...extras.volumes);
  mounts.push(...(c.mounts ?? []), ...extras.mounts);

  const preStop = c.preStopSeconds ? preStopHook(c.preStopSeconds, c.hasPython3 ?? true, extras.kubernetesMinor) : undefined;
  // No argv: the image's own ENTRYPOINT and CMD run unchanged.
  const argv = c.command.length > 0 ? c.command : undefined;
  const container: k8s.Container = {
    name: APP_CONTAINER,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    command: c.keepEntrypoint ? undefined : argv,
    args: c.keepEntrypoint ? argv : undefined,
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
  // cdk8s-plus-28's classes cannot carry the sleep action; it is a late field of the pod (addSleepPreStop).
  if (minor >= 30) return undefined;
  if (python) return { exec: { command: ['python3', '-c', `import time; time.sleep(${seconds})`] } };
  return undefined;
}

/**
 * Adds the `sleep` preStop action of Kubernetes 1.30+ to the app container of a
 * rendered pod spec (the 1.28 object classes cannot express it).
 */
export function addSleepPreStop(podSpec: PodSpecJson, seconds: number): void {
  podSpec.containers[0].lifecycle = { preStop: { sleep: { seconds } } };
}

/** A rendered pod spec, as the late fields of a pod read it. */
export interface PodSpecJson {
  containers: Array<Record<string, unknown>>;
  initContainers?: unknown[];
  volumes?: Array<{ name: string }>;
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
