/**
 * pyservice-k8s: the public API. Constructs, their props and value objects,
 * the cloud profiles, the container and delivery generators, and the app kit.
 * Everything is exported by name; helpers used between modules stay internal.
 * The Pulumi adapter is a separate entry point, `pyservice-k8s/pulumi`.
 */

// Workloads
export { PythonMicroservice } from '../constructs/python-microservice';
export type { PythonMicroserviceProps, IdentityBinding } from '../constructs/python-microservice';
export { PythonWorker, PythonSingleton } from '../constructs/worker';
export type { PythonWorkerProps, PythonSingletonProps, PythonProcessProps, QueueAutoscalingProps } from '../constructs/worker';
export { PythonMigration, PythonCronJob, MigrationCommand } from '../constructs/jobs';
export type { AppJobProps, PythonMigrationProps, PythonCronJobProps } from '../constructs/jobs';
export { RestrictedNamespace } from '../constructs/namespace';
export type { RestrictedNamespaceProps } from '../constructs/namespace';
export type { WorkloadProps, ProcessProps } from '../constructs/workload';
export type { AppEnvProps } from '../constructs/app-env';
export type { ContainerDescription, ServiceDescription, WritablePath, PodExtrasProps } from '../constructs/pod';
export type { IPythonApp, AppRuntime } from '../constructs/app-pod';

// Pods: volumes, extra containers, env sources
export { Volume, AccessMode } from '../constructs/volumes';
export type { Mount, EmptyDirOptions, KeyedVolumeOptions, NewClaimOptions } from '../constructs/volumes';
export { EnvFrom, PodField, KUBERNETES_VERSION_CONTEXT } from '../constructs/containers';
export type { ContainerProps } from '../constructs/containers';

// Value objects and the props they appear in
export { PythonServer } from '../constructs/server';
export type { ServerOptions, AppServerOptions, GunicornOptions, DjangoOptions, CommandServerOptions } from '../constructs/server';
export { WorkerCommand, WorkerLiveness, CeleryBroker } from '../constructs/worker-command';
export type { CeleryOptions } from '../constructs/worker-command';
export { QueueScaler } from '../constructs/queue-scaler';
export type { QueueTargetOptions, RedisScalerOptions, ScalerContext, ScalerTrigger } from '../constructs/queue-scaler';
export { SecretEnv, SecretFile } from '../constructs/secrets';
export { SecretBackend } from '../constructs/secret-store';
export type { SecretBackendConfig } from '../constructs/secret-store';
export { Exposure, NetworkPeer, Protocol } from '../constructs/exposure';
export { TlsCertificate } from '../constructs/ingress';
export type { IngressProps, GatewayRef } from '../constructs/ingress';
export { HealthCheck } from '../constructs/health';
export type { HealthProps } from '../constructs/health';
export type { ResourcesProps } from '../constructs/resources';
export type { AutoscalingProps } from '../constructs/scaling';
export type { MetricsProps } from '../constructs/metrics';

// Cloud profiles: the factory, each cloud's options, and the contract a new cloud implements
export { CloudProfile } from '../constructs/profiles';
export * from '../constructs/profiles/public';
export type {
  ICloudProfile,
  Placement,
  ProfileInput,
  ProfileOutput,
  WorkloadIdentity,
  SecretBackendInput,
  KedaIdentityResult,
  KedaOperatorOptions,
  NodeLabels,
  PrometheusOperatorOptions,
  ExposureRoute,
} from '../constructs/profiles/profile';
export type {
  SecretBackendResult,
  StoreSecretRequest,
  SecretManagerOptions,
  SecretManagerRules,
  SecretBackendRequests,
  CsiProviderConfig,
  StoreProviderConfig,
} from '../constructs/secret-store';
// The algorithms every profile shares, for a profile of your own cluster.
export {
  neutralOutput,
  neutralIngress,
  nodePlacement,
  prometheusOperatorMonitor,
  foreignScaler,
  PRIVATE_RANGES,
  PROBE_SUCCESS_CODES,
} from '../constructs/profiles/profile';
export { secretBackendOf } from '../constructs/secret-store';
export type { IngressInput, IngressOutput, TlsKind } from '../constructs/ingress';
export type { LoadBalancerHealthCheck } from '../constructs/health';
export type { MonitorInput, MonitorOutput } from '../constructs/metrics';
export type { ResourceSpec } from '../constructs/resources';
export type { ScalerIdentity } from '../constructs/queue-scaler';

// Errors and warnings
export { ValidationError, formatIssue } from '../constructs/validation';
export type { PropIssue } from '../constructs/validation';

// Container files (Dockerfile, .dockerignore, compose)
export { PythonBuild, BackingService, WorkloadRole, containerFiles } from '../constructs/image';
export type {
  PythonBuildOptions,
  RequirementsBuildOptions,
  PoetryBuildOptions,
  UvBuildOptions,
  BackingServiceProps,
  PostgresOptions,
  RedisOptions,
  ComposeOptions,
  Workload,
} from '../constructs/image';

// GitOps constructs
export { ArgoCdApplication, ArgoCdProject, FluxDelivery, FluxCommitStatus } from '../constructs/gitops';
export type {
  ArgoCdApplicationProps,
  ArgoCdProjectProps,
  GroupKind,
  SyncRetry,
  FluxDeliveryProps,
  FluxHealthCheck,
  FluxCommitStatusProps,
} from '../constructs/gitops';

// The app kit
export { PyserviceApp } from './kit/app';
export type { PyserviceAppProps, ImageProps, ContainerFilesProps, SynthOptions } from './kit/app';
export { Target } from './kit/target';
export type { TargetProps } from './kit/target';
export type { DeliveryOptions, ArgoCdOptions, FluxOptions, CiOptions, HealthGateOptions } from './gitops';
export { ContainerRegistry } from './ci/registry';
export type { EcrOptions, ArtifactRegistryOptions, AcrOptions } from './ci/registry';
export { DeliveryMode } from './ci/workflow';
export { ACTION_PINS, DEFAULT_ACTIONS } from './ci/actions';
export type { ActionPin, ActionRefs } from './ci/actions';
export { imageFor, imageVariable } from './images';
export type { Rendering } from './synth';
