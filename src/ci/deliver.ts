/**
 * The jobs that take the scanned digests to each target: synthesize, hand the
 * target's folder to GitOps, and (with the health gate) wait until the GitOps
 * tool reports the target healthy on that revision before the next
 * environment's targets may start.
 */
import { DeliveryMode, Resolved, ResolvedTarget, checkoutAndNode, onBranch, scannedImage } from './model';
import { Step } from './registry';

const BOT = '-c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com"';

/** Trailer of a delivery commit naming the commit its images were built from. */
export const SOURCE_TRAILER = 'Source-Commit';

/**
 * The targets a target waits for: every target of the previous environment in
 * promotion order, whatever its cloud, since all of them run the same digests.
 */
export function gatesOf(r: Resolved, t: ResolvedTarget): ResolvedTarget[] {
  return r.targets.filter((p) => p.stage === t.stage - 1);
}

/** The deliver job of one target. */
export function deliverJob(r: Resolved, t: ResolvedTarget): object {
  const gates = gatesOf(r, t);
  const commit = r.deliveryMode === DeliveryMode.COMMIT;
  const needs = ['scan', t.registry.job, ...gates.map((g) => g.job), ...gates.flatMap((g) => (g.verifyJob ? [g.verifyJob] : []))];
  // A delivery that a later commit's run overtook stops its own promotion there.
  const notSuperseded = commit ? gates.map((g) => ` && needs.${g.job}.outputs.superseded != 'true'`).join('') : '';
  return {
    name: `Synthesize and deliver ${t.manifests}`,
    needs: needs,
    if: `${onBranch(r)}${notSuperseded}`,
    'runs-on': 'ubuntu-latest',
    environment: t.environment,
    // One delivery per target at a time; a run waiting for an approval holds only its own target.
    concurrency: { group: `${r.workflow}-${t.name}`, 'cancel-in-progress': false },
    permissions: commit ? { contents: 'write' } : { contents: 'write', 'pull-requests': 'write' },
    ...(commit
      ? { outputs: { revision: '${{ steps.deliver.outputs.revision }}', superseded: '${{ steps.deliver.outputs.superseded }}' } }
      : {}),
    steps: [
      ...checkoutAndNode(r),
      { run: 'npm ci' },
      {
        name: 'Synthesize with the scanned digests',
        run: 'npm run synth',
        env: Object.fromEntries(r.services.map((s) => [s.variable, scannedImage(t, s)])),
      },
      {
        // `npm test` would compare dist/ with a synth without the overrides; render
        // what the GitOps tool will render instead.
        name: `Validate ${t.manifests}`,
        run: `kubectl kustomize "${t.manifests}" > /dev/null\ngit status --short -- "${t.manifests}"`,
      },
      ...(commit ? commitSteps(t) : pullRequestSteps(r, t)),
    ],
  };
}

/**
 * Commit mode replaces only the target's folder on the deploy branch, creating the branch
 * from this commit the first time. The token reaches git through this step's env
 * only; GITHUB_TOKEN pushes start no new workflow run, so delivery cannot loop.
 * Runs of two commits can reach a target in either order: a run whose commit is
 * older than the one the branch already holds delivers nothing.
 */
function commitSteps(t: ResolvedTarget): Step[] {
  return [
    {
      name: `Commit ${t.manifests} to ${t.deployBranch}`,
      id: 'deliver',
      env: { DEPLOY_BRANCH: t.deployBranch, MANIFESTS: t.manifests, GITHUB_TOKEN: '${{ github.token }}' },
      run: [
        'set -euo pipefail',
        'auth="AUTHORIZATION: basic $(printf \'x-access-token:%s\' "$GITHUB_TOKEN" | base64 -w0)"',
        'remote() { git -c "http.${GITHUB_SERVER_URL}/.extraheader=${auth}" "$@"; }',
        'created=false',
        'if remote fetch --no-tags --depth=1 origin "refs/heads/${DEPLOY_BRANCH}"; then',
        '  git worktree add --detach .gitops FETCH_HEAD',
        'else',
        '  echo "::notice::${DEPLOY_BRANCH} does not exist yet; starting it from ${GITHUB_SHA}"',
        '  git worktree add --detach .gitops HEAD',
        '  created=true',
        'fi',
        `delivered="$(git -C .gitops log -1 --format='%(trailers:key=${SOURCE_TRAILER},valueonly)' | head -n 1)"`,
        'if [ -n "${delivered}" ] && [ "${delivered}" != "${GITHUB_SHA}" ]; then',
        // GitHub's compare API: "ahead" means the delivered commit descends from this one.
        '  order="$(gh api "repos/${GITHUB_REPOSITORY}/compare/${GITHUB_SHA}...${delivered}" --jq .status 2>/dev/null || echo unknown)"',
        '  if [ "${order}" = ahead ]; then',
        '    echo "::notice::${DEPLOY_BRANCH} already holds images built from ${delivered}, a later commit; ${GITHUB_SHA} is not delivered"',
        '    echo "superseded=true" >> "$GITHUB_OUTPUT"',
        '    exit 0',
        '  fi',
        'fi',
        'rm -rf ".gitops/${MANIFESTS}" && mkdir -p ".gitops/${MANIFESTS}"',
        'cp -R "${MANIFESTS}/." ".gitops/${MANIFESTS}/"',
        'cd .gitops',
        'start="$(git rev-parse HEAD)"',
        'git add -A -- "${MANIFESTS}"',
        'if git diff --cached --quiet; then',
        '  echo "${MANIFESTS} is already up to date on ${DEPLOY_BRANCH}"',
        'else',
        `  git ${BOT} commit -m "deploy(${t.name}): images built from \${GITHUB_SHA}" -m "${SOURCE_TRAILER}: \${GITHUB_SHA}"`,
        'fi',
        // A new branch is pushed even when its folder equals this commit's, so GitOps has a branch to follow.
        'if [ "${created}" = true ] || [ "$(git rev-parse HEAD)" != "${start}" ]; then remote push origin "HEAD:refs/heads/${DEPLOY_BRANCH}"; fi',
        'echo "revision=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"',
      ].join('\n'),
    },
  ];
}

