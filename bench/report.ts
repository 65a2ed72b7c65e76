/**
 * Turns worker reports into rows (medians, per-service cost, slopes, ratios
 * against peers of the same run), evaluates the targets, and prints tables.
 */
import { LoadDuring, LoadSample, Spread, isLoaded, loadDuring, median, spread } from './load';
import { IterationSample, WorkerReport } from './types';

/** One worker process as the harness ran it. */
export interface Measured {
  readonly report: WorkerReport;
  /** Spawn and exit of the process, epoch ms. */
  readonly window: readonly [number, number];
  /** Which round of the interleaved loop it belongs to (0-based): rows are paired by round. */
  readonly round: number;
}

/** One approach at one N. */
export interface Row {
  readonly approach: string;
  readonly n: number;
  /** Worker processes measured. */
  readonly processes: number;
  readonly objects: number;
  readonly files: number;
  /** Bytes written, or null when the approach writes no files. */
  readonly bytes: number | null;
  /**
   * Steady-state synthesis, ms: each process's figure is the median of its warm
   * runs (its first run if it has none); this is the median over processes.
   */
  readonly synthMs: number;
  /** Min, median and max of the per-process figures. */
  readonly synthSpreadMs: Spread;
  /** Per-process figures, by round. */
  readonly perProcessMs: number[];
  /** The same for CPU time (user + system) of the same runs, ms: less sensitive to waiting for a CPU. */
  readonly perProcessCpuMs: number[];
  /** Which runs synthMs comes from. */
  readonly synthBasis: 'warm' | 'cold';
  readonly synthSamplesMs: number[];
  /** First synthesis in a fresh process (imports excluded), median, ms. */
  readonly coldSynthMs: number;
  /** Spawn to end of the first synthesis (node start, imports, synthesis, writes), median, ms. */
  readonly processMs: number;
  readonly processSpreadMs: Spread;
  /** Importing the approach's modules, median, ms. */
  readonly loadMs: number;
  /** User + system CPU of one steady-state synthesis, median, ms. */
  readonly cpuMs: number;
  /**
   * CPU time / wall time of the steady-state syntheses, percent, spread over
   * processes: near 100 when the synthesis had a CPU to itself, lower when it
   * waited for one (parallel GC threads can push it above 100).
   */
  readonly onCpuPct: Spread | null;
  /** User + system CPU of the process up to the end of its first synthesis, median, ms. */
  readonly processCpuMs: number;
  /** Peak RSS of a fresh process through its first synthesis, median, MB. */
  readonly peakRssMb: number;
  readonly peakRssSpreadMb: Spread;
  /** Steady-state phases, median, ms. */
  readonly phasesMs: Record<string, number>;
  /** Objects per kind. */
  readonly kinds: Record<string, number>;
  /** The machine's load while this row's processes ran. */
  readonly load: LoadDuring;
  /** Other work competed with the measurement (see {@link isLoaded}). */
  readonly loaded: boolean;
  /** synthMs / N. */
  msPerService: number;
  /** Slope of synthMs from the previous N: (t(N) - t(N_prev)) / (N - N_prev); null at the first N. */
  marginalMsPerService: number | null;
  /**
   * synthMs divided by the peer's, by peer: the ratio of each round (processes
   * run one after the other in the same round), then min, median and max over rounds.
   */
  ratios: Record<string, Spread>;
  /** The same ratios of CPU time: on a loaded machine, steadier than those of wall time. */
  cpuRatios: Record<string, Spread>;
}

/** The peers each approach is compared with (plain, the floor, for every approach that writes YAML). */
export const PEERS: Record<string, string[]> = {
  library: ['cdk8s-plus', 'plain', 'floor'],
  'library-lib': ['library', 'floor'],
  'cdk8s-plus': ['plain'],
  pulumi: ['pulumi-raw'],
  'pulumi-service': ['pulumi-raw'],
};

export { median };

/** One process's steady-state figure: the median of its warm runs, or its first run. */
function processFigure(r: WorkerReport, of: (s: IterationSample) => number = (s) => s.wallMs): number {
  return median((r.warm.length > 0 ? r.warm : [r.cold]).map(of));
}

