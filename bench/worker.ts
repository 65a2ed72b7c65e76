/**
 * One measurement in a fresh process:
 *
 *   node --import tsx bench/worker.ts <approach> <n> <outDir> [warm]
 *
 * imports the approach, synthesizes `n` services per cloud once (the cold
 * run: what a user's one-shot command pays), records the process's CPU and
 * peak RSS at that point, then synthesizes `warm` more times (each after a
 * full GC, into a fresh folder) for the steady-state cost. Prints a
 * {@link WorkerReport} as the last line of stdout, after `BENCH_RESULT `.
 *
 *   node --import tsx bench/worker.ts --template <file>
 *
 * writes the peers' template instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import { APPROACHES } from './approaches';
import { IterationSample, RunResult, Runner, WorkerReport } from './types';

const MB = 1024 * 1024;

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--template') {
    const { buildTemplate } = await import('./make-template');
    fs.writeFileSync(argv[1], JSON.stringify(buildTemplate()));
    return;
  }
  const [name, nArg, outDir, warmArg] = argv;
  const approach = APPROACHES[name];
  if (!approach || !outDir) throw new Error(`usage: worker.ts <${Object.keys(APPROACHES).join('|')}> <n> <outDir> [warm]`);
  const n = Number(nArg);
  const warmRuns = Number(warmArg ?? 0);
  const spawnedAt = Number(process.env.BENCH_SPAWNED_AT ?? Date.now());

  const l0 = performance.now();
  const run = await approach.load();
  const loadMs = performance.now() - l0;

  const windowsUs: Array<[number, number]> = [];
  const first = await measure(run, n, path.join(outDir, 'run-0'), 0, windowsUs);
  const coldProcessMs = Date.now() - spawnedAt;
  const usage = process.resourceUsage();
  const coldMaxRssMb = (usage.maxRSS * 1024) / MB;
  const written = countWritten(path.join(outDir, 'run-0'));
  const kinds = first.result.kinds ?? written.kinds;
  fs.rmSync(path.join(outDir, 'run-0'), { recursive: true, force: true });

  const warm: IterationSample[] = [];
  for (let k = 1; k <= warmRuns; k++) {
    (globalThis as { gc?: () => void }).gc?.();
    const dir = path.join(outDir, `run-${k}`);
    warm.push((await measure(run, n, dir, k, windowsUs)).sample);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const report: WorkerReport = {
    approach: name,
    n,
    loadMs,
    cold: first.sample,
    coldProcessMs,
    coldProcessUserMs: usage.userCPUTime / 1000,
    coldProcessSysMs: usage.systemCPUTime / 1000,
    coldMaxRssMb,
    warm,
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
    kinds,
    objects: Object.values(kinds).reduce((a, b) => a + b, 0),
    bytes: written.files > 0 ? written.bytes : null,
    files: written.files,
    windowsUs,
  };
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(report)}\n`);
}

async function measure(
  run: Runner,
  n: number,
  dir: string,
  iteration: number,
  windows: Array<[number, number]>,
): Promise<{ sample: IterationSample; result: RunResult }> {
  fs.mkdirSync(dir, { recursive: true });
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const result = await run(n, dir, iteration);
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  windows.push([startUs, Number(process.hrtime.bigint() / 1000n)]);
  return { sample: { wallMs, userMs: used.user / 1000, sysMs: used.system / 1000, phases: result.phases ?? {} }, result };
}

/** Files and bytes under `dir`, and objects per kind (one object per file, except kustomization.yaml). */
function countWritten(dir: string): { files: number; bytes: number; kinds: Record<string, number> } {
  let files = 0;
  let bytes = 0;
  const kinds: Record<string, number> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      const content = fs.readFileSync(p, 'utf8');
      files++;
      bytes += Buffer.byteLength(content);
      const kind = /^kind: (\S+)$/m.exec(content)?.[1] ?? '?';
      if (kind !== 'Kustomization') kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return { files, bytes, kinds };
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
