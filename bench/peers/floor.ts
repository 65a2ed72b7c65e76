/**
 * The true floor: the library's objects as literal JavaScript objects (from the
 * template, names substituted), serialized with the project's own YAML writer
 * (src/yaml.ts, byte-identical to cdk8s's), written file per object as in dist/.
 * No constructs, no validation, no resolution: what is left is building the
 * object literals, serializing and writing. Not shipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ManifestWriter } from '../../src/yaml';
import { loadFactories } from '../template';
import { RunResult } from '../types';

const factories = loadFactories();

/** Builds, serializes and writes `n` services per cloud into `<outDir>/<cloud>/`. */
export function run(n: number, outDir: string): RunResult {
  const writer = new ManifestWriter();
  let build = 0;
  let serialize = 0;
  let write = 0;
  for (const [cloud, make] of factories) {
    const dir = path.join(outDir, cloud);
    fs.mkdirSync(dir, { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const objects = make(i);
      const t1 = performance.now();
      const files = objects.map((o) => [`${String(o.kind).toLowerCase()}-${o.metadata.name}.yaml`, writer.stringify(o)]);
      const t2 = performance.now();
      for (const [file, content] of files) {
        fs.writeFileSync(path.join(dir, file), content);
        names.push(file);
      }
      build += t1 - t0;
      serialize += t2 - t1;
      write += performance.now() - t2;
    }
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), writer.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: names.sort() }));
  }
  return { phases: { build, serialize, write } };
}
