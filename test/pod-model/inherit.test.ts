/**
 * Workers, singletons, migrations and cron jobs take over the app's own mounts
 * and init containers (before their own), unless they opt out with `inherit`.
 */
import { Testing } from 'cdk8s';
import {
  AccessMode,
  MigrationCommand,
  PythonCronJob,
  PythonMicroservice,
  PythonMigration,
  PythonSingleton,
  PythonWorker,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { appContainer, baseProps, chartError, find } from '../support/synth';
import { testChart } from '../support/cdk8s-testing';

const media = Volume.newClaim('media', { storage: '10Gi', accessMode: AccessMode.READ_WRITE_MANY });
const settings = Volume.configMap('orders-settings');
const APP_MOUNTS = [
  { path: '/app/media', volume: media },
  { path: '/app/orders/local_settings.py', volume: settings, subPath: 'local_settings.py' },
];
const WAIT_FOR_DB = { name: 'wait-for-db', command: ['python3', '-m', 'orders.wait_for_db'] };
const worker = { command: WorkerCommand.command(['python', '-m', 'orders.worker']), liveness: WorkerLiveness.heartbeatFile('/tmp/beat') };

/** The app with mounts and an init container, and one workload of each kind with `extra` props. */
function app(extra: Record<string, unknown> = {}) {
  const chart = testChart();
  const web = new PythonMicroservice(chart, 'orders-api', baseProps({ mounts: APP_MOUNTS, initContainers: [WAIT_FOR_DB] }));
  new PythonWorker(chart, 'orders-worker', { app: web, ...worker, ...extra });
  new PythonSingleton(chart, 'orders-beat', { app: web, command: WorkerCommand.command(['python', '-m', 'orders.beat']), ...extra });
  new PythonMigration(chart, 'orders-migrate', { app: web, command: MigrationCommand.alembic(), ...extra });
  new PythonCronJob(chart, 'orders-report', { app: web, command: ['python', '-m', 'orders.report'], schedule: '@daily', ...extra });
  return Testing.synth(chart);
}

const pods = (objects: any[]) =>
  objects
    .filter((o) => ['Deployment', 'Job', 'CronJob'].includes(o.kind))
    .map((o) => [o.metadata.name.replace(/-[0-9a-f]{8}$/, ''), o.spec.template?.spec ?? o.spec.jobTemplate.spec.template.spec] as const);

const mountPaths = (pod: any) => pod.containers.find((c: any) => c.name === 'app').volumeMounts.map((m: any) => m.mountPath);
const ownInit = (pod: any) => (pod.initContainers ?? []).map((c: any) => c.name).filter((n: string) => !n.startsWith('wait-for-orders'));

describe("the app's mounts and init containers", () => {
  test('every worker, singleton, migration and cron job of the app gets them, with the same volumes', () => {
    // GIVEN / WHEN
    const objects = app();

    // THEN
    for (const [name, pod] of pods(objects)) {
      expect([name, mountPaths(pod)]).toEqual([name, expect.arrayContaining(['/app/media', '/app/orders/local_settings.py'])]);
      expect([name, ownInit(pod)]).toEqual([name, ['wait-for-db']]);
      expect(pod.volumes).toContainEqual({ name: 'pvc-media', persistentVolumeClaim: { claimName: 'media' } });
    }
    // AND the claim is created once, by the app
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toHaveLength(1);
  });

  test("the workload's own come after them; one it repeats is taken once (the examples before inheritance)", () => {
    const objects = app({
      mounts: [
        { path: '/app/media', volume: media },
        { path: '/var/cache/orders', volume: Volume.emptyDir('cache') },
      ],
      initContainers: [WAIT_FOR_DB, { name: 'warm-cache', command: ['python3', '-m', 'orders.warm'] }],
    });
    for (const [name, pod] of pods(objects).filter(([n]) => n !== 'orders-api')) {
      expect([name, mountPaths(pod).filter((p: string) => p !== '/tmp')]).toEqual([
        name,
        ['/app/media', '/app/orders/local_settings.py', '/var/cache/orders'],
      ]);
      expect([name, ownInit(pod)]).toEqual([name, ['wait-for-db', 'warm-cache']]);
    }
  });

  test.each([
    [{ mounts: false }, [], ['wait-for-db']],
    [{ initContainers: false }, ['/app/media', '/app/orders/local_settings.py'], []],
    [{ mounts: false, initContainers: false }, [], []],
  ])('inherit: %j opts out', (inherit, paths, init) => {
    for (const [name, pod] of pods(app({ inherit })).filter(([n]) => n !== 'orders-api')) {
      expect([name, mountPaths(pod).filter((p: string) => p.startsWith('/app/'))]).toEqual([name, paths]);
      expect([name, ownInit(pod)]).toEqual([name, init]);
    }
  });

  test('the web service itself is unchanged: its mounts once', () => {
    const pod = find(app(), 'Deployment', 'orders-api').spec.template.spec;
    expect(mountPaths(pod).filter((p: string) => p === '/app/media')).toHaveLength(1);
    expect(appContainer(find(app(), 'Deployment', 'orders-api')).volumeMounts).toHaveLength(4);
  });
});

describe('clashes are named', () => {
  test("a workload mounting something else at one of the app's paths", () => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'svc', baseProps({ mounts: APP_MOUNTS }));
      new PythonWorker(chart, 'w', { app: web, ...worker, mounts: [{ path: '/app/media', volume: Volume.emptyDir('scratch') }] });
    });
    expect(error).toContain(
      '[test/w] \'mounts[0].path\' must not be a path the container already mounts (app.mounts[0] is mounted there; one mount would hide the other); received "/app/media".',
    );
  });

  test("an init container of the workload with the name of one of the app's, but another definition", () => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'svc', baseProps({ initContainers: [WAIT_FOR_DB] }));
      new PythonWorker(chart, 'w', { app: web, ...worker, initContainers: [{ name: 'wait-for-db', command: ['true'] }] });
    });
    expect(error).toContain("[test/w] 'initContainers[0].name' must be unique in the pod");
  });

  test('inherit on a standalone process', () => {
    const error = chartError(
      (chart) =>
        new PythonWorker(chart, 'w', {
          ...worker,
          image: 'ghcr.io/acme/w:1.0.0',
          profile: baseProps().profile,
          inherit: { mounts: false },
        }),
    );
    expect(error).toContain("'inherit' needs 'app'");
  });
});
