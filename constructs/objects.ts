import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** A class of typed Kubernetes objects (cdk8s-plus-28's `k8s.Kube*`, or one `cdk8s import` generated). */
export interface ObjectKind<P> {
  /** Renders the object's manifest from typed props. */
  manifest(props: P): Record<string, unknown>;
}

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
  for (const key of Object.keys(value)) out[UNSAFE_KEYS.has(key) ? `${ESCAPE}${key}` : key] = escapeKeys((value as Record<string, unknown>)[key]);
  return out;
}

function unescapeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unescapeKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const name = key.startsWith(ESCAPE) ? key.slice(ESCAPE.length) : key;
    // defineProperty, not assignment: `__proto__` must become an own key, not the prototype.
    Object.defineProperty(out, name, { value: unescapeKeys((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** An ApiObject whose user data may hold keys cdk8s's serializer cannot (see UNSAFE_KEYS). */
class PlainObject extends ApiObject {
  public toJson(): any {
    return unescapeKeys(super.toJson());
  }
}

/**
 * Creates a Kubernetes object from typed props, as a plain `ApiObject` holding
 * the rendered manifest. The typed classes re-map their JSON through their
 * typed converter after `addJsonPatch` has run, which silently drops fields
 * their Kubernetes version lacks and turns a plain quantity string into
 * `null`; a plain ApiObject applies patches to the final JSON, so the escape
 * hatch (`construct.deployment.addJsonPatch(...)`) means what it says.
 */
export function kubeObject<P>(scope: Construct, id: string, kind: ObjectKind<P>, props: P): ApiObject {
  const manifest = escapeKeys(kind.manifest(props)) as { apiVersion: string; kind: string; metadata?: Record<string, unknown> };
  return new PlainObject(scope, id, manifest as never);
}

/** Roots that already check their objects for duplicates. */
const CHECKED_ROOTS = new WeakSet<Construct>();

/**
 * Makes the root of `scope` report, at synthesis, objects that Kubernetes would
 * see as one (same group, kind, namespace and name), so that plain `app.synth()`
 * refuses them as the app kit does, instead of writing both.
 */
export function checkDuplicatesOnce(scope: Construct): void {
  const root = scope.node.root;
  if (CHECKED_ROOTS.has(root)) return;
  CHECKED_ROOTS.add(root);
  root.node.addValidation({ validate: () => duplicateObjectProblems(root) });
}

/** Whether `root` reports duplicates itself (see {@link checkDuplicatesOnce}). */
export function checksDuplicates(root: Construct): boolean {
  return CHECKED_ROOTS.has(root);
}

/** Objects under `root` that Kubernetes would see as one, as `[path] message` lines. */
export function duplicateObjectProblems(root: Construct): string[] {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '';
    const key = `${group}/${c.kind}/${c.metadata.namespace ?? ''}/${c.metadata.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push(`[${c.node.path}] ${c.kind} '${c.metadata.name}' is also defined by ${first}; Kubernetes would keep only one of them. Give one of them another name (the 'name' prop) or put it in another namespace.`);
    } else {
      seen.set(key, c.node.path);
    }
  }
  return errors;
}
