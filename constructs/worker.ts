import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DENY_INGRESS_EXEMPTION, appPod, appWorkloadCloud, egressOnlyPolicy, requireApp, workloadMetrics } from './app-pod';
import { MetricsProps } from './metrics';
import { selectorLabels, workloadLabels } from './labels';
import { checkDuplicateEnv } from './env';
import { ScaledObject } from './imports/scaledobject-keda.sh';
import { TriggerAuthentication } from './imports/triggerauthentication-keda.sh';
import { nameIssue } from './names';
import { APP_CONTAINER, ContainerDescription } from './pod';
import { QueueScaler } from './queue-scaler';
import { ResourcesProps, cpuBasisMillis } from './resources';
import { AutoscalingProps, cpuAutoscaler, disruptionBudget, hpaOwnsReplicasAnnotation, resolveScaling } from './scaling';
import { IssueCollector, addWarning } from './validation';
import { WorkerCommand, WorkerLiveness } from './worker-command';
import type { PythonMicroservice } from './python-microservice';

/** Queue-driven autoscaling of a worker with KEDA. */
export interface QueueAutoscalingProps {
  /** The queue to watch. */
  readonly queue: QueueScaler;
  /**
   * Fewest replicas; 0 lets KEDA stop the worker while the queue is empty.
   * @default 1
   */
  readonly minReplicas?: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Seconds after the last activity before scaling to `minReplicas`.
   * @default 300
   */
  readonly cooldownSeconds?: number;
}

/** Props of {@link PythonWorker}. */
export interface PythonWorkerProps {
  /** The web service whose image, settings, secrets, identity and profile the worker shares. */
  readonly app: PythonMicroservice;
  /** How the worker starts. */
  readonly command: WorkerCommand;
  /**
   * Name of the worker's objects.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * CPU and memory of the worker.
   * @default - the app's resources
   */
  readonly resources?: ResourcesProps;
  /**
   * Replicas without autoscaling.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Scale on queue length with KEDA.
   * @default - no queue scaling
   */
  readonly queueAutoscaling?: QueueAutoscalingProps;
  /**
   * Scale on CPU with a HorizontalPodAutoscaler, when KEDA is not used.
   * @default - a fixed number of replicas
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * How the kubelet tells the worker is wedged.
   * @default - the framework's own check (Celery: `inspect ping`); required for other commands
   */
  readonly liveness?: WorkerLiveness;
  /**
   * Prometheus metrics of the worker (e.g. from a Celery exporter or prometheus_client).
   * @default - no metrics
   */
  readonly metrics?: MetricsProps;
  /**
   * Time the longest task may take to finish after SIGTERM (Celery's warm
   * shutdown, RQ's and Dramatiq's graceful stop) before the pod is killed.
   * @default Duration.minutes(5)
   */
  readonly shutdownTimeout?: Duration;
}

/**
 * A background worker of a Python application (Celery, RQ, Dramatiq, arq or a
 * command): same image, settings, secrets and identity as its web service, no
 * Service, a liveness check that suits a worker, a grace period that lets
 * running tasks finish, a PodDisruptionBudget, and queue-length autoscaling
 * with KEDA (or CPU autoscaling).
 */
