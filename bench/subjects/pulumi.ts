/**
 * This library's Pulumi adapter with a mocked engine: one `Cdk8sComponent`
 * per cloud hosting the cloud's construct tree (the `pulumi` approach), or one
 * `PythonMicroserviceComponent` per service (`pulumi-service`). Timed until
 * every resource is registered; nothing is written.
 */
import { drain } from '../pulumi-mocks';
import { Chart } from 'cdk8s';
import { PythonMicroservice } from '../../src';
import { Cdk8sComponent, PythonMicroserviceComponent } from '../../src/pulumi';
import { CLOUDS, NAMESPACE, serviceName } from '../names';
import { benchChart, serviceProps } from '../shape';
import { RunResult } from '../types';

/** One `Cdk8sComponent` per cloud, hosting all `n` services. */
export async function run(n: number, _outDir: string, iteration: number): Promise<RunResult> {
  const t0 = performance.now();
  for (const cloud of CLOUDS) {
    new Cdk8sComponent(`r${iteration}-${cloud}`, {
      label: cloud,
      define: (app) => {
        const chart: Chart = benchChart(app);
        for (let i = 0; i < n; i++) new PythonMicroservice(chart, serviceName(i), serviceProps(cloud, i));
      },
    });
  }
  const t1 = performance.now();
  const kinds = await drain();
  return { phases: { construct: t1 - t0, register: performance.now() - t1 }, kinds };
}

/** One `PythonMicroserviceComponent` per service and cloud. */
export async function runPerService(n: number, _outDir: string, iteration: number): Promise<RunResult> {
  const t0 = performance.now();
  for (const cloud of CLOUDS) {
    for (let i = 0; i < n; i++) {
      const name = serviceName(i);
      new PythonMicroserviceComponent(`r${iteration}-${cloud}-${name}`, {
        service: { ...serviceProps(cloud, i), name },
        namespace: NAMESPACE,
      });
    }
  }
  const t1 = performance.now();
  const kinds = await drain();
  return { phases: { construct: t1 - t0, register: performance.now() - t1 }, kinds };
}
