/**
 * `$(VAR)` references in env values, checked against Kubernetes' documented
 * rules: the kubelet expands a reference only to a variable defined EARLIER in
 * the container's env list (or by an envFrom source, read first), keeps an
 * unresolved one as literal text, and reads `$$` as a literal `$`
 * (https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/).
 * `kubeletEnv` below follows kubelet's makeEnvironmentVariables and expansion.Expand.
 */
import { Testing } from 'cdk8s';
import { EnvFrom, PythonMicroservice, PythonWorker, SecretEnv, WorkerCommand, WorkerLiveness } from 'pyservice-k8s';
import { envReferences } from '../../constructs/pod/env-references';
import { appContainer, baseProps, chartError, find, synthService } from '../support/synth';
import { testChart } from '../support/cdk8s-testing';

/** expansion.Expand: `$$` is `$`, `$(NAME)` is the mapped value or the text itself, an unclosed `$(` is text. */
function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) {
      out += input[i];
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(' && input.indexOf(')', i + 2) >= 0) {
      const close = input.indexOf(')', i + 2);
      const name = input.slice(i + 2, close);
      out += lookup(name) ?? `$(${name})`;
      i = close;
    } else {
      out += `$${next}`;
      i++;
    }
  }
  return out;
}

/** makeEnvironmentVariables: envFrom first (never expanded), then env in order, each value expanded with what came before. */
function kubeletEnv(container: any, sources: { configMaps?: Record<string, any>; secrets?: Record<string, any> } = {}) {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const data = from.configMapRef ? sources.configMaps?.[from.configMapRef.name] : sources.secrets?.[from.secretRef.name];
    Object.assign(env, data ?? {});
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = expand(e.value, (n) => env[n]);
    else if (e.valueFrom?.secretKeyRef) env[e.name] = sources.secrets?.[e.valueFrom.secretKeyRef.name]?.[e.valueFrom.secretKeyRef.key];
  }
  return env;
}

describe('the model of the kubelet agrees with the documented example', () => {
  test("the page's pod: UNCHANGED_REFERENCE keeps $(PROTOCOL), SERVICE_ADDRESS resolves, ESCAPED_REFERENCE is literal", () => {
    // GIVEN the env list of the documentation's example pod, in its order
    const env = [
      { name: 'SERVICE_PORT', value: '80' },
      { name: 'SERVICE_IP', value: '172.17.0.1' },
      { name: 'UNCHANGED_REFERENCE', value: '$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)' },
      { name: 'PROTOCOL', value: 'https' },
      { name: 'SERVICE_ADDRESS', value: '$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)' },
      { name: 'ESCAPED_REFERENCE', value: '$$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)' },
    ];

    // WHEN / THEN: the output the page shows
    expect(kubeletEnv({ env })).toMatchObject({
      UNCHANGED_REFERENCE: '$(PROTOCOL)://172.17.0.1:80',
      SERVICE_ADDRESS: 'https://172.17.0.1:80',
      ESCAPED_REFERENCE: '$(PROTOCOL)://172.17.0.1:80',
    });
  });

  test('envReferences reads references as the expansion does', () => {
    expect(envReferences('$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)')).toEqual(['PROTOCOL', 'SERVICE_IP', 'SERVICE_PORT']);
    expect(envReferences('$$(PROTOCOL)://$(SERVICE_IP)')).toEqual(['SERVICE_IP']);
    expect(envReferences('$$$(A)')).toEqual(['A']);
    expect(envReferences('cost: $5, $(unclosed')).toEqual([]);
  });
});

