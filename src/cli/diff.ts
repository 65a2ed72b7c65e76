/** `pyservice-k8s diff`: the committed output folder against a fresh synth, or two targets of one synth. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatFolder, formatReport } from '../diff/report';
import { UnknownRevisionError, readFolder, readRevision } from '../diff/sources';
import { Tree, diffItems, diffTrees, filesIn, targetFolders } from '../diff/tree';
import { OUTPUT_REDIRECT_VARIABLE } from '../kit/output';
import { UsageError, didYouMean, parseOptions } from './args';
import { ExitCode } from './help';
import { runSynth } from './synth';

const OPTIONS = {
  base: { values: 1 },
  dir: { values: 1 },
  targets: { values: 2 },
  ignore: { values: 1, repeatable: true },
  'exit-code': { values: 0 },
} as const;

type Print = (text: string) => void;

/** Runs `pyservice-k8s diff` with `args` in `cwd`; resolves to the exit code. */
export async function diff(args: readonly string[], cwd: string, out: Print, err: Print): Promise<ExitCode> {
  const options = parseOptions('diff', args, OPTIONS);
  const one = (name: keyof typeof OPTIONS) => options.get(name)?.[0];
  const ignore = (options.get('ignore') ?? []).map(([p]) => p);
  const dir = one('dir')?.[0] ?? 'dist';
  const base = one('base')?.[0];
  const targets = one('targets');
  if (targets && (base !== undefined || one('dir') !== undefined)) {
    throw new UsageError('--targets compares two targets of a fresh synth; it takes no --base or --dir.');
  }
  if (ignore.some((p) => p.trim() === '')) throw new UsageError('"--ignore" needs a field path, e.g. --ignore metadata.annotations.');
  if (path.isAbsolute(dir) || path.normalize(dir).split(path.sep).includes('..')) {
    throw new UsageError(`"--dir" must be a folder inside the project, relative to it; received "${dir}".`);
  }

  let before: Tree | undefined;
  if (!targets) {
    try {
      before = base === undefined ? readFolder(path.join(cwd, dir)) : readRevision(cwd, base, dir);
    } catch (e) {
      if (e instanceof UnknownRevisionError) throw new UsageError(`"--base": ${e.message}`);
      err(`diff: git could not read ${dir}/ at ${base}: ${(e as Error).message.trim()}\n`);
      return ExitCode.FAILED;
    }
  }

  const synthesized = await synthesize(cwd, err);
  if (typeof synthesized === 'number') return synthesized;
  const exit = (identical: boolean) => (identical || !options.has('exit-code') ? ExitCode.OK : ExitCode.DIFFERENCES);

  if (targets) {
    const known = targetFolders(synthesized);
    for (const t of targets) {
      if (!known.includes(t)) {
        throw new UsageError(
          `"--targets": "${t}" is not a target folder of the synth; the targets are ${known.join(', ') || 'none (no folder holds a kustomization.yaml)'}.${didYouMean(t, known)}`,
        );
      }
    }
    const [a, b] = targets;
    const result = diffItems(filesIn(synthesized, a), filesIn(synthesized, b), { ignore });
    out(`Comparing target ${a} with target ${b}, from a fresh synth.\n`);
    out(`${formatFolder({ name: `${a} → ${b}`, ...result }, `${a} → ${b}`).join('\n')}\n`);
    out(result.changes.length === 0 ? 'No differences.\n' : '');
    return exit(result.changes.length === 0);
  }

  const where = base === undefined ? `${dir}/ (working tree)` : `${dir}/ at ${base}`;
  out(`Comparing ${where} with a fresh synth.\n`);
  if (before!.size === 0) out(`${where} holds no files: everything is new.\n`);
  const result = diffTrees(before!, synthesized, { ignore });
  out(formatReport(result, { prefix: `${dir}/` }));
  return exit(result.identical);
}

/** Synthesizes the app in `cwd` into a temporary folder, and reads it back; an exit code when that fails. */
async function synthesize(cwd: string, err: Print): Promise<Tree | ExitCode> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-diff-'));
  try {
    const outdir = path.join(tmp, 'out');
    // The app kit writes to the redirect; a plain cdk8s app to the CLI's output folder: both are the temporary one.
    const code = await runSynth(cwd, err, { args: ['--output', outdir], env: { [OUTPUT_REDIRECT_VARIABLE]: outdir }, quiet: true });
    if (code !== ExitCode.OK) {
      if (code === ExitCode.SYNTH_FAILED) err('diff: the synth failed (see above); nothing was compared.\n');
      return code;
    }
    const files = readFolder(outdir);
    if (files.size === 0) {
      err(
        `diff: the app wrote nothing to the temporary folder. A PyserviceApp writes there when ${OUTPUT_REDIRECT_VARIABLE} is set, ` +
          'a cdk8s App when it has no outdir of its own (CDK8S_OUTDIR); check that the app does not set its output folder itself.\n',
      );
      return ExitCode.FAILED;
    }
    return files;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
