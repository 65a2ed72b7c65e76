import { ApiObject, Duration } from 'cdk8s';
import { kubeObject, uniqueIn } from '../core/objects';
import { guardApp } from '../core/app-index';
import { checkedProps } from '../core/props';
import { SHAPES } from './shapes.generated';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppEnvProps } from '../settings/app-env';
import { podStartSeconds, rollingRounds } from '../pod/rollout';
import {
  AppRuntime,
  IPythonApp,
  alsoTrust,
  appPod,
  appWorkloadCloud,
  egressOnlyPolicy,
  registerPod,
  standaloneRuntime,
  workloadMetrics,
} from './app-pod';
import { NetworkPeer } from '../traffic/exposure';
import { MetricsProps } from '../scaling/metrics';
import { selectorLabels, workloadLabels } from '../core/labels';
import { checkDuplicateEnv } from '../settings/env';
import { ScaledObject } from '../imports/scaledobject-keda.sh';
import { TriggerAuthentication } from '../imports/triggerauthentication-keda.sh';
import { nameIssue } from '../core/names';
import { APP_CONTAINER, ContainerDescription, PodExtrasProps } from '../pod/pod';
import { ICloudProfile, Placement } from '../profiles/profile';
import { profileFix } from '../profiles';
import { QueueScaler, scalerEnvIssues } from '../scaling/queue-scaler';
import { ResourcesProps, cpuBasisMillis } from '../pod/resources';
import { AutoscalingProps, ResolvedScaling, cpuAutoscaler, disruptionBudget, resolveScaling } from '../scaling/scaling';
import { IssueCollector, addWarning } from '../core/validation';
import { WorkerCommand, WorkerLiveness } from '../pod/worker-command';
import { NO_PROFILE, ProcessProps, checkWorkloadProps } from './workload';

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

/** Props of a process that runs without serving a port: a worker, a scheduler, a load generator. */
export interface PythonProcessProps extends AppEnvProps, PodExtrasProps, ProcessProps {
  /**
   * The application whose image, settings, secrets, identity and profile the process
   * shares. Without it the process is its own application and needs `image` and `profile`.
   * @default - a standalone process
   */
  readonly app?: IPythonApp;
  /** How the process starts. */
  readonly command: WorkerCommand;
  /**
   * Image of a standalone process, pinned by tag or digest. Not with `app`.
   * @default - the app's image
   */
  readonly image?: string;
  /**
   * Cloud profile of a standalone process. Not with `app`.
   * @default - the app's profile
   */
  readonly profile?: ICloudProfile;
  /**
   * Name of the process's objects.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * CPU and memory.
   * @default - the app's resources
   */
  readonly resources?: ResourcesProps;
  /**
   * How the kubelet tells the process is wedged.
   * @default - the framework's own check (Celery: `inspect ping`); required for other commands
   */
  readonly liveness?: WorkerLiveness;
  /**
   * Prometheus metrics of the process (e.g. from a Celery exporter or prometheus_client).
   * @default - no metrics
   */
  readonly metrics?: MetricsProps;
  /**
   * Time the longest task may take to finish after SIGTERM (Celery's warm
   * shutdown, RQ's and Dramatiq's graceful stop) before the pod is killed.
   * @default Duration.minutes(5)
   */
  readonly shutdownTimeout?: Duration;
  /**
   * Where the process's pods run, e.g. `{ spot: true }` for work that survives losing a node.
   * @default - the app's placement, or anywhere
   */
  readonly placement?: Placement;
  /**
   * Destinations the pods of a standalone process may reach. Not with `app`.
   * @default - the app's, or every destination
   */
  readonly allowEgressTo?: NetworkPeer[];
  /**
   * `app.kubernetes.io/part-of` of a standalone process. Not with `app`.
   * @default - the app's
   */
  readonly partOf?: string;
  /**
   * PriorityClass of a standalone process's pods. Not with `app`.
   * @default - the app's
   */
  readonly priorityClassName?: string;
}

/** Props of {@link PythonWorker}. */
export interface PythonWorkerProps extends PythonProcessProps {
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
}

/** Props that belong to a standalone process and come from the app otherwise. */
const STANDALONE_ONLY = [
  'image',
  'profile',
  'config',
  'env',
  'secrets',
  'secretFiles',
  'envFrom',
  'fieldEnv',
  'allowEgressTo',
  'partOf',
  'priorityClassName',
] as const;

/** How a process's replicas are run. */
interface ProcessMode {
  readonly singleton: boolean;
}

