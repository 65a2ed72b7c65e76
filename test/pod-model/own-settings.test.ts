/**
 * A worker or job of an app may have settings and secrets of its own, added to
 * the app's: a one-off job that creates the admin user needs the admin's
 * password; the web service does not.
 */
import { Testing } from 'cdk8s';
import {
  CloudProfile,
  MigrationCommand,
  PythonMicroservice,
  PythonMigration,
  PythonWorker,
  SecretBackend,
  SecretEnv,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { validateAll } from '../support/schema';
import { appContainer, baseProps, chartError, envMap, find } from '../support/synth';
import { testChart } from '../support/cdk8s-testing';

const worker = { command: WorkerCommand.command(['python', '-m', 'orders.worker']), liveness: WorkerLiveness.heartbeatFile('/tmp/beat') };
const csi = CloudProfile.eks({
  roleArn: 'arn:aws:iam::111122223333:role/orders-api',
  secrets: { backend: SecretBackend.CSI_DRIVER, region: 'eu-west-1' },
});

function app() {
  const chart = testChart();
  const web = new PythonMicroservice(
    chart,
    'orders-api',
    baseProps({
      profile: csi,
      config: { LOG_LEVEL: 'info' },
      secrets: [SecretEnv.fromStore({ DATABASE_URL: 'orders/database-url' })],
    }),
  );
  new PythonWorker(chart, 'orders-worker', {
    app: web,
    ...worker,
    config: { QUEUE: 'emails' },
    env: { SMTP_URL: 'smtp://$(SMTP_USER)@mail:587' },
    secrets: [SecretEnv.fromStore({ SMTP_PASSWORD: 'orders/smtp-password' }), SecretEnv.fromExisting('smtp', { SMTP_USER: 'user' })],
  });
  new PythonMigration(chart, 'orders-migrate', { app: web, command: MigrationCommand.alembic(), config: { ALEMBIC_LOCK_TIMEOUT: '60' } });
  return Testing.synth(chart);
}

describe("a worker's own settings and secrets, beside the app's", () => {
  test("its pod reads the app's and its own; the app's pods only the app's", () => {
    // GIVEN / WHEN
    const objects = app();
    const workerApp = appContainer(find(objects, 'Deployment', 'orders-worker'));
    const webApp = appContainer(find(objects, 'Deployment', 'orders-api'));
    const own = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('orders-worker-config-'));

    // THEN the worker's own ConfigMap, content-hashed and kept, comes after the app's in envFrom
    expect(own.data).toEqual({ QUEUE: 'emails' });
    expect(own.metadata.labels['pyservice.dev/release-history']).toBe('true');
    expect(workerApp.envFrom.map((e: any) => e.configMapRef.name)).toEqual([
      expect.stringMatching(/^orders-api-config-/),
      own.metadata.name,
    ]);
    expect(envMap(workerApp)).toMatchObject({
      DATABASE_URL: { secretKeyRef: { name: 'orders-api-store', key: 'database-url' } },
      SMTP_PASSWORD: { secretKeyRef: { name: 'orders-worker-store', key: 'smtp-password' } },
      SMTP_USER: { secretKeyRef: { name: 'smtp', key: 'user' } },
    });
    // AND its reference to its own secret is ordered to resolve
    const names = workerApp.env.map((e: any) => e.name);
    expect(names.indexOf('SMTP_USER')).toBeLessThan(names.indexOf('SMTP_URL'));
    expect(Object.keys(envMap(webApp))).not.toContain('SMTP_PASSWORD');
    expect(webApp.envFrom).toHaveLength(1);

    // AND its secrets come from its own SecretProviderClass, on a volume beside the app's
    expect(objects.filter((o) => o.kind === 'SecretProviderClass').map((o) => o.metadata.name)).toEqual(['orders-api', 'orders-worker']);
    const pod = find(objects, 'Deployment', 'orders-worker').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toEqual(expect.arrayContaining(['store-secrets', 'own-store-secrets']));
    expect(workerApp.volumeMounts).toContainEqual({
      name: 'own-store-secrets',
      mountPath: '/var/run/secrets/orders-worker-store',
      readOnly: true,
    });
    expect(validateAll(objects)).toEqual([]);
  });

  test("a migration's own ConfigMap exists before it runs (Argo CD wave -2, the Job's is -1)", () => {
    const own = app().find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('orders-migrate-config-'));
    expect(own.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
  });

  test('a name the app defines is refused, naming both', () => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'svc', baseProps({ config: { LOG_LEVEL: 'info' } }));
      new PythonWorker(chart, 'w', { app: web, ...worker, env: { LOG_LEVEL: 'debug' } });
    });
    expect(error).toContain("[test/w] 'env' must not define an env var that the app (or the runtime) already defines");
    expect(error).toContain('received "LOG_LEVEL"');
  });

  test('a secret-looking name in its own config is refused as in the app', () => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'svc', baseProps());
      new PythonMigration(chart, 'm', { app: web, command: MigrationCommand.alembic(), config: { ADMIN_PASSWORD: 'x' } });
    });
    expect(error).toContain("[test/m] 'config.ADMIN_PASSWORD' looks like a secret");
  });
});
