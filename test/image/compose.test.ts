import { parse } from 'yaml';
import { ContainerDescription, PythonServer, SecretEnv, parseCpu } from '../support/internals';
import { BackingService, PythonBuild, Workload, WorkloadRole, renderCompose } from '../../constructs/image';
import { appContainer, find, synthService } from '../support/synth';
import { composeBytes, composeErrors, quantityBytes } from './support';

const BUILD = PythonBuild.requirements({ pythonVersion: '3.12.7' });

/** The orders API synthesized, plus a worker, a migration and a cron job from its image. */
function ordersApp() {
  const { service, objects } = synthService({
    resources: { cpu: '500m', memory: '768Mi' },
    config: { LOG_LEVEL: 'info', PRICE_FORMAT: '$0.00' },
    secrets: [SecretEnv.fromExisting('orders-db', { DATABASE_URL: 'url' })],
  });
  const job = (name: string, command: string[]): ContainerDescription => ({
    ...service.container,
    name,
    command,
    port: undefined,
    readinessPath: undefined,
  });
  const workloads: Workload[] = [
    { container: service.container },
    { container: job('orders-worker', ['python', '-m', 'orders.worker']), role: WorkloadRole.WORKER },
    { container: job('orders-migrate', ['python', '-m', 'orders.migrate']), role: WorkloadRole.MIGRATION },
    { container: job('orders-report', ['python', '-m', 'orders.report']), role: WorkloadRole.CRON },
  ];
  return { service, objects, workloads };
}

function render(workloads: readonly Workload[], options = {}): any {
  return parse(renderCompose(workloads, BUILD, { backingServices: [BackingService.postgres(), BackingService.redis()], ...options }));
}

describe('compose.yaml is valid Compose', () => {
  test.each([
    ['one web service, nothing else', () => parse(renderCompose([{ container: synthService().service.container }], BUILD))],
    ['web, worker, migration, cron and backing services', () => render(ordersApp().workloads)],
    [
      'with a project name and published backing services',
      () =>
        render(ordersApp().workloads, {
          projectName: 'shop',
          backingServices: [BackingService.postgres({ hostPort: 5432 }), BackingService.redis({ hostPort: 6379 })],
        }),
    ],
  ])('%s', (_, make) => {
    expect(composeErrors(make())).toEqual([]);
  });

  test('the schema is strict enough to catch a broken file', () => {
    const doc = render(ordersApp().workloads);
    doc.services['orders-api'].read_only_fs = true;
    doc.services['orders-api'].depends_on.postgres.condition = 'service_ready';
    const errors = composeErrors(doc).join('\n');
    expect(errors).toContain('must NOT have additional properties {"additionalProperty":"read_only_fs"}');
    expect(errors).toContain('/depends_on/postgres/condition must be equal to one of the allowed values');
  });
});

