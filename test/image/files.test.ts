import { parse } from 'yaml';
import { PythonServer, SecretEnv } from '../support/internals';
import { BackingService, PythonBuild, Workload, WorkloadRole, containerFiles } from '../../constructs/image';
import { appContainer, find, synthService } from '../support/synth';
import { lintDockerfile } from './dockerfile-lint';
import { composeErrors, execForm, ofKind, parseDockerfile } from './support';

/** A small shop: an API with a worker and a migration on its image, and a Django service. */
function shop() {
  const orders = synthService(
    {
      config: { LOG_LEVEL: 'info' },
      secrets: [SecretEnv.fromExisting('orders-db', { DATABASE_URL: 'url' })],
    },
    'orders-api',
  );
  const inventory = synthService(
    {
      image: 'ghcr.io/acme/inventory:2.0.1',
      server: PythonServer.django({ project: 'inventory' }),
      health: { liveness: '/healthz/live', readiness: '/healthz/ready' },
    },
    'inventory',
  );
  const worker = {
    ...orders.service.container,
    name: 'orders-worker',
    command: ['celery', '-A', 'orders', 'worker'],
    port: undefined,
    readinessPath: undefined,
    writablePaths: [...orders.service.container.writablePaths, { path: '/var/run/celery', medium: 'memory' as const, sizeLimit: '16Mi' }],
  };
  const migrate = {
    ...orders.service.container,
    name: 'orders-migrate',
    command: ['python', '-m', 'orders.migrate'],
    port: undefined,
    readinessPath: undefined,
  };
  const workloads: Workload[] = [
    // The worker comes first, yet the web workload names the image and gives it its CMD and EXPOSE.
    { container: worker, role: WorkloadRole.WORKER },
    { container: orders.service.container },
    { container: migrate, role: WorkloadRole.MIGRATION },
    { container: inventory.service.container, build: PythonBuild.poetry({ pythonVersion: '3.12.7', context: 'services/inventory' }) },
  ];
  return { orders, inventory, workloads };
}

const BUILD = PythonBuild.uv({ pythonVersion: '3.12.7', context: 'services/orders', sourceDir: 'src' });
const OPTIONS = { backingServices: [BackingService.postgres(), BackingService.redis()] };

describe('containerFiles', () => {
  test('one Dockerfile and ignore file per image, and one compose file', () => {
    const files = containerFiles(shop().workloads, BUILD, OPTIONS);
    expect([...files.keys()]).toEqual([
      'compose.yaml',
      'orders-api/Dockerfile',
      'orders-api/Dockerfile.dockerignore',
      'inventory/Dockerfile',
      'inventory/Dockerfile.dockerignore',
    ]);
  });

  test("an image shared by workloads runs the web command and owns every workload's writable paths", () => {
    // GIVEN
    const { orders, workloads } = shop();
    const c = appContainer(find(orders.objects, 'Deployment', 'orders-api'));

    // WHEN
    const df = parseDockerfile(containerFiles(workloads, BUILD, OPTIONS).get('orders-api/Dockerfile')!);

    // THEN
    expect(execForm(ofKind(df.final, 'CMD')[0])).toEqual(c.command);
    expect(ofKind(df.final, 'EXPOSE').map((e) => e.getArgumentsContent())).toEqual([String(c.ports[0].containerPort)]);
    const run = ofKind(df.final, 'RUN')
      .map((r) => r.getArgumentsContent())
      .join(' ');
    expect(run).toMatch(/mkdir -p \/tmp \/var\/run\/celery\s+&& chown 10001:10001 \/tmp \/var\/run\/celery/);
  });

  test('every file passes its checks: Dockerfiles lint clean, compose matches the schema', () => {
    const files = containerFiles(shop().workloads, BUILD, OPTIONS);
    for (const [name, text] of files) {
      if (name.endsWith('/Dockerfile')) expect([name, lintDockerfile(text)]).toEqual([name, []]);
    }
    expect(composeErrors(parse(files.get('compose.yaml')!))).toEqual([]);
  });

  test('per-image builds: each service builds from its own context and Dockerfile', () => {
    const services = parse(containerFiles(shop().workloads, BUILD, OPTIONS).get('compose.yaml')!).services;
    expect(services['orders-worker'].build).toEqual({
      context: '../../services/orders',
      dockerfile: '../../dist/container/orders-api/Dockerfile',
    });
    expect(services.inventory.build).toEqual({
      context: '../../services/inventory',
      dockerfile: '../../dist/container/inventory/Dockerfile',
    });
    expect(services.inventory.healthcheck.test[3]).toContain('"http://127.0.0.1:8000/healthz/ready"');
  });

  test('is deterministic', () => {
    expect(containerFiles(shop().workloads, BUILD, OPTIONS)).toEqual(containerFiles(shop().workloads, BUILD, OPTIONS));
  });

  test('checks everything before rendering anything', () => {
    const { workloads } = shop();
    expect(() => containerFiles(workloads, PythonBuild.uv({ pythonVersion: '3.12' }), { outDir: '/abs' })).toThrow(
      [
        'Cannot render the container files:',
        "  'outDir' must be a relative path inside the project; received \"/abs\". Use 'dist/container'.",
        "  'build.pythonVersion' must be an exact CPython 3 version 'major.minor.patch' (a minor-only tag moves under you); received \"3.12\". Pin the patch release you test with, e.g. '3.12.7'.",
      ].join('\n'),
    );
    expect(() => containerFiles([], BUILD)).toThrow(
      "'workloads' must list at least one workload; received []. Pass e.g. [{ container: service.container }].",
    );
  });

  test('snapshot', () => {
    expect(Object.fromEntries(containerFiles(shop().workloads, BUILD, OPTIONS))).toMatchSnapshot();
  });
});
