import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { selectorLabels } from '../core/labels';
import { nameIssue } from '../core/names';
import { checkedProps } from '../core/props';
import { ContainerDescription } from '../pod/description';
import { RolloutPace, podStartSeconds, rollingRounds } from '../pod/rollout';
import { WorkerCommandConfig } from '../pod/worker-command';
import { renderQueueScaling, resolveQueueTiming } from '../scaling/keda';
import { PropIssue } from '../core/validation';
import { QueueScaler, scalerEnvIssues } from '../scaling/queue-scaler';
import { ResolvedScaling, cpuAutoscaler, resolveScaling } from '../scaling/scaling';
import { mergeAppEnv } from '../settings/app-env';
import { portIngress } from '../traffic/network-policy';
import { AppPod } from './app-pod';
import { AppRuntime, trustAlso } from './runtime';
import { SHAPES } from './shapes.generated';
import { PythonProcess } from './process';
import { PythonWorkerProps, QueueAutoscalingProps } from './worker-props';

export type { PythonProcessProps, PythonWorkerProps, QueueAutoscalingProps } from './worker-props';

/** Adds a subject a workload's own identity must trust too, once, sorted. */
function trustAlsoOwn(subjects: string[], subject: string): void {
  if (!subjects.includes(subject)) subjects.push(subject);
  subjects.sort();
}

/** The autoscalers of a worker: KEDA's objects, or a HorizontalPodAutoscaler. */
interface Scalers {
  readonly scaledObject?: ApiObject;
  readonly triggerAuthentication?: ApiObject;
  readonly autoscaler?: ApiObject;
}

/**
 * A background worker (Celery, RQ, Dramatiq, arq or a command): no Service, a
 * liveness check that suits a worker, a grace period that lets running tasks
 * finish, a PodDisruptionBudget, and queue-length autoscaling with KEDA (or CPU
 * autoscaling). With `app`, it shares its web service's image, settings,
 * secrets and identity; without, it is its own application (a load generator,
 * a consumer with its own image).
 */
export class PythonWorker extends PythonProcess {
  /** Name of the worker's objects. */
  public readonly name: string;
  /** Worker processes, when derived. */
  public readonly concurrency?: number;
  /** terminationGracePeriodSeconds of the pods. */
  public readonly terminationGracePeriodSeconds: number;
  /** The container as the image must match it (for the compose generator). */
  public readonly container: ContainerDescription;
  /** What the worker shares with its app, or its own runtime when standalone. */
  public readonly runtime: AppRuntime;
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The PodDisruptionBudget, when more than one replica can run. */
  public readonly disruptionBudget?: ApiObject;
  /** The KEDA ScaledObject, with queue autoscaling. */
  public readonly scaledObject?: ApiObject;
  /** The KEDA TriggerAuthentication, when the queue needs a cloud identity. */
  public readonly triggerAuthentication?: ApiObject;
  /** The HorizontalPodAutoscaler, with CPU autoscaling. */
  public readonly autoscaler?: ApiObject;
  /** The NetworkPolicy (egress only, unless metrics are scraped or ports declared). */
  public readonly networkPolicy: ApiObject;
  /** The ClusterIP Service of the exposed declared ports, when there are any. */
  public readonly service?: ApiObject;

  public constructor(scope: Construct, id: string, props: PythonWorkerProps) {
    super(scope, id);
    props = this.checkProps(props);
    this.name = props.name ?? id;
    const bad = nameIssue(this.name);
    if (bad) this.issues.add(bad);
    this.runtime = this.resolveRuntime(props);
    // A worker may run elsewhere than its app (spot capacity for work that can be retried), as its own identity.
    const cloud = this.processCloud(props);
    const cmd = this.bindCommand(props, cloud, props.queueAutoscaling?.queue?.type);
    this.concurrency = cmd.concurrency;
    const liveness = this.resolveLiveness(props.liveness ?? cmd.defaultLiveness);
    const readiness = this.serviceReadiness(props);
    this.terminationGracePeriodSeconds = this.resolveGrace(props);
    const scaling = this.resolveScaling(props);
    const monitor = { name: this.name, labels: this.labels(), selector: selectorLabels(this.name) };
    const metrics = this.processMetrics(props.metrics, monitor, cmd);
    const pod = this.processPod(props, {
      cloud,
      cmd,
      liveness: liveness?.toProbe(),
      readiness,
      terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
      metrics,
      spread: scaling.maxReplicas > 1,
    });
    this.container = pod.container;
    this.deployment = this.deploymentOf(pod, scaling, this.strategy(), { rollout: this.rolloutPace(scaling, readiness) });
    const scalers = this.scalers(props, cmd, pod, scaling);
    this.scaledObject = scalers.scaledObject;
    this.triggerAuthentication = scalers.triggerAuthentication;
    this.autoscaler = scalers.autoscaler;
    this.disruptionBudget = this.disruptionBudgetFor(pod, scaling);
    this.service = this.portsService(pod);
    this.networkPolicy = this.egressOnlyPolicy(pod, [...(metrics ? [metrics.ingress] : []), ...portIngress(pod.ports)]);
  }

  /** The props checked against the worker's shape. */
  protected checkProps(props: PythonWorkerProps): PythonWorkerProps {
    return checkedProps(props, SHAPES.PythonWorkerProps, 'PythonWorker', this.issues);
  }

