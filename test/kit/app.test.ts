import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parse, parseAllDocuments } from 'yaml';
import {
  CloudProfile,
  Exposure,
  PyserviceApp,
  PyserviceAppProps,
  PythonBuild,
  PythonMicroservice,
  PythonServer,
  RestrictedNamespace,
  ValidationError,
} from 'pyservice-k8s';

const IMAGES: PyserviceAppProps['images'] = {
  api: { image: 'ghcr.io/acme/api:1.0.0', build: PythonBuild.uv({ pythonVersion: '3.12.7' }) },
};

/** What differs per environment in these tests. */
const ENVIRONMENTS: Record<string, { replicas: number; roleArn: string }> = {
  staging: { replicas: 1, roleArn: 'arn:aws:iam::444455556666:role/staging/api' },
  prod: { replicas: 3, roleArn: 'arn:aws:iam::111122223333:role/prod/api' },
};

/** The starter's shape: one service, two environments, optionally on a cloud. */
function twoEnvironments(props: Partial<PyserviceAppProps> = {}, cloud?: string): PyserviceApp {
  const app = new PyserviceApp({ images: IMAGES, env: {}, ...props });
  for (const [environment, settings] of Object.entries(ENVIRONMENTS)) {
    const target = app.addTarget({ environment, cloud });
    const ns = new Chart(target, 'namespace');
    new RestrictedNamespace(ns, 'api');
    const chart = new Chart(target, 'api', { namespace: 'api' });
    new PythonMicroservice(chart, 'api', {
      image: target.image('api'),
      server: PythonServer.gunicornUvicorn({ app: 'api.main:app' }),
      health: { liveness: '/livez', readiness: '/readyz' },
      replicas: settings.replicas,
      exposure: Exposure.INTERNAL,
      profile: CloudProfile.eks({ roleArn: settings.roleArn }),
    });
  }
  return app;
}

const objectOf = (files: Map<string, string>, file: string) => parse(files.get(file)!);

describe('PyserviceApp: targets', () => {
  test('each environment renders into its own folder with its own kustomization', () => {
    // WHEN
    const { files, errors } = twoEnvironments().render();
    // THEN
    expect(errors).toEqual([]);
    const staging = [...files.keys()].filter((f) => f.startsWith('staging/')).sort();
    expect(staging).toContain('staging/kustomization.yaml');
    expect(staging).toContain('staging/deployment-api.yaml');
    // Every object file, and not the plan beside them.
    expect(staging).toContain('staging/PLAN.md');
    expect(parse(files.get('staging/kustomization.yaml')!).resources).toEqual(
      staging.filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml')).map((f) => f.slice('staging/'.length)),
    );
    expect([...files.keys()].some((f) => f.startsWith('prod/'))).toBe(true);
  });

  test('per-environment values reach only their environment', () => {
    const { files } = twoEnvironments().render();
    expect(objectOf(files, 'staging/deployment-api.yaml').spec.replicas).toBe(1);
    expect(objectOf(files, 'prod/deployment-api.yaml').spec.replicas).toBe(3);
    expect(objectOf(files, 'staging/serviceaccount-api.yaml').metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      ENVIRONMENTS.staging.roleArn,
    );
    expect(objectOf(files, 'prod/serviceaccount-api.yaml').metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      ENVIRONMENTS.prod.roleArn,
    );
  });

  test('a cloud adds a folder level: <environment>/<cloud>', () => {
    const app = twoEnvironments({}, 'eks');
    expect(app.targets.map((t) => [t.targetName, t.folder, t.deployBranch])).toEqual([
      ['staging-eks', 'staging/eks', 'deploy/staging/eks'],
      ['prod-eks', 'prod/eks', 'deploy/prod/eks'],
    ]);
    expect([...app.render().files.keys()]).toContain('prod/eks/deployment-api.yaml');
  });

  test('the same app renders byte-identical files twice', () => {
    const a = twoEnvironments().render().files;
    const b = twoEnvironments().render().files;
    expect([...a]).toEqual([...b]);
  });
});

