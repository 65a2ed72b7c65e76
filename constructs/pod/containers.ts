import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { DNS1123_LABEL, imagePinProblem } from '../core/names';
import { ResourceSpec, ResourcesProps, renderResources, resolveResources } from './resources';
import { Mount, volumeName } from './volumes';
import { PortProps, containerPortsOf } from './ports';
import { defaultPullPolicy } from './process';
import { PropIssue } from '../core/validation';
import { RunAs, checkedRunAs } from './template';
import { EnvSources, orderEnv } from './env-references';
import { ContainerCheck } from './container-check';

/** Context key of the cluster's Kubernetes version (`'1.29'`); the app kit's targets set it. */
export const KUBERNETES_VERSION_CONTEXT = 'pyservice:kubernetesVersion';

/** The version every output is valid for unless a target says otherwise. */
const DEFAULT_KUBERNETES_VERSION = '1.28';

/** The Kubernetes minor version the manifests are for, from the construct context (`pyservice:kubernetesVersion`). */
export function kubernetesMinor(scope: Construct): number {
  const value = scope.node.tryGetContext(KUBERNETES_VERSION_CONTEXT) ?? DEFAULT_KUBERNETES_VERSION;
  const m = /^v?1\.(\d+)$/.exec(String(value));
  return m ? Number(m[1]) : 28;
}

/** A pod field a container reads as an env var, through the downward API. */
export enum PodField {
  /** The pod's IP address (`status.podIP`), e.g. for Django's ALLOWED_HOSTS. */
  POD_IP = 'status.podIP',
  /** The pod's name (`metadata.name`). */
  POD_NAME = 'metadata.name',
  /** The pod's namespace (`metadata.namespace`). */
  NAMESPACE = 'metadata.namespace',
  /** The node's name (`spec.nodeName`). */
  NODE_NAME = 'spec.nodeName',
  /** The node's IP address (`status.hostIP`), e.g. for a StatsD or tracing agent on the node. */
  NODE_IP = 'status.hostIP',
  /** The pod's ServiceAccount (`spec.serviceAccountName`). */
  SERVICE_ACCOUNT = 'spec.serviceAccountName',
}

/** A whole ConfigMap or Secret read as env vars. */
export class EnvFrom {
  /** Every key of a ConfigMap as an env var. */
  public static configMap(name: string, options: { readonly prefix?: string; readonly optional?: boolean } = {}): EnvFrom {
    return new EnvFrom({ configMapRef: { name, optional: options.optional }, prefix: options.prefix }, name);
  }

  /** Every key of an existing Secret as an env var (its values never appear in a manifest). */
  public static secret(name: string, options: { readonly prefix?: string; readonly optional?: boolean } = {}): EnvFrom {
    return new EnvFrom({ secretRef: { name, optional: options.optional }, prefix: options.prefix }, name);
  }

  private constructor(
    /** The pod's envFrom entry. */
    public readonly source: k8s.EnvFromSource,
    /** Name of the ConfigMap or Secret. */
    public readonly objectName: string,
  ) {}
}