/** Folds the processes of one approach at one N into a row (without the derived columns). */
export function toRow(measured: Measured[], samples: readonly LoadSample[]): Row {
  const byRound = [...measured].sort((a, b) => a.round - b.round);
  const reports = byRound.map((m) => m.report);
  const r0 = reports[0];
  const warm = reports.flatMap((r) => r.warm);
  const steady = warm.length > 0 ? warm : reports.map((r) => r.cold);
  const phaseNames = Object.keys(steady[0]?.phases ?? {});
  const perProcess = reports.map((r) => processFigure(r));
  const load = loadDuring(
    samples,
    byRound.map((m) => m.window),
  );
  return {
    approach: r0.approach,
    n: r0.n,
    processes: reports.length,
    objects: r0.objects,
    files: r0.files,
    bytes: r0.bytes,
    synthMs: median(perProcess),
    synthSpreadMs: spread(perProcess)!,
    perProcessMs: perProcess.map(round),
    perProcessCpuMs: reports.map((r) => round(processFigure(r, (x) => x.userMs + x.sysMs))),
    synthBasis: warm.length > 0 ? 'warm' : 'cold',
    synthSamplesMs: steady.map((s) => round(s.wallMs)),
    coldSynthMs: median(reports.map((r) => r.cold.wallMs)),
    processMs: median(reports.map((r) => r.coldProcessMs)),
    processSpreadMs: spread(reports.map((r) => r.coldProcessMs))!,
    loadMs: median(reports.map((r) => r.loadMs)),
    cpuMs: median(steady.map((s) => s.userMs + s.sysMs)),
    onCpuPct: spread(
      reports.map((r) => {
        const runs = r.warm.length > 0 ? r.warm : [r.cold];
        return median(runs.map((s) => (100 * (s.userMs + s.sysMs)) / s.wallMs));
      }),
    ),
    processCpuMs: median(reports.map((r) => r.coldProcessUserMs + r.coldProcessSysMs)),
    peakRssMb: median(reports.map((r) => r.coldMaxRssMb)),
    peakRssSpreadMb: spread(reports.map((r) => r.coldMaxRssMb))!,
    phasesMs: Object.fromEntries(phaseNames.map((p) => [p, round(median(steady.map((s) => s.phases[p] ?? 0)))])),
    kinds: r0.kinds,
    load,
    loaded: isLoaded(load),
    msPerService: NaN,
    marginalMsPerService: null,
    ratios: {},
    cpuRatios: {},
  };
}

/** Ratios of two rows' per-process figures (wall time, or CPU time), round by round, as a spread. */
export function pairedRatio(row: Row, peer: Row, of: 'perProcessMs' | 'perProcessCpuMs' = 'perProcessMs'): Spread | null {
  const k = Math.min(row[of].length, peer[of].length);
  return spread(Array.from({ length: k }, (_, i) => row[of][i] / peer[of][i]));
}

/** Fills per-service cost, slopes between N points, and ratios against peers at the same N. */
export function derive(rows: Row[]): void {
  const find = (approach: string, n: number) => rows.find((r) => r.approach === approach && r.n === n);
  for (const row of rows) {
    row.msPerService = row.synthMs / row.n;
    const previous = rows.filter((r) => r.approach === row.approach && r.n < row.n).sort((a, b) => b.n - a.n)[0];
    row.marginalMsPerService = previous ? (row.synthMs - previous.synthMs) / (row.n - previous.n) : null;
    for (const peer of PEERS[row.approach] ?? []) {
      const p = find(peer, row.n);
      const ratio = p ? pairedRatio(row, p) : null;
      if (ratio) row.ratios[peer] = ratio;
      const cpu = p ? pairedRatio(row, p, 'perProcessCpuMs') : null;
      if (cpu) row.cpuRatios[peer] = cpu;
    }
  }
}

/** A command a user runs, timed end to end. */
export interface CommandResult {
  readonly name: string;
  readonly command: string;
  /** Timed runs after one warm-up run; empty when the command could not run. */
  readonly samplesS: number[];
  readonly medianS: number | null;
  /** User + system CPU of the command and its children, median, s. */
  readonly cpuS: number | null;
  /** Largest RSS of any one process of the command, median, MB. */
  readonly maxRssMb: number | null;
  readonly note: string;
  /** The machine's load during the timed runs, or null when none ran. */
  readonly load: LoadDuring | null;
  /** Other work competed with the runs (see {@link isLoaded}). */
  readonly loaded: boolean;
}

/** One timed run of a command. */
export interface CommandRun {
  readonly wallS: number;
  /** User + system CPU of the command and its children, s, when known. */
  readonly cpuS: number | null;
  /** Largest RSS of any one process of the command, MB, when known. */
  readonly maxRssMb: number | null;
  /** Start and end, epoch ms. */
  readonly window: readonly [number, number];
}

