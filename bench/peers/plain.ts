/**
 * Peer, the floor: the library's objects as literal JavaScript objects (from
 * the template, names substituted), serialized with the same YAML library and
 * options as cdk8s, written with the same file-per-object layout as dist/.
 * No constructs, no validation, no resolution. Not shipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadFactories } from '../template';
import { RunResult } from '../types';

/** cdk8s's `Yaml.stringify` options. */
const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

const factories = loadFactories();

/** Builds, serializes and writes `n` services per cloud into `<outDir>/<cloud>/`. */
export function run(n: number, outDir: string): RunResult {
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
      const files = objects.map((o) => [`${String(o.kind).toLowerCase()}-${o.metadata.name}.yaml`, stringify(o, YAML_OPTIONS)]);
      const t2 = performance.now();
      for (const [file, content] of files) {
        fs.writeFileSync(path.join(dir, file), content);
        names.push(file);
      }
      build += t1 - t0;
      serialize += t2 - t1;
      write += performance.now() - t2;
    }
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: names.sort() };
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify(kustomization, YAML_OPTIONS));
  }
  return { phases: { build, serialize, write } };
}

