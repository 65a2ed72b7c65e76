/**
 * Every module of the construct library, for the tests: they exercise internal
 * helpers (quantity parsing, health resolution, ...) that the package does not
 * export. The package's public API is src/index.ts; this barrel is test-only.
 */
export * from '../../constructs/python-microservice';
export * from '../../constructs/server';
export * from '../../constructs/health';
export * from '../../constructs/resources';
export * from '../../constructs/secrets';
export * from '../../constructs/secret-store';
export * from '../../constructs/app-env';
export * from '../../constructs/scaling';
export * from '../../constructs/network-policy';
export * from '../../constructs/workload';
export * from '../../constructs/exposure';
export * from '../../constructs/ingress';
export * from '../../constructs/labels';
export * from '../../constructs/namespace';
export * from '../../constructs/validation';
export * from '../../constructs/pod';
export { parseImage, imagePinProblem } from '../../constructs/names';
export type { ImageReference } from '../../constructs/names';
export { parseCpu, parseMemory, parseQuantity, formatCpu, formatMemory } from '../../constructs/quantity';
export * from '../../constructs/profiles';
export * from '../../constructs/image';
export * from '../../constructs/worker';
export * from '../../constructs/worker-command';
export * from '../../constructs/queue-scaler';
export * from '../../constructs/jobs';
export * from '../../constructs/metrics';
export * from '../../constructs/gitops';
