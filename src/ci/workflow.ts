/**
 * Generates the one GitHub Actions workflow that takes a commit to every
 * target of an app, on every cloud:
 *
 * | job | on | permissions | does |
 * |---|---|---|---|
 * | test | push, PR | contents: read | `npm ci`, `npm test` |
 * | review | PR | contents: read, pull-requests: write | diff against the base branch and each target's plan: job summary and one PR comment |
 * | build | push, PR | contents: read | builds each image once, into an OCI layout; its digest is fixed here |
 * | scan | push, PR | contents: read | Trivy on each layout by digest; its outputs are the only digests delivered |
 * | publish | push to the branch | id-token: write | pushes the scanned layouts to the first target's registry |
 * | copy-<group> | push to the branch | id-token: write | copies them by digest into each other registry |
 * | deliver-<target> | push to the branch | contents: write | synthesizes with `<registry>/<repo>@<scanned digest>` and hands the folder to GitOps |
 * | verify-<target> | with the health gate | statuses: read | waits for the GitOps tool's "healthy" commit status |
 *
 * No job after build builds an image, and no job that holds credentials runs
 * a build or the scanner (see image-jobs.ts). Environments are promoted in the
 * order of their first target: each target of an environment waits for every
 * target of the previous one.
 */
import { Duration } from 'cdk8s';
import { Document, isScalar, visit } from 'yaml';
import { PropIssue, ValidationError } from '../../constructs/core/validation';
import { branchProblem, repoPathProblem } from '../../constructs/delivery';
import { dnsLabelProblem } from '../../constructs/core/names';
import { imageVariable } from '../images';
import { ActionRefs, DEFAULT_ACTIONS, DEFAULT_CRANE_VERSION, DEFAULT_TRIVY_VERSION, resolveActions } from './actions';
import { deliverJob, verifyJob } from './deliver';
import { buildJob, copyJob, publishJob, scanJob } from './image-jobs';
import { reviewJob } from './review-job';
import { DeliveryMode, Resolved, ResolvedService, ResolvedTarget, RegistryJob, checkoutAndNode } from './model';
import { ContainerRegistry } from './registry';
import { WorkflowOptions } from './workflow-options';

export { DeliveryMode } from './workflow-options';
export type { WorkflowHealthGate, WorkflowOptions, WorkflowService, WorkflowTarget } from './workflow-options';

/**
 * The workflow, as YAML for `.github/workflows/<name>.yml`.
 *
 * @throws ValidationError listing every broken rule of `options`
 */
export function renderWorkflow(options: WorkflowOptions): string {
  const workflowName = options.name ? `deploy-${options.name}` : 'deploy';
  const { resolved: r, issues, versions } = resolve(options, workflowName);
  if (issues.length > 0 || !r)
    throw ValidationError.fromIssues(`The workflow options of ${workflowName} are invalid:`, issues, `ci/${workflowName}`);

  const jobs: Record<string, object> = {
    test: {
      name: 'Install and test',
      'runs-on': 'ubuntu-latest',
      permissions: { contents: 'read' },
      steps: [...checkoutAndNode(r), { run: 'npm ci' }, { run: 'npm test' }],
    },
    review: reviewJob(r),
    build: buildJob(r),
    scan: scanJob(r),
    publish: publishJob(r),
  };
  const source = r.primary.registry.bind(r.actions, '_source');
  for (const copy of r.copies) jobs[copy.job] = copyJob(r, copy, source);
  for (const t of r.targets) {
    jobs[t.job] = deliverJob(r, t);
    if (t.verifyJob) jobs[t.verifyJob] = verifyJob(r, t, r.healthGateSeconds!);
  }
  const workflow = {
    name: r.workflow,
    on: {
      push: { branches: [r.branch] },
      pull_request: { branches: [r.branch] },
      workflow_dispatch: {},
    },
    permissions: { contents: 'read' },
    // A pull request's run replaces its previous run. Pushes do not queue behind each
    // other here: each deliver job has a group per target, so a production approval
    // holds production only, and staging keeps moving.
    concurrency: {
      group: `\${{ github.event_name == 'pull_request' && format('${r.workflow}-pr-{0}', github.ref) || format('${r.workflow}-{0}', github.run_id) }}`,
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    },
    jobs,
  };
  return toYaml(workflow, r, versions);
}