/**
 * A background worker (Celery, RQ, Dramatiq, arq or a command): no Service, a
 * liveness check that suits a worker, a grace period that lets running tasks
 * finish, a PodDisruptionBudget, and queue-length autoscaling with KEDA (or CPU
 * autoscaling). With `app`, it shares its web service's image, settings,
 * secrets and identity; without, it is its own application (a load generator,
 * a consumer with its own image).
 */
export class PythonWorker extends Construct implements IPythonApp {
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

  public constructor(scope: Construct, id: string, props: PythonWorkerProps);
  /** @internal */
  public constructor(scope: Construct, id: string, props: PythonWorkerProps, mode: ProcessMode);
  public constructor(scope: Construct, id: string, props: PythonWorkerProps, mode: ProcessMode = { singleton: false }) {
    super(uniqueIn(scope, id), id);
    const issues = IssueCollector.of(this);
    guardApp(this);
    props = mode.singleton ? singletonProps(props, issues) : checkedProps(props, SHAPES.PythonWorkerProps, 'PythonWorker', issues);
    this.name = props.name ?? id;
    const bad = nameIssue(this.name);
    if (bad) issues.add(bad);
    const rt = this.resolveRuntime(props, issues);
    this.runtime = rt;

    // A worker may run elsewhere than its app (spot capacity for work that can be retried).
    const cloud = appWorkloadCloud(this, rt, this.name, props.resources, issues, props.placement);
    const cmd = (props.command ?? WorkerCommand.command([])).bind({
      cpuMillis: cpuBasisMillis(cloud.resources),
      memoryBytes: cloud.resources.memoryLimitBytes,
      scaler: props.queueAutoscaling?.queue?.type,
      ownLiveness: props.liveness !== undefined,
    });
    issues.addAll(cmd.issues);
    cmd.warnings.forEach((w) => addWarning(this, w));
    this.concurrency = cmd.concurrency;
    issues.addAll(
      checkDuplicateEnv([
        { prop: 'the app', names: rt.appEnv.envNames },
        { prop: 'command', names: Object.keys(cmd.env) },
      ]),
    );

    const liveness = props.liveness ?? cmd.defaultLiveness;
    // A scheduler has no cheap health check of its own; Recreate and one replica keep it honest.
    issues.check(liveness !== undefined || mode.singleton, {
      prop: 'liveness',
      rule: 'is required for this command (it has no health check of its own)',
      received: undefined,
      fix: "Use WorkerLiveness.heartbeatFile('/tmp/worker-heartbeat') and touch the file from the worker, or WorkerLiveness.command([...]).",
    });
    if (liveness?.usesPython && !rt.python) {
      addWarning(
        this,
        'the liveness check runs python3, but the container does not run Python (python: false); the image may not have it. Use WorkerLiveness.command([...]) with a binary the image has.',
      );
    }
    const shutdown = props.shutdownTimeout?.toSeconds({ integral: false }) ?? 300;
    issues.check(Number.isInteger(shutdown) && shutdown >= 1 && shutdown <= 86400, {
      prop: 'shutdownTimeout',
      rule: 'must be a whole number of seconds from 1 to 86400',
      received: shutdown,
      fix: 'Use the duration of your longest task, e.g. Duration.minutes(5).',
    });
    // The grace period is all a worker needs: no endpoint to drain, only tasks to finish.
    this.terminationGracePeriodSeconds = shutdown + 5;
    const graceWarning = rt.profile.gracePeriodWarning?.(this.terminationGracePeriodSeconds);
    if (graceWarning) addWarning(this, graceWarning);

    const scaling = mode.singleton ? this.singletonScaling(props, issues) : this.resolveWorkerScaling(props, issues);

    const component = mode.singleton ? 'scheduler' : 'worker';
    const metrics = workloadMetrics(
      this,
      rt.profile,
      props.metrics,
      {
        name: this.name,
        labels: workloadLabels({ name: this.name, component, image: rt.image, partOf: rt.partOf }),
        selector: selectorLabels(this.name),
      },
      [],
      issues,
    );
    const pod = appPod(
      {
        runtime: rt,
        scope: this,
        name: this.name,
        component,
        command: metrics ? metrics.wrap(cmd.command) : cmd.command,
        env: { ...cmd.env, ...metrics?.env },
        resources: cloud.resources,
        liveness: liveness?.toProbe(),
        terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
        spread: scaling.maxReplicas > 1,
        scratchDirs: metrics?.scratchDirs ?? [],
        ports: metrics ? [metrics.containerPort] : undefined,
        extras: props,
      },
      cloud,
    );
    issues.addAll(pod.issues);

    this.container = pod.container;
    this.deployment = kubeObject(this, 'Deployment', k8s.KubeDeployment, {
      metadata: { name: this.name, labels: pod.labels },
      spec: {
        replicas: scaling.fixedReplicas,
        selector: { matchLabels: pod.selector },
        strategy: mode.singleton
          ? // Never two at once, not even during a rollout: the old pod stops before the new one starts.
            { type: 'Recreate' }
          : // Workers hold no connections: replace one at a time, never run short.
            {
              type: 'RollingUpdate',
              rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
            },
        revisionHistoryLimit: 5,
        template: pod.template,
      },
    });
    // Available once running (no readiness probe); Recreate first stops the old pod, maxSurge 1 adds one pod a round.
    const pace = mode.singleton
      ? { rounds: 1, leadSeconds: this.terminationGracePeriodSeconds }
      : { rounds: rollingRounds(scaling.maxReplicas, 1), leadSeconds: 0 };
    registerPod(rt, {
      object: this.deployment,
      specPath: '/spec/template/spec',
      hasInitContainers: pod.setup.extras.initContainers.length > 0,
      addedVolumes: new Set(),
      rollout: { startSeconds: podStartSeconds(), ...pace },
    });

    const q = props.queueAutoscaling;
    if (q && !mode.singleton) {
      const trigger = q.queue.bind({ redisLists: cmd.redisLists });
      issues.addAll(trigger.issues);
      issues.addAll(scalerEnvIssues(trigger, rt.appEnv, Object.keys(cmd.env)));
      (trigger.warnings ?? []).forEach((w) => addWarning(this, w));
      let authenticationRef: { name: string } | undefined;
      if (trigger.identity) {
        const identity = rt.profile.kedaIdentity(trigger.identity);
        issues.addAll(identity.issues);
        if (identity.alsoTrust) alsoTrust(rt, identity.alsoTrust);
        if (identity.podIdentity) {
          this.triggerAuthentication = kubeObject(this, 'TriggerAuthentication', TriggerAuthentication, {
            metadata: { name: this.name, labels: pod.labels },
            spec: { podIdentity: identity.podIdentity },
          });
          authenticationRef = { name: this.triggerAuthentication.name };
        }
      }
      this.scaledObject = kubeObject(this, 'ScaledObject', ScaledObject, {
        metadata: { name: this.name, labels: pod.labels },
        spec: {
          scaleTargetRef: { name: this.name, envSourceContainerName: APP_CONTAINER },
          minReplicaCount: scaling.minReplicas,
          maxReplicaCount: scaling.maxReplicas,
          cooldownPeriod: q.cooldownSeconds ?? 300,
          pollingInterval: 15,
          triggers: [trigger.metadata, ...(trigger.moreMetadata ?? [])].map((metadata) => ({
            type: trigger.type,
            metadata,
            authenticationRef,
          })),
        },
      });
    } else if (props.autoscaling && !mode.singleton) {
      this.autoscaler = cpuAutoscaler(this, this.name, pod.labels, scaling);
    }

    if (scaling.maxReplicas > 1) this.disruptionBudget = disruptionBudget(this, this.name, pod.labels, pod.selector);
    this.networkPolicy = egressOnlyPolicy(this, rt, this.name, pod.labels, pod.selector, issues, metrics ? [metrics.ingress] : []);
  }

