/**
 * Times the test loop (`--tests`): `npm run test:unit` (the unit project) and
 * `npm test` (type-check, then every project), each after one warm-up run
 * that fills jest's transform cache, in interleaved rounds, with the load read
 * from the sampler during the timed runs.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import { LoadSampler } from './load';
import { CommandResult, commandResult } from './report';

const COMMANDS = [
  { name: 'unit tests', command: 'npm run test:unit', args: ['run', 'test:unit'] },
  { name: 'all tests', command: 'npm test', args: ['test'] },
] as const;

export function measureTests(repo: string, rounds: number, sampler: LoadSampler, log: (s: string) => void): CommandResult[] {
  const failed = new Map<string, string>();
  const runs = new Map<string, Array<{ s: number; window: [number, number] }>>(COMMANDS.map((c) => [c.name, []]));
  const runOnce = (c: (typeof COMMANDS)[number]) => {
    const from = Date.now();
    const r = spawnSync('npm', [...c.args], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0)
      failed.set(c.name, `failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' / ').slice(0, 300)}`);
    return { s: (Date.now() - from) / 1000, window: [from, Date.now()] as [number, number] };
  };
  for (const c of COMMANDS) {
    log(`  ${c.command}: warm-up run`);
    runOnce(c);
  }
  for (let i = 0; i < rounds; i++) {
    for (const c of COMMANDS.filter((x) => !failed.has(x.name))) {
      const t = runOnce(c);
      if (failed.has(c.name)) continue;
      runs.get(c.name)!.push(t);
      log(`  ${c.command} run ${i + 1}/${rounds}: ${t.s.toFixed(1)} s`);
    }
  }
  // jest keeps every CPU busy itself.
  return COMMANDS.map((c) =>
    commandResult(
      { ...c, note: 'warm: after one run that filled the transform cache' },
      runs.get(c.name)!.map((t) => ({ wallS: t.s, cpuS: null, maxRssMb: null, window: t.window })),
      failed.get(c.name),
      sampler.samples(),
      os.cpus().length,
    ),
  );
}
