/**
 * `pyservice-k8s diff` end to end: a project outside the repository (its
 * node_modules linked to this one's) whose cdk8s app is the release app of
 * release-app.ts, synthesized by the real cdk8s CLI.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../../src/cli';
import { V1, V2, releaseApp } from './release-app';

const ROOT = path.resolve(__dirname, '..', '..');

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

/** Every file under `dir` with its content. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    (fs.readdirSync(dir, { recursive: true }) as string[])
      .sort()
      .filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

const diffFolders = () =>
  fs
    .readdirSync(os.tmpdir())
    .filter((f) => f.startsWith('pyservice-diff-'))
    .sort();

describe('pyservice-k8s diff in a project', () => {
  let project: string;
  /** Points main.ts at one version of the app. */
  const useVersion = (version: string, extra = '') =>
    fs.writeFileSync(
      path.join(project, 'main.ts'),
      [
        `import { ${version}, releaseApp } from ${JSON.stringify(path.join(ROOT, 'test', 'diff', 'release-app'))};`,
        `releaseApp({ ...${version}${extra} }, { CDK8S_OUTDIR: process.env.CDK8S_OUTDIR }).synth();`,
        '',
      ].join('\n'),
    );

  beforeAll(() => {
    // GIVEN a project whose committed dist/ holds version 1
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-project-'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'language: typescript\napp: node --import tsx main.ts\noutput: .cdk8s.out\n');
    expect(releaseApp(V1).synth({ directory: path.join(project, 'dist') })).toBe(true);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
        cwd: project,
        stdio: 'pipe',
      });
    git('init', '--quiet');
    git('add', 'dist');
    git('commit', '--quiet', '-m', 'version 1');
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test('the committed dist/ against version 2: the changes, exit 1 with --exit-code and 0 without, dist/ untouched, nothing left behind', async () => {
    // GIVEN
    useVersion('V2');
    const committed = snapshot(path.join(project, 'dist'));
    const scratch = diffFolders();
    // WHEN
    const strict = await cli(['diff', '--exit-code'], project);
    const plain = await cli(['diff'], project);
    // THEN
    expect(strict.code).toBe(1);
    expect(plain.code).toBe(0);
    expect(plain.out).toBe(strict.out);
    const expected = releaseApp(V2).render().files;
    const job = (env: string) => [...expected.keys()].find((f) => f.startsWith(`${env}/job-`))!.replace(/^.*\/job-|\.yaml$/g, '');
    expect(strict.out).toMatch(
      /^Comparing dist\/ \(working tree\) with a fresh synth\.\ndist\/prod: 3 added, 3 replaced, \d+ changed, 1 unchanged\n/,
    );
    expect(strict.out).toContain(
      '  ~ Deployment shop/orders-api\n      spec.replicas: 2 → 3\n      spec.template.spec.containers[app].image: ghcr.io/acme/orders:1.4.2 → ghcr.io/acme/orders:1.4.3\n',
    );
    expect(strict.out).toContain('  + Deployment shop/orders-mailer  (deployment-orders-mailer.yaml)\n');
    expect(strict.out).toContain(`  -/+ Job shop/orders-migrate-`);
    expect(strict.out).toContain(` → shop/${job('prod')} (replaced: `);
    expect(strict.out).toMatch(/\nDifferences: 6 added, 6 replaced, \d+ changed, in 2 of 2 folders\.\n$/);
    expect(strict.err).toBe('');
    expect(snapshot(path.join(project, 'dist'))).toEqual(committed);
    expect(diffFolders()).toEqual(scratch);
    expect(fs.readdirSync(project).sort()).toEqual(['.git', 'cdk8s.yaml', 'dist', 'main.ts', 'node_modules']);
  });

  test('--base reads dist/ from git: the working tree may already hold the new version', async () => {
    // GIVEN version 2 synthesized into the working tree
    useVersion('V2');
    expect(releaseApp(V2).synth({ directory: path.join(project, 'dist') })).toBe(true);
    try {
      // WHEN / THEN
      const working = await cli(['diff', '--exit-code'], project);
      expect([working.code, working.out.split('\n').slice(-2)[0]]).toEqual([0, 'No differences in 2 folders.']);
      const head = await cli(['diff', '--exit-code', '--base', 'HEAD'], project);
      expect(head.code).toBe(1);
      expect(head.out).toMatch(/^Comparing dist\/ at HEAD with a fresh synth\.\n/);
      expect(head.out).toContain('      spec.replicas: 2 → 3\n');
      const unknown = await cli(['diff', '--base', 'no-such-branch'], project);
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain('"--base": "no-such-branch" is not a commit of the git repository');
    } finally {
      execFileSync('git', ['checkout', '--quiet', '--', 'dist'], { cwd: project });
      execFileSync('git', ['clean', '--quiet', '-fd', '--', 'dist'], { cwd: project });
    }
  });

  test('--targets compares two targets of one synth; --ignore leaves a field out', async () => {
    // GIVEN version 2, whose environments differ only by the API's replicas (2 in staging, 3 in prod)
    useVersion('V2');
    const objects = [...releaseApp(V2).render().files.keys()].filter(
      (f) => f.startsWith('prod/') && f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'),
    ).length;
    // WHEN / THEN
    const both = await cli(['diff', '--targets', 'staging', 'prod', '--exit-code'], project);
    expect(both).toEqual({
      code: 1,
      err: '',
      out: `Comparing target staging with target prod, from a fresh synth.\nstaging → prod: 1 changed, ${objects} unchanged\n  ~ Deployment shop/orders-api\n      spec.replicas: 2 → 3\n`,
    });
    const ignored = await cli(['diff', '--targets', 'staging', 'prod', '--exit-code', '--ignore', 'spec.replicas'], project);
    expect(ignored.code).toBe(0);
    expect(ignored.out).toBe(
      `Comparing target staging with target prod, from a fresh synth.\nstaging → prod: no changes (${objects + 1} unchanged)\nNo differences.\n`,
    );
    const typo = await cli(['diff', '--targets', 'staging', 'prd'], project);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain(
      '"--targets": "prd" is not a target folder of the synth; the targets are prod, staging. Did you mean "prod"?',
    );
  });

  test("a synth that fails: exit 3, the app's errors without a stack trace, nothing compared", async () => {
    useVersion('V2', ", tag: 'latest'");
    const { code, out, err } = await cli(['diff', '--exit-code'], project);
    expect(code).toBe(3);
    expect(out).toBe('');
    expect(err).toContain("'images.orders.image' must not use the mutable tag ':latest'");
    expect(err).toContain('diff: the synth failed (see above); nothing was compared.');
    expect(err).not.toMatch(/\n\s+at /);
  });
});
