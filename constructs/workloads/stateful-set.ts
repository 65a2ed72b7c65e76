import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { releaseIndependentLabels, selectorLabels } from '../core/labels';
import { nameIssue } from '../core/names';
import { checkedProps } from '../core/props';
import { ContainerDescription } from '../pod/description';
import { podStartSeconds } from '../pod/rollout';
import { WorkerCommandConfig } from '../pod/worker-command';
import { ResolvedScaling, resolveScaling } from '../scaling/scaling';
import { portIngress } from '../traffic/network-policy';
import { AppPod } from './app-pod';
import { PythonProcess } from './process';
import { AppRuntime } from './runtime';
import { SHAPES } from './shapes.generated';
import { ClaimRetention, PodManagementPolicy, PythonStatefulSetProps, StatefulSetUpdate } from './stateful-set-props';

export * from './stateful-set-props';

/** Kubernetes minor version from which `persistentVolumeClaimRetentionPolicy` is on by default (beta; stable in 1.32, KEP-1847). */
const CLAIM_RETENTION_MINOR = 27;

/** The liveness and readiness of a set's pods. */
interface Probes {
  readonly liveness?: k8s.Probe;
  readonly readiness?: k8s.Probe;
}

/**
 * A process whose replicas each keep their own disk and name: a StatefulSet
 * with `volumeClaimTemplates` (the per-replica claims among its mounts,
 * `Volume.perReplicaClaim`), a headless Service that gives each pod its DNS
 * name (`<name>-0.<name>`) and carries its declared ports, a
 * PodDisruptionBudget, and the hardening, identity, settings, NetworkPolicy
 * and migration waits of every other workload. With `app`, it shares its web
 * service's image, settings, secrets and identity (a worker keeping task
 * logs); without, it is its own application (a cache or broker for a small
 * environment).
 */
export class PythonStatefulSet extends PythonProcess {
  /** Name of the set's objects, and the prefix of its pods' names. */
  public readonly name: string;
  /** Worker processes, when derived. */
  public readonly concurrency?: number;
  /** terminationGracePeriodSeconds of the pods. */
  public readonly terminationGracePeriodSeconds: number;
  /** The container as the image must match it (for the compose generator). */
  public readonly container: ContainerDescription;
  /** What the set shares with its app, or its own runtime when standalone. */
  public readonly runtime: AppRuntime;
  /** The StatefulSet. */
  public readonly statefulSet: ApiObject;
  /** The headless Service (`clusterIP: None`) behind the pods' names and declared ports. */
  public readonly service: ApiObject;
  /** The PodDisruptionBudget, when more than one replica runs. */
  public readonly disruptionBudget?: ApiObject;
  /** The NetworkPolicy (egress only, unless metrics are scraped or ports declared). */
  public readonly networkPolicy: ApiObject;

  public constructor(scope: Construct, id: string, props: PythonStatefulSetProps) {
    super(scope, id);
    props = checkedProps(props, SHAPES.PythonStatefulSetProps, 'PythonStatefulSet', this.issues);
    this.name = this.checkName(props.name ?? id, props);
    this.runtime = this.resolveRuntime(props);
    const cloud = this.processCloud(props);
    const cmd = this.bindCommand(props, cloud);
    this.concurrency = cmd.concurrency;
    const probes = this.probes(props, cmd);
    this.terminationGracePeriodSeconds = this.resolveGrace(props);
    // A fixed count, one by default: each replica is a disk of its own.
    const scaling = resolveScaling(props.replicas ?? 1, undefined, this.issues);
    const monitor = { name: this.name, labels: this.labels(), selector: selectorLabels(this.name) };
    const metrics = this.processMetrics(props.metrics, monitor, cmd);
    const pod = this.processPod(props, {
      ...{ cloud, cmd, ...probes, metrics, terminationGracePeriodSeconds: this.terminationGracePeriodSeconds },
      spread: scaling.maxReplicas > 1,
      perReplicaClaims: true,
    });
    this.container = pod.container;
    this.service = this.portsService(pod, true)!;
    this.statefulSet = this.renderStatefulSet(props, pod, scaling, probes.readiness);
    this.disruptionBudget = this.disruptionBudgetFor(pod, scaling);
    this.networkPolicy = this.egressOnlyPolicy(pod, [...(metrics ? [metrics.ingress] : []), ...portIngress(pod.ports)]);
  }

  /**
   * The name: a DNS label of at most 52 characters, which leaves room for the
   * revision hash the controller appends in each pod's `controller-revision-hash`
   * label (a label value of at most 63), and starts with a letter (it names the
   * Service). A standalone set's runtime checks the label itself.
   */
  private checkName(name: string, props: PythonStatefulSetProps): string {
    const bad = this.ownsRuntime(props) ? undefined : nameIssue(name);
    if (bad) this.issues.add(bad);
    this.issues.check(!/^[0-9]/.test(name), {
      prop: 'name',
      rule: 'must start with a letter: it also names the headless Service, whose name is an RFC 1035 label',
      received: name,
      fix: `Use e.g. 'set-${name}' (or set 'name' when the construct id starts with a digit).`,
    });
    return name;
  }

