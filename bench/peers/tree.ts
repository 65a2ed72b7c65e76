/**
 * Bound: the construct tree of the library's objects, and nothing else. Per
 * service a construct, and per object a cdk8s `ApiObject` with the object's
 * apiVersion, kind and metadata (from the template, names substituted), in a
 * chart per cloud, as the library's tree holds them; no body, and nothing
 * validated, rendered or written. Its time is what a design without a
 * construct per object would stop paying; `library` minus `tree`, against the
 * floor, is the best such a design could reach (bench/README.md). Not shipped.
 */
import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { benchChart } from '../shape';
import { compileTemplate, loadTemplate } from '../template';
import { RunResult } from '../types';

/** Per cloud, a factory of service i's objects' heads: apiVersion, kind and metadata. */
const heads = Object.values(loadTemplate()).map((objects) =>
  compileTemplate(objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata }))),
);

/** Builds the tree of `n` services per cloud. */
export function run(n: number): RunResult {
  const kinds: Record<string, number> = {};
  for (const make of heads) {
    const chart = benchChart(new App());
    for (let i = 0; i < n; i++) {
      const objects = make(i);
      const service = new Construct(chart, objects[0].metadata.name);
      objects.forEach((o, k) => {
        new ApiObject(service, `${o.kind}${k}`, o);
        kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
      });
    }
  }
  return { kinds };
}