function pullRequestSteps(r: Resolved, t: ResolvedTarget): Step[] {
  const env = { DEPLOY_BRANCH: t.deployBranch, MANIFESTS: t.manifests };
  return [
    {
      name: `Check out ${t.deployBranch}`,
      uses: r.actions.checkout,
      with: { ref: t.deployBranch, path: '.gitops', 'persist-credentials': false },
    },
    {
      name: `Copy ${t.manifests}`,
      env,
      run: 'rm -rf ".gitops/${MANIFESTS}" && mkdir -p ".gitops/${MANIFESTS}"\ncp -R "${MANIFESTS}/." ".gitops/${MANIFESTS}/"',
    },
    {
      name: `Open a pull request against ${t.deployBranch}`,
      uses: r.actions.createPullRequest,
      with: {
        path: '.gitops',
        base: t.deployBranch,
        branch: `promote/${t.name}`,
        'add-paths': t.manifests,
        'commit-message': `deploy(${t.name}): images built from \${{ github.sha }}`,
        title: `Deploy ${t.name}: images built from \${{ github.sha }}`,
        body: `Manifests of ${t.manifests} synthesized with the images pushed by run \${{ github.run_id }}.`,
        'delete-branch': true,
      },
    },
  ];
}

/**
 * Waits until the commit status `statusContext` on the delivered revision of
 * the deploy branch is `success`: Argo CD (its notifications' GitHub service)
 * or Flux (a notification Provider of type `github`) posts it once the target
 * is synced and healthy on that revision. Reads statuses only; no cluster access.
 */
export function verifyJob(r: Resolved, t: ResolvedTarget, seconds: number): object {
  return {
    name: `Wait until ${t.name} is healthy`,
    needs: t.job,
    if: `${onBranch(r)} && needs.${t.job}.outputs.superseded != 'true'`,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': Math.ceil(seconds / 60) + 5,
    permissions: { statuses: 'read' },
    steps: [
      {
        name: `Wait for ${t.statusContext} on ${t.deployBranch}`,
        env: {
          GH_TOKEN: '${{ github.token }}',
          REVISION: `\${{ needs.${t.job}.outputs.revision }}`,
          CONTEXT: t.statusContext,
          TIMEOUT_SECONDS: String(seconds),
        },
        run: [
          'set -euo pipefail',
          'deadline=$(( $(date +%s) + TIMEOUT_SECONDS ))',
          'last=""',
          'while :; do',
          // Newest first: the first status with the context is the current one.
          '  status="$(gh api "repos/${GITHUB_REPOSITORY}/commits/${REVISION}/statuses?per_page=100" --jq \'[.[] | select(.context == env.CONTEXT)][0] // {} | "\\(.state // "pending") \\(.description // "")"\')"',
          '  if [ "${status}" != "${last}" ]; then echo "${CONTEXT} on ${REVISION}: ${status}"; last="${status}"; fi',
          '  case "${status}" in success*) exit 0 ;; esac',
          '  if [ "$(date +%s)" -ge "${deadline}" ]; then',
          '    echo "::error::${CONTEXT} did not report success on ${REVISION} within ${TIMEOUT_SECONDS}s (last: ${status:-no status})"',
          '    exit 1',
          '  fi',
          '  sleep 15',
          'done',
        ].join('\n'),
      },
    ],
  };
}
