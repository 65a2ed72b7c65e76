import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';

/** Whether charts check the rest of the app (off while the app kit renders, which checks everything itself). */
let crossChartChecks = true;
/** Set while the app's checks run every chart's validations, so that the charts' own cross-chart checks do not recurse. */
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

/** A host and path one service routes through an Ingress, for the check across services. */
export interface RoutedHost {
  /** The construct path of the service. */
  readonly path: string;
  readonly host: string;
  readonly routePath: string;
  /** Ingresses of this host share one load balancer on the service's cloud. */
  readonly sharesHost: boolean;
  /** How to route the host through one load balancer, when they do not. */
  readonly fix?: string;
}

/** A workload's mount of a PersistentVolumeClaim, for the check of ReadWriteOnce claims across the app. */
export interface ClaimUse {
  /** The construct path of the workload. */
  readonly path: string;
  /** `<namespace>/<claim name>`: the claim Kubernetes sees. */
  readonly key: string;
  readonly claim: string;
  /** The prop that mounts it, e.g. `mounts[0].volume`. */
  readonly prop: string;
  /** `ReadWriteOnce`, `ReadWriteMany`, `ReadOnlyMany`; undefined when the library cannot see it (an existing claim). */
  readonly accessMode?: string;
  /** How many of the workload's pods may mount it at once, and whether a new pod starts before the old one stops (read at synthesis). */
  readonly scale: () => { readonly replicas: number; readonly surges: boolean };
}

/**
 * What the checks across the whole app need, built in one walk of the tree per
 * validation pass (every check across services reads it, so a synth stays linear
 * in the number of services): the Namespace objects, the routed hosts, and, for
 * plain `app.synth()`, each chart's share of the app's errors.
 */
export interface AppIndex {
  /** Namespace objects by name. */
  readonly namespaces: ReadonlyMap<string, ApiObject>;
  /** Routed hosts by host name, in construct path order. */
  readonly hosts: ReadonlyMap<string, readonly RoutedHost[]>;
  /** For each guarded chart, what it reports about the others (empty unless cross-chart checks are on). */
  readonly chartProblems: ReadonlyMap<Chart, readonly string[]>;
  /** The workloads' mounts of each claim, by `<namespace>/<claim name>`. */
  readonly claims: ReadonlyMap<string, readonly ClaimUse[]>;
}

interface AppRegistry {
  /** Routed hosts registered by services as they are constructed. */
  readonly routedHosts: RoutedHost[];
  /** Claims mounted by workloads as they are constructed. */
  readonly claimUses: ClaimUse[];
  /** Labels the app's services need on their Namespace, by namespace name. */
  readonly namespaceLabels: Map<string, Record<string, string>>;
  /** Namespace objects that render the labels the services need. */
  readonly labellingNamespaces: WeakSet<ApiObject>;
  /** Charts that check the rest of the app. */
  readonly charts: Chart[];
  index?: AppIndex;
}

const REGISTRIES = new WeakMap<Construct, AppRegistry>();

/** Number of walks over a whole app the index has made (tests guard linearity by counting them). */
export let appIndexWalks = 0;

function registryOf(scope: Construct): AppRegistry {
  const root = scope.node.root;
  let registry = REGISTRIES.get(root);
  if (!registry) {
    registry = { routedHosts: [], claimUses: [], charts: [], namespaceLabels: new Map(), labellingNamespaces: new WeakSet() };
    REGISTRIES.set(root, registry);
    // The root is validated first in every pass (cdk8s's App.synth and chart.toJson(), render(),
    // the Pulumi host all walk in pre-order from it), so the index is fresh for every check below it.
    const r = registry;
    root.node.addValidation({
      validate: () => {
        r.index = buildIndex(root, r);
        return [];
      },
    });
  }
  return registry;
}

/** The app's index: the one this validation pass built, or a new one when a subtree is validated on its own. */
export function appIndex(scope: Construct): AppIndex {
  const registry = registryOf(scope);
  return registry.index ?? (registry.index = buildIndex(scope.node.root, registry));
}

/** Records a host and path a service routes, for the check across services. */
export function registerRoutedHost(scope: Construct, routed: Omit<RoutedHost, 'path'>): void {
  registryOf(scope).routedHosts.push({ ...routed, path: scope.node.path });
}

/** Records a workload's mount of a claim, for the check across the app. */
export function registerClaimUse(scope: Construct, use: Omit<ClaimUse, 'path'>): void {
  registryOf(scope).claimUses.push({ ...use, path: scope.node.path });
}

