/**
 * The performance goals, evaluated on a run's rows and commands: each with its
 * median, its range over the rounds, the load it was measured under, and for
 * ratios the same ratio of CPU time.
 */
import { Spread, spread } from './load';
import { Row, pairedRatio, round3, table } from './report';

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

  // A bound, not a goal: the best a design without a construct per object could reach (bench/README.md, "Bounds").
  const [tree1000, floor1000] = [row('tree', 1000), row('floor', 1000)];
  check(
    1,
    'bound-library-without-tree-n1000',
    'bound: library minus its construct tree (`tree`) per service <= 2x the floor, N=1000',
    lib1000 && tree1000 && floor1000 ? pairedRemainder(lib1000, tree1000, floor1000, 'perProcessMs') : null,
    GOALS.floorRatio,
    times,
    'per round of interleaved fresh processes: (library - tree) / floor, steady-state synthesis wall time',
    [lib1000, tree1000, floor1000],
    undefined,
    lib1000 && tree1000 && floor1000 ? pairedRemainder(lib1000, tree1000, floor1000, 'perProcessCpuMs') : null,
  );

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

  const perTarget = row('library-per-target', 10_000);
  check(
    2,
    'bound-per-target-10000x3-rss',
    'bound: the same, each cloud defined only when rendered (`library-per-target`) <= 1 GB peak RSS',
    perTarget?.peakRssSpreadMb,
    GOALS.largeRssMb,
    (x) => `${x.toFixed(0)} MB`,
    'maxRSS of a fresh process through its first synthesis (--large)',
    [perTarget],
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

  // The Pulumi approaches are compared at the largest N they were measured at.
  const largestAgainstRaw = (approach: string) =>
    rows.filter((r) => r.approach === approach && r.ratios['pulumi-raw'] !== undefined).sort((a, b) => b.n - a.n)[0];
  for (const approach of ['pulumi', 'pulumi-service']) {
    const measured = largestAgainstRaw(approach);
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

  // A bound, not a goal: the component with no outputs at all (bench/peers/pulumi-bare.ts).
  const bare = largestAgainstRaw('pulumi-service-bare');
  check(
    4,
    'bound-pulumi-service-without-outputs',
    `bound: PythonMicroserviceComponent without outputs (\`pulumi-service-bare\`) <= 1.2x raw${bare ? `, N=${bare.n}` : ''}`,
    bare?.ratios['pulumi-raw'],
    GOALS.pulumiRatio,
    times,
    'registration wall time with mocks, ratio per round: the best a component that synthesizes through cdk8s could reach',
    [bare, bare ? row('pulumi-raw', bare.n) : undefined],
    undefined,
    bare?.cpuRatios['pulumi-raw'],
  );

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

/** Per round, `(row - part) / peer`: what is left of `row` without `part`, against `peer`. */
function pairedRemainder(row: Row, part: Row, peer: Row, of: 'perProcessMs' | 'perProcessCpuMs'): Spread | null {
  const k = Math.min(row[of].length, part[of].length, peer[of].length);
  return k === 0 ? null : spread(Array.from({ length: k }, (_, i) => (row[of][i] - part[of][i]) / peer[of][i]));
}

function scaled(s: Spread, k: number): Spread {
  return { min: s.min * k, median: s.median * k, max: s.max * k, n: s.n };
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
