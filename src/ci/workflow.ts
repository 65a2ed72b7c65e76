/**
 * Generates the GitHub Actions workflow that takes a commit to a group of
 * targets (usually the environments on one cloud): test, build and scan every
 * image, push it once, then, target after target in promotion order,
 * synthesize the manifests with the pushed digests and hand them to GitOps by
 * committing them (or opening a PR).
 *
 * Each job holds only the permissions its own steps need, because every action
 * in a job can read that job's token:
 *
 * | job | on | permissions |
 * |---|---|---|
 * | test | push, PR | contents: read |
 * | scan (build + Trivy) | push, PR | contents: read |
 * | publish (build + push) | push to the branch | contents: read, id-token: write |
 * | deliver-<target> (synth + commit), one per target | push to the branch | contents: write (+ pull-requests: write) |
 *
 * The scanner never runs beside cloud credentials, and no npm package (whose
 * install scripts run arbitrary code) runs beside the OIDC token.
 */
import { Document, isScalar, visit } from 'yaml';
import { PropIssue, ValidationError } from '../../constructs/validation';
import { branchProblem, repoPathProblem } from '../../constructs/gitops';
import { dnsLabelProblem } from '../../constructs/names';
import { imageVariable } from '../images';
import { ActionRefs, DEFAULT_TRIVY_VERSION, PINNED_VERSIONS, resolveActions } from './actions';
import { ContainerRegistry, Step } from './registry';

/** One image the workflow builds. */
export interface WorkflowService {
  /** Service name; names the image repository and the `IMAGE_<NAME>` override. */
  readonly name: string;
  /**
   * Dockerfile, relative to the repository root.
   * @default 'dist/container/<name>/Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * Build context, relative to the repository root.
   * @default '.'
   */
  readonly context?: string;
}

/** How synthesized manifests reach the branch GitOps watches. */
export enum DeliveryMode {
  /** Commit and push to the deploy branch. */
  COMMIT = 'commit',
  /** Open (or update) a pull request against the deploy branch. */
  PULL_REQUEST = 'pull-request',
}

/** One place the workflow delivers to, in promotion order. */
export interface WorkflowTarget {
  /** Target name, e.g. `staging` or `prod-east`; names its deliver job. */
  readonly name: string;
  /**
   * GitHub environment of the target's deliver job: required reviewers and
   * wait timers set on it in the repository settings gate the promotion.
   */
  readonly environment: string;
  /** Folder of the target's manifests, relative to the repository root, e.g. `dist/prod/east`. */
  readonly manifests: string;
  /**
   * Branch the synthesized manifests are delivered to, the one Argo CD or Flux follows.
   * A branch of its own keeps `branch` free of pipeline commits, so a local
   * `npm run synth` there never reverts a promoted image.
   */
  readonly deployBranch: string;
}

/** Options of {@link renderWorkflow}. */
export interface WorkflowOptions {
  /**
   * Names the workflow (`deploy-<name>`), e.g. the cloud its targets run on.
   * @default - the workflow is named `deploy`
   */
  readonly name?: string;
  /**
   * Cloud whose own registry the images go to, when `registry` is not given:
   * a profile's `cloud`, whose `registry` names the kind (ECR, Artifact Registry, ACR).
   * @default - `name`
   */
  readonly cloud?: string;
  /**
   * Where the images go, in promotion order: each target's deliver job waits for
   * the previous one, so one pushed digest reaches staging first and production
   * only after staging succeeded (and after the approval its GitHub environment asks for).
   */
  readonly targets: readonly WorkflowTarget[];
  /** Every service whose image is built; each gets `IMAGE_<NAME>` at synth time. */
  readonly services: readonly WorkflowService[];
  /**
   * Registry the images are pushed to.
   * @default - the cloud's own registry (ECR, Artifact Registry or ACR), from repository variables
   */
  readonly registry?: ContainerRegistry;
  /**
   * Branch whose pushes deploy (and whose pull requests are checked).
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Commit to the deploy branch, or open a pull request against it.
   * @default DeliveryMode.COMMIT
   */
  readonly deliveryMode?: DeliveryMode;
  /**
   * Node.js version for install, test and synth.
   * @default '20'
   */
  readonly nodeVersion?: string;
  /**
   * Platform the images are built for.
   * @default 'linux/amd64'
   */
  readonly platform?: string;
  /**
   * Action references to use instead of the defaults, e.g. commit SHAs you reviewed.
   * @default - DEFAULT_ACTIONS
   */
  readonly actions?: Partial<ActionRefs>;
  /**
   * Version of the Trivy scanner.
   * @default DEFAULT_TRIVY_VERSION
   */
  readonly trivyVersion?: string;
}

