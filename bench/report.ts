/**
 * Turns worker reports into rows (medians, per-service cost, slopes, ratios
 * against peers of the same run), folds timed commands, and prints tables.
 */
import { LoadDuring, LoadSample, Spread, isLoaded, loadDuring, median, spread } from './load';
import { KINDS_PER_SERVICE } from './names';
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
  'library-per-target': ['library'],
  tree: ['library', 'floor'],
  'cdk8s-plus': ['plain'],
  pulumi: ['pulumi-raw'],
  'pulumi-service': ['pulumi-raw'],
  'pulumi-service-bare': ['pulumi-raw'],
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

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Objects per kind, per service and cloud: `ConfigMap=1 Deployment=1 ...`. */
function kindsPerService(row: Row): string {
  return Object.keys(row.kinds)
    .sort()
    .map((k) => `${k}=${+(row.kinds[k] / (row.n * 3)).toFixed(2)}`)
    .join(' ');
}

/** One line when every approach makes the same objects per service, else one per approach. */
export function parityLine(rows: Row[], n: number): string {
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
