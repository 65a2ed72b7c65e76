/**
 * What the command line loads before it runs a command: a synth only reads
 * cdk8s.yaml and starts the app, so the command's process loads neither cdk8s
 * nor constructs, nor the code of the other commands.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** The files loaded by requiring `module` in a fresh Node process (tsx transpiles the sources), relative to the repository. */
function loadedBy(module: string): string[] {
  const script = `require(${JSON.stringify(module)}); console.log(JSON.stringify(Object.keys(require.cache)))`;
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return (JSON.parse(run.stdout) as string[]).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
}

describe('pyservice-k8s loads only what a command uses', () => {
  let loaded: string[];
  beforeAll(() => {
    loaded = loadedBy('./src/cli.ts');
  });

  test('GIVEN the command line WHEN it is loaded THEN cdk8s and constructs are not', () => {
    // GIVEN / WHEN the module the bin runs is loaded
    const packages = loaded.filter((f) => /(^|\/)node_modules\/(cdk8s|cdk8s-plus-28|constructs)\//.test(f));
    // THEN none of the construct packages is in the module cache
    expect(packages).toEqual([]);
  });

  test('GIVEN the command line WHEN it is loaded THEN the code of diff, history and init is not', () => {
    const commands = loaded.filter((f) => /^src\/(diff\/|cli\/(diff|history|init|library-spec)\.ts$)/.test(f));
    expect(commands).toEqual([]);
    // and what a synth needs is there: the reading of cdk8s.yaml and the runner of the app
    expect(loaded).toEqual(expect.arrayContaining(['src/cli/synth.ts', 'src/cli/synth-config.ts']));
  });
});
