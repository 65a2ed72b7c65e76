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
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-api');
    expect(pkg.dependencies).toEqual({
      cdk8s: `^${own.devDependencies.cdk8s}`,
      'cdk8s-plus-28': `^${own.devDependencies['cdk8s-plus-28']}`,
      constructs: `^${own.devDependencies.constructs}`,
      'pyservice-k8s': `^${own.version}`,
    });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'cdk8s-cli', 'tsx', 'typescript']);
    expect(pkg.devDependencies.typescript).toMatch(/^~5\./);
    expect(pkg.scripts).toEqual({ synth: 'pyservice-k8s synth', test: 'tsc --noEmit && pyservice-k8s synth' });
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

  test('refuses to overwrite an existing file, and then writes nothing at all', async () => {
    fs.writeFileSync(path.join(dir, 'main.ts'), 'mine');
    const { code, err } = await cli(['init'], dir);
    expect(code).toBe(1);
    expect(err).toBe(`init failed; nothing was written: main.ts already exists in ${dir}. Run it in an empty folder.\n`);
    expect(fs.readdirSync(dir)).toEqual(['main.ts']);
    expect(fs.readFileSync(path.join(dir, 'main.ts'), 'utf8')).toBe('mine');
  });

  test("bad options are reported in the project's error shape", async () => {
    const { code, err } = await cli(['init', '--cloud', 'openshift', '--name', 'My API'], dir);
    expect(code).toBe(1);
    expect(err).toContain('\'--cloud\' must be one of eks, gke, aks; received "openshift". Use e.g. --cloud eks.');
    expect(err).toContain("'--name' must be a valid npm package name");
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('an unknown command or option prints the usage', async () => {
    expect((await cli(['deploy'], dir)).err).toMatch(/^Unknown command "deploy"\.\n\nUsage:/);
    expect((await cli(['init', '--force'], dir)).err).toMatch(/^Unknown or incomplete option "--force"/);
    expect((await cli(['--help'], dir)).code).toBe(0);
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

  test('without a List on stdin, or with a folder that does not exist, it says what to do', async () => {
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
    ).toBe(1);
    expect(err).toContain(
      'history reads a List from stdin: pipe `kubectl get deployments,replicasets,cronjobs,jobs,pods,configmaps,roles,rolebindings -n <ns> -o json`',
    );
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
    ).toBe(1);
    expect(err).toBe(`history: no folder ${path.join(dir, 'nowhere')}; pass the target's synthesized folder, e.g. dist/prod/east.\n`);
  });
});
