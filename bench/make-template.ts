/** Builds the peers' template (bench/template.ts) with the library. */
import { App } from 'cdk8s';
import { PythonMicroservice } from '../src';
import { CLOUDS, serviceName } from './names';
import { benchChart, serviceProps } from './shape';
import { SENTINEL, Template } from './template';

/** Synthesizes the sentinel service on every cloud. */
export function buildTemplate(): Template {
  const out = {} as Template;
  for (const cloud of CLOUDS) {
    const app = new App();
    const chart = benchChart(app);
    new PythonMicroservice(chart, serviceName(SENTINEL), serviceProps(cloud, SENTINEL));
    out[cloud] = chart.toJson();
  }
  return out;
}
