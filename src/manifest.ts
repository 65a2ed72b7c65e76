/**
 * A field of a Kubernetes manifest or of a live object read back from the
 * cluster: whatever JSON the object's kind defines (a CRD's spec is
 * open-ended). The Kubernetes and CRD schemas check these shapes in the tests;
 * reading one is navigation with optional chaining, which `unknown` would turn
 * into a cast at every step.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON of any kind's schema; see above
export type ManifestField = any;
