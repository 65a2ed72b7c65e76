/**
 * Bound: `PythonMicroserviceComponent` without any output. Per service and
 * cloud, a component resource that synthesizes the service exactly as the real
 * one does (`synthesizeTree`), logs its warnings, registers every object under
 * itself with the same `dependsOn`, and registers no outputs: no Service or
 * identity lookups, no load balancer address, nothing for the stack's state.
 * Its ratio to `pulumi-raw` is the best a component that synthesizes through
 * cdk8s could reach; the real component's outputs are what it adds on top
 * (bench/README.md, "Goals"). Not shipped.
 */
import { drain } from '../pulumi-mocks';
import * as pulumi from '@pulumi/pulumi';
import { Chart } from 'cdk8s';
import { PythonMicroservice } from '../../src';
import { registerManifest } from '../../src/pulumi/kinds';
import { synthesizeTree } from '../../src/pulumi/tree';
import { CLOUDS, Cloud, NAMESPACE, serviceName } from '../names';
import { serviceProps } from '../shape';
import { RunResult } from '../types';

class BareMicroservice extends pulumi.ComponentResource {
  public constructor(name: string, cloud: Cloud, i: number) {
    // As the real component: the construct is named after the component, the service after `serviceName(i)`.
    const tree = synthesizeTree((app) => {
      new PythonMicroservice(new Chart(app, NAMESPACE, { namespace: NAMESPACE }), name, {
        ...serviceProps(cloud, i),
        name: serviceName(i),
      });
    }, cloud);
    super('pyservice:bench:BareMicroservice', name, {});
    for (const w of tree.warnings) pulumi.log.warn(w, this);
    const resources: Record<string, pulumi.CustomResource> = {};
    for (const o of tree.objects) {
      resources[o.id] = registerManifest(`${name}/${o.id}`, o.manifest, { parent: this, dependsOn: o.dependsOn.map((d) => resources[d]) });
    }
    this.registerOutputs({});
  }
}

/** One bare component per service and cloud. */
export async function run(n: number, _outDir: string, iteration: number): Promise<RunResult> {
  const t0 = performance.now();
  for (const cloud of CLOUDS) {
    for (let i = 0; i < n; i++) new BareMicroservice(`r${iteration}-${cloud}-${serviceName(i)}`, cloud, i);
  }
  const t1 = performance.now();
  const kinds = await drain();
  return { phases: { construct: t1 - t0, register: performance.now() - t1 }, kinds };
}
