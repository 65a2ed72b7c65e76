import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../src/cli';
import { directSynth } from '../src/cli/synth-config';

/** Runs the CLI in `cwd`, capturing what it prints. */
async function cli(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await run(
    args,
    cwd,
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

/** A node one-liner run as the app: the shell command of `app:` in cdk8s.yaml. */
const nodeApp = (script: string) => `"${process.execPath}" -e ${JSON.stringify(script)}`;

describe('pyservice-k8s synth runs the app of cdk8s.yaml itself', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-direct-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const project = (app: string, extra = '') =>
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: ${JSON.stringify(app)}\noutput: out\n${extra}`);

  test('GIVEN a project without the cdk8s CLI WHEN synth THEN the app runs with CDK8S_OUTDIR, in an emptied folder, and its files are listed', async () => {
    // GIVEN an app that records what it was given, and a stale file in its output folder
    project(
      nodeApp(
        "const fs=require('fs');const d=process.env.CDK8S_OUTDIR;fs.mkdirSync(d+'/a',{recursive:true});" +
          "fs.writeFileSync(d+'/a/x.k8s.yaml','kind: X\\n');fs.writeFileSync(d+'/b.yaml','kind: Y\\n');" +
          "console.log('app ran')",
      ),
    );
    fs.mkdirSync(path.join(dir, 'out'));
    fs.writeFileSync(path.join(dir, 'out', 'stale.yaml'), 'kind: Old\n');
    // WHEN
    const result = await cli(['synth'], dir);
    // THEN it ran without cdk8s-cli (none is installed here), emptied out/ first, and listed what the app wrote
    expect(result).toEqual({ code: 0, out: 'app ran\n  - out/a/x.k8s.yaml\n  - out/b.yaml\n', err: '' });
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['a', 'b.yaml']);
  });

  test('GIVEN an app kit summary on stderr WHEN synth THEN no file list is printed', async () => {
    project(nodeApp("require('fs').mkdirSync(process.env.CDK8S_OUTDIR);console.error('Wrote dist/: 1 target, 3 objects')"));
    expect(await cli(['synth'], dir)).toEqual({ code: 0, out: '', err: 'Wrote dist/: 1 target, 3 objects\n' });
  });

  test('GIVEN --output and --app WHEN synth THEN they win over cdk8s.yaml, as in cdk8s synth', async () => {
    project(nodeApp('process.exit(9)'));
    const app = nodeApp("require('fs').mkdirSync(process.env.CDK8S_OUTDIR);console.log(process.env.CDK8S_OUTDIR)");
    expect(await cli(['synth', '--app', app, '--output=elsewhere', '--no-validate'], dir)).toEqual({
      code: 0,
      out: 'elsewhere\nNo manifests synthesized\n',
      err: '',
    });
  });

  test('GIVEN an app that fails WHEN synth THEN exit 3 with what the app printed', async () => {
    project(nodeApp("console.error('Error: orders-api: bad replicas');process.exit(1)"));
    expect(await cli(['synth'], dir)).toEqual({ code: 3, out: '', err: 'Error: orders-api: bad replicas\n' });
  });

  test('GIVEN an app that writes nothing WHEN synth THEN exit 4 saying a cdk8s app calls app.synth()', async () => {
    project(nodeApp('0'));
    const result = await cli(['synth'], dir);
    expect(result.code).toBe(4);
    expect(result.err).toMatch(/exited without writing out\/; a cdk8s app calls app\.synth\(\)\.\n$/);
  });

  test('GIVEN cdk8s.yaml without an app, or not YAML WHEN synth THEN exit 4 naming the fix', async () => {
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\n');
    expect(await cli(['synth'], dir)).toEqual({
      code: 4,
      out: '',
      err: 'synth: cdk8s.yaml names no app; add one, e.g. "app: node --import tsx main.ts".\n',
    });
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: [unclosed\n');
    expect((await cli(['synth'], dir)).err).toMatch(/^synth: cdk8s\.yaml is not valid YAML: /);
  });
});

describe('what goes to the cdk8s CLI instead', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cli-'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: node main.js\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([[['--stdout']], [['-p']], [['--format', 'helm', '--chart-version', '1.0.0']], [['--plugins-dir', 'x']], [['--output']]])(
    'options %j',
    (args) => {
      expect(directSynth(dir, args)).toBeUndefined();
    },
  );

  test('validation plugins or the Helm format in cdk8s.yaml', () => {
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: node main.js\nvalidations: []\n');
    expect(directSynth(dir, [])).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: node main.js\nsynthConfig:\n  format: helm\n');
    expect(directSynth(dir, [])).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: node main.js\nsynthConfig:\n  format: plain\n');
    expect(directSynth(dir, ['-a', 'node other.js', '-o', 'o'])).toEqual({ app: 'node other.js', outdir: 'o' });
  });

  test('GIVEN a synth the CLI must run, in a project without it WHEN synth THEN exit 4 with the install command', async () => {
    expect(await cli(['synth', '--stdout'], dir)).toEqual({
      code: 4,
      out: '',
      err: 'synth needs the cdk8s CLI in this project: npm install --save-dev cdk8s-cli\n',
    });
  });
});
