/**
 * Turns worker reports into rows (medians, per-service cost, slopes, ratios
 * against peers of the same run), evaluates the targets, and prints tables.
 */
import { WorkerReport } from './types';

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
  /** Steady-state synthesis: median of the warm runs (the first run if there are none), ms. */
  readonly synthMs: number;
  /** Which runs synthMs comes from. */
  readonly synthBasis: 'warm' | 'cold';
  readonly synthSamplesMs: number[];
  /** First synthesis in a fresh process (imports excluded), median, ms. */
  readonly coldSynthMs: number;
  /** Spawn to end of the first synthesis (node start, imports, synthesis, writes), median, ms. */
  readonly processMs: number;
  /** Importing the approach's modules, median, ms. */
  readonly loadMs: number;
  /** User + system CPU of one steady-state synthesis, median, ms. */
  readonly cpuMs: number;
  /** User + system CPU of the process up to the end of its first synthesis, median, ms. */
  readonly processCpuMs: number;
  /** Peak RSS of a fresh process through its first synthesis, median, MB. */
  readonly peakRssMb: number;
  /** Steady-state phases, median, ms. */
  readonly phasesMs: Record<string, number>;
  /** Objects per kind. */
  readonly kinds: Record<string, number>;
  /** synthMs / N. */
  msPerService: number;
  /** Slope of synthMs from the previous N: (t(N) - t(N_prev)) / (N - N_prev); null at the first N. */
  marginalMsPerService: number | null;
  /** synthMs divided by the peer's synthMs at the same N, by peer. */
  ratios: Record<string, number>;
}

/** The peers each approach is compared with (plain, the floor, for every approach that writes YAML). */
export const PEERS: Record<string, string[]> = {
  library: ['cdk8s-plus', 'plain', 'floor'],
  'library-lib': ['library', 'floor'],
  'cdk8s-plus': ['plain'],
  pulumi: ['pulumi-raw'],
  'pulumi-service': ['pulumi-raw'],
};

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Folds the reports of one approach at one N into a row (without the derived columns). */
export function toRow(reports: WorkerReport[]): Row {
  const r0 = reports[0];
  const warm = reports.flatMap((r) => r.warm);
  const steady = warm.length > 0 ? warm : reports.map((r) => r.cold);
  const phaseNames = Object.keys(steady[0]?.phases ?? {});
  return {
    approach: r0.approach,
    n: r0.n,
    processes: reports.length,
    objects: r0.objects,
    files: r0.files,
    bytes: r0.bytes,
    synthMs: median(steady.map((s) => s.wallMs)),
    synthBasis: warm.length > 0 ? 'warm' : 'cold',
    synthSamplesMs: steady.map((s) => round(s.wallMs)),
    coldSynthMs: median(reports.map((r) => r.cold.wallMs)),
    processMs: median(reports.map((r) => r.coldProcessMs)),
    loadMs: median(reports.map((r) => r.loadMs)),
    cpuMs: median(steady.map((s) => s.userMs + s.sysMs)),
    processCpuMs: median(reports.map((r) => r.coldProcessUserMs + r.coldProcessSysMs)),
    peakRssMb: median(reports.map((r) => r.coldMaxRssMb)),
    phasesMs: Object.fromEntries(phaseNames.map((p) => [p, round(median(steady.map((s) => s.phases[p] ?? 0)))])),
    kinds: r0.kinds,
    msPerService: NaN,
    marginalMsPerService: null,
    ratios: {},
  };
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
      if (p) row.ratios[peer] = row.synthMs / p.synthMs;
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
}

/** One target, evaluated on this run's numbers. */
export interface Target {
  readonly id: string;
  readonly description: string;
  /** What was measured, or null when it could not be. */
  readonly measured: number | null;
  /** How `measured` is compared, e.g. `<= 1.00`. */
  readonly threshold: string;
  /** PASS, MISS, or N/A when not measured in this mode. */
  readonly status: 'PASS' | 'MISS' | 'N/A';
  /** How the figure was obtained. */
  readonly basis: string;
  /** The approach and N to profile when missed. */
  readonly profile?: { readonly approach: string; readonly n: number };
}

/** Linear growth: per-service cost at 1000 within this factor of that at 100. */
export const LINEAR_TOLERANCE = 1.25;

