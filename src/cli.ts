#!/usr/bin/env node
/**
 * The command line:
 *
 *   npx pyservice-k8s init [--cloud <cloud>] [--name <npm name>] [--library <version spec>]
 *     writes a working cdk8s app into the current folder; it never overwrites a
 *     file: when any of the files exists, it writes none.
 *   npx pyservice-k8s synth [cdk8s synth options]
 *     runs the project's `cdk8s synth`; when the app rejects its input it has
 *     already printed every error with its construct path, so the CLI's own stack
 *     trace ("command ... returned a non-zero exit code"), which says nothing new,
 *     is dropped. Everything else the CLI prints passes through.
 *   kubectl get ... -o json | npx pyservice-k8s history [<target folder>]
 *     prints the release history's objects that nothing needs any more, for
 *     `xargs -r kubectl delete -n <namespace>` (see src/history.ts).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ValidationError, formatIssue } from '../constructs/core/validation';
import { manifestsIn, unneededHistory } from './history';
import { STARTER_CLOUDS, starterFiles, starterIssues } from './starter';

const USAGE = `Usage:
  pyservice-k8s init [--cloud ${STARTER_CLOUDS.join('|')}] [--name <npm name>] [--library <version spec>]
      Writes a cdk8s app that deploys one Python service to two environments
      (package.json, cdk8s.yaml, tsconfig.json, main.ts, .gitignore, README.md)
      into the current folder. Then: npm install && npm run synth
  pyservice-k8s synth [cdk8s synth options]
      Runs the project's cdk8s synth; errors are printed without the CLI's stack trace.
  kubectl get deployments,replicasets,cronjobs,jobs,pods,configmaps,roles,rolebindings -n <ns> -o json \\
    | pyservice-k8s history [<target folder, e.g. dist/prod/east>]
      Prints the kept migration Jobs, wait Roles and ConfigMaps that no ReplicaSet, CronJob,
      running pod or the folder's manifests need any more, one kind/name a line, for
      xargs -r kubectl delete -n <ns>.
`;

/** Runs the command line; resolves to the exit code. `stdin` reads the standard input (for `history`). */
export async function run(
  argv: readonly string[],
  cwd: string,
  out: (text: string) => void,
  err: (text: string) => void,
  stdin: () => Promise<string> = readStdin,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === 'synth') return synth(rest, cwd, err);
  if (command === 'history') return history(rest, cwd, out, err, stdin);
  if (command !== 'init') {
    err(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);
    return 1;
  }
  return init(rest, cwd, out, err);
}

function init(rest: readonly string[], cwd: string, out: (text: string) => void, err: (text: string) => void): number {
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const m = /^--(cloud|name|library)(?:=(.*))?$/.exec(rest[i]);
    const value = m?.[2] ?? rest[i + 1];
    if (!m || value === undefined) {
      err(`Unknown or incomplete option ${JSON.stringify(rest[i])}.\n\n${USAGE}`);
      return 1;
    }
    flags.set(m[1], value);
    if (m[2] === undefined) i++;
  }

  const own = ownPackage();
  // The starter pins what this release was tested with (see the package's devDependencies).
  const pinned = (name: string) => `^${own.devDependencies[name].replace(/^[^\d]*/, '')}`;
  const options = {
    name:
      flags.get('name') ??
      path
        .basename(cwd)
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[._-]+/, '') ??
      'my-service',
    cloud: flags.get('cloud') ?? STARTER_CLOUDS[0],
    librarySpec: flags.get('library') ?? `^${own.version}`,
    versions: Object.fromEntries(
      ['cdk8s', 'cdk8s-plus-28', 'constructs', 'cdk8s-cli', 'tsx', '@types/node']
        .map((n) => [n, pinned(n)])
        .concat([
          // ts-node and ts-jest users need TypeScript below 7; keep the minor the package was built with.
          ['typescript', `~${own.devDependencies.typescript}`],
        ]),
    ),
  };
  const issues = starterIssues(options);
  if (issues.length > 0) {
    err(`init failed; nothing was written:\n${issues.map((i) => `  ${formatIssue(i)}\n`).join('')}`);
    return 1;
  }

  const files = starterFiles(options);
  const existing = [...files.keys()].filter((f) => fs.existsSync(path.join(cwd, f)));
  if (existing.length > 0) {
    err(
      `init failed; nothing was written: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''} in ${cwd}. Run it in an empty folder.\n`,
    );
    return 1;
  }
  for (const [file, text] of files) fs.writeFileSync(path.join(cwd, file), text, { flag: 'wx' });
  out(`Wrote ${[...files.keys()].join(', ')}.\nNext: npm install && npm run synth\n`);
  return 0;
}

async function history(
  rest: readonly string[],
  cwd: string,
  out: (text: string) => void,
  err: (text: string) => void,
  stdin: () => Promise<string>,
): Promise<number> {
  if (rest.length > 1 || rest.some((a) => a.startsWith('-'))) {
    err(`history takes at most one argument, the target's folder.\n\n${USAGE}`);
    return 1;
  }
  let live: { items?: unknown[] };
  try {
    live = JSON.parse(await stdin());
    if (!Array.isArray(live?.items)) throw new Error('no items');
  } catch {
    err(
      'history reads a List from stdin: pipe `kubectl get deployments,replicasets,cronjobs,jobs,pods,configmaps,roles,rolebindings -n <ns> -o json` into it.\n',
    );
    return 1;
  }
  const folder = rest[0] === undefined ? undefined : path.resolve(cwd, rest[0]);
  if (folder !== undefined && !fs.existsSync(folder)) {
    err(`history: no folder ${folder}; pass the target's synthesized folder, e.g. dist/prod/east.\n`);
    return 1;
  }
  for (const line of unneededHistory(live, folder === undefined ? [] : manifestsIn(folder))) out(`${line}\n`);
  return 0;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

/** This package's package.json: two levels up when compiled (lib/src/cli.js), one from the sources. */
function ownPackage(): { version: string; devDependencies: Record<string, string> } {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === 'pyservice-k8s') return pkg;
    }
  }
  throw new ValidationError('The package is incomplete:', [
    'the package.json of pyservice-k8s was not found beside its code. Reinstall the package.',
  ]);
}

/** Runs the cdk8s CLI of the project in `cwd`, dropping its stack trace after the app's own errors. */
function synth(args: readonly string[], cwd: string, err: (text: string) => void): Promise<number> {
  let cli: string;
  try {
    cli = path.join(path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [cwd] })), 'bin', 'cdk8s');
  } catch {
    err('synth needs the cdk8s CLI in this project: npm install --save-dev cdk8s-cli\n');
    return Promise.resolve(1);
  }
  const child = spawn(process.execPath, [cli, 'synth', '--no-check-upgrade', ...args], { cwd, stdio: ['inherit', 'inherit', 'pipe'] });
  let buffered = '';
  let dropping = false;
  const emit = (line: string) => {
    if (/^Error: command ".*" at .* returned a non-zero exit code \d+$/.test(line)) {
      dropping = true;
      return;
    }
    if (dropping && /^\s+at /.test(line)) return;
    dropping = false;
    err(`${line}\n`);
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    lines.forEach(emit);
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      if (buffered) emit(buffered);
      resolve(code ?? 1);
    }),
  );
}

if (require.main === module) {
  void run(
    process.argv.slice(2),
    process.cwd(),
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  ).then((code) => {
    process.exitCode = code;
  });
}
