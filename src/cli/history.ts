/** `pyservice-k8s history`: the kept release history that nothing needs any more, for `kubectl delete`. */
import * as fs from 'fs';
import * as path from 'path';
import { HISTORY_KINDS, manifestsIn, unneededHistory } from '../history';
import { UsageError, parseArguments } from './args';
import { ExitCode } from './help';

/**
 * Runs `pyservice-k8s history` with `args` in `cwd`: reads the namespace's
 * live objects (a `kubectl get -o json` List) through `stdin` and prints, one
 * `kind/name` a line, the kept objects that nothing needs any more (see
 * src/history.ts). Resolves to the exit code; a bad folder or input is a
 * {@link UsageError}.
 */
export async function history(
  args: readonly string[],
  cwd: string,
  out: (text: string) => void,
  stdin: () => Promise<string>,
): Promise<ExitCode> {
  const { operands } = parseArguments('history', args, {}, { name: '<target folder>', max: 1 });
  const folder = operands[0] === undefined ? undefined : path.resolve(cwd, operands[0]);
  if (folder !== undefined && !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`history: no folder ${folder}; pass the target's synthesized folder, e.g. dist/prod/east.`);
  }
  let live: { items?: unknown[] } | undefined;
  try {
    live = JSON.parse(await stdin());
  } catch {
    live = undefined;
  }
  if (!Array.isArray(live?.items)) {
    throw new UsageError(`history reads a List from stdin: pipe \`kubectl get ${HISTORY_KINDS} -n <ns> -o json\` into it.`);
  }
  for (const line of unneededHistory(live, folder === undefined ? [] : manifestsIn(folder))) out(`${line}\n`);
  return ExitCode.OK;
}

/** The whole standard input, as text. */
export function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}
