import { k8s } from 'cdk8s-plus-28';
import { ResourceSpec, renderResources } from './resources';
import { ServerScratchDir } from './server';

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
  /** Container port, for servers. */
  readonly port?: number;
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
  /** The only writable paths on the read-only root filesystem. */
  readonly writablePaths: { readonly path: string; readonly medium: 'disk' | 'memory'; readonly sizeLimit: string }[];
  /** Resources after the profile's rules. */
  readonly resources: ResourceSpec;
  /** Seconds the server takes to drain after SIGTERM. */
  readonly gracefulTimeoutSeconds: number;
}

/** Size limit of the disk-backed /tmp every pod gets. */
export const TMP_SIZE_LIMIT = '256Mi';

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
}

/** Security context of every pod: the "restricted" Pod Security Standard, by default. */
export function podSecurityContext(): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_UID,
    runAsGroup: RUN_AS_GID,
    fsGroup: RUN_AS_GID,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Security context of every container. */
export function containerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: RUN_AS_UID,
    runAsGroup: RUN_AS_GID,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Builds a hardened pod template around one Python container. */
export function buildPodTemplate(input: PodTemplateInput): k8s.PodTemplateSpec {
  const c = input.container;
  // /tmp is the one disk-backed writable path on the read-only root filesystem:
  // Python's tempfile, uploads and many libraries write there.
  const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(TMP_SIZE_LIMIT) } }];
  const mounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  for (const dir of c.scratchDirs) {
    volumes.push({ name: dir.name, emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(dir.sizeLimit) } });
    mounts.push({ name: dir.name, mountPath: dir.path });
  }
  volumes.push(...(input.volumes ?? []));
  mounts.push(...(c.mounts ?? []));

  const container: k8s.Container = {
    name: APP_CONTAINER,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    command: c.command,
    ports: c.ports,
    env: c.env,
    envFrom: c.envFrom.length > 0 ? c.envFrom : undefined,
    resources: renderResources(c.resources),
    livenessProbe: c.liveness,
    readinessProbe: c.readiness,
    startupProbe: c.startup,
    lifecycle: c.preStopSeconds
      // Kubernetes 1.28 has no `sleep` lifecycle action; every Python image has python3.
      ? { preStop: { exec: { command: ['python3', '-c', `import time; time.sleep(${c.preStopSeconds})`] } } }
      : undefined,
    securityContext: containerSecurityContext(),
    volumeMounts: mounts,
  };

  return {
    metadata: {
      labels: { ...input.labels, ...input.selectorLabels },
      annotations: { 'kubectl.kubernetes.io/default-container': APP_CONTAINER },
    },
    spec: {
      serviceAccountName: input.serviceAccountName,
      automountServiceAccountToken: input.automountServiceAccountToken,
      // Service links inject FOO_PORT=tcp://... variables for every Service in the
      // namespace; they collide with settings such as REDIS_PORT in Python apps.
      enableServiceLinks: false,
      securityContext: podSecurityContext(),
      terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
      restartPolicy: input.restartPolicy,
      nodeSelector: Object.keys(input.nodeSelector).length > 0 ? input.nodeSelector : undefined,
      tolerations: input.tolerations.length > 0 ? input.tolerations : undefined,
      priorityClassName: input.priorityClassName,
      topologySpreadConstraints: input.spread ? spreadConstraints(input.selectorLabels) : undefined,
      // Topology spread balances zones; the anti-affinity keeps two replicas off one
      // node when the scheduler has a choice (kube-score and kube-linter ask for it).
      affinity: input.spread ? antiAffinity(input.selectorLabels) : undefined,
      containers: [container],
      volumes,
    },
  };
}

function antiAffinity(selector: Record<string, string>): k8s.Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100,
        podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...selector } } },
      }],
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
