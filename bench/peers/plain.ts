/**
 * Peer, the floor: the library's objects as literal JavaScript objects (from
 * the template, names substituted), serialized with the same YAML library and
 * options as cdk8s, written with the same file-per-object layout as dist/.
 * No constructs, no validation, no resolution. Not shipped.
 */
import { stringify } from 'yaml';
import { loadFactories, writeLiteralServices } from '../template';
import { RunResult } from '../types';

/** cdk8s's `Yaml.stringify` options. */
const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

const factories = loadFactories();

/** Builds, serializes and writes `n` services per cloud into `<outDir>/<cloud>/`. */
export function run(n: number, outDir: string): RunResult {
  return writeLiteralServices(factories, n, outDir, (o) => stringify(o, YAML_OPTIONS));
}
