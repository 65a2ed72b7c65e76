import { ApiObject, App, JsonPatch, resolve } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError, formatIssue } from './validation';
import { NOT_PLAIN, TYPED_KINDS, plainJson, setOwn, sortedNames } from './plain-json';

/** A class of typed Kubernetes objects (cdk8s-plus-28's `k8s.Kube*`, or one `cdk8s import` generated). */
export interface ObjectKind<P> {
  /** Renders the object's manifest from typed props. */
  manifest(props: P): Record<string, unknown>;
}

/** A manifest as JSON, open to the fields an object adds at synthesis. */
export type ManifestJson = Record<string, unknown>;

/**
 * Adds to a rendered manifest the fields that depend on what other constructs
 * define later (the migration waits of an app's pods, the labels its services
 * need on their Namespace). It runs at every `toJson()`, before the user's JSON
 * patches, and its fields come after those cdk8s sorts, so that upgrading the
 * library does not reorder manifests users have already reviewed.
 */
export type LateFields = (manifest: ManifestJson) => void;

/**
 * Keys that cdk8s's serializer cannot hold: it reads `value.constructor` of every
 * map (so a ConfigMap key named `constructor` throws inside cdk8s), and plain
 * assignment turns `__proto__` into a prototype. User data (ConfigMap keys,
 * annotation keys) may still use them, so they travel escaped.
 */
const UNSAFE_KEYS = new Set(['constructor', '__proto__']);
const ESCAPE = '\u0000pyservice-key:';

function escapeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(escapeKeys);
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    out[UNSAFE_KEYS.has(key) ? `${ESCAPE}${key}` : key] = escapeKeys((value as Record<string, unknown>)[key]);
  return out;
}

function unescapeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unescapeKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, unescapedName(key) ?? key, unescapeKeys((value as Record<string, unknown>)[key]));
  return out;
}

/** The resolvers every cdk8s App has (cdk8s lib/app.js): Lazy, implicit tokens, number-or-string unions. */
const DEFAULT_RESOLVERS = 3;

/**
 * An ApiObject whose user data may hold keys cdk8s's serializer cannot (see
 * UNSAFE_KEYS), and whose late fields are added before the user's patches.
 * Its body is kept as given and rendered by {@link plainJson}; only the
 * metadata, which cdk8s keeps itself (name, namespace, the chart's labels),
 * goes through cdk8s. Keys are always sorted (cdk8s's CDK8S_DISABLE_SORT
 * does not apply), so the output is the same in every environment.
 */
class PlainObject extends ApiObject {
  private readonly userPatches: JsonPatch[] = [];

  public constructor(
    scope: Construct,
    id: string,
    private readonly body: ManifestJson,
    head: { apiVersion: string; kind: string; metadata?: Record<string, unknown> },
    private readonly late?: LateFields,
    private readonly mapped?: () => ManifestJson,
  ) {
    super(scope, id, { apiVersion: head.apiVersion, kind: head.kind, metadata: escapeKeys(head.metadata) as never });
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.userPatches.push(...ops);
  }

  public toJson(): ReturnType<ApiObject['toJson']> {
    let manifest: ManifestJson;
    try {
      manifest = this.render();
    } catch (e) {
      throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`, { cause: e });
    }
    this.late?.(manifest);
    if (this.userPatches.length === 0) return manifest;
    let patched: ManifestJson;
    try {
      patched = JsonPatch.apply(manifest, ...this.userPatches) as ManifestJson;
    } catch (e) {
      throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`, { cause: e });
    }
    return ordered(patched);
  }

  /** The manifest, apiVersion, kind and metadata first, as cdk8s writes them. */
  private render(): ManifestJson {
    if (App.of(this).resolvers.length === DEFAULT_RESOLVERS) {
      const meta = plainMetadata(this.metadata);
      // The body holds no apiVersion, kind or metadata: kubeObject() takes them out.
      const fast = meta === NOT_PLAIN ? NOT_PLAIN : plainJson(this.body, this.mapped !== undefined);
      if (fast !== NOT_PLAIN)
        return ordered({
          ...(fast as ManifestJson),
          apiVersion: this.apiVersion,
          kind: this.kind,
          ...(meta === undefined ? {} : { metadata: meta }),
        });
    }
    const metadata = unescapeKeys(this.metadata.toJson());
    // Values only cdk8s's resolvers (or the app's own) can render: map typed props as their class
    // does, then resolve them.
    const body = this.mapped?.() ?? this.body;
    const resolved = plainJson(resolve([], escapeKeys({ ...body, apiVersion: undefined, kind: undefined, metadata: undefined }), this));
    if (resolved === NOT_PLAIN) throw new Error(`can't render a value that is not plain data after resolving its tokens`);
    return ordered({ ...(unescapeKeys(resolved) as ManifestJson), apiVersion: this.apiVersion, kind: this.kind, metadata });
  }
}