  private resolveRuntime(props: PythonWorkerProps, issues: IssueCollector): AppRuntime {
    if (props.app !== undefined && props.app !== null) {
      const app = props.app as Partial<IPythonApp>;
      if (!app.runtime) {
        issues.add({
          prop: 'app',
          rule: 'must be a PythonMicroservice or a standalone PythonWorker',
          received: typeof props.app,
          fix: 'Pass the web service the worker belongs to.',
        });
      } else {
        const extra = STANDALONE_ONLY.filter((k) => props[k] !== undefined);
        if (extra.length > 0) {
          issues.add({
            prop: extra[0],
            rule: `must not be set together with 'app': the worker shares the app's ${extra.join(', ')}`,
            received: props[extra[0]],
            fix: 'Remove it, or remove app to make the process its own application.',
          });
        }
        return app.runtime;
      }
    }
    const required = {
      image: "Pass the image the process runs, e.g. 'ghcr.io/acme/loadgenerator:1.0.0', or pass app to share a web service's.",
      profile: profileFix(),
    };
    checkWorkloadProps(this.name, { ...props, image: props.image!, profile: props.profile! }, required, issues);
    return standaloneRuntime(
      this,
      this.name,
      {
        ...props,
        image: props.image ?? 'invalid.invalid/missing:0',
        profile: props.profile ?? NO_PROFILE,
      },
      issues,
    );
  }

