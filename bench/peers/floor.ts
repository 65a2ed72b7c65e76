/**
 * The true floor: the library's objects as literal JavaScript objects (from the
 * template, names substituted), serialized with the project's own YAML writer
 * (src/yaml.ts, byte-identical to cdk8s's), written file per object as in dist/.
 * No constructs, no validation, no resolution: what is left is building the
 * object literals, serializing and writing. Not shipped.
 */
import { ManifestWriter } from '../../src/yaml';
import { loadFactories, writeLiteralServices } from '../template';
import { RunResult } from '../types';

const factories = loadFactories();

/** Builds, serializes and writes `n` services per cloud into `<outDir>/<cloud>/`. */
export function run(n: number, outDir: string): RunResult {
  const writer = new ManifestWriter();
  return writeLiteralServices(factories, n, outDir, (o) => writer.stringify(o));
}
