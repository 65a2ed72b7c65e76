/**
 * Which pyservice-k8s `init` makes the new project depend on: the package it
 * runs from. The layouts below are the ones npm 11 leaves (read from real runs
 * of `npx --package ./x.tgz`, `npx ./x.tgz`, `npx <folder>`, `npx <name>@<version>`
 * and `npm install ./x.tgz`); the packaging check runs the real thing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LibrarySource, librarySpecOf } from '../src/cli/library-spec';

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-spec-')));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes files under `dir`: JSON for objects, text for strings. */
function write(files: Record<string, unknown>): void {
  for (const [file, value] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), typeof value === 'string' ? value : JSON.stringify(value));
  }
}

const installed = (root: string) => path.join(dir, root, 'node_modules', 'pyservice-k8s');

describe('init depends on the package it runs from', () => {
  test('npx ./pyservice-k8s-0.1.0.tgz: the tarball npx was given, by absolute path', () => {
    // GIVEN npx's cache folder, whose package.json lists the spec relative to itself
    write({
      'home/shop/pyservice-k8s-0.1.0.tgz': 'tarball',
      'cache/_npx/1f2e/package.json': {
        dependencies: { 'pyservice-k8s': 'file:../../../home/shop/pyservice-k8s-0.1.0.tgz' },
        _npx: { packages: ['./pyservice-k8s-0.1.0.tgz'] },
      },
      'cache/_npx/1f2e/node_modules/pyservice-k8s/package.json': { name: 'pyservice-k8s', version: '0.1.0' },
    });
    // WHEN
    const spec = librarySpecOf(installed('cache/_npx/1f2e'), '0.1.0');
    // THEN
    expect(spec).toEqual({ spec: `file:${path.join(dir, 'home/shop/pyservice-k8s-0.1.0.tgz')}`, source: LibrarySource.TARBALL });
  });

  test('npx pyservice-k8s@0.1.0: the registry, as ^<version>', () => {
    write({
      'cache/_npx/9dfa/package.json': { dependencies: { 'pyservice-k8s': '^0.1.0' }, _npx: { packages: ['pyservice-k8s@0.1.0'] } },
      'cache/_npx/9dfa/node_modules/.package-lock.json': {
        packages: { 'node_modules/pyservice-k8s': { version: '0.1.0', integrity: 'sha512-x' } },
      },
      'cache/_npx/9dfa/node_modules/pyservice-k8s/package.json': { name: 'pyservice-k8s', version: '0.1.0' },
    });
    expect(librarySpecOf(installed('cache/_npx/9dfa'), '0.1.0')).toEqual({ spec: '^0.1.0', source: LibrarySource.REGISTRY });
  });

  test('npx pyservice-k8s in a project that installed the tarball: the tarball its lock file names', () => {
    // GIVEN a project made by init from a tarball, then npm install: the hidden lock file records it
    write({
      'work/api/package.json': { dependencies: { 'pyservice-k8s': 'file:../../tgz/pyservice-k8s-0.1.0.tgz' } },
      'work/api/node_modules/.package-lock.json': {
        packages: { 'node_modules/pyservice-k8s': { version: '0.1.0', resolved: 'file:../../tgz/pyservice-k8s-0.1.0.tgz' } },
      },
      'work/api/node_modules/pyservice-k8s/package.json': { name: 'pyservice-k8s', version: '0.1.0' },
      'tgz/pyservice-k8s-0.1.0.tgz': 'tarball',
    });
    expect(librarySpecOf(installed('work/api'), '0.1.0').spec).toBe(`file:${path.join(dir, 'tgz/pyservice-k8s-0.1.0.tgz')}`);
  });

  test('a project that installed it from the registry: ^<version>, whatever the resolved URL', () => {
    write({
      'work/api/package.json': { dependencies: { 'pyservice-k8s': '^0.1.0' } },
      'work/api/package-lock.json': {
        packages: {
          'node_modules/pyservice-k8s': { resolved: 'https://registry.npmjs.org/pyservice-k8s/-/pyservice-k8s-0.1.0.tgz' },
        },
      },
      'work/api/node_modules/pyservice-k8s/package.json': { name: 'pyservice-k8s', version: '0.1.0' },
    });
    expect(librarySpecOf(installed('work/api'), '0.1.0')).toEqual({ spec: '^0.1.0', source: LibrarySource.REGISTRY });
  });

  test('npx /path/to/checkout: npx links the folder and Node resolves the link, so the folder itself', () => {
    // GIVEN a checkout, and npx's cache linking to it
    write({ 'src/pyservice-k8s/package.json': { name: 'pyservice-k8s', version: '0.1.0' } });
    fs.mkdirSync(path.join(dir, 'cache/_npx/77aa/node_modules'), { recursive: true });
    fs.symlinkSync(path.join(dir, 'src/pyservice-k8s'), installed('cache/_npx/77aa'));
    // WHEN from the link, or from the folder
    // THEN
    for (const from of [installed('cache/_npx/77aa'), path.join(dir, 'src/pyservice-k8s')]) {
      expect(librarySpecOf(from, '0.1.0')).toEqual({ spec: `file:${path.join(dir, 'src/pyservice-k8s')}`, source: LibrarySource.FOLDER });
    }
  });

  test('a folder named by a file: spec in npx cache is a folder source', () => {
    write({
      'src/pyservice-k8s/package.json': { name: 'pyservice-k8s', version: '0.1.0' },
      'cache/_npx/5b5b/package.json': { dependencies: { 'pyservice-k8s': 'file:../../../src/pyservice-k8s' }, _npx: { packages: [] } },
      'cache/_npx/5b5b/node_modules/pyservice-k8s/package.json': { name: 'pyservice-k8s', version: '0.1.0' },
    });
    expect(librarySpecOf(installed('cache/_npx/5b5b'), '0.1.0')).toEqual({
      spec: `file:${path.join(dir, 'src/pyservice-k8s')}`,
      source: LibrarySource.FOLDER,
    });
  });
});