/**
 * Folds the timed runs of a command into its result, with the load sampled
 * during them; `ownLoad` is what the command itself adds to the load average.
 */
export function commandResult(
  spec: { readonly name: string; readonly command: string; readonly note: string },
  runs: readonly CommandRun[],
  failure: string | undefined,
  samples: readonly LoadSample[],
  ownLoad = 1,
): CommandResult {
  const timed = failure ? [] : runs;
  const cpu = timed.map((r) => r.cpuS).filter((x): x is number => x !== null);
  const rss = timed.map((r) => r.maxRssMb).filter((x): x is number => x !== null);
  const load = timed.length
    ? loadDuring(
        samples,
        timed.map((r) => r.window),
      )
    : null;
  return {
    name: spec.name,
    command: spec.command,
    samplesS: timed.map((r) => Math.round(r.wallS * 1000) / 1000),
    medianS: timed.length ? median(timed.map((r) => r.wallS)) : null,
    cpuS: cpu.length ? median(cpu) : null,
    maxRssMb: rss.length ? median(rss) : null,
    note: failure ?? spec.note,
    load,
    loaded: load !== null && isLoaded(load, ownLoad),
  };
}

/** One target, evaluated on this run's numbers. */
export interface Target {
  readonly id: string;
  /** The goal it checks (1 to 6, as numbered in bench/README.md). */
  readonly goal: number;
  readonly description: string;
  /** What was measured (the median over rounds), or null when it could not be. */
  readonly measured: number | null;
  /** Min and max over rounds, when there were several. */
  readonly range: { readonly min: number; readonly max: number } | null;
  /** How `measured` is compared, e.g. `<= 2.00x`. */
  readonly threshold: string;
  /** PASS or MISS on the median, or N/A when not measured in this mode. */
  readonly status: 'PASS' | 'MISS' | 'N/A';
  /** Whether the verdict holds at both ends of the range too, or flips inside it. */
  readonly firm: boolean;
  /** Some of the rows it reads were measured while other work competed for the CPUs. */
  readonly loaded: boolean;
  /**
   * For a ratio of two approaches: the same ratio of CPU time, median and range,
   * and its verdict; on a loaded machine the better estimate (bench/README.md).
   */
  readonly cpu: {
    readonly measured: number;
    readonly range: { readonly min: number; readonly max: number } | null;
    readonly status: 'PASS' | 'MISS';
  } | null;
  /** How the figure was obtained. */
  readonly basis: string;
  /** The approach and N to profile when missed. */
  readonly profile?: { readonly approach: string; readonly n: number };
}

/** Linear growth: per-service cost at the larger N within this factor of that at the smaller one. */
export const LINEAR_TOLERANCE = 1.1;

/** The goals' thresholds. */
export const GOALS = {
  floorRatio: 2.0,
  floorRatioStretch: 1.5,
  largeWallS: 15,
  largeRssMb: 1024,
  userSynthS: 0.7,
  pulumiRatio: 1.2,
  unitTestsS: 15,
  allTestsS: 60,
} as const;

/** A command timed in rounds, for the goals that read commands. */
export interface TimedCommand {
  readonly name: string;
  readonly samplesS: number[];
  readonly loaded?: boolean;
}

