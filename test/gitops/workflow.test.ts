import { Duration } from 'cdk8s';
import { parse } from 'yaml';
import { ACTION_PINS, DEFAULT_ACTIONS } from '../../src/ci/actions';
import { ContainerRegistry } from '../../src/ci/registry';
import { DeliveryMode, renderWorkflow, WorkflowOptions, WorkflowTarget } from '../../src/ci/workflow';
import { validateWorkflow } from './support';

const SERVICES = [{ name: 'orders-api' }, { name: 'inventory' }, { name: 'recommendations' }];

/** The example's targets: staging on one cloud, prod on three. */
const SHOP_TARGETS: WorkflowTarget[] = [
  { name: 'staging-eks', environment: 'staging', manifests: 'dist/staging/eks', deployBranch: 'deploy/staging/eks', group: 'eks' },
  ...['eks', 'gke', 'aks'].map((cloud) => ({
    name: `prod-${cloud}`,
    environment: 'prod',
    manifests: `dist/prod/${cloud}`,
    deployBranch: `deploy/prod/${cloud}`,
    group: cloud,
  })),
];

function workflow(overrides: Partial<WorkflowOptions> = {}): { text: string; wf: any } {
  const text = renderWorkflow({ targets: SHOP_TARGETS, services: SERVICES, ...overrides });
  return { text, wf: parse(text) };
}

/** Every step of every job, with its job id. */
function steps(wf: any): Array<{ job: string; step: any }> {
  return Object.entries(wf.jobs).flatMap(([job, j]: [string, any]) => j.steps.map((step: any) => ({ job, step })));
}

const deliverJobs = (wf: any): string[] => Object.keys(wf.jobs).filter((j) => j.startsWith('deliver-'));
const synthStep = (wf: any, job: string) => wf.jobs[job].steps.find((s: any) => s.run === 'npm run synth');
const needsOf = (job: any): string[] => [job.needs ?? []].flat();