/** Records labels a service needs on its Namespace (a cloud's admission webhook reads them). */
export function requireNamespaceLabels(scope: Construct, namespace: string, labels: Record<string, string>): void {
  const wanted = registryOf(scope).namespaceLabels;
  wanted.set(namespace, { ...wanted.get(namespace), ...labels });
}

/** The labels the app's services need on the Namespace called `namespace`. */
export function requiredNamespaceLabels(scope: Construct, namespace: string): Record<string, string> {
  return registryOf(scope).namespaceLabels.get(namespace) ?? {};
}

/** Marks `namespace` as a Namespace object that renders the labels services need ({@link requiredNamespaceLabels}). */
export function rendersRequiredLabels(namespace: ApiObject): void {
  registryOf(namespace).labellingNamespaces.add(namespace);
}

/** Whether `namespace` renders the labels services need, or is an object the library does not label. */
export function isLabellingNamespace(namespace: ApiObject): boolean {
  return registryOf(namespace).labellingNamespaces.has(namespace);
}

function buildIndex(root: Construct, registry: AppRegistry): AppIndex {
  appIndexWalks++;
  const namespaces = new Map<string, ApiObject>();
  const all = root.node.findAll();
  for (const c of all) {
    if (c instanceof ApiObject && c.kind === 'Namespace' && !namespaces.has(c.name)) namespaces.set(c.name, c);
  }
  const hosts = new Map<string, RoutedHost[]>();
  for (const routed of registry.routedHosts) hosts.set(routed.host, [...(hosts.get(routed.host) ?? []), routed]);
  for (const list of hosts.values()) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const claims = new Map<string, ClaimUse[]>();
  for (const use of registry.claimUses) {
    const list = claims.get(use.key);
    if (list) list.push(use);
    else claims.set(use.key, [use]);
  }
  // The checks the cross-chart pass runs read this index already.
  registry.index = { namespaces, hosts, claims, chartProblems: new Map() };
  if (!crossChartChecks || inCrossChartCheck) return registry.index;
  return { namespaces, hosts, claims, chartProblems: crossChartProblems(root, all, registry.charts) };
}

/** The closest chart of `c` (itself when it is one), or undefined outside charts. */
function chartOf(c: Construct): Chart | undefined {
  for (let s: Construct | undefined = c; s; s = s.node.scope as Construct | undefined) if (Chart.isChart(s)) return s;
  return undefined;
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
  registryOf(chart).charts.push(chart);
  chart.node.addValidation({
    validate: () => (crossChartChecks && !inCrossChartCheck ? [...(appIndex(chart).chartProblems.get(chart) ?? [])] : []),
  });
}

/**
 * Each guarded chart's problems with the rest of the app, from one walk: its
 * duplicate objects, and every error of the other charts. Each construct is
 * validated once here, whatever the number of charts.
 */
function crossChartProblems(root: Construct, all: readonly Construct[], charts: readonly Chart[]): Map<Chart, string[]> {
  const duplicates = duplicateObjectProblems(root, all);
  const errorsByChart = new Map<Chart, string[]>();
  inCrossChartCheck = true;
  try {
    for (const c of all) {
      const chart = c === root ? undefined : chartOf(c);
      if (!chart) continue;
      const messages = c.node.validate();
      if (messages.length === 0) continue;
      errorsByChart.set(chart, [...(errorsByChart.get(chart) ?? []), ...messages.map((m) => `[${c.node.path}] ${m}`)]);
    }
  } finally {
    inCrossChartCheck = false;
  }
  const out = new Map<Chart, string[]>();
  for (const chart of charts) {
    const prefix = chart.node.path;
    const mine = duplicates.filter((p) => p.startsWith(`[${prefix}/`) || p.startsWith(`[${prefix}]`));
    const nested = (other: Chart) =>
      other === chart || other.node.path.startsWith(`${prefix}/`) || prefix.startsWith(`${other.node.path}/`);
    for (const [other, errors] of errorsByChart) {
      if (nested(other)) continue;
      for (const e of errors) mine.push(`another chart of the app is invalid, so nothing is written: ${e}`);
    }
    out.set(chart, mine);
  }
  return out;
}

/** Objects under `root` that Kubernetes would see as one, as `[path] message` lines. */
export function duplicateObjectProblems(root: Construct, all: readonly Construct[] = root.node.findAll()): string[] {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const c of all) {
    if (!(c instanceof ApiObject)) continue;
    const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '';
    const key = `${group}/${c.kind}/${c.metadata.namespace ?? ''}/${c.metadata.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push(
        `[${c.node.path}] ${c.kind} '${c.metadata.name}' is also defined by ${first}; Kubernetes would keep only one of them. Give one of them another name (the 'name' prop) or put it in another namespace.`,
      );
    } else {
      seen.set(key, c.node.path);
    }
  }
  return errors;
}
