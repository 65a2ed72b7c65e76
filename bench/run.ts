/**
 * Synthesis benchmark: this library against hand-written cdk8s-plus-28, plain
 * objects + YAML (the floor), and on the Pulumi side the adapter against raw
 * @pulumi/kubernetes resources; then the user's real `cdk8s synth` commands.
 *
 *   node --import tsx bench/run.ts [--quick] [--large] [--only=library,plain] [--no-cli] [--no-profile]
 *
 * `--large` adds N=10,000 (× 3 clouds, one process each) for the library,
 * the compiled library and the floor.
 *
 * Every measurement runs in a fresh worker process (bench/worker.ts), so load
 * time, JIT state and peak RSS are comparable. Writes
 * bench/results/<date>-<sha>[-quick].json and latest[-quick].json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APPROACHES } from './approaches';
import { CliResults, measureCli } from './cli';
import { KINDS_PER_SERVICE } from './names';
import { FunctionTime, ProfileSummary, mainThreadProfile, summarizeProfile } from './profile';
import { PEERS, Row, Target, commandsTable, derive, evaluateTargets, resultsTable, table, targetsTable, toRow } from './report';
import { WorkerReport } from './types';

const REPO = path.resolve(__dirname, '..');

interface Plan {
  readonly mode: 'full' | 'quick';
  readonly ns: number[];
  /** Worker processes per approach and N. */
  readonly processes: number;
  /** Warm runs per worker, after its first (cold) run. */
  readonly warmRuns: number;
  /** Warm runs for approaches whose runs take seconds at N=100 (Pulumi with mocks). */
  readonly slowWarmRuns: number;
  /** Largest N for the Pulumi approaches (~3 ms and ~0.2 MB per object registered through the mocked engine). */
  readonly pulumiMaxN: number;
  /** Timed runs of each CLI command, after one warm-up run. */
  readonly cliRuns: number;
}

const PLANS: Record<Plan['mode'], Plan> = {
  full: { mode: 'full', ns: [1, 10, 100, 1000], processes: 3, warmRuns: 3, slowWarmRuns: 1, pulumiMaxN: 100, cliRuns: 3 },
  quick: { mode: 'quick', ns: [1, 10, 100], processes: 1, warmRuns: 2, slowWarmRuns: 0, pulumiMaxN: 100, cliRuns: 1 },
};

/** N of `--large`: 10,000 services on each of the three clouds. */
const LARGE_N = 10_000;
const LARGE_APPROACHES = ['library', 'library-lib', 'floor'];

const started = performance.now();
const log = (s: string) => process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);

function parseArgs(argv: string[]) {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const unknown = argv.filter((a) => !/^--(quick|large|no-cli|no-profile|only=.+)$/.test(a));
  if (unknown.length > 0)
    throw new Error(
      `unknown argument(s) ${unknown.join(' ')}; usage: bench/run.ts [--quick] [--large] [--only=a,b] [--no-cli] [--no-profile]`,
    );
  const only = value('only')?.split(',');
  for (const a of only ?? []) if (!APPROACHES[a]) throw new Error(`unknown approach '${a}'; one of ${Object.keys(APPROACHES).join(', ')}`);
  return { plan: PLANS[flag('quick') ? 'quick' : 'full'], only, cli: !flag('no-cli'), profile: !flag('no-profile'), large: flag('large') };
}

interface SpawnOptions {
  readonly work: string;
  readonly template: string;
  readonly extraNodeArgs?: string[];
}

