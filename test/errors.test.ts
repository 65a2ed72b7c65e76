import { App, Chart, Duration, Testing } from 'cdk8s';
import { render } from '../src/synth';
import { CloudProfile, NetworkPeer, PythonMicroservice, PythonServer, SecretEnv } from './support/internals';
import { baseProps, synthError } from './support/synth';
import { testChart } from './support/cdk8s-testing';

// Each row: a bad input, and the parts its message must contain: the construct
// path, the prop, the echoed value, the rule, and a fix.
const CASES: Array<[string, Parameters<typeof synthError>[0], string[]]> = [
  [
    'unpinned image',
    { image: 'ghcr.io/acme/orders-api' },
    ["'image' must be pinned with a tag or a digest", 'received "ghcr.io/acme/orders-api"', "e.g. 'ghcr.io/acme/orders-api:1.0.0'"],
  ],
  [
    ':latest image',
    { image: 'ghcr.io/acme/orders-api:latest' },
    ["'image' must not use the mutable tag ':latest'", 'received "ghcr.io/acme/orders-api:latest"', 'pin the digest'],
  ],
  ['malformed image', { image: 'GHCR.io/Acme/Orders API:1' }, ["'image' must be a container image reference"]],
  [
    'invalid DNS-1123 name',
    { name: 'Orders_API' },
    ["'name' must be a DNS-1123 label", 'received "Orders_API"', "Use a name like 'orders-api'"],
  ],
  ['port out of range', { port: 70000 }, ["'port' must be a whole number from 1024 to 65535", 'received 70000']],
  ['privileged port', { port: 80 }, ["'port' must be a whole number from 1024 to 65535", 'received 80', 'Listen on 8000']],
  ['unparseable CPU', { resources: { cpu: '2 cores' } }, ["'resources.cpu' must be a Kubernetes CPU quantity", 'received "2 cores"']],
  ['memory unit on CPU', { resources: { cpu: '512Mi' } }, ["'resources.cpu' must be in cores or millicores", 'received "512Mi"']],
  ['unparseable memory', { resources: { memory: 'lots' } }, ["'resources.memory' must be a Kubernetes memory quantity", 'received "lots"']],
  ['milli-bytes memory', { resources: { memory: '512m' } }, ["'resources.memory' uses the milli suffix 'm'", "did you mean '512Mi'?"]],
  [
    'memory limit below request',
    { resources: { memory: '1Gi', memoryLimit: '512Mi' } },
    ["'resources.memoryLimit' must be at least the memory request (1Gi)", 'received "512Mi"'],
  ],
  [
    'CPU limit below request',
    { resources: { cpu: '1', cpuLimit: '500m' } },
    ["'resources.cpuLimit' must be at least the CPU request (1)", 'received "500m"'],
  ],
  [
    'minReplicas > maxReplicas',
    { autoscaling: { minReplicas: 11, maxReplicas: 10 } },
    ["'autoscaling.minReplicas' must be less than or equal to 'autoscaling.maxReplicas' (10)", 'received 11'],
  ],
  [
    'target utilization 0',
    { autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0 } },
    ["'autoscaling.targetCpuUtilization' must be a whole percentage from 1 to 100", 'received 0'],
  ],
  [
    'target utilization 150',
    { autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 150 } },
    ["'autoscaling.targetCpuUtilization' must be a whole percentage from 1 to 100", 'received 150'],
  ],
  [
    'replicas with autoscaling',
    { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 10 } },
    ["'replicas' must not be set together with autoscaling"],
  ],
  [
    'probe path without /',
    { health: { readiness: 'readyz' } },
    ["'health.readiness' must be an absolute HTTP path starting with '/'", 'received "readyz"'],
  ],
  [
    'liveness equal to readiness',
    { health: { readiness: '/health', liveness: '/health' } },
    ["'health.liveness' must differ from health.readiness"],
  ],
  [
    'PASSWORD in config',
    { config: { DB_PASSWORD: 'hunter2' } },
    [
      "'config.DB_PASSWORD' looks like a secret (its name contains 'PASSWORD')",
      "SecretEnv.fromExisting('<secret>', { DB_PASSWORD: '<key>' })",
    ],
  ],
  ['TOKEN in env', { env: { GITHUB_TOKEN: 'x' } }, ["'env.GITHUB_TOKEN' looks like a secret (its name contains 'TOKEN')"]],
  ['SECRET in config', { config: { DJANGO_SECRET_KEY: 'x' } }, ["'config.DJANGO_SECRET_KEY' looks like a secret"]],
  ['KEY in config', { config: { STRIPE_API_KEY: 'x' } }, ["'config.STRIPE_API_KEY' looks like a secret (its name contains 'KEY')"]],
  [
    'password inside a URL',
    { config: { DATABASE_URL: 'postgres://app:s3cret@db:5432/app' } },
    ["'config.DATABASE_URL' looks like a secret (its value is a URL with a password in it)"],
  ],
  [
    'duplicate env across config and env',
    { config: { LOG_LEVEL: 'info' }, env: { LOG_LEVEL: 'debug' } },
    ["'env' must not define an env var that config already defines", 'received "LOG_LEVEL"'],
  ],
  [
    'duplicate env with a secret',
    { config: { DATABASE_HOST: 'db' }, secrets: [SecretEnv.fromExisting('db', { DATABASE_HOST: 'host' })] },
    ["'secrets[0]' must not define an env var that config already defines", 'received "DATABASE_HOST"'],
  ],
  [
    'env that shadows the derived WEB_CONCURRENCY',
    { env: { WEB_CONCURRENCY: '8' } },
    ["'env' must not define an env var that the runtime (derived from server and resources) already defines", 'received "WEB_CONCURRENCY"'],
  ],
  [
    'role ARN that is not an ARN',
    { profile: CloudProfile.eks({ roleArn: 'orders-role' }) },
    ["'profile.roleArn' must be an IAM role ARN", 'received "orders-role"'],
  ],
  [
    'GCP service account that is not an email',
    { profile: CloudProfile.gke({ serviceAccount: 'orders-api' }) },
    ["'profile.serviceAccount' must be a Google service account email", 'received "orders-api"'],
  ],
  [
    'Azure client ID that is not a GUID',
    { profile: CloudProfile.aks({ clientId: 'orders' }) },
    ["'profile.clientId' must be a GUID", 'received "orders"'],
  ],
  [
    'secret name that is not a DNS name',
    { secrets: [SecretEnv.fromExisting('Orders DB', { DATABASE_URL: 'url' })] },
    ["'secrets[0].secretName' must be a DNS-1123 subdomain", 'received "Orders DB"'],
  ],
  [
    'bad app spec',
    { server: PythonServer.uvicorn({ app: 'orders main' }) },
    ["'server.app' must be a Python import path 'module:attribute'", 'received "orders main"'],
  ],
  [
    'grace period that cuts requests off',
    { terminationGracePeriod: Duration.seconds(10) },
    [
      "'terminationGracePeriod' must cover the drain delay (5s) plus the server's graceful timeout (30s)",
      'received 10',
      'Duration.seconds(40)',
    ],
  ],
  [
    'CIDR without a mask',
    { allowEgressTo: [NetworkPeer.cidr('10.0.0.1')] },
    ['\'allowEgressTo[0]\' must be CIDR notation with a mask; received "10.0.0.1". Did you mean "10.0.0.1/32"?'],
  ],
];

