import { parse } from 'yaml';
import { DEFAULT_ACTIONS } from '../../src/ci/actions';
import { ContainerRegistry } from '../../src/ci/registry';
import { DeliveryMode, renderWorkflow, WorkflowOptions } from '../../src/ci/workflow';
import { validateWorkflow } from './support';

const SERVICES = [{ name: 'orders-api' }, { name: 'inventory' }, { name: 'recommendations' }];

/** One target per cloud, as the example has for prod. */
function targets(cloud: string) {
  return [{ name: `prod-${cloud}`, environment: 'prod', manifests: `dist/prod/${cloud}`, deployBranch: `deploy/prod/${cloud}` }];
}

function workflow(overrides: Partial<WorkflowOptions> & { cloud?: string } = {}): { text: string; wf: any } {
  const cloud = overrides.cloud ?? 'eks';
  const text = renderWorkflow({ name: cloud, targets: targets(cloud), services: SERVICES, ...overrides });
  return { text, wf: parse(text) };
}

const DELIVER = 'deliver-prod-eks';

/** Every step of every job, with its job name. */
function steps(wf: any): Array<{ job: string; step: any }> {
  return Object.entries(wf.jobs).flatMap(([job, j]: [string, any]) => j.steps.map((step: any) => ({ job, step })));
}