function resolve(
  options: WorkflowOptions,
  workflow: string,
): { resolved?: Resolved; issues: PropIssue[]; versions: ReadonlyMap<string, string> } {
  const issues: PropIssue[] = [];
  const name = options.name;
  const nameProblem = name === undefined ? undefined : dnsLabelProblem(name);
  if (nameProblem) issues.push({ prop: 'name', rule: nameProblem.rule, received: name, fix: "Use a short label, e.g. 'shop'." });
  const branch = options.branch ?? 'main';
  const branchIssue = branchProblem(branch);
  if (branchIssue) issues.push({ prop: 'branch', ...branchIssue, received: branch });
  const deliveryMode = options.deliveryMode ?? DeliveryMode.COMMIT;
  if (!Object.values(DeliveryMode).includes(deliveryMode))
    issues.push({
      prop: 'deliveryMode',
      rule: 'must be DeliveryMode.COMMIT or DeliveryMode.PULL_REQUEST',
      received: deliveryMode,
      fix: 'Use DeliveryMode.COMMIT.',
    });
  const { actions, issues: actionIssues } = resolveActions(options.actions);
  issues.push(...actionIssues);
  const healthGateSeconds = healthGate(options, deliveryMode, issues);
  const services = resolveServices(options, issues);
  const registries = resolveRegistries(options, actions.refs, issues);
  const targets = resolveTargets(options, registries, healthGateSeconds !== undefined, issues);

  const nodeVersion = options.nodeVersion ?? '20';
  if (!/^\d+(\.\d+){0,2}$/.test(nodeVersion))
    issues.push({ prop: 'nodeVersion', rule: "must be a Node.js version like '20' or '20.19.0'", received: nodeVersion, fix: "Use '20'." });
  const platform = options.platform ?? 'linux/amd64';
  if (!/^linux\/(amd64|arm64)$/.test(platform))
    issues.push({
      prop: 'platform',
      rule: 'must be one platform, linux/amd64 or linux/arm64 (the scan reads one image manifest)',
      received: platform,
      fix: "Use 'linux/amd64'.",
    });
  const trivyVersion = options.trivyVersion ?? DEFAULT_TRIVY_VERSION;
  if (!/^v\d+\.\d+\.\d+$/.test(trivyVersion))
    issues.push({
      prop: 'trivyVersion',
      rule: "must be an exact release like 'v0.69.3'",
      received: trivyVersion,
      fix: `Use '${DEFAULT_TRIVY_VERSION}'.`,
    });
  const craneVersion = options.craneVersion ?? DEFAULT_CRANE_VERSION;
  if (!/^v\d+\.\d+\.\d+$/.test(craneVersion))
    issues.push({
      prop: 'craneVersion',
      rule: "must be an exact release like 'v0.21.9'",
      received: craneVersion,
      fix: `Use '${DEFAULT_CRANE_VERSION}'.`,
    });
  if (issues.length > 0 || !registries.primary) return { issues, versions: actions.versions };
  return {
    resolved: {
      workflow,
      targets,
      services,
      primary: registries.primary,
      copies: registries.copies,
      branch,
      deliveryMode,
      nodeVersion,
      platform,
      actions: actions.refs,
      trivyVersion,
      craneVersion,
      healthGateSeconds,
    },
    issues,
    versions: actions.versions,
  };
}

