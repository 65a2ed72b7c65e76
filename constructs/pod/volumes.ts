import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { kubeObject } from '../core/objects';
import { Construct } from 'constructs';
import { parseMemory } from '../core/quantity';
import { DNS1123_LABEL, dnsSubdomainProblem } from '../core/names';
import { PropIssue } from '../core/validation';

/** How a PersistentVolumeClaim may be mounted. */
export enum AccessMode {
  /** One node mounts it read-write (block storage: EBS, Persistent Disk, Azure Disk). A second replica on another node cannot start. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Many nodes mount it read-write (EFS, Filestore, Azure Files). */
  READ_WRITE_MANY = 'ReadWriteMany',
  /** Many nodes mount it read-only. */
  READ_ONLY_MANY = 'ReadOnlyMany',
}

/** Options of {@link Volume.emptyDir}. */
export interface EmptyDirOptions {
  /**
   * Largest size before the kubelet evicts the pod.
   * @default '256Mi'
   */
  readonly sizeLimit?: string;
  /**
   * Back it with memory (tmpfs); counts against the container's memory limit.
   * @default false
   */
  readonly memory?: boolean;
}

/** Options of {@link Volume.configMap} and {@link Volume.secret}. */
export interface KeyedVolumeOptions {
  /**
   * Only these keys, each to the file name given (`{ 'settings.py': 'settings.py' }`).
   * @default - every key, each as a file named after it
   */
  readonly items?: { readonly [key: string]: string };
  /**
   * The object may be missing; the mount is then empty.
   * @default false
   */
  readonly optional?: boolean;
}

/** Options of {@link Volume.newClaim}. */
export interface NewClaimOptions {
  /** Size to request, e.g. `'10Gi'`. */
  readonly storage: string;
  /**
   * StorageClass to provision from.
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: string;
  /**
   * Access mode.
   * @default AccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: AccessMode;
}

/** Options of {@link Volume.persistentClaim}. */
export interface PersistentClaimOptions {
  /**
   * Mount it read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * The claim's access mode, as it was created: tells the synth whether every
   * workload and replica that mounts it can start (a ReadWriteOnce disk attaches to one node).
   * @default - unknown: a warning where a ReadWriteOnce claim would hang a rollout
   */
  readonly accessMode?: AccessMode;
}

/** What a volume contributes to a pod, for the workload that mounts it. */
export interface VolumeConfig {
  /** The pod's volume entry. */
  readonly volume: k8s.Volume;
  /** Whether containers may write to it (emptyDir, PersistentVolumeClaim). */
  readonly writable: boolean;
  /** What the path holds, for the container files: a scratch dir, memory, or persistent data. */
  readonly medium: 'disk' | 'memory' | 'persistent' | 'files';
  /** Size, when known (emptyDir limit, claim request). */
  readonly sizeLimit?: string;
  /** A claim per replica: the StatefulSet's `volumeClaimTemplates` adds it to each pod, not the pod template. */
  readonly perReplica?: boolean;
  readonly issues: PropIssue[];
}

/**
 * A volume a container can mount: scratch space, a ConfigMap or Secret as
 * files, or a PersistentVolumeClaim (an existing one, or one this workload
 * creates). Mount it with `mounts: [{ path, volume }]`; a volume mounted by
 * several containers or at several paths is one entry in the pod.
 */
export class Volume {
  /** A scratch folder that lives as long as the pod. */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): Volume {
    return new Volume(name, 'emptyDir', (prop) => {
      const issues: PropIssue[] = [];
      const sizeLimit = options.sizeLimit ?? '256Mi';
      const parsed = parseMemory(sizeLimit);
      if ('error' in parsed) {
        issues.push({
          prop: `${prop}.sizeLimit`,
          rule: parsed.error,
          received: options.sizeLimit,
          fix: "Use e.g. '256Mi' or '1Gi'.",
        });
      }
      return {
        volume: {
          name: volumeName(name),
          emptyDir: { medium: options.memory ? 'Memory' : undefined, sizeLimit: k8s.Quantity.fromString(sizeLimit) },
        },
        writable: true,
        medium: options.memory ? 'memory' : 'disk',
        sizeLimit,
        issues,
      };
    });
  }

  /** The keys of a ConfigMap as read-only files (settings files, nginx.conf). */
  public static configMap(configMapName: string, options: KeyedVolumeOptions = {}): Volume {
    return new Volume(`cm-${configMapName}`, 'configMap', (prop) => ({
      volume: {
        name: volumeName(`cm-${configMapName}`),
        configMap: { name: configMapName, items: keyItems(options.items), optional: options.optional, defaultMode: 0o444 },
      },
      writable: false,
      medium: 'files',
      issues: objectNameIssues(`${prop}.configMap`, configMapName),
    }));
  }

