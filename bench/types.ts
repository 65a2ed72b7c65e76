/** What one synthesis of `n` services on every cloud reports to the worker. */
export interface RunResult {
  /** Milliseconds spent in named phases, e.g. `define`, `render`, `write`. */
  readonly phases?: Record<string, number>;
  /**
   * Objects per kind, for approaches that write no files (Pulumi registrations);
   * file-writing approaches are counted from what they wrote.
   */
  readonly kinds?: Record<string, number>;
}

/** One approach loaded in a worker: synthesizes `n` services per cloud, writing under `outDir`. */
export type Runner = (n: number, outDir: string, iteration: number) => RunResult | Promise<RunResult>;

/** One iteration as the worker measured it. */
export interface IterationSample {
  /** Wall time of the synthesis, ms. */
  readonly wallMs: number;
  /** User CPU time of the synthesis, ms. */
  readonly userMs: number;
  /** System CPU time of the synthesis, ms. */
  readonly sysMs: number;
  /** Named phases the approach reported, ms. */
  readonly phases: Record<string, number>;
}

/** What a worker process reports (as the last line of stdout, after `BENCH_RESULT `). */
export interface WorkerReport {
  readonly approach: string;
  readonly n: number;
  /** Importing the approach's modules, ms. */
  readonly loadMs: number;
  /** The first synthesis in the fresh process. */
  readonly cold: IterationSample;
  /** From spawn to the end of the first synthesis (node start, imports, synthesis, writes), ms. */
  readonly coldProcessMs: number;
  /** User and system CPU of the whole process up to the end of the first synthesis, ms. */
  readonly coldProcessUserMs: number;
  readonly coldProcessSysMs: number;
  /** Peak resident set size up to the end of the first synthesis, MB. */
  readonly coldMaxRssMb: number;
  /** Later syntheses in the same process, after the first (warm-up) one. */
  readonly warm: IterationSample[];
  /** Peak resident set size of the whole process, MB. */
  readonly maxRssMb: number;
  /** Objects per kind of the first synthesis. */
  readonly kinds: Record<string, number>;
  /** Objects of the first synthesis. */
  readonly objects: number;
  /** Bytes written by the first synthesis (files), or null when the approach writes none. */
  readonly bytes: number | null;
  /** Files written by the first synthesis. */
  readonly files: number;
  /** process.hrtime in µs at the start and end of each synthesis, to cut a CPU profile to them. */
  readonly windowsUs: Array<[number, number]>;
}
