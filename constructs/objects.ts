import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError, formatIssue } from './validation';

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

/** Whether charts check the rest of the app (off while the app kit renders, which checks everything itself). */
let crossChartChecks = true;
/** Set while a chart checks the others, so that their own cross-chart checks do not recurse. */
let inCrossChartCheck = false;

/** Runs `f` with the cross-chart checks off: for a renderer that validates every construct of the app itself. */
export function withoutCrossChartChecks<T>(f: () => T): T {
  const before = crossChartChecks;
  crossChartChecks = false;
  try {
    return f();
  } finally {
    crossChartChecks = before;
  }
}

const GUARDED = new WeakSet<Construct>();

/**
 * Makes the chart of `scope` check, at synthesis, what spans the whole app:
 * objects that Kubernetes would see as one (same group, kind, namespace and
 * name), and the errors of every other chart. cdk8s's `app.synth()` validates
 * and writes chart by chart, so without this a valid chart is written before
 * an invalid one fails; with it, nothing is written unless every chart is valid.
 */
export function guardApp(scope: Construct): void {
  const chart = Chart.of(scope);
  if (GUARDED.has(chart)) return;
  GUARDED.add(chart);
  chart.node.addValidation({ validate: () => (crossChartChecks && !inCrossChartCheck ? crossChartProblems(chart) : []) });
}

function crossChartProblems(chart: Chart): string[] {
  const root = chart.node.root;
  const problems = duplicateObjectProblems(root).filter((p) => p.startsWith(`[${chart.node.path}/`) || p.startsWith(`[${chart.node.path}]`));
  inCrossChartCheck = true;
  try {
    const others = root.node.findAll().filter((c) => Chart.isChart(c) && c !== chart && !c.node.path.startsWith(`${chart.node.path}/`) && !chart.node.path.startsWith(`${c.node.path}/`));
    for (const other of others) {
      for (const c of other.node.findAll()) {
        for (const message of c.node.validate()) problems.push(`another chart of the app is invalid, so nothing is written: [${c.node.path}] ${message}`);
      }
    }
  } finally {
    inCrossChartCheck = false;
  }
  return problems;
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

/**
 * `scope`, after checking that it has no child called `id` yet: the constructs
 * library would otherwise refuse the second one with a message about its own
 * internals. Used in the `super()` call of every construct of this library.
 */
export function uniqueIn(scope: Construct, id: string): Construct {
  const existing = scope?.node?.tryFindChild(id);
  if (existing) {
    throw new ValidationError('A construct id is used twice:', [formatIssue({
      prop: 'id', rule: `must be unique in its scope: ${scope.node.path || 'the app'} already has a child '${id}' (a ${existing.constructor.name})`,
      received: id, fix: 'Give each construct its own id; the id is also the default name of its objects.',
    })], scope.node.path);
  }
  return scope;
}
