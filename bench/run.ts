/**
 * Synthesis benchmark: this library against hand-written cdk8s-plus-28, plain
 * objects + YAML (the floor), and on the Pulumi side the adapter against raw
 * @pulumi/kubernetes resources; then the user's real `cdk8s synth` commands.
 *
 *   node --import tsx bench/run.ts [--quick] [--large] [--tests] [--only=library,plain] [--no-cli] [--no-profile]
 *
 * `--large` adds N=10,000 (× 3 clouds) for the library, the compiled library,
 * the library per target and the floor; `--tests` times the test commands.
 *
 * Every measurement runs in a fresh worker process (bench/worker.ts), so load
 * time, JIT state and peak RSS are comparable, in rounds: each round runs every
 * approach once, so each ratio is taken per round and reported as min, median
 * and max over the rounds. A thread samples the machine's load every second
 * meanwhile (bench/load.ts). Writes bench/results/<date>-<sha>[-quick].json and
 * latest[-quick].json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APPROACHES } from './approaches';
import { CliResults, INSTALLED, measureCli, profileInstalledSynth } from './cli';
import { LoadSampler, isLoaded, loadDuring, spread } from './load';
import { KINDS_PER_SERVICE } from './names';
import { FunctionTime, ProcessProfile, ProfileSummary, mainThreadProfile, processProfiles, summarizeProfile } from './profile';
import { Target, evaluateTargets, targetsTable } from './goals';
import { CommandResult, Measured, PEERS, commandsTable, derive, fmtSpread, parityLine, resultsTable, table, toRow } from './report';
import { measureTests } from './tests';
import { WorkerReport } from './types';

const REPO = path.resolve(__dirname, '..');

interface Plan {
  readonly mode: 'full' | 'quick';
  readonly ns: number[];
  /** Rounds: worker processes per approach and N, run interleaved across approaches. */
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
  full: { mode: 'full', ns: [1, 10, 100, 1000], processes: 3, warmRuns: 3, slowWarmRuns: 1, pulumiMaxN: 100, cliRuns: 5 },
  // Three rounds still, so that every ratio has a spread; fewer N and warm runs.
  quick: { mode: 'quick', ns: [10, 100], processes: 3, warmRuns: 1, slowWarmRuns: 0, pulumiMaxN: 10, cliRuns: 3 },
};

/** N of `--large`: 10,000 services on each of the three clouds. */
const LARGE_N = 10_000;
const LARGE_APPROACHES = ['library', 'library-lib', 'library-per-target', 'floor'];

const started = performance.now();
const log = (s: string) => process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);

function parseArgs(argv: string[]) {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const unknown = argv.filter((a) => !/^--(quick|large|tests|no-cli|no-profile|only=.+)$/.test(a));
  if (unknown.length > 0)
    throw new Error(
      `unknown argument(s) ${unknown.join(' ')}; usage: bench/run.ts [--quick] [--large] [--tests] [--only=a,b] [--no-cli] [--no-profile]`,
    );
  const only = value('only')?.split(',');
  for (const a of only ?? []) if (!APPROACHES[a]) throw new Error(`unknown approach '${a}'; one of ${Object.keys(APPROACHES).join(', ')}`);
  return {
    plan: PLANS[flag('quick') ? 'quick' : 'full'],
    only,
    cli: !flag('no-cli'),
    profile: !flag('no-profile'),
    large: flag('large'),
    tests: flag('tests'),
  };
}

interface SpawnOptions {
  readonly work: string;
  readonly template: string;
  readonly extraNodeArgs?: string[];
}