describe('PyserviceApp: images', () => {
  test('without an override every target deploys the image written in code', () => {
    const { files } = twoEnvironments().render();
    expect(objectOf(files, 'prod/deployment-api.yaml').spec.template.spec.containers[0].image).toBe('ghcr.io/acme/api:1.0.0');
  });

  test("IMAGE_<SERVICE> from the given env (CI's pushed digest) reaches every target", () => {
    const digest = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:${'a'.repeat(64)}`;
    const { files, errors } = twoEnvironments({ env: { IMAGE_API: digest } }).render();
    expect(errors).toEqual([]);
    for (const env of ['staging', 'prod'])
      expect(objectOf(files, `${env}/deployment-api.yaml`).spec.template.spec.containers[0].image).toBe(digest);
  });

  test('the process environment is not read when env is given', () => {
    process.env.IMAGE_API = 'ghcr.io/acme/api:latest';
    try {
      expect(twoEnvironments().render().errors).toEqual([]);
    } finally {
      delete process.env.IMAGE_API;
    }
  });

  test('an unpinned override, an override of no service and an undeclared image are errors, all at once', () => {
    // GIVEN
    const app = twoEnvironments({ env: { IMAGE_API: 'ghcr.io/acme/api:latest', IMAGE_APPI: 'ghcr.io/acme/api:1.0.1' } });
    app.targets[0].image('worker');
    // WHEN
    const { errors, files } = app.render();
    // THEN
    expect(files.size).toBe(0);
    expect(errors).toContain(
      "'IMAGE_API' must not use the mutable tag ':latest'; received \"ghcr.io/acme/api:latest\". Tag each build with its version or commit SHA, or pin the digest ('@sha256:...'). Unset IMAGE_API to deploy the image written in code.",
    );
    expect(errors).toContain(
      '\'IMAGE_APPI\' must name a service of the app (IMAGE_API); received "ghcr.io/acme/api:1.0.1". Fix the service name in the variable, or unset it.',
    );
    expect(errors).toContain(
      "'image' must name a service declared in the app's images (api); received \"worker\". Declare it: new PyserviceApp({ images: { 'worker': { image: '<registry>/<repository>:<tag>' } } }).",
    );
  });

  test('a declared image must be pinned', () => {
    const app = twoEnvironments({ images: { api: { image: 'ghcr.io/acme/api' } } });
    expect(app.render().errors[0]).toBe(
      "'images.api.image' must be pinned with a tag or a digest; received \"ghcr.io/acme/api\". Add the version you built, e.g. 'ghcr.io/acme/api:1.0.0' or 'ghcr.io/acme/api@sha256:<digest>'.",
    );
  });
});

describe('PyserviceApp: errors', () => {
  test('target names must be DNS labels and unique', () => {
    const app = new PyserviceApp({ env: {} });
    app.addTarget({ environment: 'Prod' });
    app.addTarget({ environment: 'staging', cloud: 'eks' });
    app.addTarget({ environment: 'staging', cloud: 'eks' });
    const { errors } = app.render();
    expect(errors.some((e) => e.startsWith("'targets[0].environment' must be a DNS-1123 label"))).toBe(true);
    expect(errors).toContain(
      '\'targets[2]\' must differ from an earlier target: both are \'staging/eks\'; received {"environment":"staging","cloud":"eks"}. Give each environment and cloud pair one target.',
    );
  });

  test("a target whose folder and deploy branch would sit inside another target's is refused", () => {
    // GIVEN: prod on no cloud (dist/prod, deploy/prod) and prod on one cloud (dist/prod/eks, deploy/prod/eks)
    const app = new PyserviceApp({ env: {} });
    app.addTarget({ environment: 'prod' });
    app.addTarget({ environment: 'prod', cloud: 'eks' });
    // WHEN
    const { errors, files } = app.render();
    // THEN
    expect(files.size).toBe(0);
    expect(errors).toContain(
      "'targets[1]' must not nest with targets[0]: folder 'prod' would hold 'prod/eks', and git cannot hold both branches 'deploy/prod' and 'deploy/prod/eks' " +
        '(a branch is a file under refs/heads/, so one cannot be the folder of the other: "cannot lock ref"); received {"environment":"prod","cloud":"eks"}. ' +
        "Give the target of environment 'prod' a cloud too, e.g. app.addTarget({ environment: 'prod', cloud: '<cloud>' }), or use another environment name.",
    );
  });

  test('deploy branches that nest are refused, whatever the folders', () => {
    const app = new PyserviceApp({ env: {} });
    app.addTarget({ environment: 'staging', cloud: 'eks', deployBranch: 'deploy/shop' });
    app.addTarget({ environment: 'prod', cloud: 'eks', deployBranch: 'deploy/shop/prod' });
    expect(app.render().errors).toContain(
      "'targets[1].deployBranch' must not nest with the branch 'deploy/shop' of targets[0]: git cannot hold both 'deploy/shop' and 'deploy/shop/prod' " +
        '(a branch is a file under refs/heads/: "cannot lock ref"); received "deploy/shop/prod". Use a sibling name, e.g. \'deploy/shop-prod\'.',
    );
  });

  test('sibling folders and branches that only share a prefix are fine', () => {
    const app = new PyserviceApp({ env: {} });
    app.addTarget({ environment: 'prod', cloud: 'eks' });
    app.addTarget({ environment: 'prod', cloud: 'eks2' });
    app.addTarget({ environment: 'prod2' });
    expect(app.render().errors.filter((e) => e.includes('nest'))).toEqual([]);
  });

  test('the output folder must be relative to the repository (the delivery files name it)', () => {
    expect(twoEnvironments({ outdir: '/tmp/out' }).render().errors[0]).toBe(
      "'outdir' must be a folder relative to the repository root, without '..'; received \"/tmp/out\". Use 'dist'; to write elsewhere, pass synth({ directory }).",
    );
  });

  test('an app without targets is an error', () => {
    expect(new PyserviceApp({ env: {} }).render().errors).toEqual([
      "'targets' must hold at least one target; received []. Call app.addTarget({ environment: 'prod' }) and define your charts under it.",
    ]);
  });

  test('construct errors carry the target and the construct path', () => {
    const app = new PyserviceApp({ env: {} });
    const target = app.addTarget({ environment: 'prod' });
    new PythonMicroservice(new Chart(target, 'shop'), 'api', {
      image: 'ghcr.io/acme/api:latest',
      server: PythonServer.uvicorn({ app: 'a:app' }),
      health: { readiness: '/ready' },
      profile: CloudProfile.eks(),
    });
    expect(app.render().errors).toEqual([
      "[prod] [shop/api] 'image' must not use the mutable tag ':latest'; received \"ghcr.io/acme/api:latest\". Tag each build with its version or commit SHA, or pin the digest ('@sha256:...').",
    ]);
  });
});

describe('PyserviceApp.synth', () => {
  let dir: string;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-'));
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    stderr.mockRestore();
    process.exitCode = undefined;
  });

  test('writes every file under the output folder', () => {
    const out = path.join(dir, 'dist');
    expect(twoEnvironments().synth({ directory: out })).toBe(true);
    expect(fs.readdirSync(out).sort()).toEqual(['container', 'prod', 'staging']);
    expect(fs.existsSync(path.join(out, 'container', 'api', 'Dockerfile'))).toBe(true);
  });

  test('on an error writes nothing, prints each error once, and sets the exit code', () => {
    const out = path.join(dir, 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'old');
    const ok = twoEnvironments({ env: { IMAGE_API: 'ghcr.io/acme/api:latest' } }).synth({ directory: out });
    expect(ok).toBe(false);
    expect(process.exitCode).toBe(1);
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
    const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toContain('Synthesis failed with 1 error(s); dist/ was not changed:');
    expect(printed).not.toMatch(/\n\s+at /);
  });

  test('a problem found after the manifests were written (the container files) leaves the folders as they were, and nothing beside them', () => {
    // GIVEN an output folder and the cdk8s CLI's, each with an earlier file
    const out = path.join(dir, 'dist');
    const cli = path.join(dir, '.cdk8s.out');
    for (const folder of [out, cli]) {
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'keep.txt'), 'old');
    }
    // WHEN every target renders, and then the container files name an environment no target has
    const app = twoEnvironments({ containers: { environment: 'qa' }, env: { CDK8S_OUTDIR: cli } });
    expect(app.synth({ directory: out })).toBe(false);

    // THEN the manifests written so far are gone, and both folders are unchanged
    expect(String(stderr.mock.calls.map((c) => c[0]).join(''))).toContain("'containers.environment' must name the environment of a target");
    expect(fs.readdirSync(dir).sort()).toEqual(['.cdk8s.out', 'dist']);
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
    expect(fs.readdirSync(cli)).toEqual(['keep.txt']);
  });

  test("copies the files into the cdk8s CLI's output folder when it runs the app", () => {
    const out = path.join(dir, 'dist');
    const cli = path.join(dir, '.cdk8s.out');
    twoEnvironments({ env: { CDK8S_OUTDIR: cli } }).synth({ directory: out });
    expect(fs.readFileSync(path.join(cli, 'prod', 'deployment-api.yaml'), 'utf8')).toBe(
      fs.readFileSync(path.join(out, 'prod', 'deployment-api.yaml'), 'utf8'),
    );
  });
});

describe('PyserviceApp: delivery', () => {
  const delivery = { repoUrl: 'https://github.com/acme/api.git', namespace: 'api' };

  test('an Argo CD Application and a Flux Kustomization per target, following its folder and branch', () => {
    const { files, errors } = twoEnvironments({ delivery }, 'eks').render();
    expect(errors).toEqual([]);
    const argo = parseAllDocuments(files.get('gitops/prod/eks/argocd-application.yaml')!)
      .map((d) => d.toJS())
      .find((o) => o.kind === 'Application');
    expect(argo.spec.source).toEqual({
      repoURL: 'https://github.com/acme/api.git',
      targetRevision: 'deploy/prod/eks',
      path: 'dist/prod/eks',
    });
    expect(argo.metadata.name).toBe('api-prod-eks');
  });

  test('one workflow: one build, then staging, then prod with the same scanned digests', () => {
    const { files } = twoEnvironments({ delivery }, 'eks').render();
    expect([...files.keys()].filter((f) => f.startsWith('ci/'))).toEqual(['ci/deploy.yml']);
    const wf = parse(files.get('ci/deploy.yml')!);
    expect(Object.keys(wf.jobs)).toEqual(['test', 'review', 'build', 'scan', 'publish', 'deliver-staging-eks', 'deliver-prod-eks']);
    expect(wf.jobs['deliver-staging-eks'].needs).toEqual(['scan', 'publish']);
    expect(wf.jobs['deliver-prod-eks'].needs).toEqual(['scan', 'publish', 'deliver-staging-eks']);
    expect(wf.jobs['deliver-prod-eks'].environment).toBe('prod');
    const synth = (job: string) => wf.jobs[job].steps.find((s: any) => s.run === 'npm run synth');
    expect(synth('deliver-prod-eks').env).toEqual(synth('deliver-staging-eks').env);
    expect(synth('deliver-prod-eks').env).toEqual({
      IMAGE_API: '${{ needs.publish.outputs.repository_api }}@${{ needs.scan.outputs.digest_api }}',
    });
    expect(wf.jobs.build.steps.find((s: any) => s.name === 'Build api').with.file).toBe('dist/container/api/Dockerfile');
  });

  test("targets without a cloud share the workflow, its registry inferred from the services' profiles", () => {
    const { files, errors } = twoEnvironments({ delivery }).render();
    expect(errors).toEqual([]);
    const wf = parse(files.get('ci/deploy.yml')!);
    expect(wf.name).toBe('deploy');
    expect(wf.jobs.publish.steps.some((s: any) => String(s.uses).startsWith('aws-actions/amazon-ecr-login@'))).toBe(true);
  });

  test("each target's AppProject allows the namespaces and cluster-scoped kinds of its own objects", () => {
    // GIVEN: a Namespace and a PriorityClass beside the service
    const app = twoEnvironments({ delivery }, 'eks');
    for (const target of app.targets) {
      new k8s.KubePriorityClass(new Chart(target, 'priority'), 'priority', { metadata: { name: 'api-standard' }, value: 1000 });
    }
    // WHEN
    const { files, errors } = app.render();
    // THEN
    expect(errors).toEqual([]);
    const [project, application] = parseAllDocuments(files.get('gitops/staging/eks/argocd-application.yaml')!).map((d) => d.toJS());
    expect(project.kind).toBe('AppProject');
    expect(application.spec.project).toBe(project.metadata.name);
    expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'api' }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace' },
      { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
    ]);
  });

  test('delivery errors are reported with the rest, and nothing is rendered', () => {
    const { files, errors } = twoEnvironments({ delivery: { ...delivery, repoUrl: 'ftp://example.com/x' } }).render();
    expect(files.size).toBe(0);
    expect(errors.some((e) => e.startsWith("[gitops/staging] [argocd/api-staging] 'delivery.repoUrl'"))).toBe(true);
  });

  test('every error is a ValidationError when thrown', () => {
    expect(new ValidationError('summary', ['a', 'b']).message).toBe('summary\n  a\n  b');
  });
});
