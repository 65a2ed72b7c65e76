/**
 * Files written from the description (a settings module, an ini file) and
 * secret files, mounted read-only at their paths in every container of the app.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import {
  CloudProfile,
  ConfigFile,
  MigrationCommand,
  PythonMicroservice,
  PythonMigration,
  PythonWorker,
  SecretBackend,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { PythonBuild, WorkloadRole, renderCompose } from '../../constructs/image';
import { unneededHistory } from '../../src/history';
import { collectWarnings } from '../support/internals';
import { restrictedViolations } from '../support/policies';
import { validateAll } from '../support/schema';
import { appContainer, baseProps, chartError, find, synthService } from '../support/synth';
import { composeErrors } from '../image/support';
import { testChart } from '../support/cdk8s-testing';

const SETTINGS = "SQLALCHEMY_DATABASE_URI = 'postgresql://db/superset'\nROW_LIMIT = 5000\n";
const INI = '[server]\nport = 8000\n';

function app(settings = SETTINGS) {
  const chart = testChart();
  const web = new PythonMicroservice(
    chart,
    'orders-api',
    baseProps({
      files: { '/app/pythonpath/superset_config.py': ConfigFile.fromText(settings), '/etc/orders/orders.ini': ConfigFile.fromText(INI) },
    }),
  );
  const worker = new PythonWorker(chart, 'orders-worker', {
    app: web,
    command: WorkerCommand.command(['python', '-m', 'orders.worker']),
    liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
  });
  new PythonMigration(chart, 'orders-migrate', { app: web, command: MigrationCommand.alembic() });
  return { web, worker, objects: Testing.synth(chart) };
}

describe('files written in the description', () => {
  test('one immutable ConfigMap named after its content, each file mounted read-only by itself in every pod of the app', () => {
    // GIVEN / WHEN
    const { objects } = app();
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('orders-api-files-'));

    // THEN the ConfigMap holds both files, cannot change, and is kept for the pods of earlier versions
    expect(configMap.metadata.name).toMatch(/^orders-api-files-[0-9a-f]{10}$/);
    expect(configMap.data).toEqual({ 'superset_config.py': SETTINGS, 'orders.ini': INI });
    expect(configMap.immutable).toBe(true);
    expect(configMap.metadata.labels['pyservice.dev/release-history']).toBe('true');
    expect(configMap.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false');
    // AND it exists before the migration that reads it (Argo CD wave -2, the Job's is -1)
    expect(configMap.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');

    for (const [kind, name] of [
      ['Deployment', 'orders-api'],
      ['Deployment', 'orders-worker'],
    ]) {
      const pod = find(objects, kind, name).spec.template.spec;
      expect(pod.volumes).toContainEqual({ name: 'config-files', configMap: { name: configMap.metadata.name, defaultMode: 0o444 } });
      expect(appContainer(find(objects, kind, name)).volumeMounts).toEqual(
        expect.arrayContaining([
          { name: 'config-files', mountPath: '/app/pythonpath/superset_config.py', subPath: 'superset_config.py', readOnly: true },
          { name: 'config-files', mountPath: '/etc/orders/orders.ini', subPath: 'orders.ini', readOnly: true },
        ]),
      );
    }
    const job = objects.find((o) => o.kind === 'Job');
    expect(job.spec.template.spec.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ subPath: 'superset_config.py' }));
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test('a change of content is a new ConfigMap, so the pods roll and a new migration Job runs; the same content renders the same', () => {
    const [n, same, next] = [app(), app(), app(`${SETTINGS}ROW_LIMIT = 10000\n`)];
    const files = (r: ReturnType<typeof app>) => r.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.includes('-files-'));
    const template = (r: ReturnType<typeof app>) => JSON.stringify(find(r.objects, 'Deployment', 'orders-api').spec.template);
    expect(files(same).metadata.name).toBe(files(n).metadata.name);
    expect(template(same)).toBe(template(n));
    expect(files(next).metadata.name).not.toBe(files(n).metadata.name);
    expect(template(next)).not.toBe(template(n));
    const job = (r: ReturnType<typeof app>) => r.objects.find((o) => o.kind === 'Job').metadata.name;
    expect(job(next)).not.toBe(job(n));
  });

  test('two files with one name get their whole path as key', () => {
    const { objects } = synthService({
      files: { '/etc/a/app.ini': ConfigFile.fromText('a'), '/etc/b/app.ini': ConfigFile.fromText('b') },
    });
    expect(find(objects, 'ConfigMap').data).toEqual({ 'etc_a_app.ini': 'a', 'etc_b_app.ini': 'b' });
  });
});

describe('secret files', () => {
  test('a key of an existing Secret: mounted by itself, 0440, nothing of it in the manifests', () => {
    const { objects } = synthService({ files: { '/etc/orders/key.pem': ConfigFile.fromSecret('orders-tls', 'tls.key') } });
    const pod = find(objects, 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({
      name: 'files-secret-orders-tls',
      secret: { secretName: 'orders-tls', items: [{ key: 'tls.key', path: 'tls.key' }], defaultMode: 0o440 },
    });
    expect(appContainer(find(objects, 'Deployment')).volumeMounts).toContainEqual({
      name: 'files-secret-orders-tls',
      mountPath: '/etc/orders/key.pem',
      subPath: 'tls.key',
      readOnly: true,
    });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test.each([
    ['CSI driver', SecretBackend.CSI_DRIVER],
    ['External Secrets', SecretBackend.EXTERNAL_SECRETS],
  ])("from the secret manager (%s): fetched with the app's other secrets, mounted at its path", (_name, backend) => {
    const profile = CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/orders-api', secrets: { backend, region: 'eu-west-1' } });
    const { objects } = synthService({ profile, files: { '/etc/orders/signing.pem': ConfigFile.fromStore('orders/signing-key') } });
    expect(JSON.stringify(objects.filter((o) => ['SecretProviderClass', 'ExternalSecret'].includes(o.kind)))).toContain(
      'orders/signing-key',
    );
    expect(appContainer(find(objects, 'Deployment')).volumeMounts).toContainEqual({
      name: 'store-secrets',
      mountPath: '/etc/orders/signing.pem',
      subPath: 'signing.pem',
      readOnly: true,
    });
    expect(validateAll(objects)).toEqual([]);
  });

  test('written into the manifests only through the unsafe API, with a warning, in a content-hashed Secret', () => {
    const chart = testChart();
    new PythonMicroservice(chart, 'orders-api', baseProps({ files: { '/etc/orders/test.key': ConfigFile.unsafePlaintextInGit('k') } }));
    const objects = Testing.synth(chart);
    const secret = find(objects, 'Secret');
    expect(secret.metadata.name).toMatch(/^orders-api-plaintext-files-[0-9a-f]{10}$/);
    expect(secret).toMatchObject({ stringData: { 'test.key': 'k' }, immutable: true });
    expect(collectWarnings(chart)).toContainEqual(expect.stringContaining('ConfigFile.unsafePlaintextInGit writes 1 secret file(s)'));
    // Kept in the release history, and `pyservice-k8s history` keeps it while a Deployment names it
    expect(secret.metadata.labels['pyservice.dev/release-history']).toBe('true');
    const deployment = find(objects, 'Deployment');
    expect(unneededHistory({ items: [secret, deployment] })).toEqual([]);
    expect(unneededHistory({ items: [secret] })).toEqual([`secret/${secret.metadata.name}`]);
  });
});

describe('files that cannot be mounted are refused', () => {
  test.each([
    [{ 'etc/app.ini': ConfigFile.fromText('x') }, "'files.etc/app.ini' must be an absolute file path"],
    [{ '/etc/../app.ini': ConfigFile.fromText('x') }, "'files./etc/../app.ini' must be an absolute file path"],
    [{ '/etc/app.ini': 'x' as unknown as ConfigFile }, '\'files./etc/app.ini\' must be a ConfigFile; received "x"'],
    [{ '/etc/app.ini': ConfigFile.fromSecret('Bad_Name', 'k') }, "'files./etc/app.ini.secretName' must be"],
  ])('%j', (files, message) => {
    expect(chartError((chart) => new PythonMicroservice(chart, 'svc', baseProps({ files })))).toContain(message);
  });

  test('a file at a path another mount takes', () => {
    const error = chartError(
      (chart) =>
        new PythonMicroservice(
          chart,
          'svc',
          baseProps({
            files: { '/app/media': ConfigFile.fromText('x') },
            mounts: [{ path: '/app/media', volume: Volume.emptyDir('media') }],
          }),
        ),
    );
    expect(error).toContain(
      "[test/svc] 'mounts[0].path' must not be a path the container already mounts (the file of 'files' at /app/media is mounted there; one mount would hide the other); received \"/app/media\".",
    );
  });

  test("a worker of an app shares the app's files and sets none of its own", () => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'svc', baseProps());
      new PythonWorker(chart, 'w', {
        app: web,
        command: WorkerCommand.command(['python', '-m', 'w']),
        liveness: WorkerLiveness.heartbeatFile('/tmp/b'),
        files: { '/etc/w.ini': ConfigFile.fromText('x') },
      });
    });
    expect(error).toContain("'files' must not be set together with 'app'");
  });
});

describe('compose mounts the same files', () => {
  test('files written in the description as configs with their content ($ escaped), secret files listed', () => {
    // GIVEN
    const { web, worker } = app('PRICE = "$5"\n');
    const withSecret = synthService({ files: { '/etc/orders/key.pem': ConfigFile.fromSecret('orders-tls', 'tls.key') } }, 'tls-api');

    // WHEN
    const compose = parse(
      renderCompose(
        [
          { container: web.container },
          { container: worker.container, role: WorkloadRole.WORKER },
          { container: withSecret.service.container },
        ],
        PythonBuild.requirements({ pythonVersion: '3.12.7' }),
      ),
    );

    // THEN
    expect(composeErrors(compose)).toEqual([]);
    const [settings] = Object.keys(compose.configs).filter((k) => k.startsWith('superset_config.py-'));
    expect(compose.configs[settings]).toEqual({ content: 'PRICE = "$$5"\n' });
    for (const service of ['orders-api', 'orders-worker'])
      expect(compose.services[service].configs).toContainEqual({
        source: settings,
        target: '/app/pythonpath/superset_config.py',
        mode: 0o444,
      });
    expect(compose.services['tls-api']['x-secret-files']).toEqual(['/etc/orders/key.pem']);
  });
});
