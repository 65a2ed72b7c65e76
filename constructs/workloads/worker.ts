import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { selectorLabels, workloadLabels } from '../core/labels';
import { nameIssue } from '../core/names';
import { checkedProps } from '../core/props';
import { ContainerDescription } from '../pod/description';
import { cpuBasisMillis, resolveResources } from '../pod/resources';
import { RolloutPace, podStartSeconds, rollingRounds } from '../pod/rollout';
import { PYTHON_RUNTIME_ENV } from '../pod/template';
import { WorkerCommand, WorkerCommandConfig } from '../pod/worker-command';
import { WorkerLiveness } from '../pod/worker-liveness';
import { profileFix } from '../profiles';
import { ProfileOutput } from '../profiles/profile';
import { renderQueueScaling, resolveQueueTiming } from '../scaling/keda';
import { PropIssue } from '../core/validation';
import { QueueScaler, scalerEnvIssues } from '../scaling/queue-scaler';
import { ResolvedScaling, cpuAutoscaler, resolveScaling } from '../scaling/scaling';
import { checkDuplicateEnv } from '../settings/env';
import { AppEnv, mergeAppEnv } from '../settings/app-env';
import { Exposure } from '../traffic/exposure';
import { AppPod } from './app-pod';
import { AppRuntime, IPythonApp, ownRuntime, trustAlso } from './runtime';
import { SHAPES } from './shapes.generated';
import { PythonWorkload, WorkloadMetrics } from './workload';
import { PythonWorkerProps, QueueAutoscalingProps, STANDALONE_ONLY } from './worker-props';
import { NO_PROFILE, checkWorkloadProps } from './workload-props';

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
export class PythonWorker extends PythonWorkload {
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
  /** The NetworkPolicy (egress only, unless metrics are scraped). */
  public readonly networkPolicy: ApiObject;
  /** Why the worker has no liveness check, when it says so with `WorkerLiveness.none(reason)`. */
  public readonly noLivenessReason?: string;
  /** The command is a WorkerCommand (the checks that depend on it are skipped otherwise). */
  private commandValid = true;
  /** The worker's own settings and secrets, beside its app's. */
  private readonly ownEnv?: AppEnv;

  public constructor(scope: Construct, id: string, props: PythonWorkerProps) {
    super(scope, id);
    props = this.checkProps(props);
    this.name = props.name ?? id;
    const bad = nameIssue(this.name);
    if (bad) this.issues.add(bad);
    this.runtime = this.resolveRuntime(props);
    // A worker may run elsewhere than its app (spot capacity for work that can be retried), as its own identity.
    const cloud = this.cloudWithAccount(props.serviceAccount, this.component, props.resources, props.placement);
    const cmd = this.bindCommand(props, cloud);
    this.concurrency = cmd.concurrency;
    const liveness = this.resolveLiveness(props.liveness ?? cmd.defaultLiveness);
    this.noLivenessReason = liveness?.noneReason;
    this.terminationGracePeriodSeconds = this.resolveGrace(props);
    const scaling = this.resolveScaling(props);
    const metrics = this.workerMetrics(props, cmd);
    this.ownEnv = this.ownsRuntime(props)
      ? undefined
      : this.ownSettings(props, this.component, [...Object.keys(cmd.env), ...Object.keys(metrics?.env ?? {})]);
    const pod = this.buildPod({
      component: this.component,
      cloud,
      command: metrics ? metrics.wrap(cmd.command) : cmd.command,
      keepEntrypoint: props.keepEntrypoint,
      stopSignal: props.stopSignal,
      env: { ...cmd.env, ...metrics?.env },
      liveness: liveness?.toProbe(),
      terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
      gracefulTimeoutSeconds: this.terminationGracePeriodSeconds,
      spread: scaling.maxReplicas > 1,
      scratchDirs: metrics?.scratchDirs ?? [],
      ports: metrics ? [metrics.containerPort] : undefined,
      extras: this.ownsRuntime(props) ? { ...props, runAsUser: undefined, runAsGroup: undefined } : props,
      inherit: this.ownsRuntime(props) ? undefined : (props.inherit ?? {}),
      ownEnv: this.ownEnv,
    });
    this.container = pod.container;
    this.deployment = this.deploymentOf(pod, scaling, this.strategy(), { rollout: this.rolloutPace(scaling) });
    const scalers = this.scalers(props, cmd, pod, scaling);
    this.scaledObject = scalers.scaledObject;
    this.triggerAuthentication = scalers.triggerAuthentication;
    this.autoscaler = scalers.autoscaler;
    this.disruptionBudget = this.disruptionBudgetFor(pod, scaling);
    this.networkPolicy = this.egressOnlyPolicy(pod, metrics ? [metrics.ingress] : []);
  }