interface ResolvedTarget extends WorkflowTarget {
  /** Job id of the target's deliver job. */
  readonly job: string;
}

interface Resolved {
  /** `deploy` or `deploy-<name>`. */
  readonly workflow: string;
  readonly targets: readonly ResolvedTarget[];
  readonly services: ReadonlyArray<Required<WorkflowService> & { readonly variable: string; readonly key: string }>;
  readonly branch: string;
  readonly deliveryMode: DeliveryMode;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly actions: ActionRefs;
  readonly trivyVersion: string;
}

/**
 * The workflow for one group of targets, as YAML for `.github/workflows/deploy-<name>.yml`.
 *
 * @throws ValidationError listing every broken rule of `options`
 */
export function renderWorkflow(options: WorkflowOptions): string {
  const { resolved, registry, issues } = resolve(options);
  const binding = registry?.bind(resolved.actions);
  const allIssues = [...issues, ...(binding?.issues ?? [])];
  if (allIssues.length > 0 || !binding) {
    const workflow = options.name ? `deploy-${options.name}` : 'deploy';
    throw ValidationError.fromIssues(`The workflow options of ${workflow} are invalid:`, allIssues, `ci/${workflow}`);
  }

  const r = resolved;
  const onBranch = `github.event_name != 'pull_request' && github.ref == 'refs/heads/${r.branch}'`;
  const deliverJobs: Record<string, object> = {};
  r.targets.forEach((target, i) => {
    deliverJobs[target.job] = {
      'name': `Synthesize and deliver ${target.manifests}`,
      // Promotion order: the same pushed digests reach each target only after the previous one was delivered.
      'needs': i === 0 ? 'publish' : ['publish', r.targets[i - 1].job],
      'if': onBranch,
      'runs-on': 'ubuntu-latest',
      'environment': target.environment,
      'permissions': r.deliveryMode === DeliveryMode.PULL_REQUEST ? { 'contents': 'write', 'pull-requests': 'write' } : { contents: 'write' },
      'steps': [
        ...checkoutAndNode(r),
        { run: 'npm ci' },
        {
          name: 'Synthesize with the pushed digests',
          run: 'npm run synth',
          env: Object.fromEntries(r.services.map((s) => [s.variable, `\${{ needs.publish.outputs.${s.variable} }}`])),
        },
        {
          // `npm test` would compare dist/ with a synth without the overrides; render
          // what the GitOps tool will render instead.
          name: `Validate ${target.manifests}`,
          run: `kubectl kustomize "${target.manifests}" > /dev/null\ngit status --short -- "${target.manifests}"`,
        },
        ...deliverySteps(r, target),
      ],
    };
  });
  const workflow = {
    'name': r.workflow,
    'on': {
      push: { branches: [r.branch] },
      pull_request: { branches: [r.branch] },
      workflow_dispatch: {},
    },
    'permissions': { contents: 'read' },
    // Deliveries queue instead of cancelling each other (a cancelled push can leave
    // an image without manifests); pull request runs replace their previous run.
    'concurrency': {
      'group': `\${{ github.event_name == 'pull_request' && format('${r.workflow}-pr-{0}', github.ref) || '${r.workflow}' }}`,
      'cancel-in-progress': '${{ github.event_name == \'pull_request\' }}',
    },
    'jobs': {
      test: {
        'name': 'Install and test',
        'runs-on': 'ubuntu-latest',
        'permissions': { contents: 'read' },
        'steps': [...checkoutAndNode(r), { run: 'npm ci' }, { run: 'npm test' }],
      },
      scan: {
        'name': 'Build and scan images',
        'needs': 'test',
        'runs-on': 'ubuntu-latest',
        'permissions': { contents: 'read' },
        'steps': [checkout(r), { uses: r.actions.setupBuildx }, ...r.services.flatMap((s) => scanSteps(r, s))],
      },
      publish: {
        'name': 'Push images',
        'needs': 'scan',
        'if': onBranch,
        'runs-on': 'ubuntu-latest',
        'permissions': { 'contents': 'read', 'id-token': 'write' },
        'outputs': Object.fromEntries(r.services.map((s) => [s.variable, `${binding.imageRepository(s.name)}@\${{ steps.build_${s.key}.outputs.digest }}`])),
        'steps': [
          checkout(r),
          { uses: r.actions.setupBuildx },
          ...binding.loginSteps,
          ...r.services.flatMap((s) => publishSteps(r, s, binding.imageRepository(s.name))),
        ],
      },
      ...deliverJobs,
    },
  };
  return toYaml(workflow, r);
}