describe('renderWorkflow: one build, a scanned digest, everywhere', () => {
  test.each([
    ['every cloud', {}],
    ['pull request delivery', { deliveryMode: DeliveryMode.PULL_REQUEST }],
    ['health gate', { healthGate: {} }],
  ])('validates against the GitHub workflow schema: %s', (_name, overrides) => {
    expect(validateWorkflow(workflow(overrides as Partial<WorkflowOptions>).wf)).toEqual([]);
  });

  test('only the build job builds an image; no job after it runs a build', () => {
    // GIVEN / WHEN
    const { wf } = workflow();
    // THEN
    const builds = steps(wf).filter(
      ({ step }) =>
        step.uses === DEFAULT_ACTIONS.buildPush || /\b(docker|buildx|podman|buildah)\s+(buildx\s+)?build\b/.test(step.run ?? ''),
    );
    expect(builds.map(({ job, step }) => `${job}: ${step.name}`)).toEqual(SERVICES.map((s) => `build: Build ${s.name}`));
    // Into an OCI layout on disk: nothing leaves the build job but the artifact.
    for (const { step } of builds)
      expect(step.with).toMatchObject({
        outputs: expect.stringMatching(/^type=oci,dest=\$\{\{ runner\.temp \}\}\/oci\/[a-z-]+,tar=false$/),
        provenance: false,
      });
    expect(builds.every(({ step }) => step.with.push === undefined && step.with.load === undefined)).toBe(true);
  });

  test('the scan reads each built image by its digest, and fails on fixable HIGH and CRITICAL findings', () => {
    const { wf } = workflow();
    expect(wf.jobs.scan.needs).toBe('build');
    for (const s of SERVICES) {
      const key = s.name.replace(/-/g, '_');
      const scan = wf.jobs.scan.steps.find((st: any) => st.id === `scan_${key}`);
      expect(scan.env).toEqual({ SERVICE: s.name, DIGEST: `\${{ needs.build.outputs.digest_${key} }}` });
      expect(scan.run).toContain('if [ "${digest}" != "${DIGEST}" ]');
      expect(scan.run).toContain('trivy image --input "${layout}@${DIGEST}" --severity HIGH,CRITICAL --ignore-unfixed --exit-code 1');
      expect(wf.jobs.scan.outputs[`digest_${key}`]).toBe(`\${{ steps.scan_${key}.outputs.digest }}`);
      expect(wf.jobs.build.outputs[`digest_${key}`]).toBe(`\${{ steps.digest_${key}.outputs.digest }}`);
    }
    expect(wf.jobs.scan.steps.find((st: any) => st.uses === DEFAULT_ACTIONS.setupTrivy).with).toEqual({ version: 'v0.69.3' });
  });

  test('every deliver job, on every cloud, deploys only the digests the scan job put out', () => {
    const { wf } = workflow();
    expect(deliverJobs(wf)).toEqual(['deliver-staging-eks', 'deliver-prod-eks', 'deliver-prod-gke', 'deliver-prod-aks']);
    for (const job of deliverJobs(wf)) {
      const env = synthStep(wf, job).env;
      expect(Object.keys(env).sort()).toEqual(['IMAGE_INVENTORY', 'IMAGE_ORDERS_API', 'IMAGE_RECOMMENDATIONS']);
      for (const [variable, value] of Object.entries(env)) {
        const m = /^\$\{\{ needs\.([a-z-]+)\.outputs\.repository_([a-z_]+) \}\}@\$\{\{ needs\.scan\.outputs\.digest_([a-z_]+) \}\}$/.exec(
          value as string,
        );
        expect({ job, variable, m: m !== null }).toEqual({ job, variable, m: true });
        expect(m![2]).toBe(m![3]);
        expect(needsOf(wf.jobs[job])).toEqual(expect.arrayContaining(['scan', m![1]]));
        // The repository comes from the job that pushed or copied that very digest there.
        expect(wf.jobs[m![1]].steps.some((s: any) => s.env?.DIGEST === `\${{ needs.scan.outputs.digest_${m![3]} }}`)).toBe(true);
      }
    }
  });

  test("the first target's registry gets a push of the scanned layout, each other registry a copy by digest", () => {
    const { wf } = workflow();
    expect(Object.keys(wf.jobs).filter((j) => j === 'publish' || j.startsWith('copy-'))).toEqual(['publish', 'copy-gke', 'copy-aks']);
    const push = wf.jobs.publish.steps.find((s: any) => s.name === 'Push orders-api');
    expect(push.env).toEqual({
      SERVICE: 'orders-api',
      DIGEST: '${{ needs.scan.outputs.digest_orders_api }}',
      REPOSITORY: '${{ steps.ecr.outputs.registry }}/orders-api',
    });
    expect(push.run).toContain('if [ "${digest}" != "${DIGEST}" ]');
    expect(push.run).toContain('crane push "${layout}" "${REPOSITORY}:sha-${GITHUB_SHA}"');
    expect(push.run).toContain('pushed="$(crane digest "${REPOSITORY}:sha-${GITHUB_SHA}")"');
    expect(push.run).toContain('if [ "${pushed}" != "${DIGEST}" ]');
    const copy = wf.jobs['copy-gke'].steps.find((s: any) => s.name === 'Copy orders-api');
    expect(copy.env).toEqual({
      DIGEST: '${{ needs.scan.outputs.digest_orders_api }}',
      SOURCE: '${{ needs.publish.outputs.repository_orders_api }}',
      TARGET: '${{ vars.GAR_LOCATION }}-docker.pkg.dev/${{ vars.GCP_PROJECT_ID }}/${{ vars.GAR_REPOSITORY }}/orders-api',
    });
    expect(copy.run).toContain('crane copy "${SOURCE}@${DIGEST}" "${TARGET}:sha-${GITHUB_SHA}"');
    // The copy job signs in to the source registry (to pull) and to its own (to push).
    expect(wf.jobs['copy-gke'].steps.map((s: any) => s.id).filter(Boolean)).toEqual(['ecr_source', 'gcp']);
    expect(wf.jobs['copy-aks'].steps.filter((s: any) => s.uses === DEFAULT_ACTIONS.azureLogin)).toHaveLength(1);
  });

  test('two groups with the same registry share it: no copy', () => {
    const { wf } = workflow({ registries: { gke: ContainerRegistry.ecr() } });
    expect(Object.keys(wf.jobs).filter((j) => j.startsWith('copy-'))).toEqual(['copy-aks']);
    expect(synthStep(wf, 'deliver-prod-gke').env.IMAGE_ORDERS_API).toBe(
      '${{ needs.publish.outputs.repository_orders_api }}@${{ needs.scan.outputs.digest_orders_api }}',
    );
  });

  test('no job that can get cloud credentials builds or scans, and the build and scan jobs hold nothing but a read token', () => {
    const { wf } = workflow();
    for (const [id, job] of Object.entries<any>(wf.jobs)) {
      const uses = job.steps.map((s: any) => s.uses).filter(Boolean);
      const runs = job.steps.map((s: any) => s.run ?? '').join('\n');
      if (job.permissions['id-token'] === 'write') {
        expect({
          id,
          builds: uses.includes(DEFAULT_ACTIONS.buildPush),
          scans: uses.includes(DEFAULT_ACTIONS.setupTrivy) || /\btrivy\b/.test(runs),
          npm: /\bnpm\b/.test(runs),
        }).toEqual({ id, builds: false, scans: false, npm: false });
      }
    }
    expect(
      Object.entries<any>(wf.jobs)
        .filter(([, j]) => j.permissions['id-token'])
        .map(([id]) => id),
    ).toEqual(['publish', 'copy-gke', 'copy-aks']);
    expect([wf.permissions, wf.jobs.build.permissions, wf.jobs.scan.permissions, wf.jobs.test.permissions]).toEqual(
      Array(4).fill({ contents: 'read' }),
    );
  });

  test('pull requests build and scan without credentials; only pushes to the branch publish and deliver', () => {
    const { wf } = workflow({ branch: 'trunk' });
    expect(wf.on).toEqual({ push: { branches: ['trunk'] }, pull_request: { branches: ['trunk'] }, workflow_dispatch: {} });
    expect([wf.jobs.test.if, wf.jobs.build.if, wf.jobs.scan.if]).toEqual([undefined, undefined, undefined]);
    for (const id of ['publish', 'copy-gke', ...deliverJobs(wf)]) {
      expect(wf.jobs[id].if).toMatch(/^github\.event_name != 'pull_request' && github\.ref == 'refs\/heads\/trunk'/);
    }
    expect(wf.jobs.publish.needs).toEqual(['test', 'scan']);
  });

  test('the manifests are validated with kubectl kustomize and committed, with the source commit as a trailer', () => {
    const { wf } = workflow();
    const job = wf.jobs['deliver-prod-eks'];
    expect(job.steps.at(-2).run).toContain('kubectl kustomize "dist/prod/eks"');
    const commit = job.steps.at(-1);
    expect(commit).toMatchObject({
      id: 'deliver',
      env: { DEPLOY_BRANCH: 'deploy/prod/eks', MANIFESTS: 'dist/prod/eks', GITHUB_TOKEN: '${{ github.token }}' },
    });
    expect(commit.run).toContain('-m "Source-Commit: ${GITHUB_SHA}"');
    expect(commit.run).toContain('remote push origin "HEAD:refs/heads/${DEPLOY_BRANCH}"');
    expect(job.outputs).toEqual({
      revision: '${{ steps.deliver.outputs.revision }}',
      superseded: '${{ steps.deliver.outputs.superseded }}',
    });
  });

  test('no checkout leaves the token on disk for later scripts', () => {
    const { wf } = workflow({ deliveryMode: DeliveryMode.PULL_REQUEST });
    const checkouts = steps(wf).filter(({ step }) => step.uses === DEFAULT_ACTIONS.checkout);
    expect(checkouts.length).toBeGreaterThanOrEqual(6);
    for (const { step } of checkouts) expect(step.with['persist-credentials']).toBe(false);
  });

  test('pull request delivery also may write pull requests, and opens one against the deploy branch', () => {
    const { wf } = workflow({ deliveryMode: DeliveryMode.PULL_REQUEST });
    expect(wf.jobs['deliver-prod-eks'].permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    const pr = wf.jobs['deliver-prod-eks'].steps.find((s: any) => s.uses === DEFAULT_ACTIONS.createPullRequest);
    expect(pr.with).toMatchObject({ path: '.gitops', base: 'deploy/prod/eks', branch: 'promote/prod-eks', 'add-paths': 'dist/prod/eks' });
  });
});

describe('renderWorkflow: pinned actions', () => {
  test('every third-party action is pinned to a full commit SHA, its release in a comment', () => {
    // GIVEN
    for (const overrides of [{}, { deliveryMode: DeliveryMode.PULL_REQUEST }, { healthGate: {} }]) {
      // WHEN
      const { text } = workflow(overrides);
      const uses = text
        .split('\n')
        .filter((l) => /^\s*(- )?uses: /.test(l))
        .map((l) => l.replace(/^\s*(- )?uses: /, ''));
      // THEN
      expect(uses.length).toBeGreaterThan(10);
      for (const line of uses) expect(line).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  test('the pins are one table: every role, a release, a current runtime, and where the SHA was read', () => {
    for (const [role, pin] of Object.entries(ACTION_PINS)) {
      expect({ role, ref: DEFAULT_ACTIONS[role as keyof typeof DEFAULT_ACTIONS] }).toEqual({ role, ref: `${pin.repository}@${pin.sha}` });
      expect(pin.runtime).toMatch(/^(node24|composite)$/);
      expect(pin.source).toContain(`git rev-parse ${pin.version}^{commit}`);
    }
  });

  test('the scanner is installed, not run through trivy-action, and runs with no credentials', () => {
    const { text, wf } = workflow();
    expect(text).not.toContain('aquasecurity/trivy-action');
    expect(
      steps(wf)
        .filter(({ step }) => step.uses === DEFAULT_ACTIONS.setupTrivy)
        .map(({ job }) => job),
    ).toEqual(['scan']);
  });

  test('a reviewed SHA with its release replaces a default', () => {
    const ref = 'docker/build-push-action@1dc73863535b631f98b2378be8619f83b136f4a0';
    const { text, wf } = workflow({ actions: { buildPush: `${ref} # v7.2.0` } });
    expect(wf.jobs.build.steps.filter((s: any) => s.uses === ref)).toHaveLength(3);
    expect(text).toContain(`uses: ${ref} # v7.2.0`);
  });

  test('an action on a tag, a branch or a SHA without its release is refused', () => {
    expect(() => workflow({ actions: { buildPush: 'docker/build-push-action@v7' } })).toThrow(
      "'actions.buildPush' must be 'owner/repo@<40-hex commit SHA> # <release>' (a tag or branch can be moved to other code); received \"docker/build-push-action@v7\". " +
        `Pin the commit of a release you reviewed, e.g. '${DEFAULT_ACTIONS.buildPush} # ${ACTION_PINS.buildPush.version}'.`,
    );
    expect(() => workflow({ actions: { checkout: 'actions/checkout@1dc73863535b631f98b2378be8619f83b136f4a0' } })).toThrow(
      /'actions\.checkout' must be/,
    );
  });
});

describe('renderWorkflow: promotion and concurrency', () => {
  test('each deliver job queues per target, so an approval wait holds only its own target', () => {
    const { wf } = workflow();
    for (const job of deliverJobs(wf)) {
      expect(wf.jobs[job].concurrency).toEqual({ group: `deploy-${job.replace(/^deliver-/, '')}`, 'cancel-in-progress': false });
    }
    // The run itself holds no group that a later push would wait for.
    expect(wf.concurrency.group).toBe(
      "${{ github.event_name == 'pull_request' && format('deploy-pr-{0}', github.ref) || format('deploy-{0}', github.run_id) }}",
    );
  });

  test('prod on every cloud, with or without a staging of its own, waits for every staging target', () => {
    const { wf } = workflow();
    expect(needsOf(wf.jobs['deliver-staging-eks'])).toEqual(['scan', 'publish']);
    for (const cloud of ['eks', 'gke', 'aks']) {
      const job = wf.jobs[`deliver-prod-${cloud}`];
      expect(needsOf(job)).toContain('deliver-staging-eks');
      expect(job.if).toContain("needs.deliver-staging-eks.outputs.superseded != 'true'");
      expect(job.environment).toBe('prod');
    }
  });

  test('with the health gate, prod waits until staging reports healthy on the delivered revision', () => {
    // GIVEN / WHEN
    const { wf } = workflow({ healthGate: { timeout: Duration.minutes(20) } });
    // THEN
    const verify = wf.jobs['verify-staging-eks'];
    expect(verify).toMatchObject({ needs: 'deliver-staging-eks', permissions: { statuses: 'read' }, 'timeout-minutes': 25 });
    expect(verify.steps[0].env).toEqual({
      GH_TOKEN: '${{ github.token }}',
      REVISION: '${{ needs.deliver-staging-eks.outputs.revision }}',
      CONTEXT: 'continuous-delivery/staging-eks',
      TIMEOUT_SECONDS: '1200',
    });
    expect(verify.steps[0].run).toContain('gh api "repos/${GITHUB_REPOSITORY}/commits/${REVISION}/statuses?per_page=100"');
    for (const cloud of ['eks', 'gke', 'aks']) expect(needsOf(wf.jobs[`deliver-prod-${cloud}`])).toContain('verify-staging-eks');
    expect(Object.keys(wf.jobs).filter((j) => j.startsWith('verify-'))).toEqual([
      'verify-staging-eks',
      'verify-prod-eks',
      'verify-prod-gke',
      'verify-prod-aks',
    ]);
  });

  test("the status context names the target's Application", () => {
    const { wf } = workflow({ healthGate: {}, targets: SHOP_TARGETS.map((t) => ({ ...t, application: `shop-${t.name}` })) });
    expect(wf.jobs['verify-prod-gke'].steps[0].env.CONTEXT).toBe('continuous-delivery/shop-prod-gke');
    expect(wf.jobs['verify-prod-gke'].steps[0].env.TIMEOUT_SECONDS).toBe('900');
  });

  test('the health gate needs commit delivery, and a timeout a job can hold', () => {
    expect(() => workflow({ healthGate: { timeout: Duration.seconds(30) }, deliveryMode: DeliveryMode.PULL_REQUEST })).toThrow(
      /'healthGate.timeout' must be a whole number of seconds from 1 minute to 5 hours[\s\S]*'healthGate' needs deliveryMode COMMIT/,
    );
  });
});

describe('renderWorkflow keyless sign-in per registry', () => {
  const NOT_SECRET = ['token_format', 'mask-aws-account-id'];
  const LONG_LIVED =
    /AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|aws-access-key-id|aws-secret-access-key|client-secret|creds:|credentials_json|-----BEGIN|arn:aws:/i;

  test('no long-lived key, and every secret-like input is an expression', () => {
    const { text, wf } = workflow();
    expect(text).not.toMatch(LONG_LIVED);
    for (const { step } of steps(wf)) {
      for (const [key, value] of Object.entries(step.with ?? {})) {
        if (/password|token|secret|key|role|client|tenant|subscription|provider|service_account/i.test(key) && !NOT_SECRET.includes(key)) {
          expect({ key, value }).toEqual({ key, value: expect.stringMatching(/^\$\{\{ [^}]+ \}\}$/) });
        }
      }
    }
  });

  test('ECR through an assumed role, Artifact Registry through Workload Identity Federation, ACR through a federated credential', () => {
    const { wf } = workflow({ registries: { aks: ContainerRegistry.acr({ registryName: 'acmeshop', repositoryPrefix: 'shop/' }) } });
    expect(wf.jobs.publish.steps.find((s: any) => s.uses === DEFAULT_ACTIONS.awsCredentials).with).toEqual({
      'role-to-assume': '${{ vars.AWS_ROLE_TO_ASSUME }}',
      'aws-region': '${{ vars.AWS_REGION }}',
      'mask-aws-account-id': false,
    });
    expect(wf.jobs['copy-gke'].steps.find((s: any) => s.uses === DEFAULT_ACTIONS.dockerLogin).with).toEqual({
      registry: '${{ vars.GAR_LOCATION }}-docker.pkg.dev',
      username: 'oauth2accesstoken',
      password: '${{ steps.gcp.outputs.access_token }}',
    });
    expect(wf.jobs['copy-aks'].steps.find((s: any) => s.run?.startsWith('az acr login'))).toEqual({
      name: 'Sign in to Azure Container Registry',
      run: 'az acr login --name "$ACR_NAME"',
      env: { ACR_NAME: 'acmeshop' },
    });
    expect(wf.jobs['copy-aks'].outputs.repository_inventory).toBe('acmeshop.azurecr.io/shop/inventory');
  });
});

describe('renderWorkflow errors', () => {
  test('an identity written into the workflow is refused, naming its group', () => {
    expect(() =>
      workflow({ registries: { eks: ContainerRegistry.ecr({ roleToAssume: 'arn:aws:iam::111122223333:role/deploy' }) } }),
    ).toThrow(
      "'registries.eks.roleToAssume' must be read from the 'vars' or 'secrets' context, not written into the workflow; received \"arn:aws:iam::111122223333:role/deploy\". " +
        "Store it as the repository variable AWS_ROLE_TO_ASSUME and pass '${{ vars.AWS_ROLE_TO_ASSUME }}' (the default).",
    );
  });

  test('every broken option is listed at once', () => {
    let error = '';
    try {
      renderWorkflow({
        name: 'EKS',
        services: [{ name: 'Orders' }, { name: 'inventory', dockerfile: '../Dockerfile' }],
        targets: [{ name: 'prod', environment: 'prod', manifests: 'dist/prod', deployBranch: 'deploy..eks', group: 'onprem' }],
        nodeVersion: 'lts',
      });
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toMatch(/^The workflow options of deploy-EKS are invalid:\n/);
    for (const prop of [
      'name',
      'targets[0].deployBranch',
      'registries.onprem',
      'services[0].name',
      'services[1].dockerfile',
      'nodeVersion',
    ]) {
      expect(error).toContain(`\n  [ci/deploy-EKS] '${prop}' `);
    }
  });

  test('a workflow needs at least one service and one target, each named once', () => {
    expect(() => renderWorkflow({ targets: SHOP_TARGETS, services: [] })).toThrow(
      "'services' must list at least one service; received []. Pass e.g. [{ name: 'orders-api' }].",
    );
    expect(() => renderWorkflow({ targets: SHOP_TARGETS, services: [{ name: 'a' }, { name: 'a' }] })).toThrow(
      '\'services\' must name each service once; received ["a"].',
    );
    expect(() => renderWorkflow({ targets: [], services: SERVICES })).toThrow("'targets' must list at least one target; received [].");
    expect(() => renderWorkflow({ targets: [SHOP_TARGETS[0], SHOP_TARGETS[0]], services: SERVICES })).toThrow(
      '\'targets\' must name each target once (the name is its job id); received ["staging-eks"].',
    );
  });
});