export function evaluateTargets(rows: Row[], commands: readonly TimedCommand[]): Target[] {
  const row = (a: string, n: number) => rows.find((r) => r.approach === a && r.n === n);
  const targets: Target[] = [];
  const check = (
    goal: number,
    id: string,
    description: string,
    measured: Spread | number | null | undefined,
    max: number,
    fmt: (x: number) => string,
    basis: string,
    from: ReadonlyArray<Row | TimedCommand | undefined>,
    profile?: Target['profile'],
    cpu?: Spread | null,
  ): void => {
    const s = typeof measured === 'number' ? { min: measured, median: measured, max: measured, n: 1 } : (measured ?? null);
    const m = s === null || Number.isNaN(s.median) ? null : s;
    const pass = (x: number) => x <= max;
    targets.push({
      id,
      goal,
      description,
      measured: m === null ? null : round3(m.median),
      range: m === null || m.n < 2 ? null : { min: round3(m.min), max: round3(m.max) },
      threshold: `<= ${fmt(max)}`,
      status: m === null ? 'N/A' : pass(m.median) ? 'PASS' : 'MISS',
      firm: m === null || (pass(m.min) === pass(m.median) && pass(m.max) === pass(m.median)),
      loaded: from.some((r) => r?.loaded === true),
      cpu: cpu
        ? {
            measured: round3(cpu.median),
            range: cpu.n < 2 ? null : { min: round3(cpu.min), max: round3(cpu.max) },
            status: pass(cpu.median) ? 'PASS' : 'MISS',
          }
        : null,
      basis,
      profile,
    });
  };
  const times = (x: number) => `${x.toFixed(2)}x`;
  const ratioOf = (a: Row | undefined, b: Row | undefined) => (a && b ? pairedRatio(a, b) : null);
  const cpuRatioOf = (a: Row | undefined, b: Row | undefined) => (a && b ? pairedRatio(a, b, 'perProcessCpuMs') : null);
  const sameRun = 'steady-state synthesis wall time, ratio per round of interleaved fresh processes';

  const lib1000 = row('library', 1000);
  const lib100 = row('library', 100);
  for (const [id, goal, n, max] of [
    ['library-vs-floor-n1000', 'library per service <= 2x the floor, N=1000', 1000, GOALS.floorRatio],
    ['library-vs-floor-n1000-stretch', 'stretch: library per service <= 1.5x the floor, N=1000', 1000, GOALS.floorRatioStretch],
    ['library-vs-floor-n100', 'library per service <= 2x the floor, N=100 (--quick stops here)', 100, GOALS.floorRatio],
  ] as const) {
    const [lib, floor] = [row('library', n), row('floor', n)];
    const profile = id.endsWith('stretch') ? undefined : { approach: 'library', n };
    check(1, id, goal, ratioOf(lib, floor), max, times, sameRun, [lib, floor], profile, cpuRatioOf(lib, floor));
  }

  const huge = row('library', 10_000);
  check(
    2,
    'library-linear-10000',
    `linear: per-service cost at N=10,000 <= ${LINEAR_TOLERANCE}x that at N=1000`,
    huge && lib1000 ? spread(huge.perProcessMs.map((x) => x / 10_000 / lib1000.msPerService)) : null,
    LINEAR_TOLERANCE,
    times,
    'first synthesis of each N=10,000 process (--large) / median steady-state ms per service at N=1000',
    [huge, lib1000],
    { approach: 'library', n: 10_000 },
  );
  check(
    2,
    'library-linear-1000',
    `linear: per-service cost at N=1000 <= ${LINEAR_TOLERANCE}x that at N=100`,
    lib1000 && lib100 ? spread(lib1000.perProcessMs.map((x) => x / 1000 / lib100.msPerService)) : null,
    LINEAR_TOLERANCE,
    times,
    'steady-state ms per service, each N=1000 process / the median at N=100',
    [lib1000, lib100],
    { approach: 'library', n: 1000 },
  );
  check(
    2,
    'library-10000x3-wall',
    '10,000 services x 3 clouds <= 15 s (fresh process)',
    huge ? scaled(huge.processSpreadMs, 1 / 1000) : null,
    GOALS.largeWallS,
    (x) => `${x.toFixed(1)} s`,
    'spawn to end of the first synthesis (node start, imports, synthesis, writes), fresh processes (--large)',
    [huge],
  );
  check(
    2,
    'library-10000x3-rss',
    '10,000 services x 3 clouds <= 1 GB peak RSS',
    huge?.peakRssSpreadMb,
    GOALS.largeRssMb,
    (x) => `${x.toFixed(0)} MB`,
    'maxRSS of a fresh process through its first synthesis (--large)',
    [huge],
  );

  const installed = commands.find((c) => c.name === 'synth through the installed tarball');
  check(
    3,
    'user-synth',
    "a user's synth (the example through the installed tarball) <= 0.7 s",
    installed ? spread(installed.samplesS) : null,
    GOALS.userSynthS,
    (x) => `${x.toFixed(2)} s`,
    'wall time of `pyservice-k8s synth` in an app with the packed package installed, after a warm-up run',
    [installed],
  );

  for (const approach of ['pulumi', 'pulumi-service']) {
    const measured = rows.filter((r) => r.approach === approach && r.ratios['pulumi-raw'] !== undefined).sort((a, b) => b.n - a.n)[0];
    check(
      4,
      `${approach}-vs-raw`,
      `Pulumi path (${approach}) <= 1.2x raw @pulumi/kubernetes${measured ? `, N=${measured.n}` : ''}`,
      measured?.ratios['pulumi-raw'],
      GOALS.pulumiRatio,
      times,
      `${measured?.synthBasis ?? 'steady-state'} registration wall time with mocks, largest N measured, ratio per round`,
      [measured, measured ? row('pulumi-raw', measured.n) : undefined],
      measured ? { approach, n: measured.n } : undefined,
      measured?.cpuRatios['pulumi-raw'],
    );
  }

  for (const [id, name, command, max] of [
    ['test-unit', 'unit tests', 'npm run test:unit', GOALS.unitTestsS],
    ['test-all', 'all tests', 'npm test', GOALS.allTestsS],
  ] as const) {
    const c = commands.find((x) => x.name === name);
    check(
      5,
      id,
      `\`${command}\` <= ${max} s warm (--tests)`,
      c ? spread(c.samplesS) : null,
      max,
      (x) => `${x.toFixed(0)} s`,
      'wall time after a warm-up run (jest cache filled)',
      [c],
    );
  }
  return targets;
}

