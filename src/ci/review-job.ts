/**
 * The job that shows reviewers what a pull request will deploy: the diff of
 * every target's manifests against the base branch, and each target's plan
 * (PLAN.md, with its picture), as the job summary and as one comment on the
 * pull request, updated in place on every push. It holds no cloud credential:
 * a read token, and the right to write pull request comments.
 *
 * A pull request from a fork gets a read-only token whatever the workflow
 * asks for, so the comment step does not run there; the job summary holds the
 * same text.
 */
import { Resolved } from './model';
import { Step } from './registry';

/** The first line of the comment: how the job finds its own comment again. */
export const REVIEW_MARKER = '<!-- pyservice-k8s:plan -->';

/** GitHub refuses a comment body over 65,536 characters; the plans then stay in the job summary. */
export const COMMENT_LIMIT = 65_000;

/** The pull request job. */
export function reviewJob(r: Resolved): object {
  return {
    name: 'Plan and diff for reviewers',
    if: "github.event_name == 'pull_request'",
    'runs-on': 'ubuntu-latest',
    permissions: { contents: 'read', 'pull-requests': 'write' },
    steps: [
      // The whole history, so that diff can read the output folder at the base commit.
      { uses: r.actions.checkout, with: { 'persist-credentials': false, 'fetch-depth': 0 } },
      { uses: r.actions.setupNode, with: { 'node-version': r.nodeVersion, cache: 'npm' } },
      { run: 'npm ci' },
      { name: 'Synthesize, with the images written in code', run: 'npm run synth' },
      {
        name: 'Compare with the base branch',
        env: { BASE_SHA: '${{ github.event.pull_request.base.sha }}' },
        run: 'set -euo pipefail\nnpx pyservice-k8s diff --base "${BASE_SHA}" | tee "${RUNNER_TEMP}/diff.txt"',
      },
      writeReviewStep(r),
      postCommentStep(),
    ],
  };
}

/** Writes the review (diff, then each target's plan) into the job summary and a file for the comment. */
export function writeReviewStep(r: Resolved): Step {
  return {
    name: 'Write the plan and the diff into the job summary',
    env: {
      BASE_SHA: '${{ github.event.pull_request.base.sha }}',
      PLANS: r.targets.map((t) => `${t.manifests}/PLAN.md`).join('\n'),
      RUN_URL: '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}',
    },
    run: [
      'set -euo pipefail',
      'review="${RUNNER_TEMP}/review.md"',
      'plans="${RUNNER_TEMP}/plans.md"',
      ': > "${plans}"',
      'while IFS= read -r plan; do',
      '  [ -n "${plan}" ] || continue',
      '  if [ ! -f "${plan}" ]; then echo "::warning::${plan} was not written by the synth"; continue; fi',
      '  { echo "<details><summary>Plan of ${plan%/PLAN.md}</summary>"; echo; cat "${plan}"; echo; echo "</details>"; echo; } >> "${plans}"',
      'done <<< "${PLANS}"',
      '{',
      `  echo '${REVIEW_MARKER}'`,
      '  echo "## What this pull request deploys"',
      '  echo',
      '  echo "\\`pyservice-k8s diff --base ${BASE_SHA:0:12}\\`: the base branch\'s committed output against a synth of this pull request."',
      '  echo',
      "  echo '```'",
      '  cat "${RUNNER_TEMP}/diff.txt"',
      "  echo '```'",
      '  echo',
      '} > "${review}"',
      'cat "${review}" "${plans}" >> "${GITHUB_STEP_SUMMARY}"',
      // A comment has a size limit; the summary holds everything.
      `if [ $(( $(wc -c < "\${review}") + $(wc -c < "\${plans}") )) -le ${COMMENT_LIMIT} ]; then`,
      '  cat "${plans}" >> "${review}"',
      'else',
      '  echo "The plans are too long for a comment: see the summary of [the run](${RUN_URL})." >> "${review}"',
      'fi',
    ].join('\n'),
  };
}

/**
 * Creates the comment, or updates the one this job wrote before (its first line
 * is the marker, its author the workflow's bot). A token that may not write
 * (an organisation that keeps GITHUB_TOKEN read-only) leaves a warning, not a
 * failed check: the summary still holds the review.
 */
export function postCommentStep(): Step {
  return {
    name: 'Post the plan and the diff on the pull request',
    if: 'github.event.pull_request.head.repo.full_name == github.repository',
    env: { GH_TOKEN: '${{ github.token }}', PR_NUMBER: '${{ github.event.pull_request.number }}' },
    run: [
      'set -euo pipefail',
      'review="${RUNNER_TEMP}/review.md"',
      // Every page's matches, then the first: no pipe into head, which could cut gh off mid-page.
      `ids="$(gh api --paginate "repos/\${GITHUB_REPOSITORY}/issues/\${PR_NUMBER}/comments" --jq '.[] | select(.user.login == "github-actions[bot]" and (.body | startswith("${REVIEW_MARKER}"))) | .id')"`,
      'existing="${ids%%$\'\\n\'*}"',
      'if [ -n "${existing}" ]; then',
      '  gh api --method PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${existing}" -F "body=@${review}" > /dev/null \\',
      '    || echo "::warning::the plan comment ${existing} could not be updated (does GITHUB_TOKEN have pull-requests: write?); it is in the job summary"',
      'else',
      '  gh api --method POST "repos/${GITHUB_REPOSITORY}/issues/${PR_NUMBER}/comments" -F "body=@${review}" > /dev/null \\',
      '    || echo "::warning::the plan could not be posted (does GITHUB_TOKEN have pull-requests: write?); it is in the job summary"',
      'fi',
    ].join('\n'),
  };
}
