/**
 * The literal objects of the `plain` and `pulumi-raw` peers: what the library
 * synthesizes for one sentinel service, with its identifying strings
 * substituted per service, so the peers' bytes match the library's. The
 * runner builds it once (bench/make-template.ts) in its own process, so the
 * peers never load the library.
 */
import * as fs from 'fs';
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
