import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { PropIssue } from '../core/validation';
import { ContainerProps, ExtraContainerContext, kubernetesMinor, mountOf, resolveExtraContainer } from './containers';
import { WritablePath } from './description';
import { ServerScratchDir } from './server';
import { PYTHON_RUNTIME_ENV, PodExtras, RUN_AS_GID, RUN_AS_UID, RunAs, checkedRunAs, containerSecurityContext } from './template';
import { Mount, Volume } from './volumes';

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
  /**
   * Size of the disk-backed `/tmp` every container gets (Python's tempfile, uploads).
   * It counts against the ephemeral storage of the container.
   * @default '256Mi'
   */
  readonly tmpSize?: string;
}

/** The user, runtime and extras of a workload's pod, resolved. */
export interface PodSetup {
  readonly runAs: RunAs;
  readonly python: boolean;
  readonly extras: PodExtras;
}

/** What the extras of a pod are checked against. */
export interface PodExtrasInput {
  /** Where new claims are created and the Kubernetes version is read. */
  readonly scope: Construct;
  readonly image: string;
  /** Labels of created claims. */
  readonly labels: Record<string, string>;
  readonly scratchDirs: readonly ServerScratchDir[];
  /** The app's env, env sources, secret volumes and mounts. */
  readonly appEnv: {
    readonly env: k8s.EnvVar[];
    readonly envFrom: k8s.EnvFromSource[];
    /** The names the app's own ConfigMap (one of its env sources) defines. */
    readonly config: Record<string, string>;
    readonly volumes: k8s.Volume[];
    readonly mounts: k8s.VolumeMount[];
  };
  /** The user every container runs as. */
  readonly runAs: RunAs;
  /** The pod belongs to a Job, which a regular sidecar container would keep from completing. */
  readonly job?: boolean;
  /**
   * StorageClass of new claims many nodes mount that name none (the profile's file share class).
   * @default - such claims keep the cluster's default class
   */
  readonly sharedStorageClass?: string;
  /**
   * The pod is a StatefulSet's, whose `volumeClaimTemplates` give each replica its per-replica claims.
   * @default false
   */
  readonly perReplicaClaims?: boolean;
  /** Env every container of the workload's image gets beside Python's (HOME). */
  readonly imageEnv?: Record<string, string>;
  /** Pull policy of the workload's image. */
  readonly imagePullPolicy?: string;
  /** The application's own mounts and init containers, which this workload takes over (before its own). */
  readonly inherited?: InheritedExtras;
}

/** What a workload takes over from its application's pod. */
export interface InheritedExtras {
  readonly mounts: readonly Mount[];
  readonly initContainers: readonly ContainerProps[];
}

/** Checks and resolves the mounts, init containers, sidecars and annotations of a pod. */
export function resolvePodExtras(props: PodExtrasProps, input: PodExtrasInput, issues: PropIssue[]): PodExtras {
  return new ExtrasResolver(input, issues).resolve(props);
}

/** Checks a UID and GID for the pod's security context. */
export function resolveRunAs(user: number | undefined, group: number | undefined, issues: PropIssue[]): RunAs {
  const u = user ?? RUN_AS_UID;
  return checkedRunAs(u, group ?? (user !== undefined ? user : RUN_AS_GID), '', issues);
}

/** What the app's env sources define: its ConfigMap's keys are known; any other source is opaque. */
export function appEnvSources(appEnv: PodExtrasInput['appEnv']): { known: string[]; opaque: boolean } {
  const known = Object.keys(appEnv.config);
  return { known, opaque: appEnv.envFrom.length > (known.length > 0 ? 1 : 0) };
}

/**
 * `own` without the entries that repeat one of `inherited` (a workload that
 * still lists what it now takes over from its app); a different entry at the
 * same path or name stays, and the checks name the clash.
 */
function withoutRepeats<T>(own: readonly T[], inherited: readonly T[], same: (a: T, b: T) => boolean): T[] {
  return own.filter((o) => !inherited.some((i) => same(o, i)));
}