describe('renderWorkflow', () => {
  test.each([
    ['eks', {}],
    ['gke', { cloud: 'gke' }],
    ['aks', { cloud: 'aks' }],
    ['pull request delivery', { deliveryMode: DeliveryMode.PULL_REQUEST }],
  ])('validates against the GitHub workflow schema: %s', (_name, overrides) => {
    const { wf } = workflow(overrides as Partial<WorkflowOptions>);
    expect(validateWorkflow(wf)).toEqual([]);
  });

  test('runs on pushes to the branch and checks pull requests against it', () => {
    const { wf } = workflow({ branch: 'trunk' });
    expect(wf.on).toEqual({ push: { branches: ['trunk'] }, pull_request: { branches: ['trunk'] }, workflow_dispatch: {} });
    expect(wf.jobs.publish.if).toBe('github.event_name != \'pull_request\' && github.ref == \'refs/heads/trunk\'');
    expect(wf.jobs[DELIVER].if).toBe(wf.jobs.publish.if);
    expect(wf.jobs.test.if).toBeUndefined();
    expect(wf.jobs.scan.if).toBeUndefined();
  });

  test('installs and tests first, then scans, publishes and delivers in order', () => {
    const { wf } = workflow();
    expect(wf.jobs.test.steps.map((s: any) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm test']);
    expect([wf.jobs.scan.needs, wf.jobs.publish.needs, wf.jobs[DELIVER].needs]).toEqual(['test', 'scan', 'publish']);
  });

  test('targets are delivered in promotion order, each in its GitHub environment, from one build', () => {
    const { wf } = workflow({
      targets: [
        { name: 'staging-eks', environment: 'staging', manifests: 'dist/staging/eks', deployBranch: 'deploy/staging/eks' },
        ...targets('eks'),
      ],
    });
    expect(Object.keys(wf.jobs)).toEqual(['test', 'scan', 'publish', 'deliver-staging-eks', 'deliver-prod-eks']);
    expect(wf.jobs['deliver-staging-eks']).toMatchObject({ needs: 'publish', environment: 'staging' });
    expect(wf.jobs['deliver-prod-eks']).toMatchObject({ needs: ['publish', 'deliver-staging-eks'], environment: 'prod' });
    expect(wf.jobs['deliver-prod-eks'].steps.at(-1).env).toMatchObject({ DEPLOY_BRANCH: 'deploy/prod/eks', MANIFESTS: 'dist/prod/eks' });
    expect(validateWorkflow(wf)).toEqual([]);
  });

  test('OIDC: only the publish job may request an id token, and only deliver may write', () => {
    const { wf } = workflow();
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.test.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.scan.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.publish.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    expect(wf.jobs[DELIVER].permissions).toEqual({ contents: 'write' });
  });

  test('pull request delivery also may write pull requests, and opens one against the deploy branch', () => {
    const { wf } = workflow({ deliveryMode: DeliveryMode.PULL_REQUEST });
    expect(wf.jobs[DELIVER].permissions).toEqual({ 'contents': 'write', 'pull-requests': 'write' });
    const pr = wf.jobs[DELIVER].steps.find((s: any) => s.uses === DEFAULT_ACTIONS.createPullRequest);
    expect(pr.with).toMatchObject({ 'path': '.gitops', 'base': 'deploy/prod/eks', 'branch': 'promote/prod-eks', 'add-paths': 'dist/prod/eks' });
  });

  test('Trivy scans every image, fails on fixable HIGH and CRITICAL findings, before anything is pushed', () => {
    const { wf } = workflow();
    const scans = wf.jobs.scan.steps.filter((s: any) => s.uses === DEFAULT_ACTIONS.trivy);
    expect(scans.map((s: any) => s.with['image-ref'])).toEqual(SERVICES.map((s) => `scan/${s.name}:\${{ github.sha }}`));
    for (const scan of scans) {
      expect(scan.with).toMatchObject({ 'severity': 'HIGH,CRITICAL', 'exit-code': '1', 'ignore-unfixed': true, 'version': 'v0.69.3' });
    }
    expect(DEFAULT_ACTIONS.trivy).toMatch(/^aquasecurity\/trivy-action@[0-9a-f]{40}$/);
    expect(steps(wf).filter(({ step }) => step.uses === DEFAULT_ACTIONS.trivy).every(({ job }) => job === 'scan')).toBe(true);
  });

  test('the scanned build feeds the push through the build cache', () => {
    const { wf } = workflow();
    const scanBuild = wf.jobs.scan.steps.find((s: any) => s.name === 'Build orders-api');
    const push = wf.jobs.publish.steps.find((s: any) => s.id === 'build_orders_api');
    expect(scanBuild.with).toMatchObject({ 'file': 'dist/container/orders-api/Dockerfile', 'load': true, 'push': false, 'cache-to': 'type=gha,mode=max,scope=orders-api' });
    expect(push.with).toMatchObject({ 'file': 'dist/container/orders-api/Dockerfile', 'push': true, 'cache-from': 'type=gha,scope=orders-api' });
    expect(push.uses).toBe(DEFAULT_ACTIONS.buildPush);
  });

  test('the pushed digest of every service reaches the synth as IMAGE_<SERVICE>', () => {
    const { wf } = workflow();
    const synth = wf.jobs[DELIVER].steps.find((s: any) => s.run === 'npm run synth');
    for (const [name, variable] of [['orders-api', 'IMAGE_ORDERS_API'], ['inventory', 'IMAGE_INVENTORY'], ['recommendations', 'IMAGE_RECOMMENDATIONS']]) {
      const key = name.replace(/-/g, '_');
      expect(wf.jobs.publish.outputs[variable]).toBe(`\${{ steps.ecr.outputs.registry }}/${name}@\${{ steps.build_${key}.outputs.digest }}`);
      expect(wf.jobs.publish.steps.some((s: any) => s.id === `build_${key}`)).toBe(true);
      expect(synth.env[variable]).toBe(`\${{ needs.publish.outputs.${variable} }}`);
    }
    expect(Object.keys(synth.env)).toHaveLength(3);
  });

  test('the manifests are validated with kubectl kustomize and committed to the deploy branch only', () => {
    const { wf } = workflow();
    const names = wf.jobs[DELIVER].steps.map((s: any) => s.name ?? s.uses ?? s.run);
    expect(names.slice(-2)).toEqual(['Validate dist/prod/eks', 'Commit dist/prod/eks to deploy/prod/eks']);
    expect(wf.jobs[DELIVER].steps.at(-2).run).toContain('kubectl kustomize "dist/prod/eks"');
    const commit = wf.jobs[DELIVER].steps.at(-1);
    expect(commit.env).toEqual({ DEPLOY_BRANCH: 'deploy/prod/eks', MANIFESTS: 'dist/prod/eks', GITHUB_TOKEN: '${{ github.token }}' });
    expect(commit.run).toContain('remote push origin "HEAD:refs/heads/${DEPLOY_BRANCH}"');
  });

  test('no step leaves the token on disk for later scripts', () => {
    const { wf } = workflow();
    const checkouts = steps(wf).filter(({ step }) => step.uses === DEFAULT_ACTIONS.checkout);
    expect(checkouts.length).toBeGreaterThanOrEqual(4);
    for (const { step } of checkouts) expect(step.with['persist-credentials']).toBe(false);
  });

  test('every action is pinned to a version tag or a commit SHA', () => {
    for (const cloud of ['eks', 'gke', 'aks']) {
      const { wf } = workflow({ cloud, deliveryMode: DeliveryMode.PULL_REQUEST });
      for (const { step } of steps(wf).filter(({ step: s }) => s.uses)) {
        expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/);
      }
    }
  });

  test('the SHA-pinned scanner carries its version as a comment', () => {
    expect(workflow().text).toContain(`uses: ${DEFAULT_ACTIONS.trivy} # v0.35.0`);
  });
});

describe('renderWorkflow keyless sign-in per cloud', () => {
  const NOT_SECRET = ['token_format', 'mask-aws-account-id'];
  const LONG_LIVED = /AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|aws-access-key-id|aws-secret-access-key|client-secret|creds:|credentials_json|-----BEGIN|arn:aws:/i;

  test.each(['eks', 'gke', 'aks'])('%s: no long-lived key, and every secret-like input is an expression', (cloud) => {
    const { text, wf } = workflow({ cloud });
    expect(text).not.toMatch(LONG_LIVED);
    for (const { step } of steps(wf)) {
      for (const [key, value] of Object.entries(step.with ?? {})) {
        // token_format and mask-aws-account-id are switches, not values that identify anyone.
        if (/password|token|secret|key|role|client|tenant|subscription|provider|service_account/i.test(key) && !NOT_SECRET.includes(key)) {
          expect({ key, value }).toEqual({ key, value: expect.stringMatching(/^\$\{\{ [^}]+ \}\}$/) });
        }
      }
    }
  });

  test('eks: ECR through an assumed role from repository variables', () => {
    const { wf } = workflow();
    const aws = wf.jobs.publish.steps.find((s: any) => s.uses === DEFAULT_ACTIONS.awsCredentials);
    expect(aws.with).toEqual({ 'role-to-assume': '${{ vars.AWS_ROLE_TO_ASSUME }}', 'aws-region': '${{ vars.AWS_REGION }}', 'mask-aws-account-id': false });
    expect(wf.jobs.publish.steps.find((s: any) => s.id === 'ecr').uses).toBe(DEFAULT_ACTIONS.ecrLogin);
  });

  test('gke: Artifact Registry through Workload Identity Federation', () => {
    const { wf } = workflow({ cloud: 'gke' });
    const auth = wf.jobs.publish.steps.find((s: any) => s.uses === DEFAULT_ACTIONS.googleAuth);
    expect(auth.with).toEqual({
      workload_identity_provider: '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}', service_account: '${{ vars.GCP_SERVICE_ACCOUNT }}', token_format: 'access_token',
    });
    const login = wf.jobs.publish.steps.find((s: any) => s.uses === DEFAULT_ACTIONS.dockerLogin);
    expect(login.with).toEqual({ registry: '${{ vars.GAR_LOCATION }}-docker.pkg.dev', username: 'oauth2accesstoken', password: '${{ steps.gcp.outputs.access_token }}' });
    expect(wf.jobs.publish.outputs.IMAGE_ORDERS_API).toBe(
      '${{ vars.GAR_LOCATION }}-docker.pkg.dev/${{ vars.GCP_PROJECT_ID }}/${{ vars.GAR_REPOSITORY }}/orders-api@${{ steps.build_orders_api.outputs.digest }}',
    );
  });

  test('aks: ACR through a federated credential, the registry name passed through env', () => {
    const { wf } = workflow({ cloud: 'aks', registry: ContainerRegistry.acr({ registryName: 'acmeshop', repositoryPrefix: 'shop/' }) });
    const login = wf.jobs.publish.steps.find((s: any) => s.uses === DEFAULT_ACTIONS.azureLogin);
    expect(login.with).toEqual({ 'client-id': '${{ vars.AZURE_CLIENT_ID }}', 'tenant-id': '${{ vars.AZURE_TENANT_ID }}', 'subscription-id': '${{ vars.AZURE_SUBSCRIPTION_ID }}' });
    const acr = wf.jobs.publish.steps.find((s: any) => s.run?.startsWith('az acr login'));
    expect(acr).toEqual({ name: 'Sign in to Azure Container Registry', run: 'az acr login --name "$ACR_NAME"', env: { ACR_NAME: 'acmeshop' } });
    expect(wf.jobs.publish.outputs.IMAGE_INVENTORY).toBe('acmeshop.azurecr.io/shop/inventory@${{ steps.build_inventory.outputs.digest }}');
  });
});