/** An extra container of a pod: an init container that runs before the app, or a sidecar beside it. */
export interface ContainerProps {
  /** Name of the container (a DNS label, unique in the pod). */
  readonly name: string;
  /**
   * Image, pinned by tag or digest.
   * @default - the workload's image
   */
  readonly image?: string;
  /**
   * The argv that replaces the image's ENTRYPOINT.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments to the command (or to the image's ENTRYPOINT when `command` is not set).
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * Literal env vars (not secrets).
   * @default - none
   */
  readonly env?: { readonly [name: string]: string };
  /**
   * CPU and memory; limits equal the requests unless set.
   * @default - 50m CPU and 64Mi memory
   */
  readonly resources?: ResourcesProps;
  /**
   * Volumes to mount; they join the pod's volumes.
   * @default - none
   */
  readonly mounts?: Mount[];
  /**
   * The container runs Python: it gets `PYTHONUNBUFFERED` and `PYTHONDONTWRITEBYTECODE`.
   * @default - true when it runs the workload's image
   */
  readonly python?: boolean;
  /**
   * It also gets the workload's config, env and secrets (env vars and files).
   * @default - true when it runs the workload's image
   */
  readonly appEnv?: boolean;
  /**
   * Ports a sidecar listens on (an exporter, a proxy): each gets its Service port
   * and NetworkPolicy rule like the workload's own `ports`. Not on init containers.
   * @default - none
   */
  readonly ports?: PortProps[];
  /**
   * Liveness check of a sidecar: the kubelet restarts the sidecar when it fails
   * (git-sync: `ContainerCheck.http('/', 1234)` with `GITSYNC_HTTP_BIND=:1234`).
   * Not on init containers, which run to completion.
   * @default - none: the sidecar is restarted only when its process exits
   */
  readonly liveness?: ContainerCheck;
  /**
   * Readiness check of a sidecar: while it fails the pod is not ready, so its
   * Services send it nothing (a proxy in front of the app). Not on init containers.
   * @default - none: the sidecar counts as ready once it runs
   */
  readonly readiness?: ContainerCheck;
  /**
   * Startup check of a sidecar: its liveness and readiness checks begin once it
   * passes (allowed two minutes). Not on init containers.
   * @default - none
   */
  readonly startup?: ContainerCheck;
  /**
   * UID the container runs as, when its image expects its own user (git-sync runs as 65533).
   * Never 0. The pod's fsGroup (the workload's group) stays a supplemental group of the
   * container, so files on the pod's volumes remain shared through that group.
   * @default - the workload's user (`runAsUser`)
   */
  readonly runAsUser?: number;
  /**
   * GID the container runs as.
   * @default - runAsUser when it is set, else the workload's group
   */
  readonly runAsGroup?: number;
}

/** A resolved extra container, before it is put into a pod. */
export interface ExtraContainer {
  readonly container: k8s.Container;
  /** Mounts that reference pod volumes, by their volume's key. */
  readonly mounts: readonly Mount[];
  readonly resources: ResourceSpec;
}

/** Defaults of extra containers: small, since they do little. */
const EXTRA_RESOURCES: ResourcesProps = { cpu: '50m', memory: '64Mi', ephemeralStorage: '64Mi' };

/** What an extra container inherits from its workload. */
export interface ExtraContainerContext {
  readonly image: string;
  readonly pythonEnv: k8s.EnvVar[];
  readonly appEnv: k8s.EnvVar[];
  readonly appEnvFrom: k8s.EnvFromSource[];
  readonly appMounts: k8s.VolumeMount[];
  readonly securityContext: k8s.SecurityContext;
  /** The user the pod's containers run as unless one sets its own. */
  readonly runAs: RunAs;
  /** What the app's env sources define, for the order of dependent env vars. */
  readonly appEnvSources: Omit<EnvSources, 'propOf'>;
  /** Pull policy of the workload's image (containers of other images follow their own pin). */
  readonly imagePullPolicy?: string;
  /** /tmp for every container: a read-only root with nowhere to write breaks most programs. */
  readonly tmpMount: k8s.VolumeMount;
}