/** Runs one worker; returns its report. */
function runWorker(approach: string, n: number, warm: number, opts: SpawnOptions): WorkerReport {
  const out = fs.mkdtempSync(path.join(opts.work, `${approach}-${n}-`));
  const args = [
    ...(opts.extraNodeArgs ?? []),
    '--expose-gc',
    '--import',
    'tsx',
    path.join(__dirname, 'worker.ts'),
    approach,
    String(n),
    out,
    String(warm),
  ];
  const r = spawnSync(process.execPath, args, {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, BENCH_TEMPLATE: opts.template, BENCH_SPAWNED_AT: String(Date.now()) },
  });
  fs.rmSync(out, { recursive: true, force: true });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (r.status !== 0 || !line) throw new Error(`worker ${approach} N=${n} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-2000)}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length));
}

/**
 * Where workers write: tmpfs when there is one, so that the figures measure the
 * write calls rather than a (virtual, shared) disk's latency, which varies run to run.
 */
function scratchRoot(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

function gitInfo(): { sha: string; dirty: boolean } {
  const sha = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout?.trim() || 'nogit';
  const dirty = (spawnSync('git', ['status', '--porcelain'], { cwd: REPO, encoding: 'utf8' }).stdout ?? '').trim().length > 0;
  return { sha, dirty };
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    totalMemoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

/** Same key order on every run: keys sorted at every level (arrays keep their order). */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
    );
  }
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : null;
  return value;
}

/** Objects per kind, per service and cloud: `ConfigMap=1 Deployment=1 ...`. */
function kindsPerService(row: Row): string {
  return Object.keys(row.kinds)
    .sort()
    .map((k) => `${k}=${+(row.kinds[k] / (row.n * 3)).toFixed(2)}`)
    .join(' ');
}

/** One line when every approach makes the same objects per service, else one per approach. */
function parityLine(rows: Row[], n: number): string {
  const at = rows.filter((r) => r.n === n);
  const shapes = new Set(at.map(kindsPerService));
  const expected = [...KINDS_PER_SERVICE]
    .sort()
    .map((k) => `${k}=1`)
    .join(' ');
  if (shapes.size === 1 && shapes.has(expected))
    return `Parity: every approach makes 1 ${[...KINDS_PER_SERVICE].join(', ')} per service and cloud.`;
  return `Parity: objects per service and cloud differ (expected ${expected}):\n${at.map((r) => `  ${r.approach}: ${kindsPerService(r)}`).join('\n')}`;
}

async function main(): Promise<void> {
  const { plan, only, cli, profile, large } = parseArgs(process.argv.slice(2));
  const git = gitInfo();
  const scratch = scratchRoot();
  const work = fs.mkdtempSync(path.join(scratch, 'pyservice-bench-'));
  process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
  process.on('SIGINT', () => process.exit(130));
  const loadBefore = os.loadavg();
  log(`${plan.mode} run at ${git.sha}${git.dirty ? ' (uncommitted changes)' : ''}; workers write under ${work}`);

  const skipped: Array<{ approach: string; reason: string }> = [];
  const approaches = Object.keys(APPROACHES)
    .filter((a) => !only || only.includes(a))
    .filter((a) => {
      const reason = APPROACHES[a].unavailable?.();
      if (reason) {
        skipped.push({ approach: a, reason });
        log(`skipping ${a}: ${reason}`);
      }
      return !reason;
    });

  const template = path.join(work, 'template.json');
  const t = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'worker.ts'), '--template', template], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (t.status !== 0) throw new Error(`building the peers' template failed:\n${t.stderr}`);
  const spawnOpts: SpawnOptions = { work, template };

  // Interleaved (for each N, each repeat, every approach) so that drift in the machine hits all alike.
  const reports = new Map<string, WorkerReport[]>();
  for (const n of plan.ns) {
    for (let p = 0; p < plan.processes; p++) {
      for (const a of approaches) {
        const slow = a.startsWith('pulumi');
        if (slow && n > plan.pulumiMaxN) continue;
        const warm = slow && n >= 100 ? plan.slowWarmRuns : plan.warmRuns;
        const report = runWorker(a, n, warm, spawnOpts);
        reports.set(`${a}@${n}`, [...(reports.get(`${a}@${n}`) ?? []), report]);
        const w = report.warm.map((s) => s.wallMs.toFixed(0)).join(', ');
        log(
          `${a} N=${n} [${p + 1}/${plan.processes}]: first ${report.cold.wallMs.toFixed(0)} ms${w ? `, warm ${w} ms` : ''}, process ${report.coldProcessMs} ms, RSS ${report.coldMaxRssMb.toFixed(0)} MB`,
        );
      }
    }
  }
  if (large) {
    for (const a of approaches.filter((x) => LARGE_APPROACHES.includes(x))) {
      const report = runWorker(a, LARGE_N, 0, spawnOpts);
      reports.set(`${a}@${LARGE_N}`, [report]);
      log(
        `${a} N=${LARGE_N}: ${report.cold.wallMs.toFixed(0)} ms, process ${report.coldProcessMs} ms, RSS ${report.coldMaxRssMb.toFixed(0)} MB`,
      );
    }
  }
  for (const a of approaches.filter((x) => x.startsWith('pulumi'))) {
    for (const n of plan.ns.filter((x) => x > plan.pulumiMaxN))
      skipped.push({
        approach: a,
        reason: `N=${n} not measured: the mocked engine takes ~3 ms and ~0.2 MB per object (about a minute and 4 GB per run at N=1000)`,
      });
  }

  const rows = [...reports.values()]
    .map(toRow)
    .sort((a, b) => approaches.indexOf(a.approach) - approaches.indexOf(b.approach) || a.n - b.n);
  derive(rows);

  let cliResults: CliResults | null = null;
  if (cli) {
    log("timing the example's cdk8s synth in copies of the repository");
    const cliWork = fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-bench-cli-'));
    try {
      cliResults = measureCli(REPO, cliWork, plan.cliRuns, log);
    } finally {
      fs.rmSync(cliWork, { recursive: true, force: true });
    }
  }

  const targets = evaluateTargets(rows, cliResults?.commands ?? []);
  const profiles: Array<{ approach: string; n: number; targets: string[]; summary: ProfileSummary }> = [];
  if (profile) {
    const toProfile = new Map<string, { approach: string; n: number; targets: string[] }>();
    for (const target of targets.filter((x) => x.status === 'MISS' && x.profile && approaches.includes(x.profile.approach))) {
      const { approach, n } = target.profile!;
      // Profile the peers too, to show where the approach spends more than they do.
      for (const a of [approach, ...(PEERS[approach] ?? []).filter((p) => approaches.includes(p))]) {
        const key = `${a}@${n}`;
        const entry = toProfile.get(key) ?? { approach: a, n, targets: [] };
        entry.targets.push(target.id);
        toProfile.set(key, entry);
      }
    }
    for (const { approach, n, targets: ids } of toProfile.values()) {
      log(`profiling ${approach} N=${n} (${ids.join(', ')})`);
      const dir = path.join(work, `prof-${approach}-${n}`);
      const report = runWorker(approach, n, 1, { ...spawnOpts, extraNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
      profiles.push({ approach, n, targets: ids, summary: summarizeProfile(mainThreadProfile(dir), report.windowsUs, REPO) });
    }
  }

  const loadAfter = os.loadavg();
  const sections: string[] = [];
  sections.push(
    `Machine: ${machine().cpuModel}, ${machine().cpus} CPUs, ${machine().totalMemoryGb} GiB, Node ${process.version}; ${plan.mode} run at ${git.sha}${git.dirty ? '+' : ''}; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after; files written under ${scratch}`,
  );
  sections.push(`One service = one PythonMicroservice (or its equivalent) on each of the 3 clouds: ${KINDS_PER_SERVICE.length} objects x 3 = ${KINDS_PER_SERVICE.length * 3} objects.
synth ms: wall time of one synthesis after a warm-up one, median (* = no warm run: the first one); CPU ms: its user+sys;
ms/svc = synth ms / N; marginal = slope of synth ms from the previous N; process ms: spawn of a fresh process to the end of its
first synthesis (node start, imports, synthesis, writes), median; peak RSS: maxRSS of that process through its first synthesis. ${plan.processes} process(es) per row, ${plan.warmRuns} warm run(s) each (Pulumi at N=100: ${plan.slowWarmRuns}).`);
  sections.push(resultsTable(rows));
  sections.push(parityLine(rows, plan.ns[0]));
  if (skipped.length) sections.push(`Not measured:\n${skipped.map((s) => `  ${s.approach}: ${s.reason}`).join('\n')}`);
  if (cliResults) {
    sections.push(commandsTable(cliResults.commands));
    sections.push(`Both commands wrote identical dist/: ${cliResults.sameOutput === null ? 'n/a' : cliResults.sameOutput ? 'yes' : 'NO'}`);
  }
  sections.push(targetsTable(targets));
  for (const p of profiles) {
    sections.push(`Profile of ${p.approach} N=${p.n} (${p.targets.join(', ')}): ${p.summary.sampledMs} ms sampled in the syntheses`);
    const rowsOf = (list: FunctionTime[], k: number) => list.slice(0, k).map((f) => [f.fn, f.ms.toFixed(0), f.pct.toFixed(1)]);
    sections.push(table(['self time', 'ms', '%'], rowsOf(p.summary.topSelf, 10)));
    if (p.summary.topSelfLibrary.length > 0) {
      sections.push(table(['self time, library (constructs/, src/)', 'ms', '%'], rowsOf(p.summary.topSelfLibrary, 5)));
      sections.push(table(['total time, library (constructs/, src/)', 'ms', '%'], rowsOf(p.summary.topTotalLibrary, 8)));
    }
    sections.push(table(['total time, dependencies', 'ms', '%'], rowsOf(p.summary.topTotalDependencies, 8)));
  }
  process.stdout.write(`\n${sections.join('\n\n')}\n\n`);

  const result = {
    schema: 1,
    mode: plan.mode,
    date: new Date().toISOString(),
    git,
    machine: machine(),
    loadAverage: { before: loadBefore, after: loadAfter },
    scratch,
    plan,
    approaches: Object.fromEntries(approaches.map((a) => [a, APPROACHES[a].description])),
    rows,
    skipped,
    commands: cliResults?.commands ?? [],
    tsNode: cliResults?.tsNode ?? null,
    cliSameOutput: cliResults?.sameOutput ?? null,
    targets: targets.map(({ profile: _p, ...t }: Target) => t),
    profiles,
    durationS: Math.round((performance.now() - started) / 1000),
  };
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const suffix = plan.mode === 'quick' ? '-quick' : '';
  const text = `${JSON.stringify(stable(result), null, 2)}\n`;
  const file = path.join(dir, `${result.date.slice(0, 10)}-${git.sha}${suffix}.json`);
  fs.writeFileSync(file, text);
  fs.writeFileSync(path.join(dir, `latest${suffix}.json`), text);
  log(`wrote ${path.relative(REPO, file)} and latest${suffix}.json`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