  private resolveWorkerScaling(props: PythonWorkerProps, issues: IssueCollector): ResolvedScaling {
    if (props.queueAutoscaling && props.autoscaling) {
      issues.add({
        prop: 'autoscaling',
        rule: 'must not be set together with queueAutoscaling (KEDA creates its own autoscaler)',
        received: props.autoscaling,
        fix: 'Keep one of the two.',
      });
    }
    const q = props.queueAutoscaling;
    if (!q) return resolveScaling(props.replicas, props.autoscaling, issues);
    const min = q.minReplicas ?? 1;
    issues.check(Number.isInteger(min) && min >= 0, {
      prop: 'queueAutoscaling.minReplicas',
      rule: 'must be a whole number of at least 0',
      received: min,
      fix: 'Use 0 to stop the worker when the queue is empty, or 1.',
    });
    issues.check(Number.isInteger(q.maxReplicas) && q.maxReplicas >= Math.max(1, min) && q.maxReplicas <= 1000, {
      prop: 'queueAutoscaling.maxReplicas',
      rule: `must be a whole number from ${Math.max(1, min)} to 1000`,
      received: q.maxReplicas,
      fix: 'Use the most workers your broker and database can take.',
    });
    if (props.replicas !== undefined) {
      issues.add({
        prop: 'replicas',
        rule: 'must not be set together with queueAutoscaling (KEDA owns the replica count)',
        received: props.replicas,
        fix: 'Remove replicas; set queueAutoscaling.minReplicas.',
      });
    }
    return { fixedReplicas: undefined, minReplicas: min, maxReplicas: q.maxReplicas, metrics: [] };
  }

  private singletonScaling(props: PythonWorkerProps, issues: IssueCollector): ResolvedScaling {
    for (const prop of ['autoscaling', 'queueAutoscaling'] as const) {
      if (props[prop] !== undefined) {
        issues.add({
          prop,
          rule: 'must not be set on a singleton: it runs exactly one replica with the Recreate strategy, and an autoscaler would start a second one',
          received: props[prop],
          fix: 'Remove it, or use a PythonWorker if the process may run more than once at a time.',
        });
      }
    }
    if (props.replicas !== undefined && props.replicas !== 1) {
      issues.add({
        prop: 'replicas',
        rule: 'must be 1 on a singleton',
        received: props.replicas,
        fix: 'Remove it; a singleton always runs one replica.',
      });
    }
    return { fixedReplicas: 1, minReplicas: 1, maxReplicas: 1, metrics: [] };
  }
}

/** Props of {@link PythonSingleton}. */
export interface PythonSingletonProps extends PythonProcessProps {}

/** A worker's props that a singleton refuses with its own reason (see `singletonScaling`), rather than calling them unknown. */
const REFUSED_BY_SINGLETON = ['replicas', 'autoscaling', 'queueAutoscaling'] as const;

/** The singleton's props checked against its shape, with the worker props it refuses kept aside for their own message. */
function singletonProps(props: PythonWorkerProps, issues: IssueCollector): PythonWorkerProps {
  if (props === null || typeof props !== 'object') return checkedProps(props, SHAPES.PythonSingletonProps, 'PythonSingleton', issues);
  const rest: Record<string, unknown> = { ...props };
  const refused: Record<string, unknown> = {};
  for (const key of REFUSED_BY_SINGLETON) {
    if (key in rest) refused[key] = rest[key];
    delete rest[key];
  }
  return { ...checkedProps(rest as unknown as PythonSingletonProps, SHAPES.PythonSingletonProps, 'PythonSingleton', issues), ...refused };
}

/**
 * A process that must never run twice, such as Celery beat or any scheduler:
 * exactly one replica, the `Recreate` strategy (the old pod stops before the
 * new one starts, even during a rollout), no autoscaler and no
 * PodDisruptionBudget (which could only block node drains). Liveness is
 * optional, since schedulers rarely have a cheap health check.
 */
export class PythonSingleton extends PythonWorker {
  public constructor(scope: Construct, id: string, props: PythonSingletonProps) {
    super(scope, id, props, { singleton: true });
  }
}
