import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError, formatIssue } from './validation';

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
  for (const key of Object.keys(value)) {
    const name = key.startsWith(ESCAPE) ? key.slice(ESCAPE.length) : key;
    // defineProperty, not assignment: `__proto__` must become an own key, not the prototype.
    Object.defineProperty(out, name, {
      value: unescapeKeys((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * An ApiObject whose user data may hold keys cdk8s's serializer cannot (see
 * UNSAFE_KEYS), and whose late fields are added before the user's patches.
 */
class PlainObject extends ApiObject {
  private readonly userPatches: JsonPatch[] = [];

  public constructor(
    scope: Construct,
    id: string,
    manifest: never,
    private readonly late?: LateFields,
  ) {
    super(scope, id, manifest);
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.userPatches.push(...ops);
  }

  public toJson(): ReturnType<ApiObject['toJson']> {
    // cdk8s resolves and sorts the manifest; no patch is registered with it.
    const manifest = super.toJson() as ManifestJson;
    this.late?.(manifest);
    if (this.userPatches.length === 0) return unescapeKeys(manifest);
    let patched: ManifestJson;
    try {
      patched = JsonPatch.apply(manifest, ...this.userPatches) as ManifestJson;
    } catch (e) {
      throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`, { cause: e });
    }
    // apiVersion, kind and metadata first, as cdk8s writes them, whatever a patch added.
    const ordered: ManifestJson = {};
    for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) if (key in patched) ordered[key] = patched[key];
    return unescapeKeys(ordered);
  }
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
  const manifest = escapeKeys(kind.manifest(props)) as { apiVersion: string; kind: string; metadata?: Record<string, unknown> };
  return new PlainObject(scope, id, manifest as never, late);
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