describe('renderWorkflow errors', () => {
  test('an identity written into the workflow is refused', () => {
    expect(() => workflow({ registry: ContainerRegistry.ecr({ roleToAssume: 'arn:aws:iam::111122223333:role/deploy' }) })).toThrow(
      '\'registry.roleToAssume\' must be read from the \'vars\' or \'secrets\' context, not written into the workflow; received "arn:aws:iam::111122223333:role/deploy". ' +
      'Store it as the repository variable AWS_ROLE_TO_ASSUME and pass \'${{ vars.AWS_ROLE_TO_ASSUME }}\' (the default).',
    );
  });

  test('an action on a moving branch is refused', () => {
    expect(() => workflow({ actions: { trivy: 'aquasecurity/trivy-action@master' } })).toThrow(
      '\'actions.trivy\' must be \'owner/repo@<40-hex commit SHA>\' or a version tag like \'@v4\'; received "aquasecurity/trivy-action@master". ' +
      `Pin it, e.g. '${DEFAULT_ACTIONS.trivy}'; a branch like '@main' runs whatever was pushed last.`,
    );
  });

  test('a reviewed SHA replaces a default', () => {
    const sha = 'docker/build-push-action@1dc73863535b631f98b2378be8619f83b136f4a0';
    const { wf } = workflow({ actions: { buildPush: sha } });
    expect(wf.jobs.publish.steps.filter((s: any) => s.uses === sha)).toHaveLength(3);
  });

  test('every broken option is listed at once', () => {
    const error = (() => {
      try {
        renderWorkflow({
          name: 'EKS', services: [{ name: 'Orders' }, { name: 'inventory', dockerfile: '../Dockerfile' }],
          targets: [{ name: 'prod', environment: 'prod', manifests: 'dist/prod', deployBranch: 'deploy..eks' }], nodeVersion: 'lts',
        });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected an error');
    })();
    expect(error).toMatch(/^The workflow options of deploy-EKS are invalid:\n/);
    for (const prop of ['name', 'targets[0].deployBranch', 'registry', 'services[0].name', 'services[1].dockerfile', 'nodeVersion']) {
      expect(error).toContain(`\n  [ci/deploy-EKS] '${prop}' `);
    }
  });

  test('a workflow needs at least one service, each once', () => {
    expect(() => renderWorkflow({ name: 'eks', targets: targets('eks'), services: [] })).toThrow('\'services\' must list at least one service; received []. Pass e.g. [{ name: \'orders-api\' }].');
    expect(() => renderWorkflow({ name: 'eks', targets: targets('eks'), services: [{ name: 'a' }, { name: 'a' }] })).toThrow('\'services\' must name each service once; received ["a"].');
    expect(() => renderWorkflow({ name: 'eks', targets: [], services: SERVICES })).toThrow('\'targets\' must list at least one target; received [].');
  });
});
