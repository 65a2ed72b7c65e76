/**
 * The pull request job that shows reviewers the diff and each target's plan:
 * its place in the workflow (schema, permissions, no credentials), and its
 * shell steps run for real with bash. gh is not installed here: the comment
 * step runs with a stand-in `gh` on PATH that records its arguments and
 * answers the comment listing, so what is checked is the step's own logic
 * (update the marked comment, else create one), not GitHub's API.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { DEFAULT_ACTIONS } from '../../src/ci/actions';
import { COMMENT_LIMIT, REVIEW_MARKER } from '../../src/ci/review-job';
import { renderWorkflow, WorkflowTarget } from '../../src/ci/workflow';
import { validateWorkflow } from './support';

const TARGETS: WorkflowTarget[] = [
  { name: 'staging', environment: 'staging', manifests: 'dist/staging', deployBranch: 'deploy/staging', group: 'eks' },
  { name: 'prod', environment: 'prod', manifests: 'dist/prod', deployBranch: 'deploy/prod', group: 'eks' },
];
const WF = parse(renderWorkflow({ targets: TARGETS, services: [{ name: 'api' }] }));
const JOB = WF.jobs.review;
const step = (name: RegExp) => JOB.steps.find((s: any) => name.test(s.name ?? ''));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-review-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a step's script in `dir` with its env and the runner's variables. */
function run(s: any, env: Record<string, string> = {}) {
  const result = spawnSync('bash', ['-c', s.run], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      HOME: dir,
      RUNNER_TEMP: dir,
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
      GITHUB_REPOSITORY: 'acme/shop',
      ...s.env,
      BASE_SHA: '0123456789abcdef0123456789abcdef01234567',
      RUN_URL: 'https://github.com/acme/shop/actions/runs/42',
      ...env,
    },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Writes the synth's plans and the diff's output as the earlier steps leave them. */
function earlierSteps(planText = (t: string) => `# Plan of ${t}\n\n| workload | kind |\n|---|---|\n| api | Deployment |\n`) {
  for (const t of ['staging', 'prod']) {
    fs.mkdirSync(path.join(dir, 'dist', t), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', t, 'PLAN.md'), planText(t));
  }
  fs.writeFileSync(path.join(dir, 'diff.txt'), 'dist/prod: 1 changed, 8 unchanged\n  ~ Deployment api/api\n      spec.replicas: 2 → 3\n');
}

describe('the review job in the workflow', () => {
  test('runs on pull requests only, with a read token and the right to comment, and no cloud credential', () => {
    expect(validateWorkflow(WF)).toEqual([]);
    expect(JOB.if).toBe("github.event_name == 'pull_request'");
    expect(JOB.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const uses = JOB.steps.flatMap((s: any) => (s.uses ? [s.uses] : []));
    expect(uses).toEqual([DEFAULT_ACTIONS.checkout, DEFAULT_ACTIONS.setupNode]);
    expect(JOB.steps[0].with).toEqual({ 'persist-credentials': false, 'fetch-depth': 0 });
  });

  test('diffs against the base commit of the pull request, after a synth with the images written in code', () => {
    expect(step(/^Synthesize/).run).toBe('npm run synth');
    expect(step(/^Compare/)).toMatchObject({
      env: { BASE_SHA: '${{ github.event.pull_request.base.sha }}' },
      run: 'set -euo pipefail\nnpx pyservice-k8s diff --base "${BASE_SHA}" | tee "${RUNNER_TEMP}/diff.txt"',
    });
    expect(step(/^Write/).env.PLANS).toBe('dist/staging/PLAN.md\ndist/prod/PLAN.md');
  });

  test('a pull request from a fork, whose token is read-only, gets the summary but no comment step', () => {
    expect(step(/^Post/).if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    expect(step(/^Write/).if).toBeUndefined();
  });
});

describe('the review, written by bash', () => {
  test('the summary and the comment hold the marker, the diff and each plan in a folded section', () => {
    // GIVEN
    earlierSteps();
    // WHEN
    const result = run(step(/^Write/));
    // THEN
    expect(result).toEqual({ status: 0, output: '' });
    const review = fs.readFileSync(path.join(dir, 'review.md'), 'utf8');
    expect(review.split('\n')[0]).toBe(REVIEW_MARKER);
    expect(review).toContain('`pyservice-k8s diff --base 0123456789ab`');
    expect(review).toContain('```\ndist/prod: 1 changed, 8 unchanged\n  ~ Deployment api/api\n      spec.replicas: 2 → 3\n```\n');
    expect(review).toContain('<details><summary>Plan of dist/staging</summary>\n\n# Plan of staging\n');
    expect(review.indexOf('Plan of dist/staging')).toBeLessThan(review.indexOf('Plan of dist/prod'));
    expect(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8')).toBe(review);
  });

  test('plans too long for a comment stay in the summary; the comment links to the run', () => {
    earlierSteps((t) => `# Plan of ${t}\n\n${'| x | y |\n'.repeat(COMMENT_LIMIT / 10)}`);
    expect(run(step(/^Write/)).status).toBe(0);
    const review = fs.readFileSync(path.join(dir, 'review.md'), 'utf8');
    expect(review).not.toContain('# Plan of');
    expect(review).toContain('see the summary of [the run](https://github.com/acme/shop/actions/runs/42)');
    expect(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('# Plan of prod');
  });

  test('a target whose plan is missing is named in a warning, and the others are still shown', () => {
    earlierSteps();
    fs.rmSync(path.join(dir, 'dist', 'staging', 'PLAN.md'));
    const result = run(step(/^Write/));
    expect(result).toEqual({ status: 0, output: '::warning::dist/staging/PLAN.md was not written by the synth\n' });
    expect(fs.readFileSync(path.join(dir, 'review.md'), 'utf8')).toContain('Plan of dist/prod');
  });
});

describe('the comment, posted with a stand-in gh', () => {
  /** A `gh` that logs its arguments, answers the listing with `listing`, and fails writes when `writes` is 1. */
  function standInGh(listing: string, writes = 0) {
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'listing'), listing);
    fs.writeFileSync(
      path.join(dir, 'bin', 'gh'),
      `#!/bin/bash\nprintf '%s\\n' "$*" >> "${dir}/gh.log"\ncase "$*" in *--paginate*) cat "${dir}/listing" ;; *) exit ${writes} ;; esac\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, 'review.md'), `${REVIEW_MARKER}\nreview\n`);
  }
  const calls = () => fs.readFileSync(path.join(dir, 'gh.log'), 'utf8').trim().split('\n');

  test("updates the job's own marked comment in place", () => {
    standInGh('1001\n1002\n');
    expect(run(step(/^Post/), { PR_NUMBER: '7' }).status).toBe(0);
    expect(calls()[1]).toBe(`api --method PATCH repos/acme/shop/issues/comments/1001 -F body=@${dir}/review.md`);
    // The listing keeps only the bot's comments that start with the marker.
    expect(calls()[0]).toContain(`select(.user.login == "github-actions[bot]" and (.body | startswith("${REVIEW_MARKER}")))`);
  });

  test('creates the comment on the first run', () => {
    standInGh('');
    expect(run(step(/^Post/), { PR_NUMBER: '7' }).status).toBe(0);
    expect(calls()[1]).toBe(`api --method POST repos/acme/shop/issues/7/comments -F body=@${dir}/review.md`);
  });

  test('a token that may not write leaves a warning, not a failed check', () => {
    standInGh('', 1);
    const result = run(step(/^Post/), { PR_NUMBER: '7' });
    expect(result.status).toBe(0);
    expect(result.output).toContain('::warning::the plan could not be posted (does GITHUB_TOKEN have pull-requests: write?)');
  });
});
