/**
 * The workflow's shell steps, run for real with bash, jq, sha256sum and git
 * (what GitHub's Ubuntu runners have), on an OCI layout written here and on a
 * local bare repository standing in for the deploy branch's remote. Trivy,
 * crane and gh are not installed here: the steps are run up to the point
 * where they would call them, or on paths that do not reach them.
 */
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { renderWorkflow } from '../../src/ci/workflow';

const WORKFLOW = parse(
  renderWorkflow({
    targets: [{ name: 'prod', environment: 'prod', manifests: 'dist/prod', deployBranch: 'deploy/prod', group: 'eks' }],
    services: [{ name: 'api' }],
  }),
);
const DIGEST_STEP = WORKFLOW.jobs.build.steps.find((s: any) => s.id === 'digest_api');
const SCAN_STEP = WORKFLOW.jobs.scan.steps.find((s: any) => s.id === 'scan_api');
const COMMIT_STEP = WORKFLOW.jobs['deliver-prod'].steps.find((s: any) => s.id === 'deliver');

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-wf-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes an OCI image layout holding one image manifest; returns its digest. */
function writeLayout(service: string, manifests = 1): string {
  const layout = path.join(dir, 'oci', service);
  fs.mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  const descriptors = Array.from({ length: manifests }, (_, i) => {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {},
      layers: [],
      i,
    });
    fs.writeFileSync(path.join(layout, 'blobs', 'sha256', sha256(manifest)), manifest);
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha256(manifest)}`, size: manifest.length };
  });
  fs.writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: descriptors }));
  return descriptors[0].digest;
}

/** Runs a step's script with its env and the runner's variables; returns status, output and GITHUB_OUTPUT. */
function runStep(step: any, env: Record<string, string>, cwd = dir): { status: number | null; output: string; outputs: string } {
  const outputFile = path.join(dir, 'github-output');
  fs.writeFileSync(outputFile, '');
  const result = spawnSync('bash', ['-c', step.run], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1', RUNNER_TEMP: dir, GITHUB_OUTPUT: outputFile, ...step.env, ...env },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, outputs: fs.readFileSync(outputFile, 'utf8') };
}

describe('the digest checks', () => {
  test('the build step puts out the digest of the one image of the layout', () => {
    // GIVEN
    const digest = writeLayout('api');
    // WHEN
    const run = runStep(DIGEST_STEP, {});
    // THEN
    expect(run.status).toBe(0);
    expect(run.outputs).toBe(`digest=${digest}\n`);
  });

  test('a manifest whose bytes no longer match its name is refused', () => {
    const digest = writeLayout('api');
    fs.appendFileSync(path.join(dir, 'oci', 'api', 'blobs', 'sha256', digest.slice('sha256:'.length)), ' ');
    const run = runStep(DIGEST_STEP, {});
    expect(run.status).not.toBe(0);
    expect(run.outputs).toBe('');
  });

  test('a layout with more than one image is refused', () => {
    writeLayout('api', 2);
    const run = runStep(DIGEST_STEP, {});
    expect(run.status).toBe(1);
    expect(run.output).toContain('must hold exactly one image manifest');
  });

  test('the scan stops before the scanner when the layout is not the digest the build put out', () => {
    writeLayout('api');
    const other = `sha256:${sha256('another image')}`;
    const run = runStep(SCAN_STEP, { DIGEST: other });
    expect(run.status).toBe(1);
    expect(run.output).toContain(`::error::api is sha256:`);
    expect(run.output).toContain(`here, not ${other}`);
    expect(run.output).not.toMatch(/trivy: command not found/);
  });
});

describe('the commit to the deploy branch', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
    }).trim();

  /** A clone whose origin is a local bare repository, with dist/prod committed on main and changed by a synth. */
  function repository(): { work: string; origin: string; sha: string } {
    const origin = path.join(dir, 'origin.git');
    const work = path.join(dir, 'work');
    git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
    git(dir, 'clone', '--quiet', origin, work);
    fs.mkdirSync(path.join(work, 'dist', 'prod'), { recursive: true });
    fs.writeFileSync(path.join(work, 'dist', 'prod', 'deployment-api.yaml'), 'image: ghcr.io/acme/api:1.0.0\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'api 1.0.0');
    git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    fs.writeFileSync(path.join(work, 'dist', 'prod', 'deployment-api.yaml'), 'image: registry.example.com/api@sha256:0123\n');
    return { work, origin, sha: git(work, 'rev-parse', 'HEAD') };
  }

  const runner = (sha: string) => ({
    GITHUB_TOKEN: 'unused',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/api',
    GITHUB_SHA: sha,
  });

  test('creates the branch with the synthesized folder, names the source commit, and puts out the revision', () => {
    // GIVEN
    const { work, origin, sha } = repository();
    // WHEN
    const run = runStep(COMMIT_STEP, runner(sha), work);
    // THEN
    expect(run.status).toBe(0);
    const revision = git(origin, 'rev-parse', 'refs/heads/deploy/prod');
    expect(run.outputs).toBe(`revision=${revision}\n`);
    expect(git(origin, 'show', `${revision}:dist/prod/deployment-api.yaml`)).toBe('image: registry.example.com/api@sha256:0123');
    expect(git(origin, 'log', '-1', '--format=%(trailers:key=Source-Commit,valueonly)', revision)).toBe(sha);
  });

  test('a second run of the same commit changes nothing and puts out the same revision', () => {
    const { work, origin, sha } = repository();
    runStep(COMMIT_STEP, runner(sha), work);
    git(work, 'worktree', 'remove', '--force', '.gitops');
    const again = runStep(COMMIT_STEP, runner(sha), work);
    expect(again.status).toBe(0);
    expect(again.output).toContain('dist/prod is already up to date on deploy/prod');
    expect(again.outputs).toBe(`revision=${git(origin, 'rev-parse', 'refs/heads/deploy/prod')}\n`);
    expect(git(origin, 'rev-list', '--count', 'refs/heads/deploy/prod')).toBe('2');
  });

  test("a new branch is created even when the folder equals the commit's, so GitOps has a branch to follow", () => {
    const { work, origin, sha } = repository();
    git(work, 'checkout', '--quiet', '--', 'dist');
    const run = runStep(COMMIT_STEP, runner(sha), work);
    expect(run.status).toBe(0);
    expect(git(origin, 'rev-parse', 'refs/heads/deploy/prod')).toBe(sha);
  });
});

describe("the health gate's reading of commit statuses", () => {
  const VERIFY = parse(
    renderWorkflow({
      targets: [
        { name: 'prod', environment: 'prod', manifests: 'dist/prod', deployBranch: 'deploy/prod', group: 'eks', application: 'api-prod' },
      ],
      services: [{ name: 'api' }],
      healthGate: {},
    }),
  ).jobs['verify-prod'].steps[0];
  // gh runs this filter with gojq; jq reads the same language.
  const filter = /--jq '([^']+)'/.exec(VERIFY.run)![1];
  const read = (statuses: object[]) =>
    execFileSync('jq', ['-r', filter], {
      input: JSON.stringify(statuses),
      encoding: 'utf8',
      env: { PATH: process.env.PATH, CONTEXT: VERIFY.env.CONTEXT },
    }).trim();

  test("the newest status of the target's context is the one read", () => {
    expect(
      read([
        { context: 'continuous-delivery/api-staging', state: 'failure', description: 'other target' },
        { context: 'continuous-delivery/api-prod', state: 'success', description: 'healthy' },
        { context: 'continuous-delivery/api-prod', state: 'failure', description: 'health check failed' },
      ]),
    ).toBe('success healthy');
  });

  test('no status yet reads as pending', () => {
    expect(read([{ context: 'ci/test', state: 'success' }])).toBe('pending');
  });
});