  /** `app.kubernetes.io/component` of the pods. */
  protected get component(): string {
    return 'worker';
  }

  /** Whether a liveness check is required (a worker must tell the kubelet when it is wedged). */
  protected get livenessRequired(): boolean {
    return true;
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

  /** How a rollout is paced: available once running (no readiness probe), one new pod a round (maxSurge 1). */
  protected rolloutPace(scaling: ResolvedScaling): RolloutPace {
    return { startSeconds: podStartSeconds(), rounds: rollingRounds(scaling.maxReplicas, 1), leadSeconds: 0 };
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

  private labels(): Record<string, string> {
    return workloadLabels({ name: this.name, component: this.component, image: this.runtime.image, partOf: this.runtime.partOf });
  }

  /** The worker is its own application: no `app`, or an `app` that is not one. */
  private ownsRuntime(props: PythonWorkerProps): boolean {
    return !(props.app as Partial<IPythonApp> | undefined)?.runtime;
  }

  private resolveRuntime(props: PythonWorkerProps): AppRuntime {
    if (props.app !== undefined && props.app !== null) {
      if (!this.ownsRuntime(props)) {
        const extra = STANDALONE_ONLY.filter((k) => props[k] !== undefined);
        if (extra.length > 0) {
          this.issues.add({
            prop: extra[0],
            rule: `must not be set together with 'app': the worker shares the app's ${extra.join(', ')}`,
            received: props[extra[0]],
            fix: 'Remove it, or remove app to make the process its own application.',
          });
        }
        return props.app.runtime;
      }
      this.issues.add({
        prop: 'app',
        rule: 'must be a PythonMicroservice or a standalone PythonWorker',
        received: typeof props.app,
        fix: 'Pass the web service the worker belongs to.',
      });
    }
    return this.standaloneRuntime(props);
  }

  /** The runtime of a worker that is its own application: its ServiceAccount, settings and secrets. */
  private standaloneRuntime(props: PythonWorkerProps): AppRuntime {
    this.issues.check(props.serviceAccount === undefined, {
      prop: 'serviceAccount',
      rule: "needs 'app': a standalone process has a ServiceAccount of its own already",
      received: props.serviceAccount,
      fix: 'Set permissions and the profile of the process itself, or pass the app the process belongs to.',
    });
    this.issues.check(props.inherit === undefined, {
      prop: 'inherit',
      rule: "needs 'app': a standalone process has no application to inherit from",
      received: props.inherit,
      fix: 'Remove inherit, or pass the app the process belongs to.',
    });
    const required = {
      image: "Pass the image the process runs, e.g. 'ghcr.io/acme/loadgenerator:1.0.0', or pass app to share a web service's.",
      profile: profileFix(),
    };
    checkWorkloadProps(this.name, { ...props, image: props.image!, profile: props.profile! }, required, this.issues);
    const own = { ...props, image: props.image ?? 'invalid.invalid/missing:0', profile: props.profile ?? NO_PROFILE };
    const labels = workloadLabels({ name: this.name, component: 'worker', image: own.image, partOf: own.partOf });
    const cloud = own.profile.bind({
      name: this.name,
      exposure: Exposure.CLUSTER,
      resources: resolveResources(own.resources).spec,
      placement: own.placement,
    });
    this.issues.addAll(cloud.issues);
    const reservedEnv = [...Object.keys(own.python === false ? {} : PYTHON_RUNTIME_ENV), ...(own.home === undefined ? [] : ['HOME'])];
    return ownRuntime(own, { scope: this, name: this.name, labels, cloud, reservedEnv }, this.issues);
  }

  /** The worker's metrics endpoint and the scrape object, for the command it runs. */
  private workerMetrics(props: PythonWorkerProps, cmd: WorkerCommandConfig): WorkloadMetrics | undefined {
    const monitor = { name: this.name, labels: this.labels(), selector: selectorLabels(this.name) };
    return this.metricsOf(this.runtime.profile, props.metrics, monitor, [], {
      python: this.runtime.python,
      hasPython3: this.runtime.process.hasPython3,
      command: cmd.command,
    });
  }

  private bindCommand(props: PythonWorkerProps, cloud: ProfileOutput): WorkerCommandConfig {
    const given = props.command;
    this.commandValid = this.issues.check(given instanceof WorkerCommand, {
      prop: 'command',
      rule: given === undefined ? 'is required' : 'must be a WorkerCommand',
      received: given,
      fix: "Use e.g. WorkerCommand.celery({ app: 'orders.celery:app' }), WorkerCommand.command([...]) or WorkerCommand.fromImage().",
    });
    // Without a usable command, a stand-in that reports nothing keeps the rest checked without false errors.
    const cmd = (given instanceof WorkerCommand ? given : WorkerCommand.fromImage()).bind({
      cpuMillis: cpuBasisMillis(cloud.resources),
      memoryBytes: cloud.resources.memoryLimitBytes,
      scaler: props.queueAutoscaling?.queue?.type,
      ownLiveness: props.liveness !== undefined,
    });
    this.issues.addAll(cmd.issues);
    cmd.warnings.forEach((w) => this.warn(w));
    this.issues.addAll(
      checkDuplicateEnv([
        { prop: 'the app', names: this.runtime.appEnv.envNames },
        { prop: 'command', names: Object.keys(cmd.env) },
      ]),
    );
    return cmd;
  }

  private resolveLiveness(liveness: WorkerLiveness | undefined): WorkerLiveness | undefined {
    // A scheduler has no cheap health check of its own; Recreate and one replica keep it honest.
    this.issues.check(liveness !== undefined || !this.livenessRequired || !this.commandValid, {
      prop: 'liveness',
      rule: 'is required for this command (it has no health check of its own)',
      received: undefined,
      fix: "Use WorkerLiveness.heartbeatFile('/tmp/worker-heartbeat') and touch the file from the worker, WorkerLiveness.command([...]), or WorkerLiveness.none('<why the kubelet need not restart it>').",
    });
    if (liveness?.noneReason !== undefined) {
      this.issues.check(typeof liveness.noneReason === 'string' && liveness.noneReason.trim().length >= 10, {
        prop: 'liveness',
        rule: 'WorkerLiveness.none() needs a reason of at least 10 characters: the plan shows it, so a reviewer knows why a stuck process is never restarted',
        received: liveness.noneReason,
        fix: "Say why, e.g. WorkerLiveness.none('PgBouncer: the TCP check of its Service is its health').",
      });
    }
    if (liveness?.usesPython && !this.runtime.process.hasPython3) {
      this.warn(
        'the liveness check runs python3, but the image has none (hasPython3: false). Use WorkerLiveness.command([...]) with a binary the image has, or set hasPython3: true if it has python3.',
      );
    }
    return liveness;
  }

  /** The grace period is all a worker needs: no endpoint to drain, only tasks to finish. */
  private resolveGrace(props: PythonWorkerProps): number {
    const shutdown = props.shutdownTimeout?.toSeconds({ integral: false }) ?? 300;
    this.issues.check(Number.isInteger(shutdown) && shutdown >= 1 && shutdown <= 86400, {
      prop: 'shutdownTimeout',
      rule: 'must be a whole number of seconds from 1 to 86400',
      received: shutdown,
      fix: 'Use the duration of your longest task, e.g. Duration.minutes(5).',
    });
    const grace = shutdown + 5;
    this.warn(this.runtime.profile.gracePeriodWarning?.(grace));
    return grace;
  }
}
