/**
 * Where the memory of a synthesis goes: what the construct tree of N services
 * × 3 clouds holds while it is rendered, per service and cloud.
 *
 *   node --import tsx bench/heap-profile.ts [small=200] [large=600]
 *
 * Defines the benchmark's services (bench/subjects/library.ts) at two sizes,
 * each in a fresh process, takes a V8 heap snapshot of each after a full GC, and
 * prints the difference divided by the number of services × clouds added: the
 * bytes each one holds, by kind of heap object and by owner (the nearest object
 * of a named class on its first retaining path, with the field that holds it).
 * Module code and everything else the two sizes share cancel out.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import { CLOUDS } from './names';
import { table } from './report';

interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: string[];
      readonly node_types: [string[], ...unknown[]];
      readonly edge_fields: string[];
      readonly edge_types: [string[], ...unknown[]];
    };
  };
  readonly nodes: number[];
  readonly edges: number[];
  readonly strings: string[];
}

/** Heap objects that say nothing of who holds them: their owner is looked for further up. */
const ANONYMOUS = new Set([
  'Object',
  'Array',
  '(array)',
  '(hidden)',
  '(object shape)',
  '(string)',
  '(concatenated string)',
  '(sliced string)',
  '(number)',
  'system / Context',
  '(code)',
]);

/** Bytes by kind of object and by owner (`Class.field`). */
export function heapBreakdown(file: string): { byKind: Map<string, number>; byOwner: Map<string, number> } {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const { meta } = s.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [nodeTypes] = meta.node_types;
  const [edgeTypes] = meta.edge_types;
  const [TYPE, NAME, SIZE, EDGES] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
  const [ETYPE, ENAME, ETO] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const count = s.nodes.length / nf;
  const name = (i: number): string => {
    const type = nodeTypes[s.nodes[i * nf + TYPE]];
    return type === 'object' || type === 'closure' ? s.strings[s.nodes[i * nf + NAME]] : `(${type})`;
  };
  // The first strong retainer of every node, and the field it is held by.
  const retainer = new Int32Array(count).fill(-1);
  const field: string[] = new Array(count);
  for (let i = 0, e = 0; i < count; i++) {
    for (let k = s.nodes[i * nf + EDGES]; k > 0; k--, e += ef) {
      const type = edgeTypes[s.edges[e + ETYPE]];
      if (type === 'weak' || type === 'shortcut') continue;
      const to = s.edges[e + ETO] / nf;
      if (retainer[to] !== -1) continue;
      retainer[to] = i;
      field[to] = type === 'element' || type === 'hidden' ? '[]' : String(s.strings[s.edges[e + ENAME]]);
    }
  }
  const byKind = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (let i = 0; i < count; i++) {
    const size = s.nodes[i * nf + SIZE];
    const kind = name(i);
    add(byKind, kind, size);
    if (!ANONYMOUS.has(kind)) continue;
    let [j, via, steps] = [i, '', 0];
    while (retainer[j] !== -1 && steps++ < 30) {
      via = field[j];
      j = retainer[j];
      if (!ANONYMOUS.has(name(j))) break;
    }
    add(byOwner, `${name(j)}.${via}`, size);
  }
  return { byKind, byOwner };
}

function snapshotChild(n: number, file: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { define } = require('./subjects/library') as typeof import('./subjects/library');
  const targets = define(n);
  (globalThis as { gc?: () => void }).gc?.();
  v8.writeHeapSnapshot(file);
  // Held until the snapshot is written.
  if (targets.length !== CLOUDS.length) throw new Error('unexpected number of targets');
}

function main(argv: string[]): void {
  if (argv[0] === '--snapshot') return snapshotChild(Number(argv[1]), argv[2]);
  const [small, large] = [Number(argv[0] ?? 200), Number(argv[1] ?? 600)];
  if (!(large > small && small > 0)) throw new Error('usage: bench/heap-profile.ts [small] [large], 0 < small < large');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-heap-'));
  try {
    const [a, b] = [small, large].map((n) => {
      const file = path.join(dir, `${n}.heapsnapshot`);
      const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--snapshot', String(n), file], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`snapshot at N=${n} failed:\n${r.stderr}`);
      const breakdown = heapBreakdown(file);
      fs.rmSync(file);
      return breakdown;
    });
    const units = (large - small) * CLOUDS.length;
    const per = (x: Map<string, number>, y: Map<string, number>) =>
      [...y].map(([k, v]) => [k, (v - (x.get(k) ?? 0)) / units] as const).sort((p, q) => q[1] - p[1]);
    const kinds = per(a.byKind, b.byKind);
    const total = kinds.reduce((sum, [, v]) => sum + v, 0);
    const rows = (list: ReadonlyArray<readonly [string, number]>) =>
      list.slice(0, 15).map(([k, v]) => [k.slice(0, 70), v.toFixed(0), ((100 * v) / total).toFixed(1)]);
    process.stdout.write(
      [
        `The construct tree of the benchmark's services holds ${total.toFixed(0)} bytes per service and cloud (heap snapshots at N=${small} and N=${large}, ${CLOUDS.length} clouds; ${((total * 10000 * CLOUDS.length) / 1e6).toFixed(0)} MB at N=10,000).`,
        table(['by kind of object', 'bytes', '%'], rows(kinds)),
        table(['by owner (class.field)', 'bytes', '%'], rows(per(a.byOwner, b.byOwner))),
      ].join('\n\n') + '\n',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2));