function healthGate(options: WorkflowOptions, mode: DeliveryMode, issues: PropIssue[]): number | undefined {
  if (options.healthGate === undefined) return undefined;
  const timeout = options.healthGate.timeout ?? Duration.minutes(15);
  const seconds = timeout.toSeconds({ integral: false });
  if (!(Number.isInteger(seconds) && seconds >= 60 && seconds <= 5 * 3600)) {
    issues.push({
      prop: 'healthGate.timeout',
      rule: 'must be a whole number of seconds from 1 minute to 5 hours (a job may run 6 hours)',
      received: timeout.toHumanString(),
      fix: 'Use e.g. Duration.minutes(15).',
    });
  }
  if (mode !== DeliveryMode.COMMIT) {
    issues.push({
      prop: 'healthGate',
      rule: 'needs deliveryMode COMMIT (with pull requests, the revision to check exists only once someone merges)',
      received: mode,
      fix: 'Use DeliveryMode.COMMIT, or leave the health gate out and let the merge of each pull request be the gate.',
    });
  }
  return seconds;
}

function resolveServices(options: WorkflowOptions, issues: PropIssue[]): ResolvedService[] {
  const services = (options.services ?? []).map((s, i) => {
    const serviceProblem = dnsLabelProblem(s.name);
    if (serviceProblem)
      issues.push({
        prop: `services[${i}].name`,
        rule: serviceProblem.rule,
        received: s.name,
        fix: "Use the service name, e.g. 'orders-api'.",
      });
    const dockerfile = s.dockerfile ?? `dist/container/${s.name}/Dockerfile`;
    const context = s.context ?? '.';
    for (const [prop, value] of [
      [`services[${i}].dockerfile`, dockerfile],
      [`services[${i}].context`, context],
    ] as const) {
      const problem = repoPathProblem(value);
      if (problem)
        issues.push({
          prop,
          rule: problem.rule,
          received: value,
          fix: "Use a path relative to the repository root, e.g. 'dist/container/orders-api/Dockerfile'.",
        });
    }
    const key = serviceProblem ? `service_${i}` : s.name.replace(/-/g, '_');
    const variable = serviceProblem ? `IMAGE_${i}` : imageVariable(s.name);
    return { name: s.name, dockerfile, context, key, variable };
  });
  if (services.length === 0)
    issues.push({ prop: 'services', rule: 'must list at least one service', received: [], fix: "Pass e.g. [{ name: 'orders-api' }]." });
  const duplicates = services.map((s) => s.name).filter((n, i, all) => all.indexOf(n) !== i);
  if (duplicates.length > 0)
    issues.push({
      prop: 'services',
      rule: 'must name each service once',
      received: [...new Set(duplicates)],
      fix: 'Remove the repeated entries.',
    });
  return services;
}

interface Registries {
  /** The registry of the first target. */
  readonly primary?: RegistryJob;
  readonly copies: RegistryJob[];
  /** Registry job per target group. */
  readonly byGroup: Map<string, RegistryJob>;
}

/**
 * One registry per group; groups whose registries are the same (same kind, same
 * sign-in, same repositories) share it. The first target's registry is filled by
 * the publish job, each other one by a copy job named after its first group.
 */
function resolveRegistries(options: WorkflowOptions, actions: ActionRefs, issues: PropIssue[]): Registries {
  const byGroup = new Map<string, RegistryJob>();
  const byIdentity = new Map<string, RegistryJob>();
  const copies: RegistryJob[] = [];
  let primary: RegistryJob | undefined;
  for (const t of options.targets ?? []) {
    const group = t.group ?? 'default';
    if (byGroup.has(group) || dnsLabelProblem(group)) continue;
    const registry = options.registries?.[group] ?? ContainerRegistry.forCloud(t.cloud ?? group);
    if (!registry) {
      issues.push({
        prop: `registries.${group}`,
        rule: 'must be given for targets on a cloud without a default registry',
        received: t.cloud ?? group,
        fix: 'Pass ContainerRegistry.ecr(), .artifactRegistry() or .acr().',
      });
      continue;
    }
    // Identity: what the registry does with the default actions (the actions do not change which registry it is).
    const identity = `${registry.kind} ${JSON.stringify(registry.bind(DEFAULT_ACTIONS).loginSteps)} ${registry.bind(DEFAULT_ACTIONS).imageRepository('x')}`;
    let job = byIdentity.get(identity);
    if (!job) {
      const binding = registry.bind(actions);
      issues.push(...binding.issues.map((i) => ({ ...i, prop: `registries.${group}.${i.prop.replace(/^registry\./, '')}` })));
      job = { job: primary ? `copy-${group}` : 'publish', registry, binding };
      if (primary) copies.push(job);
      else primary = job;
      byIdentity.set(identity, job);
    }
    byGroup.set(group, job);
  }
  return { primary, copies, byGroup };
}

