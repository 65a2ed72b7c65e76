/**
 * Runs the project's app, as `pyservice-k8s synth` and `pyservice-k8s diff` do.
 *
 * For a plain synth (no cdk8s validation plugins, no Helm format, no `--stdout`)
 * the app named in `cdk8s.yaml` is run directly, the way `cdk8s synth` runs it
 * (`cdk8s-cli` lib/util.js `synthApp`: the output folder emptied, then the app
 * run through a shell with `CDK8S_OUTDIR` set). This saves a Node process that
 * loads the whole cdk8s CLI (its import command's compilers included) only to
 * start the app. Anything else is passed on to the cdk8s CLI of the project.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SUMMARY_HEADER } from '../kit/output';
import { ExitCode } from './help';
import { directSynth, DirectSynth } from './synth-config';

/** Options of {@link runSynth}. */
export interface SynthRun {
  /** Options for cdk8s synth. */
  readonly args?: readonly string[];
  /** Variables added to the environment of the app. */
  readonly env?: { readonly [name: string]: string };
  /** Drop what the app or cdk8s prints on stdout. @default false */
  readonly quiet?: boolean;
  /** Where what the app or cdk8s prints on stdout goes, when it is not dropped. @default process.stdout */
  readonly out?: (text: string) => void;
}

/**
 * Runs the app of the project in `cwd`: directly when {@link directSynth} says
 * it can, through the cdk8s CLI otherwise. When the app rejects its input it
 * has already printed every error with its construct path, so the CLI's own
 * stack trace ("command ... returned a non-zero exit code"), which says nothing
 * new, is dropped; everything else on stderr passes through `err`. A list of
 * the YAML files written is printed only when the app kit did not print where
 * its files went (a summary starting with "Wrote ").
 */
export function runSynth(cwd: string, err: (text: string) => void, options: SynthRun = {}): Promise<ExitCode> {
  const plan = directSynth(cwd, options.args ?? []);
  if (typeof plan === 'string') {
    err(plan);
    return Promise.resolve(ExitCode.FAILED);
  }
  return plan ? runApp(cwd, plan, err, options) : runCli(cwd, err, options);
}

/** Runs the app of `cdk8s.yaml` itself, as cdk8s-cli's `synthApp` does. */
async function runApp(cwd: string, plan: DirectSynth, err: (text: string) => void, options: SynthRun): Promise<ExitCode> {
  const outdir = path.resolve(cwd, plan.outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  const out = options.out ?? ((t: string) => process.stdout.write(t));
  const child = spawn(plan.app, [], {
    cwd,
    shell: true,
    env: {
      ...process.env,
      ...options.env,
      CDK8S_OUTDIR: plan.outdir,
      CDK8S_RECORD_CONSTRUCT_METADATA: process.env.CDK8S_RECORD_CONSTRUCT_METADATA ?? 'false',
    },
    stdio: ['inherit', options.quiet ? 'ignore' : 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => out(chunk));
  const stderr = lineFilter(err);
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', stderr.write);
  const code = await new Promise<number | null | Error>((resolve) => {
    child.on('error', resolve);
    child.on('close', resolve);
  });
  stderr.end();
  if (code instanceof Error) {
    err(`synth could not start the app "${plan.app}": ${code.message}\n`);
    return ExitCode.FAILED;
  }
  if (code !== 0) return ExitCode.SYNTH_FAILED;
  if (!fs.existsSync(outdir)) {
    err(`synth: the app "${plan.app}" exited without writing ${plan.outdir}/; a cdk8s app calls app.synth().\n`);
    return ExitCode.FAILED;
  }
  if (!stderr.summarized() && !options.quiet) out(listing(plan.outdir, outdir));
  return ExitCode.OK;
}

/** Runs `cdk8s synth` of the project, for what the direct run does not cover. */
function runCli(cwd: string, err: (text: string) => void, options: SynthRun): Promise<ExitCode> {
  let cli: string;
  try {
    cli = path.join(path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [cwd] })), 'bin', 'cdk8s');
  } catch {
    err('synth needs the cdk8s CLI in this project: npm install --save-dev cdk8s-cli\n');
    return Promise.resolve(ExitCode.FAILED);
  }
  const child = spawn(process.execPath, [cli, 'synth', '--no-check-upgrade', ...(options.args ?? [])], {
    cwd,
    env: { ...process.env, ...options.env },
    stdio: ['inherit', options.quiet ? 'ignore' : 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    printed += chunk;
  });
  const stderr = lineFilter(err);
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', stderr.write);
  return new Promise((resolve) => {
    child.on('error', (e) => {
      err(`cdk8s synth could not start: ${e.message}\n`);
      resolve(ExitCode.FAILED);
    });
    child.on('close', (code) => {
      stderr.end();
      if (printed && !stderr.summarized()) (options.out ?? ((t: string) => process.stdout.write(t)))(printed);
      resolve(code === 0 ? ExitCode.OK : ExitCode.SYNTH_FAILED);
    });
  });
}

/** Passes stderr on line by line, dropping the cdk8s CLI's stack trace of a failed app, and notes the app kit's summary. */
function lineFilter(err: (text: string) => void) {
  let buffered = '';
  let dropping = false;
  let summarized = false;
  const emit = (line: string) => {
    if (line.startsWith(SUMMARY_HEADER)) summarized = true;
    if (/^Error: command ".*" at .* returned a non-zero exit code \d+$/.test(line)) {
      dropping = true;
      return;
    }
    if (dropping && /^\s+at /.test(line)) return;
    dropping = false;
    err(`${line}\n`);
  };
  return {
    write: (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(emit);
    },
    end: () => {
      if (buffered) emit(buffered);
      buffered = '';
    },
    summarized: () => summarized,
  };
}

/** The YAML files under `dir`, sorted, as `cdk8s synth` lists them. */
function listing(shown: string, dir: string): string {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  return files.length ? `${files.map((f) => `  - ${path.posix.join(shown, f)}\n`).join('')}` : 'No manifests synthesized\n';
}
