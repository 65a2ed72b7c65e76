/**
 * `pyservice-k8s init`, and this package's own package.json (for `--version`).
 * Loaded only by the commands that use it, so that a synth does not load the
 * starter's checks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValidationError, formatIssue } from '../../constructs/core/validation';
import { STARTER_CLOUDS, starterFiles, starterIssues } from '../starter';
import { parseOptions } from './args';
import { ExitCode } from './help';
import { LibrarySource, librarySpecOf } from './library-spec';

type Print = (text: string) => void;

/** Writes the starter files into `cwd`; returns the exit code. */
export function init(rest: readonly string[], cwd: string, out: Print, err: Print): number {
  const given = parseOptions('init', rest, { cloud: { values: 1 }, name: { values: 1 }, library: { values: 1 } });
  const flag = (name: string) => given.get(name)?.[0][0];

  const own = ownPackage();
  const library = flag('library') === undefined ? librarySpecOf(own.dir, own.version) : undefined;
  // The starter pins what this release was tested with (see the package's devDependencies).
  const pinned = (name: string) => `^${own.devDependencies[name].replace(/^[^\d]*/, '')}`;
  const options = {
    name:
      flag('name') ??
      path
        .basename(cwd)
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[._-]+/, '') ??
      'my-service',
    cloud: flag('cloud') ?? STARTER_CLOUDS[0],
    librarySpec: flag('library') ?? library!.spec,
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
    return ExitCode.USAGE;
  }

  const files = starterFiles(options);
  const existing = [...files.keys()].filter((f) => fs.existsSync(path.join(cwd, f)));
  if (existing.length > 0) {
    err(
      `init failed; nothing was written: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''} in ${cwd}. Run it in an empty folder.\n`,
    );
    return ExitCode.FAILED;
  }
  for (const [file, text] of files) fs.writeFileSync(path.join(cwd, file), text, { flag: 'wx' });
  out(`Wrote ${[...files.keys()].join(', ')}.\n${dependencyNote(options.librarySpec, library, own)}Next: npm install && npm run synth\n`);
  return ExitCode.OK;
}

/** What the new package.json depends on, and where that came from. */
function dependencyNote(spec: string, library: ReturnType<typeof librarySpecOf> | undefined, own: OwnPackage): string {
  const line = `package.json depends on pyservice-k8s ${spec}`;
  if (!library) return `${line} (--library).\n`;
  switch (library.source) {
    case LibrarySource.TARBALL:
      return `${line}, the tarball init ran from: keep it there, or pass --library.\n`;
    case LibrarySource.FOLDER: {
      // npm links a folder dependency as it is: its entry point must be built.
      const built = fs.existsSync(path.join(own.dir, own.main));
      return `${line}, the folder init ran from${built ? '' : `; build it first (npm run build there: ${own.main} is missing)`}.\n`;
    }
    case LibrarySource.REGISTRY:
      return `${line}, from the npm registry.\n`;
  }
}

/** This package's package.json, and its folder. */
export interface OwnPackage {
  readonly dir: string;
  readonly version: string;
  readonly main: string;
  readonly devDependencies: Record<string, string>;
}

/** This package's package.json: two levels up when compiled (lib/src/cli.js), one from the sources. */
export function ownPackage(): OwnPackage {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === 'pyservice-k8s') return { ...pkg, dir };
    }
  }
  throw new ValidationError('The package is incomplete:', [
    'the package.json of pyservice-k8s was not found beside its code. Reinstall the package.',
  ]);
}
