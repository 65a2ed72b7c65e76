/**
 * Every module of the construct library, for the tests: they exercise internal
 * helpers (quantity parsing, health resolution, ...) that the package does not
 * export. The package's public API is src/index.ts; this barrel is test-only.
 */
export * from '../../constructs/workloads/python-microservice';
export * from '../../constructs/pod/server';
export * from '../../constructs/pod/server-options';
export * from '../../constructs/pod/health';
export * from '../../constructs/pod/resources';
export * from '../../constructs/settings/secrets';
export * from '../../constructs/settings/secret-store';
export * from '../../constructs/settings/app-env';
export * from '../../constructs/scaling/scaling';
export * from '../../constructs/traffic/network-policy';
export * from '../../constructs/workloads/workload';
export * from '../../constructs/workloads/workload-props';
export * from '../../constructs/workloads/runtime';
export * from '../../constructs/traffic/exposure';
export * from '../../constructs/traffic/ingress';
export * from '../../constructs/core/labels';
export * from '../../constructs/workloads/namespace';
export * from '../../constructs/core/validation';
export * from '../../constructs/pod/description';
export * from '../../constructs/pod/extras';
export * from '../../constructs/pod/template';
export { parseImage, imagePinProblem } from '../../constructs/core/names';
export type { ImageReference } from '../../constructs/core/names';
export { parseCpu, parseMemory, parseQuantity, formatCpu, formatMemory } from '../../constructs/core/quantity';
export * from '../../constructs/profiles';
export { autopilotResources } from '../../constructs/profiles/gke-autopilot';
export * from '../../constructs/image';
export * from '../../constructs/workloads/worker';
export * from '../../constructs/workloads/singleton';
export * from '../../constructs/pod/worker-command';
export * from '../../constructs/pod/worker-liveness';
export * from '../../constructs/scaling/queue-scaler';
export * from '../../constructs/workloads/job';
export * from '../../constructs/workloads/migration';
export * from '../../constructs/workloads/cron-job';
export * from '../../constructs/workloads/cron';
export * from '../../constructs/scaling/metrics';
export * from '../../constructs/delivery';
export * from '../../constructs/pod/ports';
export * from '../../constructs/pod/volumes';
export * from '../../constructs/pod/containers';
export * from '../../constructs/workloads/web-rollout';
export * from '../../constructs/workloads/stateful-set';
export * from '../../constructs/workloads/claims';
export * from '../../constructs/settings/config-files';
