/**
 * Reads a V8 .cpuprofile (from `node --cpu-prof`) and sums self and total
 * time per function, counting only samples inside the given time windows
 * (the syntheses), so module loading and start-up do not dilute the picture.
 */
import * as fs from 'fs';
import * as path from 'path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Time of one function, ms. */
export interface FunctionTime {
  /** `functionName (file)`, the file relative to the repository or to node_modules. */
  readonly fn: string;
  readonly ms: number;
  /** Share of all sampled time in the windows, percent. */
  readonly pct: number;
}

/** What a profile shows. */
export interface ProfileSummary {
  /** Sampled time inside the windows, ms. */
  readonly sampledMs: number;
  /** Functions by self time (time in the function's own code). */
  readonly topSelf: FunctionTime[];
  /** Library functions (constructs/, src/) by self time: where the library's own code is slow. */
  readonly topSelfLibrary: FunctionTime[];
  /** Library functions (constructs/, src/) by total time (own code and callees). */
  readonly topTotalLibrary: FunctionTime[];
  /** Dependencies' functions (and Node's) by total time. */
  readonly topTotalDependencies: FunctionTime[];
  /**
   * Self time by where the code lives: a package (`node_modules/<name>`), a
   * folder of this repository (`constructs/imports`, `src`, ...), Node's own
   * code, the garbage collector or the rest of the engine.
   */
  readonly bySource: FunctionTime[];
}

/** The main thread's profile among those `node --cpu-prof` wrote into `dir` (tsx adds a loader thread). */
export function mainThreadProfile(dir: string): string {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; the main thread is thread 0.
  const main = files.find((f) => f.split('.')[4] === '0') ?? files[0];
  if (!main) throw new Error(`no .cpuprofile in ${dir}`);
  return path.join(dir, main);
}

/** What one process of a command spent, from its profile. */
export interface ProcessProfile {
  /** Which process: the command, the cdk8s CLI, the app. */
  readonly process: string;
  /** Wall time the profile covers, ms. */
  readonly profiledMs: number;
  readonly summary: ProfileSummary;
}

/**
 * Every main-thread profile in `dir` (one per process of a command), named
 * after the script it ran, in the order the processes started.
 */
export function processProfiles(dir: string, repoRoot: string, name: (urls: string[]) => string): ProcessProfile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && f.split('.')[4] === '0')
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const profile: CpuProfile & { endTime: number } = JSON.parse(fs.readFileSync(file, 'utf8'));
      return {
        process: name(profile.nodes.map((n) => n.callFrame.url)),
        profiledMs: Math.round((profile.endTime - profile.startTime) / 100) / 10,
        summary: summarizeProfile(file, [], repoRoot),
      };
    });
}

/** Summarizes `file`, keeping samples whose timestamp (µs, process.hrtime clock) falls in one of `windows`. */
export function summarizeProfile(file: string, windows: Array<[number, number]>, repoRoot: string, top = 15): ProfileSummary {
  const profile: CpuProfile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (windows.length > 0 && !windows.some(([a, b]) => t >= a && t <= b)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    sampled += dt;
  });

  const library = new Set<string>();
  const harness = new Set<string>();
  const keyOf = (n: ProfileNode) => {
    const key = label(n, repoRoot);
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const rel = url.startsWith(repoRoot) ? path.relative(repoRoot, url) : '';
    if (/^(constructs|src)\//.test(rel)) library.add(key);
    else if (rel && !rel.startsWith('node_modules/')) harness.add(key);
    return key;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const bySource = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + us);
    const where = source(node, repoRoot);
    bySource.set(where, (bySource.get(where) ?? 0) + us);
    // Charge the sample to every distinct function on its stack once (recursion counts once).
    const onStack = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) onStack.add(keyOf(byId.get(cur)!));
    for (const k of onStack) total.set(k, (total.get(k) ?? 0) + us);
  }

  const rank = (m: Map<string, number>, keep: (k: string) => boolean): FunctionTime[] =>
    [...m]
      .filter(([k]) => keep(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: round(us / 1000), pct: round((100 * us) / Math.max(sampled, 1)) }));
  const isMeta = (k: string) => k.startsWith('(root)') || k.startsWith('(program)') || k.startsWith('(idle)');
  const isLibrary = (k: string) => library.has(k);
  return {
    sampledMs: round(sampled / 1000),
    topSelf: rank(self, (k) => !isMeta(k)),
    topSelfLibrary: rank(self, isLibrary),
    topTotalLibrary: rank(total, isLibrary),
    // The benchmark's own frames (worker, runners) are left out: they only wrap the calls.
    topTotalDependencies: rank(total, (k) => !isMeta(k) && !isLibrary(k) && !harness.has(k) && !k.startsWith('(anonymous) (node:')),
    bySource: rank(bySource, () => true),
  };
}

/** Where a function's code lives, for {@link ProfileSummary.bySource}. */
function source(n: ProfileNode, repoRoot: string): string {
  const { functionName, url } = n.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(engine)';
  if (url.startsWith('node:')) return "node's own modules";
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + 'node_modules/'.length).split('/');
    const pkg = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    // An installed pyservice-k8s: split it as the repository is split.
    if (pkg === 'pyservice-k8s') return inRepo(parts.slice(2).join('/'));
    return `node_modules/${pkg}`;
  }
  if (file.startsWith(repoRoot)) return inRepo(path.relative(repoRoot, file));
  return path.basename(file);
}

/** `constructs/imports` and the other top folders, `src`, `examples`, ... */
function inRepo(rel: string): string {
  const parts = rel.split('/');
  if (parts[0] === 'constructs' && parts[1] === 'imports') return 'constructs/imports';
  return parts.length > 1 ? parts[0] : rel;
}

function label(n: ProfileNode, repoRoot: string): string {
  const { functionName, url } = n.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  let file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) file = file.slice(nm + 'node_modules/'.length);
  else if (file.startsWith(repoRoot)) file = path.relative(repoRoot, file);
  // Line numbers are those of tsx's transpiled output, not the .ts source: leave them out.
  return `${name} (${file})`;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
