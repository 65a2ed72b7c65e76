/**
 * Every cloud's starter (`init --cloud eks|gke|aks`) must pass its own `npm test`,
 * whose first step is `tsc --noEmit` over main.ts: here the three main.ts are
 * type-checked together against the package's sources with the TypeScript
 * compiler (strict). Integration: a compiler program over the whole package.
 * starter.test.ts runs each main.ts as written.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { STARTER_CLOUDS, starterFiles } from '../src/starter';

const ROOT = path.resolve(__dirname, '..');

/** The starter's main.ts for a cloud. */
const mainOf = (cloud: string) => starterFiles({ name: 'api', cloud, librarySpec: '^0.1.0', versions: {} }).get('main.ts')!;

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
  test('main.ts of every cloud type-checks against the package (tsc --noEmit, strict)', () => {
    // GIVEN the three starters, each in a folder of its own inside the repository (never written to disk)
    const files = new Map(STARTER_CLOUDS.map((cloud) => [path.join(ROOT, `.starter-${cloud}`, 'main.ts'), mainOf(cloud)]));
    // WHEN they are compiled as their own npm test does
    // THEN there is no type error
    expect(typeErrors(files)).toEqual([]);
  });
});
