/**
 * Every cloud's starter (`init --cloud eks|gke|aks`) must pass its own `npm test`:
 * `tsc --noEmit` over main.ts, then a synth that writes dist/. Here main.ts is
 * type-checked against the package's sources and run as written, its
 * `pyservice-k8s` import served by the sources and its `app.synth()` rendering
 * in memory instead of writing dist/. `npm run test:package` runs the same
 * starters from the packed tarball with npm install and their own npm test.
 */
import * as path from 'path';
import * as ts from 'typescript';
import * as api from '../src/index';
import { Rendering } from '../src/synth';
import { STARTER_CLOUDS, starterFiles } from '../src/starter';

const ROOT = path.resolve(__dirname, '..');

/** The starter's main.ts for a cloud. */
const mainOf = (cloud: string) => starterFiles({ name: 'api', cloud, librarySpec: '^0.1.0', versions: {} }).get('main.ts')!;

/** Runs a starter's main.ts as written; returns what its `app.synth()` rendered. */
function runStarter(source: string): Rendering {
  const renderings: Rendering[] = [];
  class RecordingApp extends api.PyserviceApp {
    public synth(): boolean {
      const rendering = this.render();
      renderings.push(rendering);
      return rendering.errors.length === 0;
    }
  }
  const library = { ...api, PyserviceApp: RecordingApp };
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  // The starter's main.ts runs as CommonJS with its own require: the package name resolves to the recording app kit.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module loader for transpiled code
  const load = (spec: string) => (spec === 'pyservice-k8s' ? library : require(spec));
  const module = { exports: {} };
  new Function('require', 'module', 'exports', js)(load, module, module.exports);
  expect(renderings).toHaveLength(1);
  return renderings[0];
}

/** Type errors of the starters' main.ts, compiled together against the package's sources. */
function typeErrors(files: Map<string, string>): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    baseUrl: ROOT,
    paths: { 'pyservice-k8s': ['./src/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => files.get(path.resolve(f)) ?? readFile(f);
  host.fileExists = (f) => files.has(path.resolve(f)) || fileExists(f);
  const program = ts.createProgram([...files.keys()], options, host);
  // Diagnostics of the starters' files only (and those of no file): the package's own files are type-checked by `tsc --noEmit`.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...[...files.keys()].flatMap((f) => ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).filter((d) => d.file !== undefined)),
  ];
  return diagnostics
    .filter((d) => d.file === undefined || files.has(path.resolve(d.file.fileName)))
    .map((d) => `${d.file ? path.basename(path.dirname(d.file.fileName)) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the starter of every cloud passes its own npm test', () => {
  test.each(STARTER_CLOUDS)('--cloud %s: main.ts synthesizes both environments without an error', (cloud) => {
    // GIVEN the main.ts init writes for the cloud
    // WHEN it runs as written
    const rendering = runStarter(mainOf(cloud));
    // THEN both environments render, with the cloud's profile, and nothing is refused
    expect(rendering.errors).toEqual([]);
    expect([...rendering.files.keys()]).toEqual(expect.arrayContaining(['staging/deployment-api.yaml', 'prod/deployment-api.yaml']));
    expect(rendering.objectCount).toBeGreaterThan(10);
  });

  test('main.ts of every cloud type-checks against the package (tsc --noEmit, strict)', () => {
    // GIVEN the three starters, each in a folder of its own inside the repository (never written to disk)
    const files = new Map(STARTER_CLOUDS.map((cloud) => [path.join(ROOT, `.starter-${cloud}`, 'main.ts'), mainOf(cloud)]));
    // WHEN they are compiled as their own npm test does
    // THEN there is no type error
    expect(typeErrors(files)).toEqual([]);
  });
});
