import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/**
 * Manifests as plain JSON in one walk: what cdk8s-plus-28's generated
 * `toJson_*` mappers, then cdk8s's `resolve` and `sanitizeValue`, would make
 * of the same data, without the intermediate copies.
 */

/** What {@link plainJson} returns for a value only cdk8s's resolvers can render. */
export const NOT_PLAIN = Symbol('not plain');

/**
 * The typed props of cdk8s-plus-28's `k8s` classes whose JSON name differs
 * from the prop's name, as the generated mappers write them
 * (lib/imports/k8s.js: `'clusterIP': obj.clusterIp`). Every typed name maps to
 * one JSON name in every type but `schema` (`$schema` in a CRD's JSON schema,
 * `schema` beside it), which is why CustomResourceDefinitions are not among
 * {@link TYPED_KINDS}; `test/plain-json.test.ts` reads the mappers and keeps
 * this table equal to them.
 */
export const TYPED_RENAMES: Readonly<Record<string, string>> = {
  clientIp: 'clientIP',
  clusterIp: 'clusterIP',
  datasetUuid: 'datasetUUID',
  diskUri: 'diskURI',
  downwardApi: 'downwardAPI',
  externalId: 'externalID',
  hostIp: 'hostIP',
  hostIpc: 'hostIPC',
  hostPid: 'hostPID',
  insecureSkipTlsVerify: 'insecureSkipTLSVerify',
  loadBalancerIp: 'loadBalancerIP',
  nodeId: 'nodeID',
  nonResourceUrLs: 'nonResourceURLs',
  openApiv3Schema: 'openAPIV3Schema',
  pdId: 'pdID',
  podCidRs: 'podCIDRs',
  podCidr: 'podCIDR',
  providerId: 'providerID',
  ref: '$ref',
  scaleIo: 'scaleIO',
  setHostnameAsFqdn: 'setHostnameAsFQDN',
  storagePolicyId: 'storagePolicyID',
  targetCpuUtilizationPercentage: 'targetCPUUtilizationPercentage',
  targetWwNs: 'targetWWNs',
  volumeId: 'volumeID',
  xKubernetesEmbeddedResource: 'x-kubernetes-embedded-resource',
  xKubernetesIntOrString: 'x-kubernetes-int-or-string',
  xKubernetesListMapKeys: 'x-kubernetes-list-map-keys',
  xKubernetesListType: 'x-kubernetes-list-type',
  xKubernetesMapType: 'x-kubernetes-map-type',
  xKubernetesPreserveUnknownFields: 'x-kubernetes-preserve-unknown-fields',
  xKubernetesValidations: 'x-kubernetes-validations',
};

/**
 * The props that hold a map of the user's keys (labels, a ConfigMap's data,
 * resource limits...): the mappers copy their keys as they are, so no key
 * directly inside them is renamed. Kept equal to the mappers by the same test.
 */
export const TYPED_MAPS: ReadonlySet<string> = new Set([
  'annotations',
  'binaryData',
  'capacity',
  'data',
  'default',
  'defaultRequest',
  'definitions',
  'dependencies',
  'deprecatedTopology',
  'extra',
  'hard',
  'labels',
  'limits',
  'matchLabels',
  'max',
  'maxLimitRequestRatio',
  'min',
  'nodeSelector',
  'options',
  'overhead',
  'parameters',
  'patternProperties',
  'podFixed',
  'properties',
  'requests',
  'selector',
  'stringData',
  'volumeAttributes',
]);

const RENAMES = new Map(Object.entries(TYPED_RENAMES));

/** The classes of cdk8s-plus-28's `k8s` module whose typed props {@link plainJson} renders in typed mode. */
export const TYPED_KINDS: ReadonlySet<unknown> = new Set(
  Object.entries(k8s)
    .filter(([name]) => !name.includes('CustomResourceDefinition'))
    .map(([, c]) => c)
    .filter((c) => typeof c === 'function' && 'GVK' in c && typeof (c as { manifest?: unknown }).manifest === 'function'),
);

/**
 * `value` as plain JSON: a deep copy, keys sorted, null and undefined dropped
 * from maps and turned into undefined in lists, as cdk8s's `ApiObject.toJson()`
 * renders plain data with its default resolvers (cdk8s lib/resolve.js, then
 * `sanitizeValue` with sorted keys). Those resolvers change only values that
 * are not plain data (a `Lazy`, an object with a `resolve()` method), so for
 * anything else this returns NOT_PLAIN and the caller goes through cdk8s.
 *
 * With `typed`, `value` is the typed props of a cdk8s-plus-28 `k8s` class,
 * rendered as its generated mapper would: an `IntOrString` or `Quantity` becomes
 * its value, and a prop is written under its JSON name ({@link TYPED_RENAMES}),
 * except the user's keys in a map ({@link TYPED_MAPS}).
 *
 * Keys are copied as own properties, `__proto__` and `constructor` included.
 */
export function plainJson(value: unknown, typed = false, inMap = false): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return typeof value === 'function' ? NOT_PLAIN : value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = plainJson(value[i], typed);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      out[i] = v;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    if (typed && (value instanceof k8s.IntOrString || value instanceof k8s.Quantity)) return value.value;
    return NOT_PLAIN;
  }
  const map = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, key] of sortedNames(Object.keys(map), typed && !inMap ? typedName : noRename)) {
    const v = plainJson(map[key], typed, typed && TYPED_MAPS.has(key));
    if (v === NOT_PLAIN) return NOT_PLAIN;
    if (v === undefined) continue;
    setOwn(out, name, v);
  }
  return out;
}

const typedName = (key: string): string | undefined => RENAMES.get(key);
const noRename = (): undefined => undefined;

/**
 * Each key with the name it is written under (`nameOf`, where it differs from the key),
 * sorted by that name as `Array.prototype.sort` orders strings (UTF-16 code units).
 */
export function sortedNames(keys: string[], nameOf: (key: string) => string | undefined): Array<readonly [string, string]> {
  // Most maps rename no key: they sort as they are, without a comparator.
  if (!keys.some((k) => nameOf(k) !== undefined)) return keys.sort().map((k) => [k, k] as const);
  return keys.map((k) => [nameOf(k) ?? k, k] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** `out[name] = value` as an own property, also for `__proto__` (which assignment turns into the prototype). */
export function setOwn(out: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}
