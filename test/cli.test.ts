import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../src/cli';
import { starterFiles } from '../src/starter';

/** Runs the CLI in `cwd`, capturing what it prints. */
async function cli(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await run(
    args,
    cwd,
    (t) => {
      out += t;
    },
    (t) => {
      err += t;
    },
  );
  return { code, out, err };
}

describe('pyservice-k8s init', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'my-api-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes a cdk8s app into an empty folder: package.json, cdk8s.yaml, tsconfig.json, main.ts, .gitignore, README.md', async () => {
    const { code, out } = await cli(['init', '--name', 'my-api'], dir);
    expect(code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['.gitignore', 'README.md', 'cdk8s.yaml', 'main.ts', 'package.json', 'tsconfig.json']);
    expect(out).toContain('Next: npm install && npm run synth');
    // Run from this checkout (a folder, not an installed copy), init depends on the checkout.
    const root = fs.realpathSync(path.join(__dirname, '..'));
    expect(out).toContain(`package.json depends on pyservice-k8s file:${root}, the folder init ran from`);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-api');
    expect(pkg.dependencies).toEqual({
      cdk8s: `^${own.devDependencies.cdk8s}`,
      'cdk8s-plus-28': `^${own.devDependencies['cdk8s-plus-28']}`,
      constructs: `^${own.devDependencies.constructs}`,
      'pyservice-k8s': `file:${root}`,
    });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'cdk8s-cli', 'tsx', 'typescript']);
    expect(pkg.devDependencies.typescript).toMatch(/^~5\./);
    expect(pkg.scripts).toEqual({ synth: 'pyservice-k8s synth', test: 'tsc --noEmit && pyservice-k8s synth' });
    // The starter asks for the Node versions the library supports, no wider.
    expect(pkg.engines).toEqual(own.engines);
    expect(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8')).toContain('app: node --import tsx main.ts');
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('npm install && npm run synth');
  });

  test('main.ts describes one service in two environments through the public API only', async () => {
    await cli(['init', '--name', 'my-api'], dir);
    const main = fs.readFileSync(path.join(dir, 'main.ts'), 'utf8');
    expect(main).toMatch(/from 'pyservice-k8s';/);
    expect(main).not.toMatch(/from '\.\.?\//);
    expect(main).toContain('staging: {');
    expect(main).toContain('prod: {');
    expect(main.match(/new PythonMicroservice\(/g)).toHaveLength(1);
  });

  test.each(['eks', 'gke', 'aks'])("--cloud %s picks that cloud's profile and certificate", async (cloud) => {
    const main = starterFiles({ name: 'x', cloud, librarySpec: '^0.1.0', versions: {} }).get('main.ts')!;
    expect(main).toContain(`CloudProfile.${cloud}(`);
  });

  test('refuses to overwrite an existing file, and then writes nothing at all (exit 4)', async () => {
    fs.writeFileSync(path.join(dir, 'main.ts'), 'mine');
    const { code, err } = await cli(['init'], dir);
    expect(code).toBe(4);
    expect(err).toBe(`init failed; nothing was written: main.ts already exists in ${dir}. Run it in an empty folder.\n`);
    expect(fs.readdirSync(dir)).toEqual(['main.ts']);
    expect(fs.readFileSync(path.join(dir, 'main.ts'), 'utf8')).toBe('mine');
  });

  test("bad option values are reported in the project's error shape (exit 2)", async () => {
    const { code, err } = await cli(['init', '--cloud', 'openshift', '--name', 'My API'], dir);
    expect(code).toBe(2);
    expect(err).toContain('\'--cloud\' must be one of eks, gke, aks; received "openshift". Use e.g. --cloud eks.');
    expect(err).toContain("'--name' must be a valid npm package name");
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('--library replaces the dependency on the package init runs from', async () => {
    const { code, out } = await cli(['init', '--name', 'my-api', '--library', '^0.1.0'], dir);
    expect(code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies['pyservice-k8s']).toBe('^0.1.0');
    expect(out).toContain('package.json depends on pyservice-k8s ^0.1.0 (--library).');
  });

  test('--name=value is read like --name value', async () => {
    expect((await cli(['init', '--name=my-api', '--cloud=gke'], dir)).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name).toBe('my-api');
    expect(fs.readFileSync(path.join(dir, 'main.ts'), 'utf8')).toContain('CloudProfile.gke(');
  });
});

describe('the command line as a whole', () => {
  const cwd = os.tmpdir();
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

  test("--version prints the package's version", async () => {
    expect(await cli(['--version'], cwd)).toEqual({ code: 0, out: `${own.version}\n`, err: '' });
  });

  test('--help lists every command, the global options and the exit codes', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const { code, out } = await cli(args, cwd);
      expect(code).toBe(0);
      for (const command of ['init', 'synth', 'diff', 'history', 'help']) expect(out).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
      expect(out).toContain('--version');
      expect(out).toMatch(/^Exit codes:\n {2}0 {2}success.*\n {2}1 {2}diff --exit-code: there are differences\n {2}2 {2}usage error/m);
      expect(out).toMatch(/^ {2}3 {2}the synth failed/m);
      expect(out).toMatch(/^ {2}4 {2}the command could not run/m);
    }
  });

  test.each([
    ['init', /^Usage: pyservice-k8s init \[--cloud eks\|gke\|aks\]/],
    ['synth', /^Usage: pyservice-k8s synth \[cdk8s synth options\]/],
    ['diff', /^Usage: pyservice-k8s diff \[--base <git rev>\]/],
    ['history', /^Usage: pyservice-k8s history \[<target folder>\]/],
  ])('%s has its own help: help <command>, <command> --help and <command> -h', async (command, usage) => {
    const texts = await Promise.all(
      [
        ['help', command],
        [command, '--help'],
        [command, '-h'],
      ].map((args) => cli(args, cwd)),
    );
    for (const { code, out, err } of texts) {
      expect([code, err]).toEqual([0, '']);
      expect(out).toMatch(usage);
      expect(out).toContain('Exit codes:');
    }
    expect(new Set(texts.map((t) => t.out)).size).toBe(1);
  });

  test("diff's help names each option and the output symbols", async () => {
    const { out } = await cli(['help', 'diff'], cwd);
    for (const option of ['--base <git rev>', '--dir <folder>', '--targets <a> <b>', '--ignore <field>', '--exit-code'])
      expect(out).toContain(`  ${option}`);
    for (const symbol of ['+ Kind', '- Kind', '~ Kind', '-/+ Kind']) expect(out).toContain(symbol);
  });

  test('a misspelled command gets "did you mean", on stderr, with exit code 2', async () => {
    expect(await cli(['snyth'], cwd)).toEqual({
      code: 2,
      out: '',
      err: 'Unknown command "snyth". Did you mean "synth"?\nSee: pyservice-k8s --help\n',
    });
    expect((await cli(['dif'], cwd)).err).toContain('Did you mean "diff"?');
    expect((await cli(['help', 'inti'], cwd)).err).toContain('Did you mean "init"?');
    expect((await cli(['histroy'], cwd)).err).toBe('Unknown command "histroy". Did you mean "history"?\nSee: pyservice-k8s --help\n');
    expect((await cli(['help', 'histry'], cwd)).err).toContain('Did you mean "history"?');
    expect((await cli(['--verison'], cwd)).err).toBe('Unknown option "--verison". Did you mean "--version"?\nSee: pyservice-k8s --help\n');
    // Nothing close: no guess.
    expect((await cli(['deploy'], cwd)).err).toBe('Unknown command "deploy".\nSee: pyservice-k8s --help\n');
  });

  test('a misspelled option gets "did you mean" among the command\'s options, with exit code 2', async () => {
    expect(await cli(['init', '--clod', 'eks'], cwd)).toEqual({
      code: 2,
      out: '',
      err: 'Unknown option "--clod" for init. Did you mean "--cloud"?\nSee: pyservice-k8s help init\n',
    });
    expect((await cli(['diff', '--exit-cod'], cwd)).err).toBe(
      'Unknown option "--exit-cod" for diff. Did you mean "--exit-code"?\nSee: pyservice-k8s help diff\n',
    );
    expect((await cli(['diff', 'targets'], cwd)).err).toContain(
      'Unexpected argument "targets" for diff: options start with --. Did you mean "--targets"?',
    );
  });

  test('a missing command or value is a usage error (exit 2), before anything runs', async () => {
    expect(await cli([], cwd)).toEqual({ code: 2, out: '', err: 'A command is missing.\nSee: pyservice-k8s --help\n' });
    expect((await cli(['init', '--cloud'], cwd)).err).toBe(
      '"--cloud" needs a value, e.g. --cloud <value>.\nSee: pyservice-k8s help init\n',
    );
    expect((await cli(['diff', '--targets', 'staging'], cwd)).err).toMatch(/^"--targets" needs 2 values/);
    expect((await cli(['diff', '--exit-code=yes'], cwd)).err).toMatch(/^"--exit-code" takes no value; received "yes"\./);
    expect((await cli(['diff', '--base', 'HEAD', '--base', 'main'], cwd)).err).toMatch(/^"--base" is given twice/);
    expect((await cli(['diff', '--targets', 'a', 'b', '--base', 'HEAD'], cwd)).err).toMatch(
      /^--targets compares two targets of a fresh synth; it takes no --base or --dir\./,
    );
    expect((await cli(['diff', '--dir', '../elsewhere'], cwd)).code).toBe(2);
  });

  test('synth without the cdk8s CLI in the project: exit 4 with the install command', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-cdk8s-'));
    try {
      expect(await cli(['synth'], empty)).toEqual({
        code: 4,
        out: '',
        err: 'synth needs the cdk8s CLI in this project: npm install --save-dev cdk8s-cli\n',
      });
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('pyservice-k8s history', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'history-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const kept = { 'pyservice.dev/release-history': 'true' };
  const job = (name: string) => ({ kind: 'Job', metadata: { name, labels: kept }, status: { succeeded: 1 } });
  const live = {
    kind: 'List',
    items: [
      job('migrate-old'),
      job('migrate-new'),
      { kind: 'Role', metadata: { name: 'migrate-old-wait', labels: { ...kept, 'pyservice.dev/migration-job': 'migrate-old' } } },
      {
        kind: 'ReplicaSet',
        metadata: { name: 'api-1' },
        spec: { template: { spec: { initContainers: [{ env: [{ name: 'MIGRATION_JOB', value: 'migrate-new' }] }], containers: [] } } },
      },
    ],
  };

  test("reads the cluster's List on stdin and prints what nothing needs, for kubectl delete", async () => {
    // GIVEN the target's folder, whose manifests hold the new Job
    fs.writeFileSync(path.join(dir, 'job-migrate-new.yaml'), 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate-new\n');
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: [job-migrate-new.yaml]\n');
    // WHEN
    let out = '';
    const code = await run(
      ['history', dir],
      dir,
      (t) => {
        out += t;
      },
      () => undefined,
      async () => JSON.stringify(live),
    );
    // THEN the old Job and its Role go; the new one stays
    expect(code).toBe(0);
    expect(out).toBe('job/migrate-old\nrole/migrate-old-wait\n');
  });

  test('without a List on stdin, or with a folder that does not exist, it says what to do (usage error, exit 2)', async () => {
    let err = '';
    expect(
      await run(
        ['history'],
        dir,
        () => undefined,
        (t) => {
          err += t;
        },
        async () => 'not json',
      ),
    ).toBe(2);
    expect(err).toContain(
      'history reads a List from stdin: pipe `kubectl get deployments,replicasets,statefulsets,controllerrevisions,cronjobs,jobs,pods,configmaps,roles,rolebindings -n <ns> -o json`',
    );
    expect(err).toContain('See: pyservice-k8s help history\n');
    err = '';
    expect(
      await run(
        ['history', 'nowhere'],
        dir,
        () => undefined,
        (t) => {
          err += t;
        },
        async () => JSON.stringify(live),
      ),
    ).toBe(2);
    expect(err).toBe(
      `history: no folder ${path.join(dir, 'nowhere')}; pass the target's synthesized folder, e.g. dist/prod/east.\nSee: pyservice-k8s help history\n`,
    );
    // A file is not a target's folder either.
    fs.writeFileSync(path.join(dir, 'job.yaml'), 'kind: Job\n');
    err = '';
    expect(
      await run(
        ['history', 'job.yaml'],
        dir,
        () => undefined,
        (t) => {
          err += t;
        },
        async () => JSON.stringify(live),
      ),
    ).toBe(2);
    expect(err).toMatch(/^history: no folder .*job\.yaml; /);
  });

  test('its command line goes through the shared parser: one folder at most, no options but --help (exit 2)', async () => {
    // GIVEN a List on stdin that would otherwise be read
    let read = false;
    const stdin = async () => {
      read = true;
      return JSON.stringify(live);
    };
    const history = async (args: string[]) => {
      let out = '';
      let err = '';
      const code = await run(
        ['history', ...args],
        dir,
        (t) => {
          out += t;
        },
        (t) => {
          err += t;
        },
        stdin,
      );
      return { code, out, err };
    };
    // WHEN two folders, or an option, are given THEN a usage error, and stdin is not read
    expect(await history(['dist/prod', 'dist/staging'])).toEqual({
      code: 2,
      out: '',
      err: 'history takes at most one <target folder>; received "dist/prod", "dist/staging".\nSee: pyservice-k8s help history\n',
    });
    expect(await history(['--dir', 'dist/prod'])).toEqual({
      code: 2,
      out: '',
      err: 'Unknown option "--dir" for history.\nSee: pyservice-k8s help history\n',
    });
    expect(read).toBe(false);
    // WHEN --help is asked for THEN the command's help, and stdin is not read
    const help = await history(['--help']);
    expect([help.code, help.err]).toEqual([0, '']);
    expect(help.out).toMatch(/^Usage: pyservice-k8s history \[<target folder>\]/);
    expect(read).toBe(false);
  });
});