describe('the web service mirrors the Deployment', () => {
  // GIVEN
  const { objects, workloads } = ordersApp();
  const deployment = find(objects, 'Deployment', 'orders-api');
  const pod = deployment.spec.template.spec;
  const c = appContainer(deployment);
  // WHEN
  const svc = render(workloads).services['orders-api'];

  test('user, read-only root, capabilities and privilege escalation', () => {
    expect(svc.user).toBe(`${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`);
    expect(svc.read_only).toBe(c.securityContext.readOnlyRootFilesystem);
    expect(svc.cap_drop).toEqual(c.securityContext.capabilities.drop);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(svc.security_opt).toEqual(['no-new-privileges:true']);
  });

  test("tmpfs exactly at the pod's writable paths, with the emptyDir size limits, owned by the pod's user (a Docker tmpfs is root's otherwise)", () => {
    const sizes = Object.fromEntries(pod.volumes.map((v: any) => [v.name, quantityBytes(v.emptyDir.sizeLimit)]));
    const { runAsUser, runAsGroup } = pod.securityContext;
    const expected = c.volumeMounts.map((m: any) => `${m.mountPath}:size=${sizes[m.name]},uid=${runAsUser},gid=${runAsGroup}`);
    expect(svc.tmpfs).toEqual(expected);
    expect(svc.volumes).toBeUndefined();
  });

  test('command, port and a healthcheck on the readiness path', () => {
    expect(svc.command).toEqual(c.command);
    const port = c.ports.find((p: any) => p.name === c.readinessProbe.httpGet.port).containerPort;
    expect(svc.ports).toEqual([{ target: port, published: port, host_ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(svc.healthcheck.test.slice(0, 3)).toEqual(['CMD', 'python3', '-c']);
    expect(svc.healthcheck.test[3]).toContain(`urlopen("http://127.0.0.1:${port}${c.readinessProbe.httpGet.path}"`);
  });

  test('the same env and config values; secrets only from the uncommitted env file', () => {
    const configMap = find(objects, 'ConfigMap', c.envFrom[0].configMapRef.name);
    const literal = Object.fromEntries(c.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    const secretNames = c.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.name);
    // Compose would interpolate `$0`: a literal dollar is written `$$`.
    const unescaped = Object.fromEntries(Object.entries(svc.environment).map(([k, v]) => [k, (v as string).replace(/\$\$/g, '$')]));
    expect(unescaped).toEqual({ ...literal, ...configMap.data });
    expect(svc.environment.PRICE_FORMAT).toBe('$$0.00');
    expect(secretNames).toEqual(['DATABASE_URL']);
    for (const name of secretNames) expect(svc.environment).not.toHaveProperty(name);
    expect(svc['x-secret-env']).toEqual(secretNames);
    expect(svc.env_file).toEqual([{ path: '../../.env.orders-api.local', required: false }]);
  });

  test('CPU and memory limits', () => {
    expect(svc.cpus).toBe((parseCpu(c.resources.limits.cpu) as { millis: number }).millis / 1000);
    expect(composeBytes(svc.mem_limit)).toBe(quantityBytes(c.resources.limits.memory));
    expect(svc.deploy).toBeUndefined();
  });

  test('the image, built locally from the generated Dockerfile', () => {
    expect(svc.image).toBe(c.image);
    expect(svc.build).toEqual({ context: '../..', dockerfile: 'dist/container/orders-api/Dockerfile' });
    expect(svc.pull_policy).toBe('build');
  });
});

describe('workloads, backing services and start order', () => {
  const services = render(ordersApp().workloads).services;

  test('backing services have pinned images and their own healthchecks', () => {
    expect(services.postgres.image).toBe('postgres:17.2-bookworm');
    expect(services.postgres.healthcheck.test).toEqual(['CMD', 'pg_isready', '--username', 'app', '--dbname', 'app']);
    expect(services.redis.image).toBe('redis:7.4.1-bookworm');
    expect(services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    // Nothing published unless asked for.
    expect(services.postgres.ports).toBeUndefined();
  });

  test('everything waits for healthy backing services; all but the migration wait for it to succeed', () => {
    const healthy = { postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } };
    const migrated = { 'orders-migrate': { condition: 'service_completed_successfully' } };
    expect(services['orders-api'].depends_on).toEqual({ ...healthy, ...migrated });
    expect(services['orders-worker'].depends_on).toEqual({ ...healthy, ...migrated });
    expect(services['orders-report'].depends_on).toEqual({ ...healthy, ...migrated });
    expect(services['orders-migrate'].depends_on).toEqual(healthy);
  });

  test('roles: workers are not published, cron runs on demand, jobs are not restarted', () => {
    expect(services['orders-worker'].ports).toBeUndefined();
    expect(services['orders-worker'].healthcheck).toBeUndefined();
    expect(services['orders-worker'].restart).toBe('unless-stopped');
    expect(services['orders-report'].profiles).toEqual(['cron']);
    expect(services['orders-migrate'].restart).toBeUndefined();
    expect(services['orders-migrate'].command).toEqual(['python', '-m', 'orders.migrate']);
  });

  test('workloads of one image share one build', () => {
    const builds = ['orders-api', 'orders-worker', 'orders-migrate', 'orders-report'].map((n) => services[n].build);
    expect(new Set(builds.map((b) => JSON.stringify(b))).size).toBe(1);
  });
});

describe('several services', () => {
  function shop() {
    const orders = synthService({}, 'orders-api').service;
    const inventory = synthService(
      {
        image: `ghcr.io/acme/inventory@sha256:${'9f'.repeat(32)}`,
        server: PythonServer.django({ project: 'inventory' }),
        secrets: [SecretEnv.fromExisting('inventory-django', { DATABASE_URL: 'database-url' })],
      },
      'inventory',
    ).service;
    const recommendations = synthService({ image: 'ghcr.io/acme/recommendations:0.9.0' }, 'recommendations').service;
    return [orders, inventory, recommendations].map((s) => ({ container: s.container }));
  }

  test('host ports do not collide: the container port, else the next free one, unless chosen', () => {
    const services = render(shop(), {
      hostPorts: { recommendations: 9000 },
      backingServices: [BackingService.postgres({ hostPort: 8001 })],
    }).services;
    expect(services['orders-api'].ports[0]).toMatchObject({ target: 8000, published: 8000 });
    expect(services.inventory.ports[0]).toMatchObject({ target: 8000, published: 8002 });
    expect(services.recommendations.ports[0]).toMatchObject({ target: 8000, published: 9000 });
  });

  test('a digest-pinned image is built under its repository, tagged local (a digest cannot name a build)', () => {
    const services = render(shop()).services;
    expect(services.inventory.image).toBe('ghcr.io/acme/inventory:local');
    expect(services.inventory.env_file).toEqual([{ path: '../../.env.inventory.local', required: false }]);
    expect(services.recommendations.env_file).toBeUndefined();
  });

  test('contexts and Dockerfiles resolve from outDir and per-service builds', () => {
    const [orders, inventory] = shop();
    const doc = parse(
      renderCompose(
        [
          { ...orders, build: PythonBuild.uv({ pythonVersion: '3.12.7', context: 'services/orders' }) },
          { ...inventory, build: PythonBuild.requirements({ pythonVersion: '3.12.7', context: 'services/inventory', sourceDir: 'src' }) },
        ],
        BUILD,
        { outDir: 'deploy/out' },
      ),
    );
    expect(doc.services['orders-api'].build).toEqual({
      context: '../../services/orders',
      dockerfile: '../../deploy/out/orders-api/Dockerfile',
    });
    expect(doc.services.inventory.build).toEqual({
      context: '../../services/inventory',
      dockerfile: '../../deploy/out/inventory/Dockerfile',
    });
    expect(doc.services.inventory.env_file).toEqual([{ path: '../../.env.inventory.local', required: false }]);
  });
});

describe('compose: errors', () => {
  test('reports every broken rule at once', () => {
    const { service } = synthService();
    const other = PythonBuild.poetry({ pythonVersion: '3.12.7' });
    expect(() =>
      renderCompose(
        [
          { container: service.container },
          { container: { ...service.container, name: 'orders-worker', port: undefined }, role: WorkloadRole.WEB, build: other },
          { container: { ...service.container } },
        ],
        BUILD,
        { backingServices: [BackingService.redis({ version: '7' })], hostPorts: { postgres: 5432 } },
      ),
    ).toThrow(
      [
        'Cannot render the compose file:',
        '  \'workloads[1].role\' web needs a container port and a readiness path (the compose healthcheck uses them); received "web". Use WorkloadRole.WORKER for a process without a port.',
        "  'workloads[1].build' must be the build of 'orders-api', which has the same image; received \"ghcr.io/acme/orders-api:1.4.2\". Give workloads of one image one PythonBuild, or give them different images.",
        "  'hostPorts.postgres' must map a web workload to a whole number from 1 to 65535; received 5432. Name one of the web workloads (orders-api, orders-worker).",
        "  'backingServices[0].version' must be an exact version such as '17.2' (a major-only tag moves under you); received \"7\". Pin the version production runs.",
        '  \'workloads\' must have unique names across workloads and backing services (each is one compose service); received "orders-api". Rename one of them.',
      ].join('\n'),
    );
  });
});
