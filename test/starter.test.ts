/**
 * Every cloud's starter (`init --cloud eks|gke|aks`) must pass its own `npm test`:
 * `tsc --noEmit` over main.ts, then a synth that writes dist/. Here main.ts is
 * run as written, its `pyservice-k8s` import served by the sources and its
 * `app.synth()` rendering in memory instead of writing dist/; its type-check
 * against the package's sources is in starter-types.test.ts (integration: the
 * TypeScript compiler over the whole package). `npm run test:package` runs the
 * same starters from the packed tarball with npm install and their own npm test.
 */
import * as ts from 'typescript';
import * as api from '../src/index';
import { Rendering } from '../src/synth';
import { STARTER_CLOUDS, starterFiles } from '../src/starter';

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
});