function resolve(options: WorkflowOptions): { resolved: Resolved; registry?: ContainerRegistry; issues: PropIssue[] } {
  const issues: PropIssue[] = [];
  const name = options.name;
  const nameProblem = name === undefined ? undefined : dnsLabelProblem(name);
  if (nameProblem) issues.push({ prop: 'name', rule: nameProblem.rule, received: name, fix: 'Use a short label such as the cloud, e.g. \'east\'.' });
  const cloud = options.cloud ?? name;
  const branch = options.branch ?? 'main';
  const branchIssue = branchProblem(branch);
  if (branchIssue) issues.push({ prop: 'branch', ...branchIssue, received: branch });
  const targets = (options.targets ?? []).map((t, i): ResolvedTarget => {
    const problem = branchProblem(t.deployBranch);
    if (problem) issues.push({ prop: `targets[${i}].deployBranch`, ...problem, received: t.deployBranch });
    const pathProblem = repoPathProblem(t.manifests);
    if (pathProblem) issues.push({ prop: `targets[${i}].manifests`, rule: pathProblem.rule, received: t.manifests, fix: 'Use a path relative to the repository root, e.g. \'dist/prod\'.' });
    const jobProblem = dnsLabelProblem(t.name);
    if (jobProblem) issues.push({ prop: `targets[${i}].name`, rule: jobProblem.rule, received: t.name, fix: 'Use the target name, e.g. \'prod-east\'.' });
    const envProblem = dnsLabelProblem(t.environment);
    if (envProblem) issues.push({ prop: `targets[${i}].environment`, rule: envProblem.rule, received: t.environment, fix: 'Use the environment name, e.g. \'prod\'.' });
    return { ...t, job: `deliver-${t.name}` };
  });
  if (targets.length === 0) issues.push({ prop: 'targets', rule: 'must list at least one target', received: [], fix: 'Pass e.g. [{ name: \'prod\', environment: \'prod\', manifests: \'dist/prod\', deployBranch: \'deploy/prod\' }].' });
  const registry = options.registry ?? (cloud === undefined ? undefined : ContainerRegistry.forCloud(cloud));
  if (!registry) {
    issues.push({ prop: 'registry', rule: 'must be given for targets on a cloud without a default registry', received: cloud, fix: 'Pass ContainerRegistry.ecr(), .artifactRegistry() or .acr().' });
  }
  const services = (options.services ?? []).map((s, i) => {
    const serviceProblem = dnsLabelProblem(s.name);
    if (serviceProblem) issues.push({ prop: `services[${i}].name`, rule: serviceProblem.rule, received: s.name, fix: 'Use the service name, e.g. \'orders-api\'.' });
    const dockerfile = s.dockerfile ?? `dist/container/${s.name}/Dockerfile`;
    const context = s.context ?? '.';
    for (const [prop, value] of [[`services[${i}].dockerfile`, dockerfile], [`services[${i}].context`, context]] as const) {
      const problem = repoPathProblem(value);
      if (problem) issues.push({ prop, rule: problem.rule, received: value, fix: 'Use a path relative to the repository root, e.g. \'dist/container/orders-api/Dockerfile\'.' });
    }
    const key = serviceProblem ? `service_${i}` : s.name.replace(/-/g, '_');
    const variable = serviceProblem ? `IMAGE_${i}` : imageVariable(s.name);
    return { name: s.name, dockerfile, context, key, variable };
  });
  if (services.length === 0) issues.push({ prop: 'services', rule: 'must list at least one service', received: [], fix: 'Pass e.g. [{ name: \'orders-api\' }].' });
  const duplicates = services.map((s) => s.name).filter((n, i, all) => all.indexOf(n) !== i);
  if (duplicates.length > 0) issues.push({ prop: 'services', rule: 'must name each service once', received: [...new Set(duplicates)], fix: 'Remove the repeated entries.' });
  const nodeVersion = options.nodeVersion ?? '20';
  if (!/^\d+(\.\d+){0,2}$/.test(nodeVersion)) issues.push({ prop: 'nodeVersion', rule: 'must be a Node.js version like \'20\' or \'20.19.0\'', received: nodeVersion, fix: 'Use \'20\'.' });
  const platform = options.platform ?? 'linux/amd64';
  if (!/^linux\/(amd64|arm64)$/.test(platform)) issues.push({ prop: 'platform', rule: 'must be one platform, linux/amd64 or linux/arm64 (a scanned image is loaded into Docker, which holds one)', received: platform, fix: 'Use \'linux/amd64\'.' });
  const trivyVersion = options.trivyVersion ?? DEFAULT_TRIVY_VERSION;
  if (!/^v\d+\.\d+\.\d+$/.test(trivyVersion)) issues.push({ prop: 'trivyVersion', rule: 'must be an exact release like \'v0.69.3\'', received: trivyVersion, fix: `Use '${DEFAULT_TRIVY_VERSION}'.` });
  const deliveryMode = options.deliveryMode ?? DeliveryMode.COMMIT;
  if (!Object.values(DeliveryMode).includes(deliveryMode)) issues.push({ prop: 'deliveryMode', rule: 'must be DeliveryMode.COMMIT or DeliveryMode.PULL_REQUEST', received: deliveryMode, fix: 'Use DeliveryMode.COMMIT.' });
  const actions = resolveActions(options.actions);
  issues.push(...actions.issues);
  return {
    resolved: { workflow: name ? `deploy-${name}` : 'deploy', targets, services, branch, deliveryMode, nodeVersion, platform, actions: actions.refs, trivyVersion },
    registry,
    issues,
  };
}