/** The fields of cdk8s's metadata definition that its `toJson()` reads (cdk8s lib/metadata.js); private in its typings. */
interface MetadataFields {
  readonly name?: unknown;
  readonly namespace?: unknown;
  readonly labels?: unknown;
  readonly annotations?: unknown;
  readonly finalizers?: unknown;
  readonly ownerReferences?: unknown;
  readonly _additionalAttributes?: unknown;
}

/**
 * What `ApiObject.metadata.toJson()` then {@link unescapeKeys} make of plain
 * data, in one walk: cdk8s (lib/metadata.js) resolves the definition's fields,
 * then `sanitizeValue` drops null values and empty lists and maps, and sorts
 * the keys. NOT_PLAIN for a value only cdk8s's resolvers can render, or for a
 * definition without the fields this reads (another cdk8s's), so the caller
 * goes through cdk8s; undefined when nothing is left.
 */
export function plainMetadata(metadata: object): unknown {
  const f = metadata as MetadataFields;
  const extra = f._additionalAttributes;
  if (typeof extra !== 'object' || extra === null || typeof f.labels !== 'object' || typeof f.annotations !== 'object') return NOT_PLAIN;
  if (!Array.isArray(f.finalizers) || !Array.isArray(f.ownerReferences)) return NOT_PLAIN;
  const fields = {
    name: f.name,
    namespace: f.namespace,
    annotations: f.annotations,
    finalizers: f.finalizers,
    ownerReferences: f.ownerReferences,
    labels: f.labels,
  };
  return sanitized({ ...extra, ...fields });
}

function sanitized(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return typeof value === 'function' ? NOT_PLAIN : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = sanitized(value[i]);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      out[i] = v;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const map = value as Record<string, unknown>;
  // Escaped keys (see UNSAFE_KEYS) sort and are written under their own name.
  const names = sortedNames(Object.keys(map), unescapedName);
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const [name, key] of names) {
    const v = sanitized(map[key]);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    if (v === undefined) continue;
    setOwn(out, name, v);
    empty = false;
  }
  return empty ? undefined : out;
}

function unescapedName(key: string): string | undefined {
  return key.startsWith(ESCAPE) ? key.slice(ESCAPE.length) : undefined;
}

function ordered(manifest: ManifestJson): ManifestJson {
  const out: ManifestJson = {};
  for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(manifest)]) if (key in manifest) setOwn(out, key, manifest[key]);
  return out;
}

/**
 * Creates a Kubernetes object from typed props, as a plain `ApiObject` holding
 * the rendered manifest. The typed classes re-map their JSON through their
 * typed converter after `addJsonPatch` has run, which silently drops fields
 * their Kubernetes version lacks and turns a plain quantity string into
 * `null`; a plain ApiObject applies patches to the final JSON, so the escape
 * hatch (`construct.deployment.addJsonPatch(...)`) means what it says.
 *
 * @param late fields rendered at synthesis from state other constructs may still change
 */
export function kubeObject<P>(scope: Construct, id: string, kind: ObjectKind<P>, props: P, late?: LateFields): ApiObject {
  if (TYPED_KINDS.has(kind)) {
    // A cdk8s-plus-28 class: its typed props are rendered at synthesis, in the walk that sorts them.
    const { metadata, ...body } = props as ManifestJson & { metadata?: Record<string, unknown> };
    const gvk = (kind as unknown as { GVK: { apiVersion: string; kind: string } }).GVK;
    return new PlainObject(scope, id, body, { apiVersion: gvk.apiVersion, kind: gvk.kind, metadata }, late, () => kind.manifest(props));
  }
  const {
    apiVersion,
    kind: kindName,
    metadata,
    ...body
  } = kind.manifest(props) as ManifestJson & {
    apiVersion: string;
    kind: string;
    metadata?: Record<string, unknown>;
  };
  return new PlainObject(scope, id, body, { apiVersion, kind: kindName, metadata }, late);
}

/** `map`, or undefined when it is empty (so no empty `annotations: {}` is written). */
export function nonEmpty(map: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(map).length > 0 ? map : undefined;
}

/** `map` with its keys in the order cdk8s writes them (sorted), for a late field that joins a sorted map. */
export function sortedMap<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, map[k]]),
  );
}

/**
 * `scope`, after checking that it has no child called `id` yet: the constructs
 * library would otherwise refuse the second one with a message about its own
 * internals. Used in the `super()` call of every construct of this library.
 */
export function uniqueIn(scope: Construct, id: string): Construct {
  const existing = scope?.node?.tryFindChild(id);
  if (existing) {
    throw new ValidationError(
      'A construct id is used twice:',
      [
        formatIssue({
          prop: 'id',
          rule: `must be unique in its scope: ${scope.node.path || 'the app'} already has a child '${id}' (a ${existing.constructor.name})`,
          received: id,
          fix: 'Give each construct its own id; the id is also the default name of its objects.',
        }),
      ],
      scope.node.path,
    );
  }
  return scope;
}
