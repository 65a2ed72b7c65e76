/**
 * The literal objects of the `plain` and `pulumi-raw` peers: what the library
 * synthesizes for one sentinel service, with its identifying strings
 * substituted per service, so the peers' bytes match the library's. The
 * runner builds it once (bench/make-template.ts) in its own process, so the
 * peers never load the library.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RunResult } from './types';
import { Cloud, azureClientId, serviceName } from './names';

/** Service number whose name, index and Azure client id are unmistakable in the output. */
export const SENTINEL = 987654;

/** The sentinel service's objects, per cloud, exactly as the library synthesizes them. */
export type Template = Record<Cloud, any[]>;

/** Makes the objects of service `i` from one cloud's template. */
export type ObjectFactory = (i: number) => any[];

/** Loads the template the runner built, from `BENCH_TEMPLATE`. */
export function loadTemplate(): Template {
  const file = process.env.BENCH_TEMPLATE;
  if (!file) throw new Error('BENCH_TEMPLATE is not set: run the benchmark through bench/run.ts');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** A factory per cloud, in the template's (the library's) cloud order. */
export function loadFactories(): Array<[string, ObjectFactory]> {
  return Object.entries(loadTemplate()).map(([cloud, objects]) => [cloud, compileTemplate(objects)]);
}

const sentinelStrings = (i: number) => [serviceName(i), azureClientId(i).slice(-12), String(i)];
const PATTERN = new RegExp(sentinelStrings(SENTINEL).join('|'), 'g');

/**
 * Compiles one cloud's template into a factory of fresh literal objects (no
 * shared subtrees: the YAML library would print shared references as aliases).
 */
export function compileTemplate(objects: any[]): ObjectFactory {
  const build = compile(objects);
  const from = sentinelStrings(SENTINEL);
  return (i) => {
    const to = sentinelStrings(i);
    return build(Object.fromEntries(from.map((s, k) => [s, to[k]])));
  };
}

type Build = (subs: Record<string, string>) => any;

function compile(node: any): Build {
  if (typeof node === 'string') {
    if (!node.match(PATTERN)) return () => node;
    return (subs) => node.replace(PATTERN, (m) => subs[m]);
  }
  if (Array.isArray(node)) {
    const items = node.map(compile);
    return (subs) => items.map((b) => b(subs));
  }
  if (node !== null && typeof node === 'object') {
    const entries = Object.entries(node).map(([k, v]) => [k, compile(v)] as const);
    return (subs) => {
      const o: Record<string, any> = {};
      for (const [k, b] of entries) o[k] = b(subs);
      return o;
    };
  }
  return () => node;
}

/**
 * Builds the literal objects of `n` services per cloud, serializes them with
 * `serialize` and writes them file per object into `<outDir>/<cloud>/`, timing
 * each phase: the whole run of the `plain` and `floor` peers, which differ only
 * in their serializer.
 */
export function writeLiteralServices(
  factories: Array<[string, ObjectFactory]>,
  n: number,
  outDir: string,
  serialize: (o: object) => string,
): RunResult {
  let build = 0;
  let serializeMs = 0;
  let write = 0;
  for (const [cloud, make] of factories) {
    const dir = path.join(outDir, cloud);
    fs.mkdirSync(dir, { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const objects = make(i);
      const t1 = performance.now();
      const files = objects.map((o) => [`${String(o.kind).toLowerCase()}-${o.metadata.name}.yaml`, serialize(o)]);
      const t2 = performance.now();
      for (const [file, content] of files) {
        fs.writeFileSync(path.join(dir, file), content);
        names.push(file);
      }
      build += t1 - t0;
      serializeMs += t2 - t1;
      write += performance.now() - t2;
    }
    fs.writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      serialize({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: names.sort() }),
    );
  }
  return { phases: { build, serialize: serializeMs, write } };
}