/** Runs one worker; returns its report and when it ran. */
function runWorker(approach: string, n: number, warm: number, opts: SpawnOptions, round = 0): Measured {
  const from = Date.now();
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
  const report: WorkerReport = JSON.parse(line.slice('BENCH_RESULT '.length));
  return { report, window: [from, Date.now()], round };
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

/** Which process of the synth command a profile is, from the scripts it ran. */
function processName(urls: string[]): string {
  if (urls.some((u) => u.includes('/cdk8s-cli/'))) return 'the cdk8s CLI (cdk8s synth)';
  if (urls.some((u) => u.endsWith('/main.ts'))) return 'the app (node --import tsx main.ts)';
  if (urls.some((u) => u.includes('/pyservice-k8s/lib/src/cli.js'))) return 'pyservice-k8s synth';
  return 'another process';
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

async function main(): Promise<void> {
  const { plan, only, cli, profile, large, tests } = parseArgs(process.argv.slice(2));
  const git = gitInfo();
  const scratch = scratchRoot();
  const work = fs.mkdtempSync(path.join(scratch, 'pyservice-bench-'));
  process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
  process.on('SIGINT', () => process.exit(130));
  const sampler = new LoadSampler();
  const runStarted = Date.now();
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

  // Rounds, interleaved (for each N, each round, every approach), so that drift in the
  // machine's load hits all alike and each round's ratios compare neighbours in time.
  const reports = new Map<string, Measured[]>();
  const record = (a: string, n: number, m: Measured, label: string) => {
    reports.set(`${a}@${n}`, [...(reports.get(`${a}@${n}`) ?? []), m]);
    const { report } = m;
    const w = report.warm.map((x) => x.wallMs.toFixed(0)).join(', ');
    const load = loadDuring(sampler.samples(), [m.window]).load1;
    log(
      `${a} N=${n} ${label}: first ${report.cold.wallMs.toFixed(0)} ms${w ? `, warm ${w} ms` : ''}, process ${report.coldProcessMs} ms, RSS ${report.coldMaxRssMb.toFixed(0)} MB, load ${load ? load.median.toFixed(1) : '-'}`,
    );
  };
  for (const n of plan.ns) {
    for (let p = 0; p < plan.processes; p++) {
      for (const a of approaches) {
        const slow = a.startsWith('pulumi');
        if (slow && n > plan.pulumiMaxN) continue;
        const warm = slow && n >= 100 ? plan.slowWarmRuns : plan.warmRuns;
        record(a, n, runWorker(a, n, warm, spawnOpts, p), `[${p + 1}/${plan.processes}]`);
      }
    }
  }
  if (large) {
    for (let p = 0; p < plan.processes; p++) {
      for (const a of approaches.filter((x) => LARGE_APPROACHES.includes(x))) {
        record(a, LARGE_N, runWorker(a, LARGE_N, 0, spawnOpts, p), `[${p + 1}/${plan.processes}]`);
      }
    }
  }
  for (const a of approaches.filter((x) => x.startsWith('pulumi'))) {
    for (const n of plan.ns.filter((x) => x > plan.pulumiMaxN))
      skipped.push({
        approach: a,
        reason: `N=${n} not measured in a ${plan.mode} run: the mocked engine takes ~1 ms and ~0.2 MB per object`,
      });
  }

  const rows = [...reports.values()]
    .map((m) => toRow(m, sampler.samples()))
    .sort((a, b) => approaches.indexOf(a.approach) - approaches.indexOf(b.approach) || a.n - b.n);
  derive(rows);

  let cliResults: CliResults | null = null;
  const cliWork = fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-bench-cli-'));
  let startUp: ProcessProfile[] = [];
  try {
    if (cli) {
      log("timing the example's synth in a copy of the repository and through the installed tarball, interleaved");
      cliResults = measureCli(REPO, cliWork, plan.cliRuns, sampler, log);
      if (profile && cliResults.installedDir) {
        log('profiling the synth through the installed tarball (start-up included)');
        const dir = path.join(work, 'prof-cli');
        if (profileInstalledSynth(cliResults.installedDir, dir)) startUp = processProfiles(dir, REPO, processName);
      }
    }
  } finally {
    fs.rmSync(cliWork, { recursive: true, force: true });
  }
  const testCommands: CommandResult[] = tests ? measureTests(REPO, plan.processes, sampler, log) : [];
  const commands = [...(cliResults?.commands ?? []), ...testCommands];

  const targets = evaluateTargets(rows, commands);
  const profiles: Array<{ approach: string; n: number; targets: string[]; summary: ProfileSummary }> = [];
  if (profile) {
    const toProfile = new Map<string, { approach: string; n: number; targets: string[] }>();
    const missed = (x: Target) => x.status === 'MISS' || x.cpu?.status === 'MISS';
    for (const target of targets.filter((x) => missed(x) && x.profile && approaches.includes(x.profile.approach))) {
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
      const { report } = runWorker(approach, n, n >= LARGE_N ? 0 : 1, {
        ...spawnOpts,
        extraNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
      });
      profiles.push({ approach, n, targets: ids, summary: summarizeProfile(mainThreadProfile(dir), report.windowsUs, REPO) });
    }
  }

  const allSamples = sampler.samples();
  await sampler.stop();
  const during = loadDuring(allSamples, [[runStarted, Date.now()]]);
  const sections: string[] = [];
  sections.push(
    `Machine: ${machine().cpuModel}, ${machine().cpus} CPUs, ${machine().totalMemoryGb} GiB, Node ${process.version}; ${plan.mode} run at ${git.sha}${git.dirty ? '+' : ''}; files written under ${scratch}
Load during the run (${during.samples} samples, one a second; median [min-max]): 1-minute load average ${fmtSpread(during.load1, 2)}, CPUs busy ${fmtSpread(during.busyPct, 0, '%')}, CPU pressure ${fmtSpread(during.cpuPressurePct, 0, '%')}${isLoaded(during) ? '. LOADED: other work competed for the CPUs; read the ratios, not the absolute times (bench/README.md)' : ''}`,
  );
  sections.push(`One service = one PythonMicroservice (or its equivalent) on each of the 3 clouds: ${KINDS_PER_SERVICE.length} objects x 3 = ${KINDS_PER_SERVICE.length * 3} objects.
Figures are median [min-max] over ${plan.processes} round(s) of fresh processes, interleaved across approaches. synth ms: each process's
median warm run (* = no warm run: its first one); on-CPU %: CPU time / wall time of those runs (below ~95: it waited for a CPU);
ms/svc = synth ms / N; marginal = slope of synth ms from the previous N; process ms: spawn of a fresh process to the end of its
first synthesis (node start, imports, synthesis, writes); peak RSS: maxRSS of that process through its first synthesis; load avg:
1-minute load average sampled while the row's processes ran, LOADED when other work competed; ratios vs peers: per round.
${plan.warmRuns} warm run(s) per process (Pulumi at N=100: ${plan.slowWarmRuns}).`);
  sections.push(resultsTable(rows));
  sections.push(parityLine(rows, plan.ns[0]));
  if (skipped.length) sections.push(`Not measured:\n${skipped.map((s) => `  ${s.approach}: ${s.reason}`).join('\n')}`);
  if (commands.length > 0) sections.push(commandsTable(commands));
  if (cliResults) {
    const repo = cliResults.commands.find((c) => c.name === 'cdk8s synth (tsx)');
    const inst = cliResults.commands.find((c) => c.name === INSTALLED);
    const pairs = repo && inst ? Math.min(repo.samplesS.length, inst.samplesS.length) : 0;
    const ratio = spread(Array.from({ length: pairs }, (_, i) => inst!.samplesS[i] / repo!.samplesS[i]));
    sections.push(
      `Both commands wrote identical dist/: ${cliResults.sameOutput === null ? 'n/a' : cliResults.sameOutput ? 'yes' : 'NO'}; installed / repository per round: ${fmtSpread(ratio, 2, 'x')}`,
    );
  }
  sections.push(targetsTable(targets));
  const rowsOf = (list: FunctionTime[], k: number) => list.slice(0, k).map((f) => [f.fn, f.ms.toFixed(0), f.pct.toFixed(1)]);
  for (const p of profiles) {
    sections.push(`Profile of ${p.approach} N=${p.n} (${p.targets.join(', ')}): ${p.summary.sampledMs} ms sampled in the syntheses`);
    sections.push(table(['self time by source', 'ms', '%'], rowsOf(p.summary.bySource, 10)));
    sections.push(table(['self time', 'ms', '%'], rowsOf(p.summary.topSelf, 10)));
    if (p.summary.topSelfLibrary.length > 0) {
      sections.push(table(['self time, library (constructs/, src/)', 'ms', '%'], rowsOf(p.summary.topSelfLibrary, 5)));
      sections.push(table(['total time, library (constructs/, src/)', 'ms', '%'], rowsOf(p.summary.topTotalLibrary, 8)));
    }
    sections.push(table(['total time, dependencies', 'ms', '%'], rowsOf(p.summary.topTotalDependencies, 8)));
  }
  if (startUp.length > 0) {
    sections.push(
      `Profile of the synth through the installed tarball, every process it starts:\n${startUp.map((p) => `  ${p.process}: ${p.profiledMs} ms profiled, ${p.summary.sampledMs} ms sampled`).join('\n')}`,
    );
    for (const p of startUp) sections.push(table([`${p.process}: self time by source`, 'ms', '%'], rowsOf(p.summary.bySource, 10)));
  }
  process.stdout.write(`\n${sections.join('\n\n')}\n\n`);

  const result = {
    schema: 2,
    mode: plan.mode,
    date: new Date().toISOString(),
    git,
    machine: machine(),
    load: during,
    loaded: isLoaded(during),
    // One line a second: seconds since the start, load average, CPUs busy %, CPU pressure %.
    loadSamples: allSamples.map(
      (x) =>
        `${((x.t - runStarted) / 1000).toFixed(0)} ${x.load1.toFixed(2)} ${x.busy === null ? '-' : (x.busy * 100).toFixed(0)} ${x.cpuPressure ?? '-'}`,
    ),
    scratch,
    plan,
    approaches: Object.fromEntries(approaches.map((a) => [a, APPROACHES[a].description])),
    rows,
    skipped,
    commands,
    tsNode: cliResults?.tsNode ?? null,
    cliSameOutput: cliResults?.sameOutput ?? null,
    targets: targets.map(({ profile: _p, ...x }: Target) => x),
    profiles,
    startUpProfile: startUp,
    durationS: Math.round((performance.now() - started) / 1000),
  };
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  // A run of some approaches only is named after them, so that it does not replace a run of all.
  const suffix = `${only ? `-${only.join('+')}` : ''}${large ? '-large' : ''}${tests ? '-tests' : ''}${plan.mode === 'quick' ? '-quick' : ''}`;
  const text = `${JSON.stringify(stable(result), null, 2)}\n`;
  const file = path.join(dir, `${result.date.slice(0, 10)}-${git.sha}${suffix}.json`);
  fs.writeFileSync(file, text);
  const latest = `latest${plan.mode === 'quick' ? '-quick' : ''}.json`;
  fs.writeFileSync(path.join(dir, latest), text);
  log(`wrote ${path.relative(REPO, file)} and ${latest}`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
