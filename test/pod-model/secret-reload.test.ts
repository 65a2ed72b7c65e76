/**
 * `reloadOnSecretChange`: each Deployment of the app names the Secrets its pods
 * read in Stakater Reloader's `secret.reloader.stakater.com/reload` annotation
 * on its own metadata (Reloader's README, "Named Resource Reload"), so that a
 * rotated Secret rolls the pods.
 */
import { Testing } from 'cdk8s';
import {
  CloudProfile,
  ConfigFile,
  EnvFrom,
  MigrationCommand,
  PythonCronJob,
  PythonMicroservice,
  PythonMigration,
  PythonWorker,
  SecretBackend,
  SecretEnv,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { baseProps, chartError, find } from '../support/synth';
import { testChart } from '../support/cdk8s-testing';

const RELOAD = 'secret.reloader.stakater.com/reload';

function app(reloadOnSecretChange?: boolean) {
  const chart = testChart();
  const web = new PythonMicroservice(
    chart,
    'orders-api',
    baseProps({
      profile: CloudProfile.eks({
        roleArn: 'arn:aws:iam::111122223333:role/orders-api',
        secrets: { backend: SecretBackend.EXTERNAL_SECRETS, region: 'eu-west-1' },
      }),
      reloadOnSecretChange,
      secrets: [SecretEnv.fromExisting('orders-db', { DATABASE_URL: 'url' }), SecretEnv.fromStore({ API_KEY: 'orders/api-key' })],
      envFrom: [EnvFrom.secret('orders-env'), EnvFrom.configMap('orders-flags')],
      files: { '/etc/orders/tls.key': ConfigFile.fromSecret('orders-tls', 'tls.key') },
      mounts: [{ path: '/etc/orders/certs', volume: Volume.secret('orders-ca') }],
    }),
  );
  new PythonWorker(chart, 'orders-worker', {
    app: web,
    command: WorkerCommand.command(['python', '-m', 'orders.worker']),
    liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
  });
  new PythonMigration(chart, 'orders-migrate', { app: web, command: MigrationCommand.alembic() });
  new PythonCronJob(chart, 'orders-report', { app: web, command: ['python', '-m', 'orders.report'], schedule: '@daily' });
  return Testing.synth(chart);
}

describe('reloadOnSecretChange', () => {
  test("each Deployment names every Secret its pods read, sorted, on its own metadata (not the pod's, which would roll it)", () => {
    // GIVEN / WHEN
    const objects = app(true);

    // THEN the web service's pods read the existing Secrets, the store's synced Secret and the mounted Secrets
    expect(find(objects, 'Deployment', 'orders-api').metadata.annotations[RELOAD]).toBe(
      'orders-api-store,orders-ca,orders-db,orders-env,orders-tls',
    );
    expect(find(objects, 'Deployment', 'orders-api').spec.template.metadata.annotations[RELOAD]).toBeUndefined();
    // AND the worker shares the app's settings and mounts, so the same Secrets
    expect(find(objects, 'Deployment', 'orders-worker').metadata.annotations[RELOAD]).toBe(
      'orders-api-store,orders-ca,orders-db,orders-env,orders-tls',
    );
    // AND Jobs read Secrets when each run starts: nothing to roll
    expect(objects.find((o) => o.kind === 'Job').metadata.annotations?.[RELOAD]).toBeUndefined();
    expect(find(objects, 'CronJob').metadata.annotations?.[RELOAD]).toBeUndefined();
  });

  test('off by default: no annotation', () => {
    for (const o of app()) expect(o.metadata.annotations?.[RELOAD]).toBeUndefined();
  });

  test('pods that read no Secret get no annotation', () => {
    const chart = testChart();
    new PythonMicroservice(chart, 'orders-api', baseProps({ reloadOnSecretChange: true, config: { LOG_LEVEL: 'info' } }));
    expect(find(Testing.synth(chart), 'Deployment').metadata.annotations?.[RELOAD]).toBeUndefined();
  });

  test("a worker of an app follows the app's setting", () => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'svc', baseProps());
      new PythonWorker(chart, 'w', {
        app: web,
        command: WorkerCommand.command(['python', '-m', 'w']),
        liveness: WorkerLiveness.heartbeatFile('/tmp/b'),
        reloadOnSecretChange: true,
      });
    });
    expect(error).toContain("'reloadOnSecretChange' must not be set together with 'app'");
  });
});