describe('env vars are ordered so that every reference resolves', () => {
  const secrets = { 'orders-db': { username: 'orders', password: 's3cret' } };

  test('a URL built from secret variables defined after it is moved after them, and resolves in the pod', () => {
    // GIVEN an env value naming two variables of a Secret (the secrets come after env in the list)
    const { objects } = synthService({
      env: { DATABASE_URL: 'postgresql://$(DB_USER):$(DB_PASSWORD)@db:5432/orders', LOG_LEVEL: 'info' },
      secrets: [SecretEnv.fromExisting('orders-db', { DB_USER: 'username', DB_PASSWORD: 'password' })],
    });

    // WHEN
    const app = appContainer(find(objects, 'Deployment'));
    const names = app.env.map((e: any) => e.name);

    // THEN the secrets come first, the rest keeps its order, and the kubelet's expansion resolves the URL
    expect(names.indexOf('DB_USER')).toBeLessThan(names.indexOf('DATABASE_URL'));
    expect(names.indexOf('DB_PASSWORD')).toBeLessThan(names.indexOf('DATABASE_URL'));
    expect(names.indexOf('DATABASE_URL')).toBeLessThan(names.indexOf('LOG_LEVEL'));
    expect(kubeletEnv(app, { secrets }).DATABASE_URL).toBe('postgresql://orders:s3cret@db:5432/orders');
  });

  test('without references the order is exactly as before (manifests do not change)', () => {
    const env = { B_SETTING: '1', A_SETTING: '2', ESCAPED: '$$(NOT_A_REFERENCE)' };
    const app = appContainer(find(synthService({ env }).objects, 'Deployment'));
    const names = app.env.map((e: any) => e.name);
    expect(names.slice(names.indexOf('B_SETTING'))).toEqual(['B_SETTING', 'A_SETTING', 'ESCAPED']);
    expect(kubeletEnv(app).ESCAPED).toBe('$(NOT_A_REFERENCE)');
  });

  test("a reference to a config value resolves through the app's ConfigMap, read first", () => {
    const { objects } = synthService({ config: { DB_HOST: 'db.shop' }, env: { DATABASE_URL: 'postgresql://$(DB_HOST)/orders' } });
    const app = appContainer(find(objects, 'Deployment'));
    const configMap = find(objects, 'ConfigMap');
    expect(kubeletEnv(app, { configMaps: { [configMap.metadata.name]: configMap.data } }).DATABASE_URL).toBe('postgresql://db.shop/orders');
  });

  test("a sidecar's own env may name the app's secrets; its order is fixed the same way", () => {
    const { objects } = synthService({
      secrets: [SecretEnv.fromExisting('orders-db', { DB_PASSWORD: 'password' })],
      sidecars: [{ name: 'exporter', env: { DATA_SOURCE_NAME: 'postgresql://orders:$(DB_PASSWORD)@db/orders' } }],
    });
    const sidecar = find(objects, 'Deployment').spec.template.spec.containers.find((c: any) => c.name === 'exporter');
    expect(kubeletEnv(sidecar, { secrets }).DATA_SOURCE_NAME).toBe('postgresql://orders:s3cret@db/orders');
  });
});

describe('references that cannot work are refused, with a fix', () => {
  test('a name nothing defines', () => {
    const error = chartError((chart) => new PythonMicroservice(chart, 'svc', baseProps({ env: { URL: 'http://$(HOST)/' } })));
    expect(error).toContain(
      "[test/svc] 'env.URL' refers to $(HOST), which no env var of the container defines (Kubernetes would keep the text '$(HOST)'); received \"http://$(HOST)/\". Define HOST (env, config or secrets), or write $$(HOST) for the literal text.",
    );
  });

  test('a cycle', () => {
    const error = chartError((chart) => new PythonMicroservice(chart, 'svc', baseProps({ env: { A_URL: '$(B_URL)', B_URL: '$(A_URL)' } })));
    expect(error).toContain("'env.A_URL' must not refer to itself through other env vars (A_URL -> B_URL -> A_URL)");
  });

  test('a config value naming another variable: envFrom values are never expanded', () => {
    const error = chartError(
      (chart) =>
        new PythonMicroservice(
          chart,
          'svc',
          baseProps({
            config: { DATABASE_URL: 'postgresql://$(DB_PASSWORD)@db' },
            secrets: [SecretEnv.fromExisting('orders-db', { DB_PASSWORD: 'password' })],
          }),
        ),
    );
    expect(error).toContain("'config.DATABASE_URL' refers to $(DB_PASSWORD), but config values reach the container through envFrom");
    expect(error).toContain('Move DATABASE_URL to env');
  });

  test('an existing Secret read whole (envFrom) may define the name: accepted', () => {
    const { objects } = synthService({ envFrom: [EnvFrom.secret('orders-env')], env: { URL: 'http://$(HOST)/' } });
    const app = appContainer(find(objects, 'Deployment'));
    expect(kubeletEnv(app, { secrets: { 'orders-env': { HOST: 'api' } } }).URL).toBe('http://api/');
  });

  test("the app's mistake is reported once, by the app, not again by each worker", () => {
    const error = chartError((chart) => {
      const app = new PythonMicroservice(chart, 'svc', baseProps({ env: { URL: 'http://$(HOST)/' } }));
      new PythonWorker(chart, 'worker', {
        app,
        command: WorkerCommand.command(['python', '-m', 'worker']),
        liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
      });
    });
    expect(error.match(/refers to \$\(HOST\)/g)).toHaveLength(1);
    expect(error).not.toContain('[test/worker]');
  });
});

test('the rendered example: synthesis leaves a chart valid', () => {
  const chart = testChart();
  new PythonMicroservice(chart, 'svc', baseProps({ env: { A: '$(B)', B: 'x' } }));
  const env = appContainer(find(Testing.synth(chart), 'Deployment')).env.map((e: any) => e.name);
  expect(env.indexOf('B')).toBeLessThan(env.indexOf('A'));
});
