/**
 * Times the commands a user runs: `npm run synth` (`pyservice-k8s synth`:
 * `cdk8s synth` with the app run by tsx, as cdk8s.yaml configures it) in a copy
 * of the repository, where the library is TypeScript transpiled on load, and the
 * same example in an app outside the repository with the packed tarball
 * installed (the library precompiled, as users run it). Nothing touches the
 * working tree's dist/.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LoadSampler } from './load';
import { CommandResult, commandResult } from './report';

const TIME = '/usr/bin/time';
/** Not copied: installed or generated state. */
const SKIP = new Set(['node_modules', '.git', 'lib', '.cdk8s.out', 'dist.next', 'dist.old', 'coverage', path.join('bench', 'results')]);

/** Copies the repository into `dest` without node_modules and generated folders. */
function copyRepo(repo: string, dest: string): void {
  fs.cpSync(repo, dest, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(repo, src);
      return !SKIP.has(rel) && !rel.split(path.sep).includes('node_modules');
    },
  });
}

interface Timed {
  readonly ok: boolean;
  readonly wallS: number;
  readonly cpuS: number | null;
  readonly maxRssMb: number | null;
  readonly stderr: string;
}

/** The synth command of a repository copy (`npm run synth`), or of an app with the package installed. */
const SYNTH_ARGS: Record<'repo' | 'installed', string[]> = {
  repo: ['--import', 'tsx', 'src/cli.ts', 'synth'],
  installed: ['node_modules/pyservice-k8s/lib/src/cli.js', 'synth'],
};

/** Runs the synth command in `cwd` under GNU time when there is one. */
function timeSynth(cwd: string, kind: 'repo' | 'installed' = 'repo'): Timed {
  const useTime = fs.existsSync(TIME);
  const timeFile = path.join(cwd, '.bench-time');
  const [cmd, args] = useTime
    ? [TIME, ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...SYNTH_ARGS[kind]]]
    : [process.execPath, SYNTH_ARGS[kind]];
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: undefined }, maxBuffer: 64 * 1024 * 1024 });
  const wallS = (performance.now() - t0) / 1000;
  const ok = r.status === 0 && fs.existsSync(path.join(cwd, 'dist', 'prod', 'eks', 'kustomization.yaml'));
  if (!useTime || !fs.existsSync(timeFile)) return { ok, wallS, cpuS: null, maxRssMb: null, stderr: r.stderr ?? '' };
  const [, user, sys, rssKb] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { ok, wallS, cpuS: user + sys, maxRssMb: rssKb / 1024, stderr: r.stderr ?? '' };
}

/** A command to time: where it runs, and how. */
interface CommandSpec {
  readonly name: string;
  readonly command: string;
  readonly cwd: string;
  readonly note: string;
  readonly kind: 'repo' | 'installed';
}

/**
 * Times `specs` in rounds, interleaved (one run of each per round), after one
 * warm-up run of each, so that a change in the machine's load hits every
 * command alike; the load is read from `sampler` during the timed runs.
 */
function measureCommands(specs: CommandSpec[], repeats: number, sampler: LoadSampler, log: (s: string) => void): CommandResult[] {
  const failed = new Map<string, string>();
  for (const spec of specs) {
    fs.rmSync(path.join(spec.cwd, 'dist'), { recursive: true, force: true });
    const warmUp = timeSynth(spec.cwd, spec.kind);
    if (!warmUp.ok) failed.set(spec.name, `failed: ${lastLines(warmUp.stderr)}`);
  }
  const runs = new Map<string, Array<Timed & { window: [number, number] }>>(specs.map((s) => [s.name, []]));
  for (let i = 0; i < repeats; i++) {
    for (const spec of specs.filter((x) => !failed.has(x.name))) {
      const from = Date.now();
      const t = timeSynth(spec.cwd, spec.kind);
      if (!t.ok) {
        failed.set(spec.name, `failed: ${lastLines(t.stderr)}`);
        continue;
      }
      runs.get(spec.name)!.push({ ...t, window: [from, Date.now()] });
      log(`  ${spec.name} run ${i + 1}/${repeats}: ${t.wallS.toFixed(2)} s`);
    }
  }
  return specs.map((spec) =>
    commandResult(
      spec,
      runs.get(spec.name)!.map((r) => ({ ...r, window: r.window })),
      failed.get(spec.name),
      sampler.samples(),
    ),
  );
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' / ').slice(0, 300);
}

/** What the registry and the ts-node install said. */
export interface TsNodeSetup {
  /** `npm view ts-node version`, or null when the registry could not be reached. */
  readonly registryVersion: string | null;
  /** Whether ts-node was installed into the copy. */
  readonly installed: boolean;
  readonly note: string;
}

export interface CliResults {
  readonly commands: CommandResult[];
  readonly tsNode: TsNodeSetup;
  /** Whether both variants wrote identical dist/ folders. */
  readonly sameOutput: boolean | null;
  /** The app with the tarball installed, while `work` exists; null when the install failed. */
  readonly installedDir: string | null;
}

