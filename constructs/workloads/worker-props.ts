import { Duration } from 'cdk8s';
import { PodExtrasProps } from '../pod/extras';
import { PortProps } from '../pod/ports';
import { ResourcesProps } from '../pod/resources';
import { WorkerCommand } from '../pod/worker-command';
import { WorkerLiveness } from '../pod/worker-liveness';
import { ICloudProfile, Placement } from '../profiles/profile';
import { MetricsProps } from '../scaling/metrics';
import { QueueScaler } from '../scaling/queue-scaler';
import { ScalingRules } from '../scaling/behavior';
import { AutoscalingProps } from '../scaling/scaling';
import { AppEnvProps } from '../settings/app-env';
import { NetworkPeer } from '../traffic/exposure';
import { IPythonApp } from './runtime';
import { InheritProps, ProcessProps } from './workload-props';
import { ApiPermission } from './api-access';
import { OwnServiceAccountProps } from './service-account';

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
   * Seconds after the last activity before scaling to `minReplicas`. Prefer `cooldown`.
   * @default 300
   * @deprecated use `cooldown`
   */
  readonly cooldownSeconds?: number;
  /**
   * Time after the last activity before KEDA scales to `minReplicas` (KEDA's `cooldownPeriod`;
   * it applies to scaling to 0, the autoscaler's `scaleDown` to the steps above).
   * @default Duration.minutes(5)
   */
  readonly cooldown?: Duration;
  /**
   * How often KEDA reads the queue (its `pollingInterval`): shorter reacts faster, longer asks the broker less.
   * @default Duration.seconds(15)
   */
  readonly pollingInterval?: Duration;
  /**
   * How fast the autoscaler KEDA creates adds replicas (`advanced.horizontalPodAutoscalerConfig.behavior.scaleUp`).
   * @default - Kubernetes': no stabilization, the larger of 100% and 4 pods per 15 s
   */
  readonly scaleUp?: ScalingRules;
  /**
   * How fast it removes them (`behavior.scaleDown`), e.g. `{ stabilizationWindow: Duration.minutes(10) }`.
   * @default - Kubernetes': a 5-minute stabilization window, up to 100% per 15 s
   */
  readonly scaleDown?: ScalingRules;
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
   * What a process of an app takes over from the app's own pod: its mounts and init
   * containers, before the process's own. Only with `app`.
   * @default - both
   */
  readonly inherit?: InheritProps;
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
   * When a pod is ready for the traffic of its Service (a process that declares
   * ports): the Service sends connections only to ready pods, and a rollout waits for it.
   * @default - a TCP connection to the first exposed declared TCP port; none without one (no Service, or UDP only: ready once running)
   */
  readonly readiness?: WorkerLiveness;
  /**
   * Ports the process listens on (a log server, a StatsD listener): each on a
   * ClusterIP Service named after the process (when `expose`, the default) and
   * admitted by the NetworkPolicy from its own `allowFrom`.
   * @default - none: no Service, and the NetworkPolicy admits nothing
   */
  readonly ports?: PortProps[];
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
  /**
   * Kubernetes API access of a standalone process's ServiceAccount (see the web
   * service's `permissions`). Not with `app`: give a process of an app a
   * ServiceAccount of its own (`serviceAccount`) with its permissions.
   * @default - no access to the API
   */
  readonly permissions?: ApiPermission[];
  /**
   * A ServiceAccount of the process's own, instead of the app's: its own cloud
   * identity and Kubernetes API access. Only with `app`; the settings and secrets stay the app's.
   * @default - the app's ServiceAccount
   */
  readonly serviceAccount?: OwnServiceAccountProps;
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

/** Props of {@link PythonSingleton}. */
export interface PythonSingletonProps extends PythonProcessProps {}

/** Props that belong to a standalone process and come from the app otherwise (`config`, `env`, `secrets`, `envFrom` and `fieldEnv` of a process of an app are its own, beside the app's). */
export const STANDALONE_ONLY = [
  'image',
  'profile',
  'secretFiles',
  'files',
  'reloadOnSecretChange',
  'permissions',
  'allowEgressTo',
  'partOf',
  'priorityClassName',
  'hasPython3',
  'home',
  'imagePullPolicy',
] as const;