export function evaluateTargets(rows: Row[], commands: CommandResult[]): Target[] {
  const row = (a: string, n: number) => rows.find((r) => r.approach === a && r.n === n);
  const targets: Target[] = [];
  const check = (
    id: string,
    description: string,
    measured: number | null | undefined,
    max: number,
    fmt: (x: number) => string,
    basis: string,
    profile?: Target['profile'],
  ): void => {
    const m = measured === undefined || measured === null || Number.isNaN(measured) ? null : measured;
    targets.push({
      id,
      description,
      measured: m === null ? null : round3(m),
      threshold: `<= ${fmt(max)}`,
      status: m === null ? 'N/A' : m <= max ? 'PASS' : 'MISS',
      basis,
      profile,
    });
  };

  for (const n of [100, 1000]) {
    const lib = row('library', n);
    check(
      `library-vs-cdk8s-plus-n${n}`,
      `library synth cost per service <= 1.0x hand-written cdk8s-plus-28, N=${n}`,
      lib?.ratios['cdk8s-plus'],
      1.0,
      (x) => `${x.toFixed(2)}x`,
      'steady-state synthesis wall time, same N, same run',
      { approach: 'library', n },
    );
    check(
      `library-vs-plain-n${n}`,
      `library synth cost per service <= 3x plain objects + YAML, N=${n}`,
      lib?.ratios.plain,
      3.0,
      (x) => `${x.toFixed(2)}x`,
      'steady-state synthesis wall time, same N, same run',
      { approach: 'library', n },
    );
  }

  for (const n of [100, 1000]) {
    const lib = row('library', n);
    const floor = row('floor', n);
    check(
      `library-vs-floor-n${n}`,
      `library synth cost per service <= 3x the true floor (literal objects + the project's YAML writer), N=${n}`,
      lib && floor ? lib.synthMs / floor.synthMs : null,
      3.0,
      (x) => `${x.toFixed(2)}x`,
      'steady-state synthesis wall time, same N, same run',
      { approach: 'library', n },
    );
  }

  const repo = commands.find((c) => c.name === 'cdk8s synth (tsx)');
  const installed = commands.find((c) => c.name === 'synth through the installed tarball');
  check(
    'cli-installed-vs-repo',
    "the example's synth through the installed tarball (precompiled) <= 1.0x the same in the repository (tsx)",
    repo?.medianS && installed?.medianS ? installed.medianS / repo.medianS : null,
    1.0,
    (x) => `${x.toFixed(2)}x`,
    'median wall time of `pyservice-k8s synth`, installed / repository copy',
  );

  const huge = row('library', 10_000);
  check(
    'library-10000x3-wall',
    '10,000 services x 3 clouds <= 30 s wall (fresh process)',
    huge ? huge.processMs / 1000 : null,
    30,
    (x) => `${x.toFixed(1)} s`,
    'spawn to end of the first synthesis, one fresh process (--large)',
  );
  check(
    'library-10000x3-rss',
    '10,000 services x 3 clouds <= 2 GB peak RSS',
    huge?.peakRssMb,
    2048,
    (x) => `${x.toFixed(0)} MB`,
    'maxRSS of a fresh process through its first synthesis (--large)',
  );

  const big = row('library', 1000);
  check(
    'library-1000x3-wall',
    '1000 services x 3 clouds <= 5 s wall (fresh process: node start, imports, synthesis, writes)',
    big ? big.processMs / 1000 : null,
    5,
    (x) => `${x.toFixed(1)} s`,
    'spawn to end of the first synthesis, median of fresh processes',
    { approach: 'library', n: 1000 },
  );
  check(
    'library-1000x3-rss',
    '1000 services x 3 clouds <= 400 MB peak RSS',
    big?.peakRssMb,
    400,
    (x) => `${x.toFixed(0)} MB`,
    'maxRSS of a fresh process through its first synthesis',
    { approach: 'library', n: 1000 },
  );

  const small = row('library', 100);
  check(
    'library-linear-growth',
    `growth linear: per-service cost at N=1000 / at N=100 <= ${LINEAR_TOLERANCE}`,
    big && small ? big.msPerService / small.msPerService : null,
    LINEAR_TOLERANCE,
    (x) => `${x.toFixed(2)}x`,
    'steady-state ms per service',
    { approach: 'library', n: 1000 },
  );

  for (const approach of ['pulumi', 'pulumi-service']) {
    const measured = rows.filter((r) => r.approach === approach && r.ratios['pulumi-raw'] !== undefined).sort((a, b) => b.n - a.n)[0];
    check(
      `${approach}-vs-raw`,
      `Pulumi path (${approach}) <= 1.5x raw @pulumi/kubernetes${measured ? `, N=${measured.n}` : ''}`,
      measured?.ratios['pulumi-raw'],
      1.5,
      (x) => `${x.toFixed(2)}x`,
      `${measured?.synthBasis ?? 'steady-state'} registration wall time with mocks, largest N measured`,
      measured ? { approach, n: measured.n } : undefined,
    );
  }
  return targets;
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

export function resultsTable(rows: Row[]): string {
  const f = (x: number | null | undefined, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));
  const body = rows.map((r) => [
    r.approach,
    String(r.n),
    String(r.objects),
    r.bytes === null ? '-' : (r.bytes / 1e6).toFixed(2),
    f(r.synthMs) + (r.synthBasis === 'cold' ? '*' : ''),
    f(r.cpuMs),
    f(r.msPerService, 2),
    f(r.marginalMsPerService, 2),
    f(r.processMs),
    f(r.peakRssMb),
    Object.entries(r.ratios)
      .map(([p, x]) => `${x.toFixed(2)}x ${p}`)
      .join(', ') || '-',
  ]);
  return table(
    [
      'approach',
      'N',
      'objects',
      'MB out',
      'synth ms',
      'CPU ms',
      'ms/svc',
      'marginal ms/svc',
      'process ms',
      'peak RSS MB',
      'synth time vs peers',
    ],
    body,
  );
}

export function commandsTable(commands: CommandResult[]): string {
  const f = (x: number | null, d: number) => (x === null ? '-' : x.toFixed(d));
  return table(
    ['command', 'runs', 'median s', 'min s', 'max s', 'CPU s', 'max RSS MB', 'note'],
    commands.map((c) => [
      c.name,
      String(c.samplesS.length),
      f(c.medianS, 2),
      f(c.samplesS.length ? Math.min(...c.samplesS) : null, 2),
      f(c.samplesS.length ? Math.max(...c.samplesS) : null, 2),
      f(c.cpuS, 2),
      f(c.maxRssMb, 0),
      c.note,
    ]),
  );
}

export function targetsTable(targets: Target[]): string {
  return table(
    ['target', 'measured', 'threshold', 'result'],
    targets.map((t) => [t.description, t.measured === null ? '-' : String(t.measured), t.threshold, t.status]),
  );
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