/** Two mounts of the same volume at the same path, the same way. */
function sameMount(a: Mount, b: Mount): boolean {
  return a?.path === b.path && a?.volume?.key === b.volume?.key && a?.subPath === b.subPath && a?.readOnly === b.readOnly;
}

/** Two extra containers with the same name and the same definition. */
function sameContainer(a: ContainerProps, b: ContainerProps): boolean {
  return a?.name === b.name && JSON.stringify(a) === JSON.stringify(b);
}

/** Checks the `python` prop; true unless set false. */
export function resolvePython(python: boolean | undefined, issues: PropIssue[]): boolean {
  const value = python ?? true;
  if (typeof value !== 'boolean')
    issues.push({
      prop: 'python',
      rule: 'must be true or false',
      received: value,
      fix: 'Set false for a container that does not run Python.',
    });
  return value;
}

/** Who owns /tmp in every container. */
const BUILT_IN_TMP = "the built-in /tmp (a disk-backed emptyDir every container gets, sized by 'tmpSize')";

/** Resolves the extras of one pod, collecting the volumes they name and the issues found. */
class ExtrasResolver {
  private readonly minor: number;
  private readonly ctx: ExtraContainerContext;
  private readonly reservedVolumes: readonly string[];
  private readonly volumes = new Map<string, k8s.Volume>();
  private readonly containerNames = new Set(['app']);

  public constructor(
    private readonly input: PodExtrasInput,
    private readonly issues: PropIssue[],
  ) {
    this.minor = kubernetesMinor(input.scope);
    this.reservedVolumes = ['tmp', ...input.scratchDirs.map((d) => d.name), ...input.appEnv.volumes.map((v) => v.name)];
    this.ctx = {
      image: input.image,
      pythonEnv: Object.entries({ ...PYTHON_RUNTIME_ENV, ...input.imageEnv }).map(([name, value]) => ({ name, value })),
      imagePullPolicy: input.imagePullPolicy,
      appEnv: input.appEnv.env,
      appEnvFrom: input.appEnv.envFrom,
      appMounts: input.appEnv.mounts,
      securityContext: containerSecurityContext(input.runAs),
      runAs: input.runAs,
      appEnvSources: appEnvSources(input.appEnv),
      tmpMount: { name: 'tmp', mountPath: '/tmp' },
    };
  }

  public resolve(props: PodExtrasProps): PodExtras {
    const inherited = this.input.inherited ?? { mounts: [], initContainers: [] };
    const { mounts, writablePaths } = this.appMounts([
      ...inherited.mounts.map((m, i) => ({ m, prop: `app.mounts[${i}]` })),
      ...withoutRepeats(props.mounts ?? [], inherited.mounts, sameMount).map((m, i) => ({
        m,
        prop: `mounts[${i}]`,
      })),
    ]);
    const initContainers = [
      ...this.extraContainers([...inherited.initContainers], 'app.initContainers'),
      ...this.extraContainers(withoutRepeats(props.initContainers ?? [], inherited.initContainers, sameContainer), 'initContainers'),
    ];
    const sidecars = this.extraContainers(props.sidecars, 'sidecars');
    const native = this.minor >= 29;
    if (sidecars.length > 0 && this.input.job && !native) {
      this.issues.push({
        prop: 'sidecars',
        rule: 'need native sidecars (Kubernetes 1.29 and later) in a Job: a regular sidecar container never exits, so the Job never completes',
        received: `Kubernetes 1.${this.minor}`,
        fix: "Set the target's kubernetesVersion to '1.29' or later, or run the helper as an init container.",
      });
    }
    return {
      volumes: [...this.volumes.values()],
      mounts,
      initContainers: [...initContainers, ...(native ? sidecars.map((s) => ({ ...s, restartPolicy: 'Always' })) : [])],
      sidecars: native ? [] : sidecars,
      annotations: this.annotations(props.podAnnotations ?? {}),
      writablePaths,
      kubernetesMinor: this.minor,
    };
  }