  /**
   * Liveness: the command's own check or the one given; else a TCP connection
   * to the first declared TCP port. Readiness: the one given, else that TCP
   * check; none without a TCP port (no probe can check UDP).
   */
  private probes(props: PythonStatefulSetProps, cmd: WorkerCommandConfig): Probes {
    const connect = this.tcpConnect(props.ports, false);
    const own = props.liveness ?? cmd.defaultLiveness;
    const liveness = own || !connect ? this.resolveLiveness(own)?.toProbe() : { ...connect, periodSeconds: 10, failureThreshold: 6 };
    const readiness = props.readiness?.toReadinessProbe() ?? (connect && { ...connect, periodSeconds: 10, failureThreshold: 3 });
    return { liveness, readiness };
  }

  private renderStatefulSet(props: PythonStatefulSetProps, pod: AppPod, scaling: ResolvedScaling, readiness?: k8s.Probe): ApiObject {
    const shared = this.runtime.profile.sharedFileStorage?.().storageClassName;
    // The templates cannot change once the set exists: no label that moves with the release.
    const labels = releaseIndependentLabels(pod.labels);
    const templates = pod.perReplicaClaims.flatMap((v) => v.claimTemplate(labels, shared) ?? []);
    const spec: k8s.StatefulSetSpec = {
      serviceName: this.name,
      replicas: scaling.fixedReplicas,
      selector: { matchLabels: pod.selector },
      podManagementPolicy: this.choice('podManagementPolicy', props.podManagementPolicy, PodManagementPolicy, PodManagementPolicy.PARALLEL),
      updateStrategy: { type: this.choice('updateStrategy', props.updateStrategy, StatefulSetUpdate, StatefulSetUpdate.ROLLING_UPDATE) },
      revisionHistoryLimit: 5,
      persistentVolumeClaimRetentionPolicy: this.retention(props, pod),
      template: pod.template,
      volumeClaimTemplates: templates.length > 0 ? templates : undefined,
    };
    this.podScale = { replicas: scaling.maxReplicas, surges: false };
    // One pod at a time, highest ordinal first: the old pod stops (its grace period), then the new one starts and gets ready.
    const startSeconds = podStartSeconds(undefined, readiness) + this.terminationGracePeriodSeconds;
    return this.podController(
      k8s.KubeStatefulSet,
      'StatefulSet',
      { metadata: { name: this.name, labels: pod.labels }, spec },
      {
        podSpecPath: ['spec', 'template', 'spec'],
        rollout: { startSeconds, rounds: Math.max(1, scaling.maxReplicas), leadSeconds: 0 },
        reloadOnSecretChange: this.runtime.reloadOnSecretChange,
      },
    );
  }

  /** `persistentVolumeClaimRetentionPolicy`, when `claimRetention` is set and the cluster has it on. */
  private retention(props: PythonStatefulSetProps, pod: AppPod): k8s.StatefulSetPersistentVolumeClaimRetentionPolicy | undefined {
    const r = props.claimRetention;
    if (r === undefined) return undefined;
    const minor = pod.setup.extras.kubernetesMinor;
    this.issues.check(minor >= CLAIM_RETENTION_MINOR, {
      prop: 'claimRetention',
      rule: `needs Kubernetes 1.${CLAIM_RETENTION_MINOR} or later (persistentVolumeClaimRetentionPolicy: beta and on by default from 1.27, stable in 1.32); an older API server drops it and keeps every claim`,
      received: `Kubernetes 1.${minor}`,
      fix: "Set the target's kubernetesVersion to '1.27' or later, or remove claimRetention (the claims then stay) and delete them yourself.",
    });
    return {
      whenDeleted: this.choice('claimRetention.whenDeleted', r.whenDeleted, ClaimRetention, ClaimRetention.RETAIN),
      whenScaled: this.choice('claimRetention.whenScaled', r.whenScaled, ClaimRetention, ClaimRetention.RETAIN),
    };
  }

  /** An enum prop, checked; its default when unset. */
  private choice<E extends string>(prop: string, value: E | undefined, values: Record<string, E>, fallback: E): E {
    const v = value ?? fallback;
    this.issues.check(Object.values(values).includes(v), {
      prop,
      rule: `must be one of ${Object.values(values).join(', ')}`,
      received: value,
      fix: `Use one of the enum's values, e.g. ${fallback}.`,
    });
    return v;
  }
}