  /** Replicas or autoscaling: a fixed count, a CPU autoscaler, or KEDA on the queue. */
  protected resolveScaling(props: PythonWorkerProps): ResolvedScaling {
    if (props.queueAutoscaling && props.autoscaling) {
      this.issues.add({
        prop: 'autoscaling',
        rule: 'must not be set together with queueAutoscaling (KEDA creates its own autoscaler)',
        received: props.autoscaling,
        fix: 'Keep one of the two.',
      });
    }
    const q = props.queueAutoscaling;
    if (!q) return resolveScaling(props.replicas, props.autoscaling, this.issues);
    const min = q.minReplicas ?? 1;
    // KEDA scales to and from zero itself (its ScaledObject's minReplicaCount may be 0), unlike a HorizontalPodAutoscaler.
    this.issues.check(Number.isInteger(min) && min >= 0, {
      prop: 'queueAutoscaling.minReplicas',
      rule: 'must be a whole number of at least 0',
      received: min,
      fix: 'Use 0 to stop the worker when the queue is empty, or 1.',
    });
    this.issues.check(Number.isInteger(q.maxReplicas) && q.maxReplicas >= Math.max(1, min) && q.maxReplicas <= 1000, {
      prop: 'queueAutoscaling.maxReplicas',
      rule: `must be a whole number from ${Math.max(1, min)} to 1000`,
      received: q.maxReplicas,
      fix: 'Use the most workers your broker and database can take.',
    });
    if (props.replicas !== undefined) {
      this.issues.add({
        prop: 'replicas',
        rule: 'must not be set together with queueAutoscaling (KEDA owns the replica count)',
        received: props.replicas,
        fix: 'Remove replicas; set queueAutoscaling.minReplicas.',
      });
    }
    return { fixedReplicas: undefined, minReplicas: min, maxReplicas: q.maxReplicas, metrics: [] };
  }

  /** How the Deployment replaces pods. Workers hold no connections: one at a time, never short. */
  protected strategy(): k8s.DeploymentStrategy {
    return {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
    };
  }

  /** How a rollout is paced: available once running or ready (with a Service of its ports), one new pod a round (maxSurge 1). */
  protected rolloutPace(scaling: ResolvedScaling, readiness?: k8s.Probe): RolloutPace {
    return { startSeconds: podStartSeconds(undefined, readiness), rounds: rollingRounds(scaling.maxReplicas, 1), leadSeconds: 0 };
  }

  /**
   * The readiness check, given or, for a process whose Service carries a TCP port,
   * a connection to it: the Service then sends nothing to a pod that does not listen yet.
   */
  private serviceReadiness(props: PythonWorkerProps): k8s.Probe | undefined {
    const connect = this.tcpConnect(props.ports, true);
    return props.readiness?.toReadinessProbe() ?? (connect && { ...connect, periodSeconds: 10, failureThreshold: 3 });
  }

  /** KEDA's objects for queue autoscaling, or a HorizontalPodAutoscaler for CPU autoscaling. */
  protected scalers(props: PythonWorkerProps, cmd: WorkerCommandConfig, pod: AppPod, scaling: ResolvedScaling): Scalers {
    const q = props.queueAutoscaling;
    if (!q) return props.autoscaling ? { autoscaler: cpuAutoscaler(this, this.name, pod.labels, scaling) } : {};
    const rt = this.runtime;
    if (
      !this.issues.check(q.queue instanceof QueueScaler, {
        prop: 'queueAutoscaling.queue',
        rule: 'must be a QueueScaler',
        received: q.queue,
        fix: "Use e.g. QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }) or QueueScaler.sqs({ queueUrl }).",
      })
    )
      return {};
    // A wrong queue list is reported once, against the command, not again by the scaler that reads it.
    const trigger = q.queue.bind({ redisLists: cmd.redisLists, redisListsReported: cmd.issues.some((i) => i.prop === 'command.queues') });
    this.issues.addAll(trigger.issues);
    this.issues.addAll(scalerEnvIssues(trigger, mergeAppEnv(rt.appEnv, this.ownEnv), Object.keys(cmd.env)));
    (trigger.warnings ?? []).forEach((w) => this.warn(w));
    const own = this.ownServiceAccount;
    const profile = (own && props.serviceAccount?.profile) || rt.profile;
    const identity = trigger.identity ? profile.kedaIdentity(trigger.identity) : undefined;
    this.issues.addAll(identity?.issues ?? []);
    // KEDA's operator, not the worker, reads the queue: the worker's cloud identity must trust it too.
    if (identity?.alsoTrust && own?.identity) trustAlsoOwn(own.alsoTrustedSubjects, identity.alsoTrust);
    else if (identity?.alsoTrust) trustAlso(rt, identity.alsoTrust);
    return renderQueueScaling(this, {
      name: this.name,
      labels: pod.labels,
      trigger,
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      ...this.queueTiming(q),
      podIdentity: identity?.podIdentity,
    });
  }

  /** KEDA's cooldown and polling interval and its autoscaler's behavior, checked. */
  private queueTiming(q: QueueAutoscalingProps) {
    const issues: PropIssue[] = [];
    const timing = resolveQueueTiming(q, issues);
    this.issues.addAll(issues);
    return timing;
  }
}