  /** The app container's mounts, and the writable paths they add. */
  private appMounts(list: { m: Mount; prop: string }[]): { mounts: k8s.VolumeMount[]; writablePaths: WritablePath[] } {
    const taken = new Map<string, string>([
      ['/tmp', BUILT_IN_TMP],
      ...this.input.scratchDirs.map((d) => [d.path, `the server's or the metrics' scratch dir '${d.name}'`] as [string, string]),
      // A file of `files` is mounted by itself (subPath); the secret manager's files as one folder.
      ...this.input.appEnv.mounts.map(
        (m) => [m.mountPath, m.subPath ? `the file of 'files' at ${m.mountPath}` : 'the secret files (secretFiles)'] as [string, string],
      ),
    ]);
    const mounts: k8s.VolumeMount[] = [];
    const writablePaths: WritablePath[] = [];
    list.forEach(({ m, prop }) => {
      this.checkPath(m, prop, taken);
      const writable = this.addVolume(m, prop);
      if (!(m?.volume instanceof Volume)) return;
      mounts.push(mountOf(m, writable));
      const bound = m.volume.bind(prop);
      if (writable && (bound.medium === 'disk' || bound.medium === 'memory' || bound.medium === 'persistent')) {
        writablePaths.push({ path: m.path, medium: bound.medium, sizeLimit: bound.sizeLimit ?? '1Gi' });
      }
    });
    return { mounts, writablePaths };
  }

  /** Init containers or sidecars, hardened like the app container, with their own mounts. */
  private extraContainers(list: ContainerProps[] | undefined, kind: 'initContainers' | 'sidecars' | 'app.initContainers'): k8s.Container[] {
    return (list ?? []).map((c, i) => {
      const prop = `${kind}[${i}]`;
      const resolved = resolveExtraContainer(c, prop, this.ctx, this.issues);
      if (this.containerNames.has(c?.name))
        this.issues.push({
          prop: `${prop}.name`,
          rule: "must be unique in the pod ('app' is the application container)",
          received: c?.name,
          fix: 'Give every container its own name.',
        });
      this.containerNames.add(c?.name);
      if (kind === 'initContainers' && c?.ports !== undefined)
        this.issues.push({
          prop: `${prop}.ports`,
          rule: 'belong to sidecars: an init container exits before the app starts, so nothing could reach them',
          received: c.ports,
          fix: 'Move the container to sidecars, or remove its ports.',
        });
      for (const use of ['liveness', 'readiness', 'startup'] as const)
        if (kind === 'initContainers' && c?.[use] !== undefined)
          this.issues.push({
            prop: `${prop}.${use}`,
            rule: 'belongs to sidecars: an init container runs to completion, and Kubernetes refuses probes on it',
            received: use,
            fix: 'Move the container to sidecars, or remove the check.',
          });
      const taken = new Map([['/tmp', BUILT_IN_TMP]]);
      resolved.mounts.forEach((m, j) => {
        this.checkPath(m, `${prop}.mounts[${j}]`, taken);
        this.addVolume(m, `${prop}.mounts[${j}]`);
      });
      return resolved.container;
    });
  }

