/**
 * pyservice-k8s: the public API. Constructs, their props and value objects,
 * the cloud profiles, the container and delivery generators, and the app kit.
 * Everything is exported by name; helpers used between modules stay internal.
 * The Pulumi adapter is a separate entry point, `pyservice-k8s/pulumi`.
 *
 * @module pyservice-k8s
 */

// Workloads
export { PythonMicroservice } from '../constructs/workloads/python-microservice';
export type { PythonMicroserviceProps, IdentityBinding } from '../constructs/workloads/python-microservice';
export { RolloutStrategy } from '../constructs/workloads/web-rollout';
export { PythonWorker } from '../constructs/workloads/worker';
export { PythonSingleton } from '../constructs/workloads/singleton';
export type {
  PythonWorkerProps,
  PythonSingletonProps,
  PythonProcessProps,
  QueueAutoscalingProps,
} from '../constructs/workloads/worker-props';
export { PythonStatefulSet, PodManagementPolicy, StatefulSetUpdate, ClaimRetention } from '../constructs/workloads/stateful-set';
export type { PythonStatefulSetProps, ClaimRetentionProps } from '../constructs/workloads/stateful-set';
export { PythonMigration, MigrationCommand } from '../constructs/workloads/migration';
export { PythonCronJob } from '../constructs/workloads/cron-job';
export type { PythonMigrationProps } from '../constructs/workloads/migration';
export { PythonSetupJob } from '../constructs/workloads/setup-job';
export type { PythonSetupJobProps } from '../constructs/workloads/setup-job';
export type { PythonCronJobProps } from '../constructs/workloads/cron-job';
export type { AppJobProps } from '../constructs/workloads/job';
export { RestrictedNamespace } from '../constructs/workloads/namespace';
export type { RestrictedNamespaceProps } from '../constructs/workloads/namespace';
export type { WorkloadProps, ProcessProps, InheritProps } from '../constructs/workloads/workload-props';
export { ApiPermission, ApiVerb } from '../constructs/workloads/api-access';
export type { ApiPermissionOptions, ApiRule } from '../constructs/workloads/api-access';
export type { OwnServiceAccountProps, OwnServiceAccount } from '../constructs/workloads/service-account';
export type { AppEnvProps, SettingsProps } from '../constructs/settings/app-env';
export type { ContainerDescription, ServiceDescription, WritablePath, PortDescription } from '../constructs/pod/description';
export type { PodExtrasProps } from '../constructs/pod/extras';
export type { IPythonApp, AppRuntime } from '../constructs/workloads/runtime';

// Pods: volumes, extra containers, env sources
export { Volume, AccessMode } from '../constructs/pod/volumes';
export type { Mount, EmptyDirOptions, KeyedVolumeOptions, NewClaimOptions, PersistentClaimOptions } from '../constructs/pod/volumes';
export { EnvFrom, PodField, KUBERNETES_VERSION_CONTEXT } from '../constructs/pod/containers';
export { ContainerCheck } from '../constructs/pod/container-check';
export { PortProtocol } from '../constructs/pod/ports';
export type { PortProps } from '../constructs/pod/ports';
export type { ContainerProps } from '../constructs/pod/containers';

// Value objects and the props they appear in
export { PythonServer } from '../constructs/pod/server';
export type {
  ServerOptions,
  AppServerOptions,
  GunicornOptions,
  DjangoOptions,
  CommandServerOptions,
  ImageServerOptions,
  ShellServerOptions,
} from '../constructs/pod/server-options';
export { WorkerCommand, CeleryBroker } from '../constructs/pod/worker-command';
export { WorkerLiveness } from '../constructs/pod/worker-liveness';
export { ImagePullPolicy, StopSignal } from '../constructs/pod/process';
export { ScalingPolicyType, ScalingPolicySelect } from '../constructs/scaling/behavior';
export type { ScalingPolicy, ScalingRules } from '../constructs/scaling/behavior';
export type { CeleryOptions } from '../constructs/pod/worker-command';
export { QueueScaler } from '../constructs/scaling/queue-scaler';
export type { QueueTargetOptions, RedisScalerOptions, ScalerContext, ScalerTrigger } from '../constructs/scaling/queue-scaler';
export { SecretEnv, SecretFile } from '../constructs/settings/secrets';
export { ConfigFile } from '../constructs/settings/config-files';
export type { ConfigFileSource } from '../constructs/settings/config-files';
export { SecretBackend } from '../constructs/settings/secret-store';
export type { SecretBackendConfig } from '../constructs/settings/secret-store';
export { Exposure, NetworkPeer, Protocol } from '../constructs/traffic/exposure';
export { TlsCertificate } from '../constructs/traffic/ingress';
export type { IngressProps, GatewayRef } from '../constructs/traffic/ingress';
export { HealthCheck } from '../constructs/pod/health';
export type { HealthProps } from '../constructs/pod/health';
export type { ResourcesProps } from '../constructs/pod/resources';
export type { AutoscalingProps } from '../constructs/scaling/scaling';
export type { MetricsProps } from '../constructs/scaling/metrics';

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
  SharedFileStorage,
} from '../constructs/profiles/profile';
export type {
  SecretBackendResult,
  StoreSecretRequest,
  SecretManagerOptions,
  SecretManagerRules,
  SecretBackendRequests,
  CsiProviderConfig,
  StoreProviderConfig,
} from '../constructs/settings/secret-store';
// The algorithms every profile shares, for a profile of your own cluster.
export {
  neutralOutput,
  neutralIngress,
  nodePlacement,
  prometheusOperatorMonitor,
  foreignScaler,
  PRIVATE_RANGES,
  PROBE_SUCCESS_CODES,
} from '../constructs/profiles/shared';
export { secretBackendOf } from '../constructs/settings/secret-store';
export type { IngressInput, IngressOutput, TlsKind } from '../constructs/traffic/ingress';
export type { LoadBalancerHealthCheck } from '../constructs/pod/health';
export type { MonitorInput, MonitorOutput } from '../constructs/scaling/metrics';
export type { ResourceSpec } from '../constructs/pod/resources';
export type { ScalerIdentity } from '../constructs/scaling/queue-scaler';

// Errors and warnings
export { ValidationError, formatIssue } from '../constructs/core/validation';
export type { PropIssue } from '../constructs/core/validation';

// Container files (Dockerfile, .dockerignore, compose)
export { PythonBuild, AssetStage, NodePackageManager, BackingService, WorkloadRole, containerFiles } from '../constructs/image';
export type {
  PythonBuildOptions,
  RequirementsBuildOptions,
  PoetryBuildOptions,
  UvBuildOptions,
  UvWorkspaceOptions,
  NodeAssetOptions,
  BackingServiceProps,
  PostgresOptions,
  RedisOptions,
  ComposeOptions,
  Workload,
} from '../constructs/image';

// GitOps constructs
export { ArgoCdApplication, ArgoCdProject, FluxDelivery, FluxCommitStatus } from '../constructs/delivery';
export type {
  ArgoCdApplicationProps,
  ArgoCdProjectProps,
  GroupKind,
  SyncRetry,
  FluxDeliveryProps,
  FluxHealthCheck,
  FluxCommitStatusProps,
} from '../constructs/delivery';

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
