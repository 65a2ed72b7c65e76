/**
 * The files `npx pyservice-k8s init` writes: a cdk8s app that deploys one
 * Python service to two environments with the app kit. Kept free of cdk8s
 * imports so that `init` runs before anything else is installed.
 */
import { STARTERS, StarterSnippet } from '../constructs/profiles/starters';
import { PropIssue } from '../constructs/core/validation';

const IMPORTS = 'CloudProfile, Exposure, PyserviceApp, PythonBuild, PythonMicroservice, PythonServer, RestrictedNamespace, TlsCertificate';

/** The clouds `init --cloud` accepts. */
export const STARTER_CLOUDS = Object.keys(STARTERS);

/** Options of {@link starterFiles}. */
export interface StarterOptions {
  /** npm name of the project (its folder name, usually). */
  readonly name: string;
  /** Cloud of the two environments, one of {@link STARTER_CLOUDS}. */
  readonly cloud: string;
  /** Version spec of pyservice-k8s in the new package.json, e.g. `^0.1.0` or `file:../pyservice-k8s-0.1.0.tgz`. */
  readonly librarySpec: string;
  /** Versions of the peer packages and tools, as this package was tested with them. */
  readonly versions: { readonly [pkg: string]: string };
}

/** Problems with the options, in the project's error shape. */
export function starterIssues(options: StarterOptions): PropIssue[] {
  const issues: PropIssue[] = [];
  if (!STARTER_CLOUDS.includes(options.cloud)) {
    issues.push({
      prop: '--cloud',
      rule: `must be one of ${STARTER_CLOUDS.join(', ')}`,
      received: options.cloud,
      fix: `Use e.g. --cloud ${STARTER_CLOUDS[0]}.`,
    });
  }
  if (!/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(options.name) || options.name.length > 214) {
    issues.push({
      prop: '--name',
      rule: "must be a valid npm package name (lowercase letters, digits, '-', '.', '_')",
      received: options.name,
      fix: 'Pass --name my-service, or run init in a folder with such a name.',
    });
  }
  return issues;
}

/** The starter's files, by path relative to the project folder. */
export function starterFiles(options: StarterOptions): Map<string, string> {
  const v = options.versions;
  const cloud = STARTERS[options.cloud];
  const packageJson = {
    name: options.name,
    version: '0.1.0',
    private: true,
    scripts: {
      synth: 'pyservice-k8s synth',
      test: 'tsc --noEmit && pyservice-k8s synth',
    },
    // The library's own range (its package.json): Node 21 is not supported.
    engines: { node: '>=20 <21 || >=22' },
    dependencies: {
      cdk8s: v.cdk8s,
      'cdk8s-plus-28': v['cdk8s-plus-28'],
      constructs: v.constructs,
      'pyservice-k8s': options.librarySpec,
    },
    devDependencies: {
      '@types/node': v['@types/node'],
      'cdk8s-cli': v['cdk8s-cli'],
      tsx: v.tsx,
      typescript: v.typescript,
    },
  };
  const files = new Map<string, string>();
  files.set('package.json', `${JSON.stringify(packageJson, null, 2)}\n`);
  files.set(
    'cdk8s.yaml',
    [
      'language: typescript',
      '# tsx runs main.ts without a compile step; `npm test` type-checks it.',
      'app: node --import tsx main.ts',
      '# The CLI empties this folder on every run; the app writes dist/ itself,',
      '# and only when every environment synthesized without errors.',
      'output: .cdk8s.out',
      '',
    ].join('\n'),
  );
  files.set(
    'tsconfig.json',
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          lib: ['ES2022'],
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
        },
        include: ['*.ts'],
      },
      null,
      2,
    )}\n`,
  );
  files.set('.gitignore', ['node_modules/', '.cdk8s.out/', 'dist.next/', 'dist.old/', '.env.*.local', ''].join('\n'));
  files.set('main.ts', mainTs(cloud));
  files.set('README.md', readme(options));
  return files;
}

function mainTs(cloud: StarterSnippet): string {
  const [stagingCert, prodCert] = cloud.certificates;
  const extra = (cert: string) => (cert ? `    certificate: '${cert}',\n` : '');
  return `/**
 * One Python service, deployed to two environments on ${cloud.title}.
 * \`npm run synth\` writes dist/staging and dist/prod (one file per object and a
 * kustomization each), dist/container (Dockerfile, compose.yaml) and dist/gitops, dist/ci.
 */
import { Chart } from 'cdk8s';
import { ${IMPORTS} } from 'pyservice-k8s';

/** What differs between the environments, in promotion order. */
const ENVIRONMENTS = {
  staging: {
    host: 'api.staging.example.com',
    replicas: { min: 1, max: 3 },
    profile: ${cloud.profile('staging')},
${extra(stagingCert)}  },
  prod: {
    host: 'api.example.com',
    replicas: { min: 2, max: 10 },
    profile: ${cloud.profile('prod')},
${extra(prodCert)}  },
};

const app = new PyserviceApp({
  // The image CI builds from this repository; CI replaces it with the digest it pushed (IMAGE_API).
  images: {
    api: { image: 'ghcr.io/acme/api:0.1.0', build: PythonBuild.uv({ pythonVersion: '3.12.7' }) },
  },
  delivery: { repoUrl: 'https://github.com/acme/api.git', namespace: 'api' },
});

for (const [environment, settings] of Object.entries(ENVIRONMENTS)) {
  const target = app.addTarget({ environment });
  const base = new Chart(target, 'namespace');
  new RestrictedNamespace(base, 'api');
  const chart = new Chart(target, 'api', { namespace: 'api' });
  chart.addDependency(base);
  new PythonMicroservice(chart, 'api', {
    image: target.image('api'),
    server: PythonServer.gunicornUvicorn({ app: 'api.main:app' }),
    resources: { cpu: '500m', memory: '512Mi' },
    health: { liveness: '/livez', readiness: '/readyz' },
    autoscaling: { minReplicas: settings.replicas.min, maxReplicas: settings.replicas.max },
    exposure: Exposure.PUBLIC,
    ingress: { host: settings.host, tls: ${cloud.tls} },
    profile: settings.profile,
  });
}

app.synth();
`;
}

function readme(options: StarterOptions): string {
  return `# ${options.name}

Kubernetes manifests for a Python service, generated with
[pyservice-k8s](https://www.npmjs.com/package/pyservice-k8s) from \`main.ts\`.

\`\`\`sh
npm install && npm run synth   # install, then write dist/staging and dist/prod
npm test                       # type-check main.ts and synthesize
\`\`\`

Edit \`main.ts\`: the image, the server command, the health paths, the hosts and the
cloud identities are placeholders. A mistake fails the synth with the construct
path, the prop, the value and a fix, and leaves \`dist/\` as it was.
`;
}