  /** Adds the volume of a mount to the pod (creating its claim); returns whether the mount is writable. */
  private addVolume(m: Mount, prop: string): boolean {
    if (!m || typeof m !== 'object' || !(m.volume instanceof Volume)) {
      this.issues.push({
        prop,
        rule: 'must be { path, volume } with a Volume',
        received: m,
        fix: "Pass e.g. { path: '/data', volume: Volume.newClaim('media', { storage: '10Gi' }) }.",
      });
      return false;
    }
    const bound = m.volume.bind(`${prop}.volume`);
    this.issues.push(...bound.issues);
    const name = bound.volume.name;
    if (this.reservedVolumes.includes(name)) {
      this.issues.push({
        prop: `${prop}.volume`,
        rule: `must not use the name '${name}', which the pod already has`,
        received: m.volume.key,
        fix: 'Give the volume another name.',
      });
    }
    const existing = this.volumes.get(name);
    if (existing && JSON.stringify(existing) !== JSON.stringify(bound.volume)) {
      this.issues.push({
        prop: `${prop}.volume`,
        rule: `must not share the name '${name}' with a different volume`,
        received: m.volume.key,
        fix: 'Give each volume its own name.',
      });
    }
    if (bound.perReplica && !this.input.perReplicaClaims) {
      this.issues.push({
        prop: `${prop}.volume`,
        rule: "is a claim per replica, which only a PythonStatefulSet's pods get (its volumeClaimTemplates)",
        received: m.volume.key,
        fix: prop.startsWith('app.')
          ? "Keep the workload from taking over the app's mounts (inherit: { mounts: false }), or run it as a PythonStatefulSet."
          : 'Run the process as a PythonStatefulSet, or use Volume.newClaim for one claim the pods share.',
      });
    }
    // A StatefulSet's controller adds the volumes of its claim templates to each pod.
    if (!bound.perReplica) this.volumes.set(name, bound.volume);
    m.volume.createClaim(this.input.scope, this.input.labels, this.input.sharedStorageClass);
    return bound.writable && m.readOnly !== true;
  }

  /** Checks the path (and subPath) of a mount; `taken` holds the paths the container already mounts, and by what. */
  private checkPath(m: Mount, prop: string, taken: Map<string, string>): void {
    if (typeof m?.path !== 'string' || !/^\/[A-Za-z0-9._\-/]*$/.test(m.path) || m.path.split('/').includes('..')) {
      this.issues.push({
        prop: `${prop}.path`,
        rule: "must be an absolute path of letters, digits, '.', '_', '-' and '/'",
        received: m?.path,
        fix: "Use e.g. '/app/media'.",
      });
      return;
    }
    const normal = m.path.replace(/\/+$/, '') || '/';
    if (normal === '/')
      this.issues.push({
        prop: `${prop}.path`,
        rule: 'must not be the root folder',
        received: m.path,
        fix: "Mount under a folder of its own, e.g. '/data'.",
      });
    const owner = taken.get(normal);
    if (owner !== undefined) {
      this.issues.push({
        prop: `${prop}.path`,
        rule: `must not be a path the container already mounts (${owner} is mounted there; one mount would hide the other)`,
        received: m.path,
        fix:
          owner === BUILT_IN_TMP
            ? "Set tmpSize (e.g. '2Gi') to resize the built-in /tmp, or mount this volume under another path."
            : 'Mount each volume at its own path, or one key with subPath.',
      });
    }
    taken.set(normal, prop);
    if (
      m.subPath !== undefined &&
      (typeof m.subPath !== 'string' || m.subPath === '' || m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))
    ) {
      this.issues.push({
        prop: `${prop}.subPath`,
        rule: 'must be a relative path inside the volume',
        received: m.subPath,
        fix: "Use the key or file name, e.g. 'settings.py'.",
      });
    }
  }

  /** The pod annotations, each key checked. */
  private annotations(map: { readonly [key: string]: string }): Record<string, string> {
    const annotations: Record<string, string> = {};
    for (const [key, value] of Object.entries(map)) {
      if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key) || key.split('/').pop()!.length > 63) {
        this.issues.push({
          prop: `podAnnotations.${key}`,
          rule: "must be an annotation key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
          received: key,
          fix: "Use e.g. 'sidecar.istio.io/inject'.",
        });
      }
      if (typeof value !== 'string')
        this.issues.push({ prop: `podAnnotations.${key}`, rule: 'must be a string', received: value, fix: "Quote it, e.g. 'true'." });
      annotations[key] = value;
    }
    return annotations;
  }
}
