import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { Construct, Node } from 'constructs';

/** One chart of an app and the objects it synthesizes. */
export interface ChartObjects {
  readonly chart: Chart;
  /** Its ApiObjects, in the order `chart.toJson()` returns them. */
  readonly apiObjects: readonly ApiObject[];
}

/**
 * Every chart of `app` in `app.charts` order, each with the objects that
 * `chart.toJson()` would synthesize, in the same order, for a caller that has
 * validated the whole app already.
 *
 * `chart.toJson()` (cdk8s's `App._synthChart`) resolves the app's dependencies
 * and validates the whole app on every call, so rendering C charts that way
 * validates the app C times. Here the dependencies are resolved once, as
 * cdk8s's `resolveDependencies` does (node_modules/cdk8s/lib/app.js), and each
 * chart's objects come in the topology of its DependencyGraph, as in cdk8s's
 * `chartToKube`: the same objects in the same order, without the validations.
 */
export function chartObjects(app: App): ChartObjects[] {
  // The charts' order as `app.charts` gives it before the first chart.toJson(), as render() always read it.
  const charts = app.charts;
  resolveDependencies(app);
  return charts.map((chart) => ({
    chart,
    apiObjects: new DependencyGraph(chart.node).topology().filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart),
  }));
}

/**
 * Makes explicit what cdk8s infers at synthesis: a chart depends on the charts
 * nested in it and on the charts its constructs depend on, and an ApiObject on
 * the ApiObjects under what its construct depends on. Adding a dependency twice
 * changes nothing (a Set), so a later `chart.toJson()` or `app.synth()` finds
 * the same graph.
 */
function resolveDependencies(app: App): void {
  const found = new Map<Node, Construct[]>();
  const findAll = (node: Node): Construct[] => {
    let all = found.get(node);
    if (!all) found.set(node, (all = node.findAll()));
    return all;
  };
  const dependencies = () => findAll(app.node).flatMap((source) => source.node.dependencies.map((target) => ({ source, target })));

  for (const parent of findAll(app.node).filter((x): x is Chart => x instanceof Chart)) {
    for (const child of parent.node.children.filter((x) => x instanceof Chart)) parent.node.addDependency(child);
  }
  for (const { source, target } of dependencies()) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) sourceChart.node.addDependency(targetChart);
  }
  // Read again: the chart dependencies added above count too, as in cdk8s.
  for (const { source, target } of dependencies()) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    const targets = findAll(target.node).filter((c) => c instanceof ApiObject && Chart.of(c) === targetChart);
    const sources = findAll(source.node).filter((c) => c instanceof ApiObject && Chart.of(c) === sourceChart);
    for (const t of targets) {
      for (const s of sources) if (t !== s) s.node.addDependency(t);
    }
  }
}