  /** The keys of an existing Secret as read-only files (a TLS key, a credentials file). */
  public static secret(secretName: string, options: KeyedVolumeOptions = {}): Volume {
    return new Volume(`secret-${secretName}`, 'secret', (prop) => ({
      // 0440: readable by the pod's group (fsGroup) and user only.
      volume: {
        name: volumeName(`secret-${secretName}`),
        secret: { secretName, items: keyItems(options.items), optional: options.optional, defaultMode: 0o440 },
      },
      writable: false,
      medium: 'files',
      issues: objectNameIssues(`${prop}.secret`, secretName),
    }));
  }

  /**
   * A PersistentVolumeClaim that exists in the namespace. Name its `accessMode`
   * so the synth can tell whether the workloads that mount it can all start; a
   * claim of unknown mode that could be ReadWriteOnce gets a warning where one
   * would not.
   */
  public static persistentClaim(claimName: string, options: PersistentClaimOptions = {}): Volume {
    return new Volume(
      `pvc-${claimName}`,
      'claim',
      (prop) => ({
        volume: { name: volumeName(`pvc-${claimName}`), persistentVolumeClaim: { claimName, readOnly: options?.readOnly } },
        writable: !options?.readOnly,
        medium: 'persistent',
        issues: [...objectNameIssues(`${prop}.persistentClaim`, claimName), ...accessModeIssues(prop, options?.accessMode)],
      }),
      { storage: '', accessMode: options?.accessMode },
    );
  }

  /**
   * A PersistentVolumeClaim created with the workload that mounts it first
   * (media uploads, a SQLite file). Its name is `claimName`; deleting the
   * workload's manifests deletes the claim, so keep `prune` in mind.
   */
  public static newClaim(claimName: string, options: NewClaimOptions): Volume {
    return new Volume(
      `pvc-${claimName}`,
      'newClaim',
      (prop) => {
        const issues = [...objectNameIssues(`${prop}.newClaim`, claimName), ...storageIssues(prop, options?.storage)];
        issues.push(...accessModeIssues(prop, options?.accessMode));
        return {
          volume: { name: volumeName(`pvc-${claimName}`), persistentVolumeClaim: { claimName } },
          writable: true,
          medium: 'persistent',
          sizeLimit: options?.storage,
          issues,
        };
      },
      options,
    );
  }

  /**
   * A claim of each replica of a `PythonStatefulSet` (a `volumeClaimTemplates`
   * entry): each pod gets its own, `<name>-<set>-<ordinal>`, which follows it
   * through restarts, rollouts and rescheduling. Only a PythonStatefulSet mounts it.
   */
  public static perReplicaClaim(name: string, options: NewClaimOptions): Volume {
    return new Volume(
      name,
      'replicaClaim',
      (prop) => {
        const issues: PropIssue[] = [];
        if (typeof name !== 'string' || !DNS1123_LABEL.test(name) || name.length > 63) {
          issues.push({
            prop: `${prop}.perReplicaClaim`,
            rule: "must be a DNS-1123 label (at most 63 lowercase letters, digits and '-'): it names the pod's volume too",
            received: name,
            fix: "Use e.g. 'data' or 'logs'.",
          });
        }
        issues.push(...storageIssues(prop, options?.storage), ...accessModeIssues(prop, options?.accessMode));
        return {
          volume: { name: volumeName(name), persistentVolumeClaim: { claimName: name } },
          writable: true,
          medium: 'persistent',
          sizeLimit: options?.storage,
          perReplica: true,
          issues,
        };
      },
      options,
    );
  }

  private claimObject?: ApiObject;

  private constructor(
    /** Identifies the volume within a pod. */
    public readonly key: string,
    /** Which kind of source it is. */
    public readonly kind: 'emptyDir' | 'configMap' | 'secret' | 'claim' | 'newClaim' | 'replicaClaim',
    private readonly binder: (prop: string) => VolumeConfig,
    private readonly claim?: NewClaimOptions,
  ) {}

  /** The volume's pod entry and properties; `prop` names it in messages. */
  public bind(prop: string): VolumeConfig {
    return this.binder(prop);
  }

  /**
   * Creates the claim of {@link Volume.newClaim} under `scope`, once, however
   * many workloads mount it; returns it. Other kinds create nothing.
   * @param sharedStorageClass the class of a claim many nodes mount that names none (the profile's file share class)
   */
  public createClaim(scope: Construct, labels: Record<string, string>, sharedStorageClass?: string): ApiObject | undefined {
    if (this.kind !== 'newClaim' || this.claimObject) return this.claimObject;
    const name = this.key.slice('pvc-'.length);
    this.claimObject = kubeObject(scope, `Claim-${name}`, k8s.KubePersistentVolumeClaim, {
      metadata: { name, labels },
      spec: {
        accessModes: [this.claim?.accessMode ?? AccessMode.READ_WRITE_ONCE],
        storageClassName: this.claim?.storageClass ?? (this.sharedWithoutClass ? sharedStorageClass : undefined),
        resources: { requests: { storage: k8s.Quantity.fromString(this.claim?.storage ?? '1Gi') } },
      },
    });
    return this.claimObject;
  }

