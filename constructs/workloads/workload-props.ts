import { AppEnvProps } from '../settings/app-env';
import { PodExtrasProps } from '../pod/extras';
import { NetworkPeer } from '../traffic/exposure';
import { LABEL_VALUE, dnsSubdomainProblem, imagePinProblem, nameIssue } from '../core/names';
import { ICloudProfile, Placement } from '../profiles/profile';
import { neutralIngress, neutralOutput } from '../profiles/shared';
import { ResourcesProps } from '../pod/resources';
import { IssueCollector } from '../core/validation';
import { ApiPermission } from './api-access';
import { ImagePullPolicy, StopSignal } from '../pod/process';

/** How a workload's main container runs: its user, its entrypoint, its runtime. */
export interface ProcessProps {
  /**
   * UID every container runs as. Use the UID the image's own `USER` creates (often
   * 1000) for images you do not build; the generated Dockerfile follows it. Never 0.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * GID every container runs as, and the pod's fsGroup.
   * @default - runAsUser when it is set, else 10001
   */
  readonly runAsGroup?: number;
  /**
   * Keep the image's ENTRYPOINT (tini, an entrypoint script) and pass the command
   * as its arguments (Kubernetes `args`) instead of replacing it.
   * @default false
   */
  readonly keepEntrypoint?: boolean;
  /**
   * The main container runs a Python application: it gets PYTHONUNBUFFERED and
   * PYTHONDONTWRITEBYTECODE. Set false for a Node, Go or other container. Whether
   * the image has a `python3` to run the library's helpers is `hasPython3`.
   * @default true
   */
  readonly python?: boolean;
  /**
   * The image has `python3` on its PATH, so the library's helpers may use it: the
   * preStop delay before Kubernetes 1.30, the migration wait (`waitInPods`), the
   * metrics folder cleaner, the Celery heartbeat. Set true for a non-Python app
   * whose image still has python3, false for a Python app started by a frozen binary.
   * @default - the value of `python`
   */
  readonly hasPython3?: boolean;
  /**
   * HOME of the containers that run the image. Set it for an image that keeps its
   * packages under the user's home (a user-site install in `/home/<user>/.local`)
   * when the pod's UID is not the image's user, or to give tools a writable home
   * (`'/tmp'`: gunicorn 25.1+ puts its control socket under `$HOME/.gunicorn`).
   * The generated Dockerfile gives its user this home.
   * @default - the image's HOME (the home of its user in /etc/passwd)
   */
  readonly home?: string;
  /**
   * When the kubelet pulls the image.
   * @default - ImagePullPolicy.IF_NOT_PRESENT for an image pinned by digest, ImagePullPolicy.ALWAYS for a tag
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * The signal that stops the process (nginx: SIGQUIT, PostgreSQL: SIGINT). The
   * generated Dockerfile carries it as `STOPSIGNAL` and compose as `stop_signal`;
   * containerd and CRI-O send the image's STOPSIGNAL when the kubelet stops the
   * container. For an image built elsewhere, put `STOPSIGNAL` in its Dockerfile (the
   * pod field, `lifecycle.stopSignal`, is alpha in Kubernetes 1.33 and off by default).
   * @default StopSignal.SIGTERM
   */
  readonly stopSignal?: StopSignal;
}

/**
 * What a worker, StatefulSet or job takes over from its application's own pod.
 * A ReadWriteOnce claim of the app is attached to one node at a time: a pod of
 * another workload that mounts it can start only on that node (else it waits,
 * Multi-Attach), so the synth refuses it; use ReadWriteMany for shared data, or
 * opt out here.
 */
export interface InheritProps {
  /**
   * The app's mounts (claims, ConfigMaps and Secrets as files, scratch space), before the workload's own.
   * @default true
   */
  readonly mounts?: boolean;
  /**
   * The app's init containers (wait for a database, prepare a folder), run before the workload's own.
   * @default true
   */
  readonly initContainers?: boolean;
}