/** Resolves and checks one extra container; `prop` names it in messages (`initContainers[0]`). */
export function resolveExtraContainer(
  props: ContainerProps,
  prop: string,
  ctx: ExtraContainerContext,
  issues: PropIssue[],
): ExtraContainer {
  if (typeof props?.name !== 'string' || !DNS1123_LABEL.test(props.name) || props.name.length > 63) {
    issues.push({
      prop: `${prop}.name`,
      rule: "must be a DNS-1123 label (lowercase letters, digits and '-')",
      received: props?.name,
      fix: "Use e.g. 'wait-for-db'.",
    });
  }
  if (props.image !== undefined) {
    const pin = imagePinProblem(props.image);
    if (pin) issues.push({ prop: `${prop}.image`, rule: pin.rule, received: props.image, fix: pin.fix });
  }
  for (const [key, value] of [
    ['command', props.command],
    ['args', props.args],
  ] as const) {
    if (value !== undefined && (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string'))) {
      issues.push({
        prop: `${prop}.${key}`,
        rule: 'must be a non-empty list of strings',
        received: value,
        fix: "Pass an argv, e.g. ['python', '-m', 'app.wait'].",
      });
    }
  }
  const sameImage = props.image === undefined || props.image === ctx.image;
  const python = props.python ?? sameImage;
  const withAppEnv = props.appEnv ?? sameImage;
  const requested = resolveResources(props.resources ?? EXTRA_RESOURCES);
  issues.push(...requested.issues.map((i) => ({ ...i, prop: `${prop}.${i.prop}` })));
  const literal = Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value }));
  const env = orderEnv(
    [...(python ? ctx.pythonEnv : []), ...literal, ...(withAppEnv ? ctx.appEnv : [])],
    {
      ...(withAppEnv ? ctx.appEnvSources : { known: [], opaque: false }),
      propOf: (name) => (props.env?.[name] !== undefined ? `${prop}.env.${name}` : undefined),
    },
    issues,
  );
  const names = env.map((e) => e.name);
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (duplicates.length > 0) {
    issues.push({
      prop: `${prop}.env`,
      rule: 'must not redefine env vars the container already gets',
      received: duplicates,
      fix: 'Rename them, or set appEnv: false.',
    });
  }
  const mounts = props.mounts ?? [];
  return {
    container: {
      name: props.name,
      image: props.image ?? ctx.image,
      imagePullPolicy: sameImage && ctx.imagePullPolicy ? ctx.imagePullPolicy : defaultPullPolicy(props.image ?? ctx.image),
      command: props.command,
      args: props.args,
      ports: props.ports !== undefined ? containerPortsOf(props.ports) : undefined,
      env: env.length > 0 ? env : undefined,
      envFrom: withAppEnv && ctx.appEnvFrom.length > 0 ? ctx.appEnvFrom : undefined,
      resources: renderResources(requested.spec),
      ...checks(props, prop, issues),
      securityContext: ownUser(props, prop, ctx, issues),
      volumeMounts: [ctx.tmpMount, ...(withAppEnv ? ctx.appMounts : []), ...mounts.map((m) => mountOf(m, m.volume.bind(prop).writable))],
    },
    mounts,
    resources: requested.spec,
  };
}

/** The probes of an extra container's checks (a sidecar's; init containers refuse them in the extras). */
function checks(
  props: ContainerProps,
  prop: string,
  issues: PropIssue[],
): Pick<k8s.Container, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> {
  const probe = (use: 'liveness' | 'readiness' | 'startup'): k8s.Probe | undefined => {
    const check = props[use];
    if (check === undefined) return undefined;
    if (check instanceof ContainerCheck) return check.toProbe(use, `${prop}.${use}`, issues);
    issues.push({
      prop: `${prop}.${use}`,
      rule: 'must be a ContainerCheck',
      received: check,
      fix: "Use ContainerCheck.http('/healthz', 8080), ContainerCheck.tcp(8080) or ContainerCheck.command([...]).",
    });
    return undefined;
  };
  return { livenessProbe: probe('liveness'), readinessProbe: probe('readiness'), startupProbe: probe('startup') };
}

/** The security context of an extra container: the pod's, with its own user and group when it sets them. */
function ownUser(props: ContainerProps, prop: string, ctx: ExtraContainerContext, issues: PropIssue[]): k8s.SecurityContext {
  if (props.runAsUser === undefined && props.runAsGroup === undefined) return ctx.securityContext;
  const user = props.runAsUser ?? ctx.runAs.user;
  const group = props.runAsGroup ?? (props.runAsUser !== undefined ? props.runAsUser : ctx.runAs.group);
  const runAs = checkedRunAs(user, group, `${prop}.`, issues);
  return { ...ctx.securityContext, runAsUser: runAs.user, runAsGroup: runAs.group };
}

/** The container's mount entry of a {@link Mount} of a volume that is `writable` or not. */
export function mountOf(m: Mount, writable: boolean): k8s.VolumeMount {
  const readOnly = m.readOnly ?? !writable;
  return { name: volumeName(m.volume.key), mountPath: m.path, subPath: m.subPath, readOnly: readOnly ? true : undefined };
}
