/**
 * The plan beside each target's manifests (PLAN.md): what the example shop
 * deploys, read from the rendered objects and the profiles' reports, and its
 * Mermaid picture. That Mermaid's own parser reads every picture is checked in
 * plan-mermaid.test.ts (integration: it runs Mermaid in a Node process).
 */
import { Chart } from 'cdk8s';
import {
  CloudProfile,
  Exposure,
  PyserviceApp,
  PythonMicroservice,
  PortProtocol,
  PythonServer,
  PythonStatefulSet,
  PythonWorker,
  QueueScaler,
  SecretBackend,
  SecretEnv,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { TARGETS } from '../../examples/shop/shop';
import { PLAN_FILE } from '../../src/plan';
import { planFlowchart } from '../../src/plan/mermaid';
import { mermaidBlocks } from '../support/mermaid';
import { SPECIAL_CHARACTERS } from './special-plan';
import { renderExample } from '../support/example';

const rendering = renderExample();
const FOLDERS = TARGETS.map((t) => `${t.environment}/${t.cloud}`);
const plan = (folder: string) => rendering.files.get(`${folder}/${PLAN_FILE}`)!;

/** The rows of a workload's table in a plan: `{ kind: '...', replicas: '...' }`. */
function rowsOf(markdown: string, workload: string): Record<string, string> {
  const section = markdown.split(/^## /m).find((s) => s.startsWith(`${workload}\n`));
  if (!section) throw new Error(`no section for ${workload}`);
  return Object.fromEntries(
    [...section.matchAll(/^\| ([a-z ]+) \| (.*) \|$/gm)].filter(([, k]) => k.trim() !== '').map(([, k, v]) => [k, v]),
  );
}

describe('the plan of each target of the example', () => {
  test('every target has a PLAN.md beside its manifests, which its kustomization does not list', () => {
    for (const folder of FOLDERS) {
      expect(plan(folder)).toMatch(new RegExp(`^# Plan of ${folder}\n`));
      expect(rendering.files.get(`${folder}/kustomization.yaml`)).not.toContain(PLAN_FILE);
    }
  });

  test('orders-api: its autoscaling range, host and public exposure per environment', () => {
    // GIVEN prod (2–10, public) and staging (2–3, internal)
    const prod = rowsOf(plan('prod/eks'), 'orders-api');
    const staging = rowsOf(plan('staging/eks'), 'orders-api');
    // THEN
    expect(prod.replicas).toBe('2–10: HorizontalPodAutoscaler on cpu 70%');
    expect(prod.exposure).toBe('public, from the internet: https://api.shop.example.com/');
    expect(prod.route).toBe('Ingress orders-api (class alb): https://api.shop.example.com/');
    expect(prod.resources).toBe('cpu 500m, memory 512Mi (requests = limits)');
    expect(prod.image).toBe('`ghcr.io/acme/orders-api:1.4.2`');
    expect(staging.replicas).toBe('2–3: HorizontalPodAutoscaler on cpu 70%');
    expect(staging.exposure).toBe('internal, from the private network: https://api.staging.shop.example.com/');
  });

  test("the workers' queues and ranges: Celery on Redis everywhere, each cloud's own queue for events", () => {
    expect(rowsOf(plan('prod/eks'), 'orders-worker')).toMatchObject({
      replicas: '1–20: ScaledObject on redis celery',
      queues: 'redis `celery`',
    });
    expect(rowsOf(plan('prod/gke'), 'orders-events').queues).toBe(
      'gcp-pubsub `projects/acme-shop-prod/subscriptions/orders-events-worker`',
    );
    expect(rowsOf(plan('prod/aks'), 'orders-events').queues).toBe('azure-servicebus `orders-events`');
    expect(rowsOf(plan('prod/eks'), 'orders-events').replicas).toMatch(/^0–10: ScaledObject on aws-sqs-queue /);
  });

  test('the migration runs before the workloads that wait for it; the nightly report keeps its schedule and time zone', () => {
    const migrate = rowsOf(plan('prod/eks'), 'orders-migrate');
    expect(migrate.kind).toMatch(/^Job `shop\/orders-migrate-[0-9a-f]{8}`, migration$/);
    expect(migrate['runs before']).toBe(
      'orders-api, orders-worker, orders-events, orders-nightly-report: their pods wait until it succeeds',
    );
    expect(rowsOf(plan('prod/eks'), 'orders-api')['waits for']).toMatch(/^Job `orders-migrate-[0-9a-f]{8}` to succeed before it starts$/);
    expect(rowsOf(plan('prod/eks'), 'orders-nightly-report').schedule).toBe('30 2 * * * (Europe/Paris): CronJob: concurrencyPolicy Forbid');
  });

  test("identities as each profile reported them, including one that leaves nothing in the manifests (staging's pod identity)", () => {
    expect(rowsOf(plan('prod/eks'), 'orders-worker').identity).toBe(
      'irsa: `arn:aws:iam::111122223333:role/shop/orders-api` (ServiceAccount `orders-api`)',
    );
    expect(rowsOf(plan('staging/eks'), 'orders-api').identity).toBe(
      'eks-pod-identity: `arn:aws:iam::444455556666:role/shop/orders-api` (ServiceAccount `orders-api`)',
    );
    expect(rowsOf(plan('prod/gke'), 'inventory').identity).toBe(
      'gke-workload-identity: `inventory@acme-shop-prod.iam.gserviceaccount.com` (ServiceAccount `inventory`)',
    );
    expect(rowsOf(plan('prod/aks'), 'orders-api').identity).toContain('`5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11`');
    expect(rowsOf(plan('prod/eks'), 'recommendations').identity).toBe('none (ServiceAccount `recommendations`)');
  });

  test('secrets by their name in the store, and the store; existing Secrets by name and key', () => {
    expect(rowsOf(plan('prod/eks'), 'orders-api').secrets).toBe(
      'secret manager via the Secrets Store CSI driver (SecretProviderClass orders-api, provider aws): ' +
        'env DATABASE_URL ← `shop-orders-database-url`, file /var/run/secrets/store/jwt-signing-key.pem ← `shop-orders-jwt-signing-key`',
    );
    expect(rowsOf(plan('prod/gke'), 'orders-api').secrets).toMatch(
      /^secret manager via External Secrets \(ExternalSecret orders-api, SecretStore orders-api, provider gcpsm\): env DATABASE_URL ← `shop-orders-database-url`/,
    );
    expect(rowsOf(plan('staging/eks'), 'orders-api').secrets).toContain('`shop-staging-database-url`');
    expect(rowsOf(plan('prod/eks'), 'inventory').secrets).toBe(
      'Secret inventory-django, expected in namespace shop: env DJANGO_SECRET_KEY ← `inventory-django/secret-key`, env DATABASE_URL ← `inventory-django/database-url`',
    );
  });

  test('callers from the NetworkPolicies: inventory is called by orders-api and its load balancer only', () => {
    expect(rowsOf(plan('prod/eks'), 'inventory').callers).toBe(
      'orders-api (8000/TCP)<br>10.0.96.0/20, 10.0.112.0/20, 10.0.128.0/20 (8000/TCP)',
    );
    expect(rowsOf(plan('prod/gke'), 'inventory').route).toBe(
      'HTTPRoute inventory (Gateway gateways/internal): inventory.shop.internal.example.com/',
    );
  });

  test("the synth's warnings about a target are in its plan, and only in its", () => {
    expect(plan('prod/gke')).toContain('## Warnings\n\n- [shop/orders-events] KEDA deprecates the gcp-pubsub scaler');
    expect(plan('prod/eks')).not.toContain('## Warnings');
  });

  test('every target has one picture', () => {
    expect(FOLDERS.map((f) => mermaidBlocks(plan(f)).length)).toEqual(FOLDERS.map(() => 1));
  });

  test('the picture links callers, the load balancer, workloads, queues, stores and identities', () => {
    const [diagram] = mermaidBlocks(plan('prod/eks'));
    expect(diagram).toContain('  internet --> r1 --> w1');
    expect(diagram).toContain('  r1[/"Ingress orders-api (class alb)<br/>https://api.shop.example.com/"/]');
    expect(diagram).toContain('  w1 -->|"8000/TCP"| w4');
    expect(diagram).toContain('  q1[["queue: redis<br/>celery"]]');
    expect(diagram).toContain('  q1 -->|"scales"| w2');
    expect(diagram).toMatch(/ {2}s1\[\("secret manager via the Secrets Store CSI driver/);
    expect(diagram).toContain('  w2 -.-|"runs as"| id1');
  });
});

describe('the plan never shows a secret value', () => {
  test('a value written into git is named as such, and the value appears nowhere in the plan', () => {
    // GIVEN a service with a plaintext secret and a store secret
    const app = new PyserviceApp({ env: {} });
    const target = app.addTarget({ environment: 'dev' });
    const chart = new Chart(target, 'api', { namespace: 'api' });
    const api = new PythonMicroservice(chart, 'api', {
      image: 'ghcr.io/acme/api:1.0.0',
      server: PythonServer.uvicorn({ app: 'api:app' }),
      health: { readiness: '/ready' },
      secrets: [SecretEnv.unsafePlaintextInGit({ API_TOKEN: 's3cr3t-Value-9f8e7d' }), SecretEnv.fromStore({ DB_URL: 'dev/db-url' })],
      config: { REDIS_ADDRESS: 'redis:6379' },
      exposure: Exposure.CLUSTER,
      profile: CloudProfile.eks({
        roleArn: 'arn:aws:iam::444455556666:role/api',
        secrets: { backend: SecretBackend.CSI_DRIVER, region: 'eu-west-1' },
      }),
    });
    new PythonWorker(chart, 'jobs', {
      app: api,
      command: WorkerCommand.celery({ app: 'api.celery:app' }),
      queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }), minReplicas: 0, maxReplicas: 4 },
    });
    // WHEN
    const { files, errors } = app.render();
    // THEN
    expect(errors).toEqual([]);
    const text = files.get(`dev/${PLAN_FILE}`)!;
    expect([...files.values()].some((t) => t.includes('s3cr3t-Value-9f8e7d'))).toBe(true);
    expect(text).not.toContain('s3cr3t-Value-9f8e7d');
    expect(rowsOf(text, 'api').secrets).toBe(
      'Secret api-plaintext, written into this folder: its values are in git: env API_TOKEN ← `api-plaintext/api-token`<br>' +
        'secret manager via the Secrets Store CSI driver (SecretProviderClass api, provider aws): env DB_URL ← `dev/db-url`',
    );
    // The worker reads the app's secrets too.
    expect(rowsOf(text, 'jobs').secrets).toBe(rowsOf(text, 'api').secrets);
    expect(text).toContain('## Warnings\n\n- [api/api] secrets[0]: SecretEnv.unsafePlaintextInGit writes 1 secret value(s)');
  });
});

describe('the picture', () => {
  test('labels with quotes, hashes and angle brackets are escaped (plan-mermaid.test.ts parses them)', () => {
    // GIVEN a plan whose names hold Mermaid's special characters WHEN its picture is drawn
    const diagram = planFlowchart(SPECIAL_CHARACTERS);
    // THEN
    expect(diagram).toContain('say #quot;hi#quot; #35;1 #lt;b#gt;');
  });
});

describe('the plan of a StatefulSet', () => {
  test('its kind, its claims per replica, its headless Service with a UDP port, and who may call each port', () => {
    // GIVEN a standalone cache with a disk per replica, a TCP and a UDP port
    const app = new PyserviceApp({ env: {} });
    const chart = new Chart(app.addTarget({ environment: 'dev' }), 'cache', { namespace: 'cache' });
    new PythonStatefulSet(chart, 'redis', {
      image: 'redis:7.4.1',
      profile: CloudProfile.gke(),
      python: false,
      command: WorkerCommand.command(['redis-server']),
      replicas: 2,
      mounts: [{ path: '/data', volume: Volume.perReplicaClaim('data', { storage: '5Gi' }) }],
      ports: [
        { name: 'redis', port: 6379 },
        { name: 'stats', port: 8125, protocol: PortProtocol.UDP, allowFrom: [] },
      ],
    });
    // WHEN
    const { files, errors } = app.render();
    // THEN
    expect(errors).toEqual([]);
    const rows = rowsOf(files.get(`dev/${PLAN_FILE}`)!, 'redis');
    expect(rows.kind).toBe('StatefulSet `cache/redis`, worker');
    expect(rows.replicas).toBe('2');
    expect(rows.storage).toBe('`data` per replica (5Gi, ReadWriteOnce)');
    expect(rows.services).toBe('`redis:6379,8125/UDP (headless)`');
    expect(rows.callers).toBe('any pod in cache (6379/TCP)');
  });

  test('a StatefulSet without a liveness check says why, as a worker does', () => {
    // GIVEN a set that states why the kubelet need not restart it
    const app = new PyserviceApp({ env: {} });
    const chart = new Chart(app.addTarget({ environment: 'dev' }), 'cache', { namespace: 'cache' });
    new PythonStatefulSet(chart, 'pgbouncer', {
      image: 'bitnami/pgbouncer:1.23.1',
      profile: CloudProfile.gke(),
      python: false,
      command: WorkerCommand.fromImage(),
      liveness: WorkerLiveness.none('PgBouncer: its readiness check on the TCP port is its health'),
      mounts: [{ path: '/data', volume: Volume.perReplicaClaim('data', { storage: '1Gi' }) }],
      ports: [{ name: 'pgbouncer', port: 6432 }],
    });
    // WHEN
    const { files, errors } = app.render();
    // THEN
    expect(errors).toEqual([]);
    const rows = rowsOf(files.get(`dev/${PLAN_FILE}`)!, 'pgbouncer');
    expect(rows.liveness).toBe('none: PgBouncer: its readiness check on the TCP port is its health');
  });
});