export class PythonWorker extends Construct {
  /** Name of the worker's objects. */
  public readonly name: string;
  /** Worker processes, when derived. */
  public readonly concurrency?: number;
  /** terminationGracePeriodSeconds of the pods. */
  public readonly terminationGracePeriodSeconds: number;
  /** The container as the image must match it (for the compose generator). */
  public readonly container: ContainerDescription;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The PodDisruptionBudget, when more than one replica can run. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The KEDA ScaledObject, with queue autoscaling. */
  public readonly scaledObject?: ScaledObject;
  /** The KEDA TriggerAuthentication, when the queue needs a cloud identity. */
  public readonly triggerAuthentication?: TriggerAuthentication;
  /** The HorizontalPodAutoscaler, with CPU autoscaling. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The NetworkPolicy (egress only: a worker serves nothing). */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  public constructor(scope: Construct, id: string, props: PythonWorkerProps) {
    super(scope, id);
    const issues = IssueCollector.of(this);
    this.name = props.name ?? id;
    const bad = nameIssue(this.name);
    if (bad) issues.add(bad);
    requireApp(this, props.app);
    const app = props.app;

    const cloud = appWorkloadCloud(this, app, this.name, props.resources, issues);
    const cmd = (props.command ?? WorkerCommand.command([])).bind({ cpuMillis: cpuBasisMillis(cloud.resources), memoryBytes: cloud.resources.memoryLimitBytes });
    issues.addAll(cmd.issues);
    cmd.warnings.forEach((w) => addWarning(this, w));
    this.concurrency = cmd.concurrency;
    issues.addAll(checkDuplicateEnv([{ prop: 'the app', names: app.appEnv.envNames }, { prop: 'command', names: Object.keys(cmd.env) }]));

    const liveness = props.liveness ?? cmd.defaultLiveness;
    issues.check(liveness !== undefined, {
      prop: 'liveness', rule: 'is required for this command (it has no health check of its own)', received: undefined,
      fix: 'Use WorkerLiveness.heartbeatFile(\'/tmp/worker-heartbeat\') and touch the file from the worker, or WorkerLiveness.command([...]).',
    });
    const shutdown = props.shutdownTimeout?.toSeconds({ integral: false }) ?? 300;
    issues.check(Number.isInteger(shutdown) && shutdown >= 1 && shutdown <= 86400, {
      prop: 'shutdownTimeout', rule: 'must be a whole number of seconds from 1 to 86400', received: shutdown, fix: 'Use the duration of your longest task, e.g. Duration.minutes(5).',
    });
    // The grace period is all a worker needs: no endpoint to drain, only tasks to finish.
    this.terminationGracePeriodSeconds = shutdown + 5;

    if (props.queueAutoscaling && props.autoscaling) {
      issues.add({ prop: 'autoscaling', rule: 'must not be set together with queueAutoscaling (KEDA creates its own autoscaler)', received: props.autoscaling, fix: 'Keep one of the two.' });
    }
    const q = props.queueAutoscaling;
    const scaling = q
      ? this.resolveQueueScaling(q, props.replicas, issues)
      : resolveScaling(props.replicas, props.autoscaling, issues);

    const metrics = workloadMetrics(this, app.profile, props.metrics, {
      name: this.name,
      labels: workloadLabels({ name: this.name, component: 'worker', image: app.container.image, partOf: app.props.partOf }),
      selector: selectorLabels(this.name),
    }, [], issues);
    const pod = appPod({
      app, name: this.name, component: 'worker', command: metrics ? metrics.wrap(cmd.command) : cmd.command, env: { ...cmd.env, ...metrics?.env },
      resources: cloud.resources, liveness: liveness?.toProbe(), terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
      spread: scaling.maxReplicas > 1, scratchDirs: metrics?.scratchDirs ?? [], ports: metrics ? [metrics.containerPort] : undefined,
    }, cloud);

    this.container = pod.container;
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: {
        name: this.name,
        labels: pod.labels,
        annotations: {
          ...hpaOwnsReplicasAnnotation(scaling),
          // A worker takes no traffic, so a readiness probe would gate nothing.
          'polaris.fairwinds.com/readinessProbeMissing-exempt': 'true',
          ...DENY_INGRESS_EXEMPTION,
        },
      },
      spec: {
        replicas: scaling.fixedReplicas,
        selector: { matchLabels: pod.selector },
        // Workers hold no connections: replace one at a time, never run short.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        revisionHistoryLimit: 5,
        template: pod.template,
      },
    });

    if (q) {
      const trigger = q.queue.bind();
      issues.addAll(trigger.issues);
      let authenticationRef: { name: string } | undefined;
      if (trigger.identity) {
        const identity = app.profile.kedaIdentity(trigger.identity);
        issues.addAll(identity.issues);
        if (identity.podIdentity) {
          this.triggerAuthentication = new TriggerAuthentication(this, 'TriggerAuthentication', {
            metadata: { name: this.name, labels: pod.labels },
            spec: { podIdentity: identity.podIdentity },
          });
          authenticationRef = { name: this.triggerAuthentication.name };
        }
      }
      this.scaledObject = new ScaledObject(this, 'ScaledObject', {
        metadata: { name: this.name, labels: pod.labels },
        spec: {
          scaleTargetRef: { name: this.name, envSourceContainerName: APP_CONTAINER },
          minReplicaCount: scaling.minReplicas,
          maxReplicaCount: scaling.maxReplicas,
          cooldownPeriod: q.cooldownSeconds ?? 300,
          pollingInterval: 15,
          triggers: [{ type: trigger.type, metadata: trigger.metadata, authenticationRef }],
        },
      });
    } else if (props.autoscaling) {
      this.autoscaler = cpuAutoscaler(this, this.name, pod.labels, scaling);
    }

    if (scaling.maxReplicas > 1) this.disruptionBudget = disruptionBudget(this, this.name, pod.labels, pod.selector);
    this.networkPolicy = egressOnlyPolicy(this, app, this.name, pod.labels, pod.selector, issues, metrics ? [metrics.ingress] : []);
  }

  private resolveQueueScaling(q: QueueAutoscalingProps, replicas: number | undefined, issues: IssueCollector) {
    const min = q.minReplicas ?? 1;
    issues.check(Number.isInteger(min) && min >= 0, { prop: 'queueAutoscaling.minReplicas', rule: 'must be a whole number of at least 0', received: min, fix: 'Use 0 to stop the worker when the queue is empty, or 1.' });
    issues.check(Number.isInteger(q.maxReplicas) && q.maxReplicas >= Math.max(1, min) && q.maxReplicas <= 1000, {
      prop: 'queueAutoscaling.maxReplicas', rule: `must be a whole number from ${Math.max(1, min)} to 1000`, received: q.maxReplicas, fix: 'Use the most workers your broker and database can take.',
    });
    if (replicas !== undefined) {
      issues.add({ prop: 'replicas', rule: 'must not be set together with queueAutoscaling (KEDA owns the replica count)', received: replicas, fix: 'Remove replicas; set queueAutoscaling.minReplicas.' });
    }
    return { fixedReplicas: undefined, minReplicas: min, maxReplicas: q.maxReplicas, metrics: [] };
  }
}

