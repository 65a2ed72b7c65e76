/**
 * Samples the machine's load once a second for the whole run, from a worker
 * thread: the harness's main thread blocks in `spawnSync` while a worker
 * synthesizes, and a thread of its own keeps sampling meanwhile. Samples go
 * into shared memory, so the main thread reads them at any time without
 * waiting for messages.
 *
 * Per sample: the 1-minute load average, the share of all CPUs busy since the
 * previous sample (`/proc/stat`), and CPU pressure (`/proc/pressure/cpu`,
 * `some avg10`: the share of the last 10 s in which a runnable task waited
 * for a CPU), where Linux has them.
 */
import * as os from 'os';
import { Worker } from 'worker_threads';

/** One sample. */
export interface LoadSample {
  /** Epoch ms. */
  readonly t: number;
  /** 1-minute load average. */
  readonly load1: number;
  /** Share of all CPUs busy since the previous sample, 0..1, or null where /proc/stat is missing. */
  readonly busy: number | null;
  /** CPU pressure, `some avg10`, percent, or null where /proc/pressure/cpu is missing. */
  readonly cpuPressure: number | null;
}

/** Min, median and max of a set of figures. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  /** How many figures. */
  readonly n: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The spread of `xs`, or null when there are none. */
export function spread(xs: readonly number[]): Spread | null {
  const finite = xs.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return null;
  return { min: Math.min(...finite), median: median(finite), max: Math.max(...finite), n: finite.length };
}

const FIELDS = 4;
/** Four hours at one sample a second. */
const CAPACITY = 4 * 3600;

// Plain JavaScript, run with `eval`, so that no loader is needed in the thread.
const SAMPLER = `
const { workerData } = require('worker_threads');
const fs = require('fs');
const os = require('os');
const values = new Float64Array(workerData.values);
const count = new Int32Array(workerData.count);
const read = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch { return null; } };
let previous = null;
const cpuTimes = () => {
  const line = read('/proc/stat');
  if (line === null) return null;
  const f = line.split('\\n')[0].trim().split(/\\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] || 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { idle, total };
};
const sample = () => {
  const i = Atomics.load(count, 0);
  if (i >= ${CAPACITY}) return;
  const now = cpuTimes();
  let busy = NaN;
  if (now && previous && now.total > previous.total) busy = 1 - (now.idle - previous.idle) / (now.total - previous.total);
  previous = now;
  const psi = /some avg10=([0-9.]+)/.exec(read('/proc/pressure/cpu') || '');
  values.set([Date.now(), os.loadavg()[0], busy, psi ? Number(psi[1]) : NaN], i * ${FIELDS});
  Atomics.store(count, 0, i + 1);
};
sample();
setInterval(sample, workerData.intervalMs);
`;

/** Samples the load from a thread of its own until {@link LoadSampler.stop}. */
export class LoadSampler {
  private readonly values = new SharedArrayBuffer(CAPACITY * FIELDS * 8);
  private readonly count = new SharedArrayBuffer(4);
  private readonly worker: Worker;

  public constructor(intervalMs = 1000) {
    this.worker = new Worker(SAMPLER, { eval: true, workerData: { values: this.values, count: this.count, intervalMs } });
    this.worker.unref();
  }

  /** Samples taken between `from` and `to` (epoch ms), every sample without them. */
  public samples(from = -Infinity, to = Infinity): LoadSample[] {
    const n = Atomics.load(new Int32Array(this.count), 0);
    const v = new Float64Array(this.values);
    const out: LoadSample[] = [];
    for (let i = 0; i < n; i++) {
      const [t, load1, busy, psi] = v.subarray(i * FIELDS, (i + 1) * FIELDS);
      if (t < from || t > to) continue;
      out.push({ t, load1, busy: Number.isNaN(busy) ? null : busy, cpuPressure: Number.isNaN(psi) ? null : psi });
    }
    return out;
  }

  public async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** The load while something ran: spreads of the samples in its time windows. */
export interface LoadDuring {
  /** 1-minute load average. */
  readonly load1: Spread | null;
  /** Share of all CPUs busy, percent. */
  readonly busyPct: Spread | null;
  /** CPU pressure (`some avg10`), percent. */
  readonly cpuPressurePct: Spread | null;
  /** Samples taken. */
  readonly samples: number;
}

/** Spreads of the samples inside any of `windows` (epoch ms). */
export function loadDuring(samples: readonly LoadSample[], windows: ReadonlyArray<readonly [number, number]>): LoadDuring {
  const inside = samples.filter((s) => windows.some(([a, b]) => s.t >= a && s.t <= b));
  return {
    load1: spread(inside.map((s) => s.load1)),
    busyPct: spread(inside.flatMap((s) => (s.busy === null ? [] : [s.busy * 100]))),
    cpuPressurePct: spread(inside.flatMap((s) => (s.cpuPressure === null ? [] : [s.cpuPressure]))),
    samples: inside.length,
  };
}

/**
 * Whether other work competed with the measurement: the measured process
 * accounts for about `own` of the 1-minute load average (1 for a benchmark
 * worker, the CPUs for a test run that uses them all), and the rest, at its
 * median during the measurement, took more than half of the CPUs it leaves
 * free (half a CPU at least). On 2 CPUs: a median load average above 1.5 for a
 * worker, above 2.5 for the test runs.
 */
export function isLoaded(load: LoadDuring, own = 1, cpus = os.cpus().length): boolean {
  return load.load1 !== null && load.load1.median - own > Math.max(cpus - own, 1) / 2;
}