function resolveTargets(options: WorkflowOptions, registries: Registries, gated: boolean, issues: PropIssue[]): ResolvedTarget[] {
  const environments: string[] = [];
  const targets = (options.targets ?? []).flatMap((t, i): ResolvedTarget[] => {
    const problem = branchProblem(t.deployBranch);
    if (problem) issues.push({ prop: `targets[${i}].deployBranch`, ...problem, received: t.deployBranch });
    const pathProblem = repoPathProblem(t.manifests);
    if (pathProblem)
      issues.push({
        prop: `targets[${i}].manifests`,
        rule: pathProblem.rule,
        received: t.manifests,
        fix: "Use a path relative to the repository root, e.g. 'dist/prod'.",
      });
    for (const [prop, value, fix] of [
      ['name', t.name, "Use the target name, e.g. 'prod-east'."],
      ['environment', t.environment, "Use the environment name, e.g. 'prod'."],
      ['group', t.group ?? 'default', "Use the cloud, e.g. 'east'."],
      ['application', t.application ?? t.name, "Use the name of the Argo CD Application, e.g. 'shop-prod'."],
    ] as const) {
      const labelProblem = dnsLabelProblem(value);
      if (labelProblem) issues.push({ prop: `targets[${i}].${prop}`, rule: labelProblem.rule, received: value, fix });
    }
    if (!environments.includes(t.environment)) environments.push(t.environment);
    const registry = registries.byGroup.get(t.group ?? 'default');
    if (!registry) return [];
    return [
      {
        name: t.name,
        environment: t.environment,
        manifests: t.manifests,
        deployBranch: t.deployBranch,
        job: `deliver-${t.name}`,
        verifyJob: gated ? `verify-${t.name}` : undefined,
        statusContext: `continuous-delivery/${t.application ?? t.name}`,
        registry,
        stage: environments.indexOf(t.environment),
      },
    ];
  });
  if ((options.targets ?? []).length === 0)
    issues.push({
      prop: 'targets',
      rule: 'must list at least one target',
      received: [],
      fix: "Pass e.g. [{ name: 'prod', environment: 'prod', manifests: 'dist/prod', deployBranch: 'deploy/prod' }].",
    });
  const duplicates = targets.map((t) => t.name).filter((n, i, all) => all.indexOf(n) !== i);
  if (duplicates.length > 0)
    issues.push({
      prop: 'targets',
      rule: 'must name each target once (the name is its job id)',
      received: [...new Set(duplicates)],
      fix: 'Rename the repeated targets.',
    });
  return targets;
}

function toYaml(workflow: object, r: Resolved, versions: ReadonlyMap<string, string>): string {
  // Jobs share step objects (the sign-in steps of the first registry): write each in full, never as a YAML alias.
  const doc = new Document(workflow, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    ` Deploys ${r.targets.map((t) => t.manifests).join(', ')}: generated by pyservice-k8s on every synth, do not edit by hand.`,
    ` Copy it to .github/workflows/${r.workflow}.yml.`,
  ].join('\n');
  // Every action is pinned to a commit; the release it is goes beside it, as Dependabot and Renovate read it.
  visit(doc, {
    Scalar(_key, node) {
      const sha = typeof node.value === 'string' ? /@([0-9a-f]{40})$/.exec(node.value)?.[1] : undefined;
      if (sha && versions.has(sha) && isScalar(node)) node.comment = ` ${versions.get(sha)}`;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
