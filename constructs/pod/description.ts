import { ResourceSpec } from './resources';
import { DEFAULT_TMP_SIZE, StopSignal } from './process';
import { ServerScratchDir } from './server';

/**
 * The container of a workload as the image must match it: what a Dockerfile or
 * a compose file generated from the same description has to agree with.
 */
export interface ContainerDescription {
  /** Workload name. */
  readonly name: string;
  /** Image reference. */
  readonly image: string;
  /** The exact argv the container runs; empty when it runs the image's own ENTRYPOINT and CMD. */
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
  /**
   * The image has `python3` (the compose healthcheck and the library's helpers use it).
   * @default - the value of `python`
   */
  readonly hasPython3?: boolean;
  /**
   * HOME of the container, when the workload sets one (the Dockerfile's user gets it).
   * @default - the image's
   */
  readonly home?: string;
  /**
   * The signal that stops the process, when it is not SIGTERM (the Dockerfile's `STOPSIGNAL`).
   * @default StopSignal.SIGTERM
   */
  readonly stopSignal?: StopSignal;
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
  /**
   * Ports the container declares beside its serving and metrics ports (`ports`); compose publishes them.
   * @default - none
   */
  readonly ports?: PortDescription[];
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
  /**
   * Files mounted read-only into the container: the content of those written in
   * the description, only the path of secret ones.
   * @default - none
   */
  readonly files?: { readonly path: string; readonly content?: string }[];
  /** The only writable paths on the read-only root filesystem. */
  readonly writablePaths: WritablePath[];
  /** Resources after the profile's rules. */
  readonly resources: ResourceSpec;
  /** Seconds the server takes to drain after SIGTERM. */
  readonly gracefulTimeoutSeconds: number;
}

/** A port a container declares beside its serving and metrics ports. */
export interface PortDescription {
  readonly name: string;
  readonly port: number;
  /** `TCP` or `UDP`. */
  readonly protocol: string;
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

/** The writable paths of a container: /tmp plus the server's memory-backed scratch dirs. */
export function writablePaths(scratchDirs: ServerScratchDir[], tmpSize = DEFAULT_TMP_SIZE): ContainerDescription['writablePaths'] {
  return [
    { path: '/tmp', medium: 'disk', sizeLimit: tmpSize },
    ...scratchDirs.map((d) => ({ path: d.path, medium: 'memory' as const, sizeLimit: d.sizeLimit })),
  ];
}