/** Checkout without leaving the token in .git/config, where any later script could read it. */
function checkout(r: Resolved): Step {
  return { uses: r.actions.checkout, with: { 'persist-credentials': false } };
}

function checkoutAndNode(r: Resolved): Step[] {
  return [checkout(r), { uses: r.actions.setupNode, with: { 'node-version': r.nodeVersion, 'cache': 'npm' } }];
}

function scanSteps(r: Resolved, s: Resolved['services'][number]): Step[] {
  const local = `scan/${s.name}:\${{ github.sha }}`;
  return [
    {
      name: `Build ${s.name}`,
      uses: r.actions.buildPush,
      with: {
        'context': s.context,
        'file': s.dockerfile,
        'platforms': r.platform,
        'load': true,
        'push': false,
        'provenance': false,
        'tags': local,
        // The publish job rebuilds from this cache, so it pushes the layers scanned here.
        'cache-from': `type=gha,scope=${s.name}`,
        'cache-to': `type=gha,mode=max,scope=${s.name}`,
      },
    },
    {
      name: `Scan ${s.name}`,
      uses: r.actions.trivy,
      with: {
        'image-ref': local,
        'severity': 'HIGH,CRITICAL',
        // Unfixed findings have no upgrade to apply; failing on them would block every deploy.
        'ignore-unfixed': true,
        'exit-code': '1',
        'version': r.trivyVersion,
      },
    },
  ];
}

function publishSteps(r: Resolved, s: Resolved['services'][number], repository: string): Step[] {
  return [
    {
      name: `Tags and labels of ${s.name}`,
      id: `meta_${s.key}`,
      uses: r.actions.metadata,
      with: { images: repository, tags: 'type=sha,format=long' },
    },
    {
      name: `Push ${s.name}`,
      id: `build_${s.key}`,
      uses: r.actions.buildPush,
      with: {
        'context': s.context,
        'file': s.dockerfile,
        'platforms': r.platform,
        'push': true,
        'tags': `\${{ steps.meta_${s.key}.outputs.tags }}`,
        'labels': `\${{ steps.meta_${s.key}.outputs.labels }}`,
        'cache-from': `type=gha,scope=${s.name}`,
      },
    },
  ];
}

