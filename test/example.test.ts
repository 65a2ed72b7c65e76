import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CLOUDS } from '../src/example';
import { App, Chart } from 'cdk8s';
import { PythonMicroservice } from '../constructs';
import { publish, synthesize } from '../src/synth';
import { PROFILES, baseProps } from './support/synth';
import { ROOT, kubectl128, objectsOf, renderExample } from './support/example';
import { lintFindings, restrictedViolations } from './support/policies';
import { validateAll } from './support/schema';

const CLOUD_NAMES = Object.keys(CLOUDS);
const rendering = renderExample();

describe('the example app', () => {
  test('synthesizes for EKS, GKE and AKS without errors', () => {
    expect(rendering.errors).toEqual([]);
    expect(CLOUD_NAMES).toEqual(['eks', 'gke', 'aks']);
  });

  test.each(CLOUD_NAMES)('%s: every object is valid against the Kubernetes 1.28 schemas (unknown fields rejected)', (cloud) => {
    const objects = objectsOf(rendering, cloud);
    expect(objects.length).toBeGreaterThan(15);
    expect(validateAll(objects)).toEqual([]);
  });

  test.each(CLOUD_NAMES)('%s: has a public API with TLS, autoscaling and cloud secrets, and an internal service', (cloud) => {
    const objects = objectsOf(rendering, cloud);
    const services = objects.filter((o) => o.kind === 'Service');
    expect(services.filter((s) => s.spec.type === 'LoadBalancer').map((s) => s.metadata.name)).toEqual(['inventory']);
    const ingress = objects.find((o) => o.kind === 'Ingress');
    expect(ingress.spec.rules[0].host).toBe('api.shop.example.com');
    expect(ingress.spec.tls[0].hosts).toEqual(['api.shop.example.com']);
    expect(objects.find((o) => o.kind === 'HorizontalPodAutoscaler')?.spec.scaleTargetRef.name).toBe('orders-api');
    const orders = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'orders-api');
    expect(orders.spec.template.spec.containers[0].env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.name).toBe('orders-api-store');
    expect(objects.some((o) => ['SecretProviderClass', 'ExternalSecret'].includes(o.kind))).toBe(true);
  });

  test.each(CLOUD_NAMES)('%s: every pod passes the "restricted" Pod Security Standard (v1.28)', (cloud) => {
    const objects = objectsOf(rendering, cloud);
    expect(objects.filter((o) => ['Deployment', 'Job', 'CronJob'].includes(o.kind)).map((o) => o.metadata.name)).toHaveLength(7);
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test.each(CLOUD_NAMES)('%s: no finding from the default checks of kube-score, Polaris and kube-linter', (cloud) => {
    const findings = lintFindings(objectsOf(rendering, cloud));
    expect(findings.map((f) => `${f.tool} ${f.check} ${f.object}: ${f.message}`)).toEqual([]);
  });

  test('dist/ holds exactly what the code synthesizes now', () => {
    for (const [file, text] of rendering.files) {
      expect({ file, text: fs.readFileSync(path.join(ROOT, 'dist', file), 'utf8') }).toEqual({ file, text });
    }
    const onDisk = (fs.readdirSync(path.join(ROOT, 'dist'), { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(ROOT, 'dist', f)).isFile()).sort();
    expect(onDisk).toEqual([...rendering.files.keys()].sort());
  });

  test('synthesizes byte-identical output twice', () => {
    const again = renderExample();
    expect([...again.files]).toEqual([...rendering.files]);
  });

  test.each(CLOUD_NAMES)('%s: `kubectl kustomize dist/%s` (kubectl 1.28) renders every object', (cloud) => {
    const out = execFileSync(kubectl128(), ['kustomize', path.join(ROOT, 'dist', cloud)], { encoding: 'utf8' });
    const rendered = parseAllDocuments(out).map((d) => d.toJSON());
    expect(rendered.map((o) => `${o.kind}/${o.metadata.name}`).sort())
      .toEqual(objectsOf(rendering, cloud).map((o) => `${o.kind}/${o.metadata.name}`).sort());
  });

  test.each(CLOUD_NAMES)('%s: snapshot of every file', (cloud) => {
    const files = Object.fromEntries([...rendering.files].filter(([f]) => f.startsWith(`${cloud}/`)));
    expect(files).toMatchSnapshot();
  });
});

describe('publishing', () => {
  test('replaces the destination whole, leaving no stale files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
    const dest = path.join(dir, 'dist');
    publish(new Map([['eks/a.yaml', 'a: 1\n'], ['eks/old.yaml', 'x\n']]), dest);
    publish(new Map([['eks/a.yaml', 'a: 2\n']]), dest);
    expect(fs.readdirSync(path.join(dest, 'eks'))).toEqual(['a.yaml']);
    expect(fs.readFileSync(path.join(dest, 'eks', 'a.yaml'), 'utf8')).toBe('a: 2\n');
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });
});

describe('a synth with bad input', () => {
  test('writes nothing, reports every error once per message with its clouds', () => {
    // GIVEN a dist/ from an earlier good synth
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
    const dist = path.join(dir, 'dist');
    publish(new Map([['eks/deployment-a.yaml', 'kept: true\n']]), dist);
    const targets = ['eks', 'gke'].map((cloud) => {
      const app = new App();
      const chart = new Chart(app, 'shop');
      new PythonMicroservice(chart, 'orders-api', baseProps({ image: 'ghcr.io/acme/orders-api:latest', port: 80, profile: PROFILES[cloud] }));
      return { cloud, app };
    });
    let stderr = '';

    // WHEN
    const code = synthesize(targets, { dist, stderr: (t) => { stderr += t; } });

    // THEN
    expect(code).toBe(1);
    expect(fs.readFileSync(path.join(dist, 'eks', 'deployment-a.yaml'), 'utf8')).toBe('kept: true\n');
    expect(fs.readdirSync(dir)).toEqual(['dist']);
    expect(stderr).toContain("Synthesis failed with 2 error(s); dist/ was not changed");
    expect(stderr).toContain("[eks, gke] [shop/orders-api] 'image' must not use the mutable tag ':latest'");
    expect(stderr).toContain("[eks, gke] [shop/orders-api] 'port' must be a whole number from 1024 to 65535");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the container side of the example', () => {
  test('compose runs every workload from the same description as its pod', () => {
    const compose = parseAllDocuments(rendering.files.get('container/compose.yaml')!)[0].toJSON();
    expect(Object.keys(compose.services)).toEqual([
      'orders-api', 'inventory', 'recommendations', 'orders-worker', 'orders-events', 'orders-api-migrate', 'orders-nightly-report', 'postgres', 'redis',
    ]);
    const worker = objectsOf(rendering, 'eks').find((o) => o.kind === 'Deployment' && o.metadata.name === 'orders-worker');
    expect(compose.services['orders-worker'].command).toEqual(worker.spec.template.spec.containers[0].command);
    expect(compose.services['orders-worker'].user).toBe('10001:10001');
  });
});

describe('image promotion', () => {
  const DIGEST = 'ghcr.io/acme/orders-api@sha256:' + 'a'.repeat(64);

  test('IMAGE_ORDERS_API flows into every Deployment and Job built from that image', () => {
    process.env.IMAGE_ORDERS_API = DIGEST;
    try {
      const objects = objectsOf(renderExample(), 'eks');
      const pods = objects.flatMap((o) => {
        const spec = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
        return spec ? [{ name: `${o.kind}/${o.metadata.name}`, image: spec.containers[0].image }] : [];
      });
      const orders = pods.filter((p) => !/inventory|recommendations/.test(p.name));
      expect(orders.map((p) => p.name).sort()).toEqual([
        'CronJob/orders-nightly-report', 'Deployment/orders-api', 'Deployment/orders-events', 'Deployment/orders-worker', expect.stringMatching(/^Job\/orders-api-migrate-/),
      ].sort());
      for (const p of orders) expect(p.image).toBe(DIGEST);
      expect(pods.find((p) => p.name === 'Deployment/recommendations')?.image).toBe('ghcr.io/acme/recommendations:0.9.0');
    } finally {
      delete process.env.IMAGE_ORDERS_API;
    }
  });

  test('an unpinned override is a synth error naming the variable', () => {
    process.env.IMAGE_ORDERS_API = 'ghcr.io/acme/orders-api:latest';
    try {
      expect(() => renderExample()).toThrow("'IMAGE_ORDERS_API' must not use the mutable tag ':latest'");
    } finally {
      delete process.env.IMAGE_ORDERS_API;
    }
  });
});