/** Props every Python workload has: what runs, where, with which settings and secrets. */
export interface WorkloadProps extends AppEnvProps, PodExtrasProps, ProcessProps {
  /** Container image, pinned by tag or digest, e.g. `ghcr.io/acme/orders-api:1.4.2`. */
  readonly image: string;
  /** The cloud the manifests are for: identity, load balancer wiring, secret store, platform rules. */
  readonly profile: ICloudProfile;
  /**
   * Name of every object of the workload.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * CPU, memory and scratch space.
   * @default - 250m CPU, 512Mi memory, limits equal to requests, 1Gi ephemeral storage
   */
  readonly resources?: ResourcesProps;
  /**
   * Where the pods run (spot capacity, CPU architecture); the profile picks the node labels.
   * @default - anywhere
   */
  readonly placement?: Placement;
  /**
   * Destinations the pods may open connections to (DNS is always allowed).
   * @default - every destination
   */
  readonly allowEgressTo?: NetworkPeer[];
  /**
   * Name of the larger application, for the `app.kubernetes.io/part-of` label.
   * @default - no part-of label
   */
  readonly partOf?: string;
  /**
   * PriorityClass of the pods, so the scheduler knows what to evict first under pressure.
   * The PriorityClass must exist in the cluster.
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * Mount a Kubernetes API token into every container of the pod (the kubelet's
   * automount). Apps that call the API are better served by `permissions`, which
   * give the app container alone a token.
   * @default false
   */
  readonly mountServiceAccountToken?: boolean;
  /**
   * Kubernetes API access of the app's ServiceAccount (a task runner that starts
   * pods and reads their logs): a Role in the namespace (a ClusterRole only for
   * `ApiPermission.clusterWide`) bound to it, and a short-lived token mounted into
   * the app container only (sidecars and init containers get none), at the path
   * Kubernetes client libraries read.
   * @default - no access to the API
   */
  readonly permissions?: ApiPermission[];
}

/** Stands in for a missing profile so the other props can still be checked. */
export const NO_PROFILE: ICloudProfile = {
  cloud: 'none',
  bind: (input) => neutralOutput(input),
  secretBackend: () => ({ issues: [] }),
  ingress: () => neutralIngress(),
  gatewayRoute: () => neutralIngress(),
  kedaIdentity: () => ({ issues: [] }),
  metricsMonitor: () => ({ issues: [], scrapers: [] }),
};

/** Checks the props every workload shares; returns the workload name. */
export function checkWorkloadProps(id: string, props: WorkloadProps, required: Record<string, string>, issues: IssueCollector): string {
  for (const prop of Object.keys(required)) {
    const value = (props as unknown as Record<string, unknown>)[prop];
    // The fix is read only when the prop is missing: some are worked out when asked for (a getter).
    if (value === undefined || value === null) issues.add({ prop, rule: 'is required', received: value, fix: required[prop] });
  }
  const name = props.name ?? id;
  const bad = nameIssue(name);
  if (bad) issues.add(bad);
  if (props.image !== undefined) {
    const pin = imagePinProblem(props.image);
    if (pin) issues.add({ prop: 'image', rule: pin.rule, received: props.image, fix: pin.fix });
  }
  if (props.priorityClassName !== undefined) {
    const problem = dnsSubdomainProblem(props.priorityClassName);
    issues.check(!problem, {
      prop: 'priorityClassName',
      rule: problem?.rule ?? '',
      received: props.priorityClassName,
      fix: 'Use the name of a PriorityClass in the cluster.',
    });
  }
  if (props.partOf !== undefined) {
    issues.check(LABEL_VALUE.test(props.partOf), {
      prop: 'partOf',
      rule: "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      received: props.partOf,
      fix: "Use a short name like 'shop'.",
    });
  }
  if (props.placement?.arch !== undefined) {
    issues.check(['amd64', 'arm64'].includes(props.placement.arch), {
      prop: 'placement.arch',
      rule: "must be 'amd64' or 'arm64'",
      received: props.placement.arch,
      fix: 'Build the image for the architecture you name.',
    });
  }
  return name;
}
