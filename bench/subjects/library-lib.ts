/**
 * The library as an installed package runs it: the same run as
 * bench/subjects/library.ts, but the library's modules are the compiled
 * JavaScript in lib/ (`npm run build`), not the TypeScript sources that tsx
 * transpiles on load.
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { CLOUDS, serviceName } from '../names';
import { benchChart, serviceProps } from '../shape';
import { RunResult } from '../types';

const LIB = path.resolve(__dirname, '..', '..', 'lib', 'src');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const api = require(path.join(LIB, 'index.js')) as typeof import('../../src');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const synth = require(path.join(LIB, 'synth.js')) as typeof import('../../src/synth');

export function run(n: number, outDir: string): RunResult {
  const t0 = performance.now();
  const targets = CLOUDS.map((cloud) => {
    const app = new App();
    const chart = benchChart(app);
    for (let i = 0; i < n; i++) new api.PythonMicroservice(chart, serviceName(i), serviceProps(cloud, i, api));
    return { cloud, app };
  });
  const t1 = performance.now();
  const folders = new synth.StagedFolders([path.join(outDir, 'dist')]);
  const rendering = synth.render(targets, { sink: folders });
  if (rendering.errors.length > 0) throw new Error(`the benchmark service is invalid:\n${rendering.errors.slice(0, 5).join('\n')}`);
  const t2 = performance.now();
  folders.commit();
  const t3 = performance.now();
  return { phases: { define: t1 - t0, render: t2 - t1, write: t3 - t2 } };
}