  /**
   * For a claim, its name and access mode as far as the library knows it: a new
   * claim's (ReadWriteOnce unless set), an existing one's when `accessMode` names
   * it; undefined for other volumes.
   */
  public get claimInfo(): { readonly name: string; readonly accessMode?: AccessMode } | undefined {
    if (this.kind === 'newClaim')
      return { name: this.key.slice('pvc-'.length), accessMode: this.claim?.accessMode ?? AccessMode.READ_WRITE_ONCE };
    if (this.kind === 'claim') return { name: this.key.slice('pvc-'.length), accessMode: this.claim?.accessMode };
    return undefined;
  }

  /** A new claim many nodes mount (ReadWriteMany, ReadOnlyMany) that names no StorageClass: block storage, the clusters' default, cannot serve it. */
  public get sharedWithoutClass(): boolean {
    const mode = this.claim?.accessMode;
    return (
      (this.kind === 'newClaim' || this.kind === 'replicaClaim') &&
      this.claim?.storageClass === undefined &&
      (mode === AccessMode.READ_WRITE_MANY || mode === AccessMode.READ_ONLY_MANY)
    );
  }

  /** The `volumeClaimTemplates` entry of a {@link Volume.perReplicaClaim}; undefined for other volumes. */
  public claimTemplate(labels: Record<string, string>, sharedStorageClass?: string): k8s.KubePersistentVolumeClaimProps | undefined {
    if (this.kind !== 'replicaClaim') return undefined;
    return {
      metadata: { name: this.key, labels },
      spec: {
        accessModes: [this.claim?.accessMode ?? AccessMode.READ_WRITE_ONCE],
        storageClassName: this.claim?.storageClass ?? (this.sharedWithoutClass ? sharedStorageClass : undefined),
        resources: { requests: { storage: k8s.Quantity.fromString(this.claim?.storage ?? '1Gi') } },
      },
    };
  }

  /** The claim this volume created, when it is a new claim that was created. */
  public get createdClaim(): ApiObject | undefined {
    return this.claimObject;
  }
}

/** A volume mounted into a container. */
export interface Mount {
  /** Absolute path in the container. */
  readonly path: string;
  /** What is mounted. */
  readonly volume: Volume;
  /**
   * One file or folder of the volume instead of all of it, e.g. a ConfigMap key
   * mounted as one file (`path: '/etc/app/settings.py', subPath: 'settings.py'`).
   * A subPath mount does not see later updates of a ConfigMap or Secret.
   * @default - the whole volume
   */
  readonly subPath?: string;
  /**
   * Mount read-only even when the volume is writable.
   * @default - read-only for ConfigMaps and Secrets, writable otherwise
   */
  readonly readOnly?: boolean;
}

/** `name` as a DNS-1123 label a pod accepts as a volume name (truncated with a stable suffix when long). */
export function volumeName(name: string): string {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (clean.length <= 63 && DNS1123_LABEL.test(clean)) return clean;
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `${clean.slice(0, 54).replace(/-+$/, '')}-${hash.toString(16).padStart(8, '0')}`;
}

function keyItems(items: KeyedVolumeOptions['items']): k8s.KeyToPath[] | undefined {
  if (!items) return undefined;
  return Object.entries(items).map(([key, file]) => ({ key, path: file }));
}

function objectNameIssues(prop: string, name: string): PropIssue[] {
  const problem = dnsSubdomainProblem(name);
  return problem ? [{ prop, rule: problem.rule, received: name, fix: 'Use the name of the object in the namespace.' }] : [];
}

function accessModeIssues(prop: string, mode: AccessMode | undefined): PropIssue[] {
  if (mode === undefined || Object.values(AccessMode).includes(mode)) return [];
  return [
    {
      prop: `${prop}.accessMode`,
      rule: `must be one of ${Object.values(AccessMode).join(', ')}`,
      received: mode,
      fix: 'Use AccessMode.READ_WRITE_ONCE for a disk, AccessMode.READ_WRITE_MANY for a file share.',
    },
  ];
}

function storageIssues(prop: string, storage: unknown): PropIssue[] {
  const parsed = typeof storage === 'string' ? parseMemory(storage) : undefined;
  if (parsed !== undefined && !('error' in parsed)) return [];
  const rule =
    parsed && 'error' in parsed && parsed.error === 'must be above zero'
      ? "must be a size above zero, like '10Gi'"
      : "must be a size like '10Gi'";
  return [{ prop: `${prop}.storage`, rule, received: storage, fix: "Request what the data needs, e.g. '10Gi'." }];
}