function scaled(s: Spread, k: number): Spread {
  return { min: s.min * k, median: s.median * k, max: s.max * k, n: s.n };
}

/** Renders rows as a Markdown table (readable as plain text too). */
export function table(headers: string[], body: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

/** `median [min-max]`, or the median alone when there is one figure. */
export function fmtSpread(s: Spread | null | undefined, digits = 0, unit = ''): string {
  if (!s) return '-';
  const f = (x: number) => x.toFixed(digits);
  return s.n < 2 ? `${f(s.median)}${unit}` : `${f(s.median)}${unit} [${f(s.min)}-${f(s.max)}]`;
}

/** The row's load: `load 1.2 [1.0-1.4]`, with `LOADED` when other work competed. */
export function fmtLoad(load: LoadDuring | null, loaded: boolean): string {
  if (!load || !load.load1) return '-';
  return `${fmtSpread(load.load1, 1)}${loaded ? ' LOADED' : ''}`;
}

export function resultsTable(rows: Row[]): string {
  const f = (x: number | null | undefined, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));
  const body = rows.map((r) => [
    r.approach,
    String(r.n),
    String(r.objects),
    r.bytes === null ? '-' : (r.bytes / 1e6).toFixed(2),
    fmtSpread(r.synthSpreadMs) + (r.synthBasis === 'cold' ? '*' : ''),
    fmtSpread(r.onCpuPct),
    f(r.msPerService, 2),
    f(r.marginalMsPerService, 2),
    fmtSpread(r.processSpreadMs),
    fmtSpread(r.peakRssSpreadMb),
    fmtLoad(r.load, r.loaded),
    Object.entries(r.ratios)
      .map(([p, x]) => `${fmtSpread(x, 2, 'x')} ${p}`)
      .join(', ') || '-',
    Object.entries(r.cpuRatios)
      .map(([p, x]) => `${fmtSpread(x, 2, 'x')} ${p}`)
      .join(', ') || '-',
  ]);
  return table(
    [
      'approach',
      'N',
      'objects',
      'MB out',
      'synth ms',
      'on-CPU %',
      'ms/svc',
      'marginal ms/svc',
      'process ms',
      'peak RSS MB',
      'load avg',
      'synth time vs peers',
      'CPU time vs peers',
    ],
    body,
  );
}

export function commandsTable(commands: CommandResult[]): string {
  const f = (x: number | null, d: number) => (x === null ? '-' : x.toFixed(d));
  return table(
    ['command', 'runs', 'median s', 'min s', 'max s', 'CPU s', 'max RSS MB', 'load avg', 'note'],
    commands.map((c) => [
      c.name,
      String(c.samplesS.length),
      f(c.medianS, 2),
      f(c.samplesS.length ? Math.min(...c.samplesS) : null, 2),
      f(c.samplesS.length ? Math.max(...c.samplesS) : null, 2),
      f(c.cpuS, 2),
      f(c.maxRssMb, 0),
      fmtLoad(c.load, c.loaded),
      c.note,
    ]),
  );
}

export function targetsTable(targets: Target[]): string {
  return table(
    ['target', 'goal', 'median', 'min-max', 'threshold', 'result', 'CPU-time ratio'],
    targets.map((t) => [
      t.description,
      String(t.goal),
      t.measured === null ? '-' : String(t.measured),
      t.range ? `${t.range.min}-${t.range.max}` : '-',
      t.threshold,
      t.status === 'N/A' ? 'N/A' : `${t.status}${t.firm ? '' : ' (flips within the range)'}${t.loaded ? ' (loaded)' : ''}`,
      t.cpu ? `${t.cpu.measured}${t.cpu.range ? ` [${t.cpu.range.min}-${t.cpu.range.max}]` : ''} ${t.cpu.status}` : '-',
    ]),
  );
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
