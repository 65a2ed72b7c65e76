/**
 * A one-off setup Job (create the admin user, load fixtures) that runs after
 * the app's migrations, once per version, in a stated order among several,
 * and is not a migration: the app's pods do not wait for it.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { MigrationCommand, PythonMicroservice, PythonMigration, PythonSetupJob, SecretEnv } from 'pyservice-k8s';
import { parse } from 'yaml';
import { PythonBuild, renderCompose } from '../../constructs/image';
import { containerWorkloads } from '../../src/kit/tree';
import { composeErrors } from '../image/support';
import { validateAll } from '../support/schema';
import { waitedJobs } from '../support/references';
import { baseProps, chartError, envMap, find } from '../support/synth';
import { testChart } from '../support/cdk8s-testing';

function app(migration = MigrationCommand.alembic()) {
  const chart = testChart();
  const web = new PythonMicroservice(chart, 'backend', baseProps());
  const migrate = new PythonMigration(chart, 'backend-migrate', { app: web, command: migration });
  const superuser = new PythonSetupJob(chart, 'backend-superuser', {
    app: web,
    command: ['python', 'app/initial_data.py'],
    secrets: [SecretEnv.fromExisting('backend-superuser', { FIRST_SUPERUSER: 'email', FIRST_SUPERUSER_PASSWORD: 'password' })],
  });
  const fixtures = new PythonSetupJob(chart, 'backend-fixtures', {
    app: web,
    command: ['python', '-m', 'app.fixtures'],
    after: [superuser],
  });
  return { objects: Testing.synth(chart), migrate, superuser, fixtures };
}

const jobNamed = (objects: any[], base: string) => objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith(`${base}-`));
const podOf = (o: any) => o.spec.template.spec;

describe('a setup job', () => {
  test('runs after the migration (its pod waits for it), with secrets of its own, and is kept in the release history', () => {
    // GIVEN / WHEN
    const { objects, migrate, superuser } = app();
    const job = jobNamed(objects, 'backend-superuser');

    // THEN it is named after its pod template, is a setup job, not a migration, and stays after later versions
    expect(job.metadata.name).toBe(superuser.jobName);
    expect(job.metadata.name).toMatch(/^backend-superuser-[0-9a-f]{8}$/);
    expect(job.metadata.labels['app.kubernetes.io/component']).toBe('setup');
    expect(job.metadata.labels['pyservice.dev/release-history']).toBe('true');
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    // AND its pod waits for this version's migration, like every pod of the app
    expect(waitedJobs(podOf(job))).toEqual([migrate.jobName]);
    expect(envMap(podOf(job).containers[0])).toMatchObject({
      FIRST_SUPERUSER_PASSWORD: { secretKeyRef: { name: 'backend-superuser', key: 'password' } },
    });
    // AND under Argo CD it is in wave 0, after the migration's -1
    expect(job.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBeUndefined();
    // AND the app's pods do not wait for it
    expect(waitedJobs(podOf(find(objects, 'Deployment')))).toEqual([migrate.jobName]);
    expect(validateAll(objects)).toEqual([]);
  });

  test("'after' orders several: the pod waits for the earlier setup job, read with a Role for that one Job; one wave later", () => {
    const { objects, migrate, superuser, fixtures } = app();
    const job = jobNamed(objects, 'backend-fixtures');
    expect(job.metadata.name).toBe(fixtures.jobName);
    expect(waitedJobs(podOf(job)).sort()).toEqual([migrate.jobName, superuser.jobName].sort());
    expect(job.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(fixtures.wave).toBe(1);
    const role = find(objects, 'Role', `${superuser.jobName}-wait`);
    expect(role.rules).toEqual([{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'], resourceNames: [superuser.jobName] }]);
    expect(find(objects, 'RoleBinding', `${superuser.jobName}-wait`).subjects).toEqual([{ kind: 'ServiceAccount', name: 'backend' }]);
    // Its wait speaks of a job, from a script and volume of its own beside the migration's
    const script = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('backend-job-wait-'));
    expect(script.data['wait.py']).toContain('waiting for job %s');
    expect(script.data['wait.py']).not.toMatch(/migration job/i);
    expect(podOf(job).volumes.map((v: any) => v.name)).toEqual(expect.arrayContaining(['migration-wait', 'job-wait']));
  });

  test('a new migration is a new setup Job (its template names the migration), the same version the same Job', () => {
    const [n, same, next] = [app(), app(), app(MigrationCommand.django())];
    expect(same.superuser.jobName).toBe(n.superuser.jobName);
    expect(next.superuser.jobName).not.toBe(n.superuser.jobName);
    expect(next.fixtures.jobName).not.toBe(n.fixtures.jobName);
  });

  test("its wait's script runs under python3 and names the job it gave up on", () => {
    const { objects, superuser } = app();
    const script = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('backend-job-wait-')).data['wait.py'];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-wait-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=x',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'ca.crt'),
        ],
        { stdio: 'ignore' },
      );
      fs.writeFileSync(path.join(dir, 'wait.py'), script);
      fs.writeFileSync(path.join(dir, 'token'), 't\n');
      // No API server listens on port 9: the first read fails, and a deadline of 0 gives up at once.
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: '9',
        POD_NAMESPACE: 'shop',
        MIGRATION_JOB: superuser.jobName,
        WAIT_DEADLINE_SECONDS: '0',
      };
      const run = spawnSync('python3', [path.join(dir, 'wait.py')], { env, encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stdout).toContain(`gave up waiting for job ${superuser.jobName} after 0s: the API server did not answer`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compose runs the setup jobs after the migration and in their order', () => {
  test('each depends on the migration and the setup jobs it names; the app depends on none of them', () => {
    const chart = testChart();
    const web = new PythonMicroservice(chart, 'backend', baseProps());
    new PythonMigration(chart, 'backend-migrate', { app: web, command: MigrationCommand.alembic() });
    const superuser = new PythonSetupJob(chart, 'backend-superuser', { app: web, command: ['python', 'app/initial_data.py'] });
    new PythonSetupJob(chart, 'backend-fixtures', { app: web, command: ['python', '-m', 'app.fixtures'], after: [superuser] });
    const compose = parse(renderCompose(containerWorkloads(chart), PythonBuild.requirements({ pythonVersion: '3.12.7' })));
    expect(composeErrors(compose)).toEqual([]);
    const done = { condition: 'service_completed_successfully' };
    expect(compose.services['backend-superuser'].depends_on).toEqual({ 'backend-migrate': done });
    expect(compose.services['backend-fixtures'].depends_on).toEqual({ 'backend-migrate': done, 'backend-superuser': done });
    expect(Object.keys(compose.services.backend.depends_on)).toEqual(['backend-migrate']);
    expect(compose.services['backend-fixtures'].restart).toBeUndefined();
  });
});

describe('a setup job that cannot be ordered is refused', () => {
  test('a migration defined after it', () => {
    const error = chartError((chart) => {
      const web = new PythonMicroservice(chart, 'backend', baseProps());
      new PythonSetupJob(chart, 'seed', { app: web, command: ['python', '-m', 'seed'] });
      new PythonMigration(chart, 'migrate', { app: web, command: MigrationCommand.alembic() });
    });
    expect(error).toContain("[test/seed] 'app' must have all its migrations defined before its setup jobs");
    expect(error).toContain("1 migration(s) defined after 'seed'");
  });

  test("'after' naming a setup job of another app", () => {
    const error = chartError((chart) => {
      const a = new PythonMicroservice(chart, 'a', baseProps());
      const b = new PythonMicroservice(chart, 'b', baseProps());
      const first = new PythonSetupJob(chart, 'first', { app: a, command: ['true'] });
      new PythonSetupJob(chart, 'second', { app: b, command: ['true'], after: [first] });
    });
    expect(error).toContain("[test/second] 'after' must list setup jobs of the same app");
  });
});
