/** Runs the project's `cdk8s synth`, as `pyservice-k8s synth` and `pyservice-k8s diff` do. */
import { spawn } from 'child_process';
import * as path from 'path';
import { SUMMARY_HEADER } from '../kit/output';
import { ExitCode } from './help';

/** Options of {@link runSynth}. */
export interface SynthRun {
  /** Options for cdk8s synth. */
  readonly args?: readonly string[];
  /** Variables added to the environment of the app. */
  readonly env?: { readonly [name: string]: string };
  /** Drop what cdk8s prints on stdout (the list of files it found). @default false */
  readonly quiet?: boolean;
  /** Where what cdk8s prints on stdout goes, when it is not dropped. @default process.stdout */
  readonly out?: (text: string) => void;
}

/**
 * Runs the cdk8s CLI of the project in `cwd`. When the app rejects its input it
 * has already printed every error with its construct path, so the CLI's own
 * stack trace ("command ... returned a non-zero exit code"), which says nothing
 * new, is dropped; everything else it prints on stderr passes through `err`.
 * The CLI's stdout, a list of every file in its own copy of the output
 * (`.cdk8s.out/...`), is dropped when the app kit printed where its files went
 * (a summary starting with "Wrote "), and passed on otherwise.
 */
export function runSynth(cwd: string, err: (text: string) => void, options: SynthRun = {}): Promise<ExitCode> {
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
  let listing = '';
  let summarized = false;
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    listing += chunk;
  });
  let buffered = '';
  let dropping = false;
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
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    lines.forEach(emit);
  });
  return new Promise((resolve) => {
    child.on('error', (e) => {
      err(`cdk8s synth could not start: ${e.message}\n`);
      resolve(ExitCode.FAILED);
    });
    child.on('close', (code) => {
      if (buffered) emit(buffered);
      if (listing && !summarized) (options.out ?? ((t: string) => process.stdout.write(t)))(listing);
      resolve(code === 0 ? ExitCode.OK : ExitCode.SYNTH_FAILED);
    });
  });
}