/** Copies the repository and installs the packed tarball under `work`, then times the example's synth in each, interleaved. */
export function measureCli(repo: string, work: string, repeats: number, sampler: LoadSampler, log: (s: string) => void): CliResults {
  const tsxCopy = path.join(work, 'repo-tsx');
  copyRepo(repo, tsxCopy);
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(tsxCopy, 'node_modules'));
  const app = /^app: (.*)$/m.exec(fs.readFileSync(path.join(tsxCopy, 'cdk8s.yaml'), 'utf8'))?.[1] ?? '?';
  log(`cdk8s synth, app: ${app}`);

  // ts-node is not timed any more: the example imports the package by name, which
  // ts-node resolves only with tsconfig-paths; the earlier runs measured it at 4.3x tsx.
  const tsNode: TsNodeSetup = { registryVersion: null, installed: false, note: 'not measured (see bench/README.md)' };

  const installed = installTarball(repo, path.join(work, 'installed'), log);
  const specs: CommandSpec[] = [
    {
      name: 'cdk8s synth (tsx)',
      command: `npm run synth (cdk8s.yaml app: ${app})`,
      cwd: tsxCopy,
      note: 'as the project configures it',
      kind: 'repo',
    },
  ];
  if (installed.ok) {
    specs.push({
      name: INSTALLED,
      command: 'pyservice-k8s synth in an app with the packed package installed (lib/, compiled)',
      cwd: installed.dir,
      note: installed.note,
      kind: 'installed',
    });
  }
  const commands = measureCommands(specs, repeats, sampler, log);
  if (!installed.ok) {
    commands.push({
      name: INSTALLED,
      command: 'pyservice-k8s synth',
      samplesS: [],
      medianS: null,
      cpuS: null,
      maxRssMb: null,
      note: installed.note,
      load: null,
      loaded: false,
    });
  }

  const sameOutput = commands.every((c) => c.medianS !== null)
    ? sameTree(path.join(tsxCopy, 'dist'), path.join(installed.dir, 'dist'))
    : null;
  return { commands, tsNode, sameOutput, installedDir: installed.ok ? installed.dir : null };
}

/** The name of the installed-tarball command in the results. */
export const INSTALLED = 'synth through the installed tarball';

/**
 * Runs the installed synth once more with every Node process it starts
 * profiled (the command, the cdk8s CLI it runs, and the app the CLI runs),
 * writing their profiles into `profDir`; returns whether it ran. Node refuses
 * `--cpu-prof` in NODE_OPTIONS, so a preloaded hook (bench/profile-hook.cjs)
 * profiles each process from its first module on.
 */
export function profileInstalledSynth(dir: string, profDir: string): boolean {
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  const r = spawnSync(process.execPath, SYNTH_ARGS.installed, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK8S_OUTDIR: undefined,
      NODE_OPTIONS: `--require ${path.join(__dirname, 'profile-hook.cjs')}`,
      BENCH_PROFILE_DIR: profDir,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return r.status === 0 && fs.existsSync(profDir);
}

/**
 * An app outside the repository with the packed package installed, as a user
 * gets it, holding a copy of the example (which imports `pyservice-k8s`).
 */
function installTarball(repo: string, dir: string, log: (s: string) => void): { ok: boolean; dir: string; note: string } {
  fs.mkdirSync(dir, { recursive: true });
  log('  packing the library and installing the tarball into an app outside the repository');
  const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
  const tarball = pack.status === 0 ? path.join(dir, pack.stdout.trim().split('\n').pop()!.trim()) : '';
  if (!tarball || !fs.existsSync(tarball)) return { ok: false, dir, note: `npm pack failed (${lastLines(pack.stderr ?? '')})` };
  const own = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  const deps = ['cdk8s', 'cdk8s-plus-28', 'constructs', 'cdk8s-cli', 'tsx', 'yaml'].map(
    (p) => `${p}@${own.devDependencies[p] ?? own.dependencies[p]}`,
  );
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-installed', private: true }));
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', tarball, ...deps], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (install.status !== 0) return { ok: false, dir, note: `npm install failed (${lastLines(install.stderr ?? '')})` };
  fs.cpSync(path.join(repo, 'examples', 'shop'), dir, { recursive: true });
  fs.copyFileSync(path.join(repo, 'cdk8s.yaml'), path.join(dir, 'cdk8s.yaml'));
  const config = path.join(dir, 'cdk8s.yaml');
  fs.writeFileSync(
    config,
    fs
      .readFileSync(config, 'utf8')
      .replace(/^app: .*$/m, 'app: node --import tsx main.ts')
      .replace(/^imports:[\s\S]*$/m, ''),
  );
  return { ok: true, dir, note: `${path.basename(tarball)} and its pinned peers from the registry; only the example is transpiled` };
}

function sameTree(a: string, b: string): boolean {
  const list = (d: string): string[] => fs.readdirSync(d, { recursive: true, encoding: 'utf8' }).sort();
  const fa = list(a);
  const fb = list(b);
  if (fa.join('\n') !== fb.join('\n')) return false;
  return fa.every((f) => {
    const pa = path.join(a, f);
    return fs.statSync(pa).isDirectory() || fs.readFileSync(pa).equals(fs.readFileSync(path.join(b, f)));
  });
}
