/**
 * What `init` writes as the new project's dependency on pyservice-k8s: the
 * package `init` is running from. Before a release is on the registry, a user
 * runs `npx ./pyservice-k8s-<version>.tgz init` (or `npx /path/to/checkout
 * init`); writing `^<version>` then would send `npm install` to the registry
 * for a package that is not there (E404).
 */
import * as fs from 'fs';
import * as path from 'path';

/** Where the running package came from. */
export enum LibrarySource {
  /** A packed tarball (`npx ./pyservice-k8s-0.1.0.tgz`, `npx --package <tgz>`, `npm install <tgz>`). */
  TARBALL = 'tarball',
  /** A folder: a checkout, run with `npx /path/to/it` or `node <folder>/lib/src/cli.js`. */
  FOLDER = 'folder',
  /** The npm registry. */
  REGISTRY = 'registry',
}

/** The dependency spec of the running package, and where it came from. */
export interface LibrarySpec {
  /** `file:<absolute path>` or `^<version>`. */
  readonly spec: string;
  readonly source: LibrarySource;
}

/** This package's name in package.json files and lock files. */
const NAME = 'pyservice-k8s';

/**
 * The spec of the package installed at `packageDir`, read from what npm left
 * beside it. An installed copy sits in `<root>/node_modules/pyservice-k8s`:
 *
 * - npx installs into a folder of its cache whose package.json lists the spec
 *   it was given (`dependencies`, with `file:` paths relative to that folder),
 *   beside a `_npx` entry;
 * - `npm install` (local or global) records where a package was resolved
 *   from in the hidden lock file `<root>/node_modules/.package-lock.json` (and
 *   in `<root>/package-lock.json`): `file:` paths relative to `<root>` for a
 *   tarball or a folder, a registry URL or nothing (when `omit-lockfile-registry-resolved`
 *   is set) for the registry.
 *
 * A `file:` spec is made absolute, since the new project is elsewhere. A
 * package that is not inside a `node_modules` folder is a folder itself: npx
 * links a folder spec into its cache, and Node resolves the link, so
 * `packageDir` is then the folder the user named.
 */
export function librarySpecOf(packageDir: string, version: string): LibrarySpec {
  const dir = realpath(packageDir);
  const parent = path.dirname(dir);
  if (path.basename(parent) !== 'node_modules') return { spec: `file:${dir}`, source: LibrarySource.FOLDER };
  const root = path.dirname(parent);
  const recorded = [
    readJson(path.join(root, 'package.json'))?.dependencies?.[NAME],
    ...[path.join(parent, '.package-lock.json'), path.join(root, 'package-lock.json')].map(
      (lock) => readJson(lock)?.packages?.[`node_modules/${NAME}`]?.resolved,
    ),
  ].find((spec): spec is string => typeof spec === 'string' && spec.startsWith('file:'));
  if (recorded) {
    const target = path.resolve(root, recorded.slice('file:'.length));
    const isFolder = fs.existsSync(target) && fs.statSync(target).isDirectory();
    return { spec: `file:${target}`, source: isFolder ? LibrarySource.FOLDER : LibrarySource.TARBALL };
  }
  return { spec: `^${version}`, source: LibrarySource.REGISTRY };
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