describe('bad input fails at synth with path, prop, value, rule and fix', () => {
  test.each(CASES)('%s', (_name, overrides, parts) => {
    // GIVEN / WHEN
    const message = synthError(overrides);

    // THEN
    expect(message).toMatch(/\[test\/orders-api\] /);
    for (const part of parts) expect(message).toContain(part);
  });

  test('every error of a synth is reported at once', () => {
    const message = synthError({ image: 'x', port: 1, resources: { cpu: 'lots' }, autoscaling: { minReplicas: 5, maxReplicas: 2 } });
    expect(message).toContain("'image'");
    expect(message).toContain("'port'");
    expect(message).toContain("'resources.cpu'");
    expect(message).toContain("'autoscaling.minReplicas'");
  });

  test('errors of several services are all reported, each with its own path', () => {
    const chart = testChart();
    new PythonMicroservice(chart, 'a', baseProps({ image: 'a' }));
    new PythonMicroservice(chart, 'b', baseProps({ port: 5 }));
    expect(() => Testing.synth(chart)).toThrow(/\[test\/a\] 'image'[\s\S]*\[test\/b\] 'port'/);
  });

  test('missing required props (as from JavaScript) are reported, not a crash', () => {
    const chart = testChart();
    new PythonMicroservice(chart, 'svc', {} as any);
    const message = (() => {
      try {
        Testing.synth(chart);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    for (const prop of ['image', 'server', 'health', 'profile'])
      expect(message).toContain(`[test/svc] '${prop}' is required; received nothing.`);
  });

  test('two services with the same name in one namespace are an error', () => {
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new PythonMicroservice(chart, 'orders-api', baseProps());
    new PythonMicroservice(chart, 'orders-v2', baseProps({ name: 'orders-api' }));
    const result = render([{ cloud: 'eks', app }]);
    expect(result.errors).toContain(
      "[eks] [shop/orders-v2/Deployment] Deployment 'orders-api' is also defined by shop/orders-api/Deployment; Kubernetes would keep only one of them. Give one of them another name (the 'name' prop) or put it in another namespace.",
    );
    expect(result.files.size).toBe(0);
  });

  test('a name that looks secret can be vouched for with notSecret', () => {
    const chart = testChart();
    new PythonMicroservice(chart, 'svc', baseProps({ config: { CACHE_KEY_PREFIX: 'orders' }, notSecret: ['CACHE_KEY_PREFIX'] }));
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});
