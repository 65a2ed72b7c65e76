/**
 * Profiles one approach at one N on demand, as the benchmark profiles a missed goal:
 *
 *   node --import tsx bench/profile-one.ts <approach> <n> [warm]
 *
 * runs a fresh worker under `node --cpu-prof` and prints where the time of its
 * syntheses goes (samples outside them, such as imports, left out).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FunctionTime, mainThreadProfile, summarizeProfile } from './profile';
import { table } from './report';
import { WorkerReport } from './types';

const REPO = path.resolve(__dirname, '..');

function main([approach, nArg, warmArg]: string[]): void {
  if (!approach || !nArg) throw new Error('usage: bench/profile-one.ts <approach> <n> [warm]');
  const work = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'pyservice-profile-'));
  try {
    const template = path.join(work, 'template.json');
    const t = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'worker.ts'), '--template', template], {
      cwd: REPO,
      encoding: 'utf8',
    });
    if (t.status !== 0) throw new Error(`building the peers' template failed:\n${t.stderr}`);
    const dir = path.join(work, 'prof');
    const args = [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      '--expose-gc',
      '--import',
      'tsx',
      path.join(__dirname, 'worker.ts'),
      approach,
      nArg,
      path.join(work, 'out'),
      warmArg ?? '1',
    ];
    const r = spawnSync(process.execPath, args, {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, BENCH_TEMPLATE: template },
    });
    const line = r.stdout?.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (r.status !== 0 || !line) throw new Error(`worker failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-2000)}`);
    const report: WorkerReport = JSON.parse(line.slice('BENCH_RESULT '.length));
    const summary = summarizeProfile(mainThreadProfile(dir), report.windowsUs, REPO);
    const rows = (list: FunctionTime[], k: number) => list.slice(0, k).map((f) => [f.fn, f.ms.toFixed(0), f.pct.toFixed(1)]);
    const phases = (report.warm[0] ?? report.cold).phases;
    process.stdout.write(
      [
        `${approach} N=${nArg}: first ${report.cold.wallMs.toFixed(0)} ms, warm ${report.warm.map((w) => w.wallMs.toFixed(0)).join(', ') || '-'} ms; phases ${Object.entries(
          phases,
        )
          .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
          .join(', ')}; ${summary.sampledMs} ms sampled in the syntheses`,
        table(['self time by source', 'ms', '%'], rows(summary.bySource, 12)),
        table(['self time', 'ms', '%'], rows(summary.topSelf, 12)),
        table(['total time, library (constructs/, src/)', 'ms', '%'], rows(summary.topTotalLibrary, 15)),
        table(['total time, dependencies', 'ms', '%'], rows(summary.topTotalDependencies, 10)),
      ].join('\n\n') + '\n',
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2));