const BOT = '-c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com"';

/**
 * Commit mode replaces only the target's folder on the deploy branch, creating the branch
 * from this commit the first time. The token reaches git through this step's env
 * only; GITHUB_TOKEN pushes start no new workflow run, so delivery cannot loop.
 */
function deliverySteps(r: Resolved, t: ResolvedTarget): Step[] {
  const env = { DEPLOY_BRANCH: t.deployBranch, MANIFESTS: t.manifests };
  if (r.deliveryMode === DeliveryMode.COMMIT) {
    return [{
      name: `Commit ${t.manifests} to ${t.deployBranch}`,
      env: { ...env, GITHUB_TOKEN: '${{ github.token }}' },
      run: [
        'set -euo pipefail',
        'auth="AUTHORIZATION: basic $(printf \'x-access-token:%s\' "$GITHUB_TOKEN" | base64 -w0)"',
        'remote() { git -c "http.${GITHUB_SERVER_URL}/.extraheader=${auth}" "$@"; }',
        'if remote fetch --no-tags --depth=1 origin "refs/heads/${DEPLOY_BRANCH}"; then',
        '  git worktree add --detach .gitops FETCH_HEAD',
        'else',
        '  echo "::notice::${DEPLOY_BRANCH} does not exist yet; starting it from ${GITHUB_SHA}"',
        '  git worktree add --detach .gitops HEAD',
        'fi',
        'rm -rf ".gitops/${MANIFESTS}" && mkdir -p ".gitops/${MANIFESTS}"',
        'cp -R "${MANIFESTS}/." ".gitops/${MANIFESTS}/"',
        'cd .gitops',
        'git add -A -- "${MANIFESTS}"',
        'if git diff --cached --quiet; then echo "${MANIFESTS} is already up to date on ${DEPLOY_BRANCH}"; exit 0; fi',
        `git ${BOT} commit -m "deploy(${t.name}): images built from \${GITHUB_SHA}"`,
        'remote push origin "HEAD:refs/heads/${DEPLOY_BRANCH}"',
      ].join('\n'),
    }];
  }
  return [
    { name: `Check out ${t.deployBranch}`, uses: r.actions.checkout, with: { 'ref': t.deployBranch, 'path': '.gitops', 'persist-credentials': false } },
    { name: `Copy ${t.manifests}`, env, run: 'rm -rf ".gitops/${MANIFESTS}" && mkdir -p ".gitops/${MANIFESTS}"\ncp -R "${MANIFESTS}/." ".gitops/${MANIFESTS}/"' },
    {
      name: `Open a pull request against ${t.deployBranch}`,
      uses: r.actions.createPullRequest,
      with: {
        'path': '.gitops',
        'base': t.deployBranch,
        'branch': `promote/${t.name}`,
        'add-paths': t.manifests,
        'commit-message': `deploy(${t.name}): images built from \${{ github.sha }}`,
        'title': `Deploy ${t.name}: images built from \${{ github.sha }}`,
        'body': `Manifests of ${t.manifests} synthesized with the images pushed by run \${{ github.run_id }}.`,
        'delete-branch': true,
      },
    },
  ];
}

function toYaml(workflow: object, r: Resolved): string {
  const doc = new Document(workflow);
  doc.commentBefore = [
    ` Deploys ${r.targets.map((t) => t.manifests).join(', ')}: generated by pyservice-k8s on every synth, do not edit by hand.`,
    ` Copy it to .github/workflows/${r.workflow}.yml.`,
  ].join('\n');
  visit(doc, {
    Scalar(_key, node) {
      const sha = typeof node.value === 'string' ? /@([0-9a-f]{40})$/.exec(node.value)?.[1] : undefined;
      if (sha && PINNED_VERSIONS[sha] && isScalar(node)) node.comment = ` ${PINNED_VERSIONS[sha]}`;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
