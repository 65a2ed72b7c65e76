import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration } from 'cdk8s';
import { PyserviceApp, PythonBuild, PythonMicroservice, ValidationError } from 'pyservice-k8s';
import { BadInput, CASES, good } from './cases';

/** Messages that would mean a dependency's internals reached the user. */
const INTERNAL = [
  /can't render non-simple object/,
  /There is already a Construct with name/,
  /toSeconds is not a function/,
  /Cannot read properties of/,
  /\n\s+at .*node_modules/,
];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const files = (d: string): string[] => (fs.existsSync(d) ? (fs.readdirSync(d, { recursive: true }) as string[]) : []);

/** What every message about the case must say: the construct path, the prop, the received value, the fix. */
function expectNamed(message: string, c: BadInput): void {
  const line = message.split('\n').find((l) => l.includes(`[${c.path}] '${c.prop}' `));
  expect({ name: c.name, line }).toEqual({ name: c.name, line: expect.stringContaining(`; received ${c.received}.`) });
  expect(line!.slice(line!.indexOf(`; received ${c.received}.`) + `; received ${c.received}.`.length).trim()).toMatch(
    new RegExp(`^${c.fix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
  );
  for (const pattern of INTERNAL) expect(message).not.toMatch(pattern);
}

describe.each(CASES.map((c) => [`${c.family}: ${c.name}`, c] as const))('%s', (_title, c) => {
  test('plain app.synth(): refused with the path, prop, value and fix; no chart written, not even a valid one before it', () => {
    // GIVEN a valid chart synthesized before the broken one
    const app = new App({ outdir: dir });
    new PythonMicroservice(new Chart(app, 'first', { namespace: 'first' }), 'valid', good());
    c.build(new Chart(app, 'shop', { namespace: 'shop' }));
    // WHEN
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    // THEN
    expectNamed(message, c);
    expect(files(dir)).toEqual([]);
  });

  test('the app kit: the same message under the target, and nothing written', () => {
    const kit = new PyserviceApp({ env: {} });
    c.build(new Chart(kit.addTarget({ environment: 'prod' }), 'shop', { namespace: 'shop' }));
    const out = path.join(dir, 'dist');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(kit.synth({ directory: out })).toBe(false);
      expectNamed(stderr.mock.calls.map((call) => String(call[0])).join(''), { ...c, path: c.path });
    } finally {
      stderr.mockRestore();
      process.exitCode = undefined;
    }
    expect(files(out)).toEqual([]);
  });
});

describe('mistakes caught when the construct is created', () => {
  test("two constructs with one id: the path, the id and a fix, not the constructs library's message", () => {
    const chart = new Chart(new App(), 'shop');
    new PythonMicroservice(chart, 'orders-api', good());
    let error: unknown;
    try {
      new PythonMicroservice(chart, 'orders-api', good());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([
      "'id' must be unique in its scope: shop already has a child 'orders-api' (a PythonMicroservice); received \"orders-api\". Give each construct its own id; the id is also the default name of its objects.",
    ]);
    expect((error as ValidationError).path).toBe('shop');
  });

  test('two services with one name in two charts of one namespace: refused by plain app.synth() too', () => {
    const app = new App({ outdir: dir });
    new PythonMicroservice(new Chart(app, 'a', { namespace: 'shop' }), 'one', good({ name: 'orders-api' }));
    new PythonMicroservice(new Chart(app, 'b', { namespace: 'shop' }), 'two', good({ name: 'orders-api' }));
    expect(() => app.synth()).toThrow(
      /\[b\/two\/Deployment\] Deployment 'orders-api' is also defined by a\/one\/Deployment; Kubernetes would keep only one of them/,
    );
    expect(files(dir)).toEqual([]);
  });
});

describe('data, not code: config keys named like Object.prototype members', () => {
  test('constructor and __proto__ reach the ConfigMap as keys', () => {
    const config = JSON.parse('{"constructor": "a", "__proto__": "b", "toString": "c"}');
    const app = new App({ outdir: dir });
    new PythonMicroservice(new Chart(app, 'shop', { namespace: 'shop' }), 'orders-api', good({ config }));
    app.synth();
    const written = fs.readFileSync(path.join(dir, files(dir)[0]), 'utf8');
    expect(written).toMatch(/\n {2}constructor: a\n/);
    expect(written).toMatch(/\n {2}__proto__: b\n/);
    expect(written).toMatch(/\n {2}toString: c\n/);
  });
});

describe("container build (the app kit's container files)", () => {
  test('an inexact Python version names the image, the prop, the value and a fix, and nothing is written', () => {
    const kit = new PyserviceApp({
      env: {},
      images: { 'orders-api': { image: 'ghcr.io/acme/orders-api:1.4.2', build: PythonBuild.uv({ pythonVersion: '3.12' }) } },
    });
    const target = kit.addTarget({ environment: 'prod' });
    new PythonMicroservice(new Chart(target, 'shop', { namespace: 'shop' }), 'orders-api', good({ image: target.image('orders-api') }));
    const { errors, files: rendered } = kit.render();
    expect(rendered.size).toBe(0);
    expect(errors).toContain(
      "'images.orders-api.build.pythonVersion' must be an exact CPython 3 version 'major.minor.patch' (a minor-only tag moves under you); received \"3.12\". Pin the patch release you test with, e.g. '3.12.7'.",
    );
  });
});

describe('probe timing the kubelet treats oddly', () => {
  test('a readiness interval shorter than the probe timeout gets a timeout within the period', () => {
    const chart = new Chart(new App(), 'shop');
    const svc = new PythonMicroservice(
      chart,
      'orders-api',
      good({ health: { readiness: '/readyz', liveness: '/livez', interval: Duration.seconds(2) } }),
    );
    const probe = chart.toJson().find((o: any) => o.kind === 'Deployment').spec.template.spec.containers[0].readinessProbe;
    expect(probe).toMatchObject({ periodSeconds: 2, timeoutSeconds: 2 });
    expect(svc).toBeDefined();
  });
});
