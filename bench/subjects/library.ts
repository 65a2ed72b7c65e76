/**
 * This library, as `npm run synth` uses it: `PythonMicroservice` per service,
 * one App per cloud, `render()` (validate everything, then each file written
 * into a staging folder as it is rendered) and the swap into
 * `<outDir>/dist/<cloud>/`, one file per object plus a kustomization.yaml,
 * exactly the layout of dist/.
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { PythonMicroservice } from '../../src';
import { CloudTarget, StagedFolders, render } from '../../src/synth';
import { CLOUDS, Cloud, serviceName } from '../names';
import { benchChart, serviceProps } from '../shape';
import { RunResult } from '../types';

/** Defines `n` services on every cloud (or on `clouds`). */
export function define(n: number, clouds: readonly Cloud[] = CLOUDS): CloudTarget[] {
  return clouds.map((cloud) => {
    const app = new App();
    const chart = benchChart(app);
    for (let i = 0; i < n; i++) new PythonMicroservice(chart, serviceName(i), serviceProps(cloud, i));
    return { cloud, app };
  });
}

export function run(n: number, outDir: string): RunResult {
  const t0 = performance.now();
  const targets = define(n);
  const t1 = performance.now();
  const folders = new StagedFolders([path.join(outDir, 'dist')]);
  renderInto(targets, folders);
  const t2 = performance.now();
  folders.commit();
  const t3 = performance.now();
  return { phases: { define: t1 - t0, render: t2 - t1, write: t3 - t2 } };
}

/**
 * Bound: the same services and files, but each cloud's tree defined only when
 * it is rendered, and dropped before the next: the peak memory an app would
 * have if its targets were defined on demand instead of all before the synth.
 */
export function runPerTarget(n: number, outDir: string): RunResult {
  const t0 = performance.now();
  const folders = new StagedFolders([path.join(outDir, 'dist')]);
  for (const cloud of CLOUDS) {
    renderInto(define(n, [cloud]), folders);
  }
  const t1 = performance.now();
  folders.commit();
  return { phases: { 'define and render': t1 - t0, write: performance.now() - t1 } };
}

/** Renders `targets` into `folders`; the benchmark's services are valid, so an error stops the run. */
function renderInto(targets: CloudTarget[], folders: StagedFolders): void {
  const rendering = render(targets, { sink: folders });
  if (rendering.errors.length > 0) throw new Error(`the benchmark service is invalid:\n${rendering.errors.slice(0, 5).join('\n')}`);
}
