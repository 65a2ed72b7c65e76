import { Duration, JsonPatch, Testing, Yaml } from 'cdk8s';
import { KUBECTL_PRUNE_SELECTOR } from '../constructs/delivery/retention';
import {
  MigrationCommand,
  PythonCronJob,
  PythonCronJobProps,
  PythonMicroservice,
  PythonMigration,
  PythonMigrationProps,
  PythonSingleton,
  PythonWorker,
  WorkerCommand,
  WorkerLiveness,
  cronProblem,
} from './support/internals';
import { projectFindings, restrictedViolations } from './support/policies';
import { selectorMatches } from './support/kubectl-rules';
import { validateAll } from './support/schema';
import { baseProps, errorOf, find } from './support/synth';
import { testChart } from './support/cdk8s-testing';

function synthJobs(migration?: Partial<PythonMigrationProps>, cron?: Partial<PythonCronJobProps>, image = 'ghcr.io/acme/orders-api:1.4.2') {
  const chart = testChart();
  const app = new PythonMicroservice(chart, 'orders-api', baseProps({ image, config: { LOG_LEVEL: 'info' }, priorityClassName: 'batch' }));
  if (migration) new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic(), ...migration });
  if (cron) new PythonCronJob(chart, 'nightly', { app, command: ['python', '-m', 'orders.report'], schedule: '30 2 * * *', ...cron });
  return Testing.synth(chart);
}

function jobsError(migration?: Partial<PythonMigrationProps>, cron?: Partial<PythonCronJobProps>): string {
  return errorOf(() => synthJobs(migration, cron));
}

describe('PythonMigration', () => {
  test("runs the tool with the app's image, settings and secrets, restricted and bounded", () => {
    const objects = synthJobs({});
    const job = find(objects, 'Job');
    const pod = job.spec.template.spec;
    expect(pod.containers[0].command).toEqual(['alembic', 'upgrade', 'head']);
    expect(pod.containers[0].image).toBe('ghcr.io/acme/orders-api:1.4.2');
    expect(pod.containers[0].envFrom[0].configMapRef.name).toMatch(/^orders-api-config-/);
    expect(pod.serviceAccountName).toBe('orders-api');
    expect(pod.restartPolicy).toBe('Never');
    expect(job.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 600 });
    expect(restrictedViolations(job)).toEqual([]);
    expect(validateAll(objects)).toEqual([]);
  });

  test('Argo CD: a regular resource in wave -1 (no hook, so a sync never re-runs it), after config, identity and the NetworkPolicy in wave -2', () => {
    const objects = synthJobs({});
    const annotations = find(objects, 'Job').metadata.annotations;
    expect(annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(annotations['argocd.argoproj.io/hook']).toBeUndefined();
    expect(annotations['argocd.argoproj.io/hook-delete-policy']).toBeUndefined();
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding'])
      expect(find(objects, kind).metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
    // The app's config and the wait's script
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.annotations['argocd.argoproj.io/sync-wave'])).toEqual([
      '-2',
      '-2',
    ]);
    expect(find(objects, 'NetworkPolicy', 'migrate').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
    expect(find(objects, 'Deployment').metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBeUndefined();
  });

  test('the Job is named after the construct id, plus a hash of its whole pod template', () => {
    const a = find(synthJobs({}), 'Job').metadata.name;
    const b = find(synthJobs({}), 'Job').metadata.name;
    const c = find(synthJobs({}, undefined, 'ghcr.io/acme/orders-api:1.4.3'), 'Job').metadata.name;
    expect(a).toMatch(/^migrate-[0-9a-f]{8}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  test("a config change is a new Job (a Job's pod template is immutable, so the same name would be rejected)", () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps({ config: { LOG_LEVEL: 'debug' } }));
    const other = find(Testing.synth((new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() }), chart)), 'Job')
      .metadata.name;
    expect(other).not.toBe(find(synthJobs({}), 'Job').metadata.name);
  });

  test("plain kubectl apply: every new pod of the app waits in an init container for this version's Job", () => {
    // GIVEN a web service, a worker and a cron job of one app, and its migration
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps());
    new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() });
    new PythonCronJob(chart, 'nightly', { app, command: ['python', '-m', 'orders.report'], schedule: '30 2 * * *' });
    const objects = Testing.synth(chart);
    const job = find(objects, 'Job');
    const script = objects.find((o) => o.kind === 'ConfigMap' && o.data['wait.py']);
    // THEN the web Deployment and the CronJob (created after the migration) wait for exactly this Job
    for (const spec of [find(objects, 'Deployment').spec.template.spec, find(objects, 'CronJob').spec.jobTemplate.spec.template.spec]) {
      const wait = spec.initContainers[0];
      expect(wait.name).toBe('wait-for-migrate');
      expect(wait.image).toBe(job.spec.template.spec.containers[0].image);
      expect(wait.env).toContainEqual({ name: 'MIGRATION_JOB', value: job.metadata.name });
      expect(wait.volumeMounts).toEqual([
        { name: 'migration-wait', mountPath: '/var/run/secrets/pyservice.dev/migration-wait', readOnly: true },
      ]);
      // The script comes from the app's one ConfigMap, beside a token that only the waits mount.
      expect(spec.volumes.filter((v: any) => v.name === 'migration-wait')).toEqual([
        {
          name: 'migration-wait',
          projected: {
            defaultMode: 0o440,
            sources: [
              { configMap: { name: script.metadata.name, items: [{ key: 'wait.py', path: 'wait.py' }] } },
              { serviceAccountToken: { path: 'token', expirationSeconds: 600 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        },
      ]);
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.containers.every((c: any) => c.volumeMounts.every((m: any) => m.name !== 'migration-wait'))).toBe(true);
    }
    // AND the migration's own pod does not wait for itself
    expect(job.spec.template.spec.initContainers).toBeUndefined();
    // AND the app may read this one Job, with a Role and RoleBinding named after it (one per version)
    expect(find(objects, 'Role').metadata.name).toBe(`${job.metadata.name}-wait`);
    expect(find(objects, 'Role').rules).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'], resourceNames: [job.metadata.name] },
    ]);
    expect(find(objects, 'RoleBinding').metadata.name).toBe(`${job.metadata.name}-wait`);
    expect(find(objects, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-api' }]);
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test('a finished Job, its wait RBAC and the ConfigMaps old pods name stay in the release history: never pruned, never expired', () => {
    // GIVEN an app with config and a migration
    const objects = synthJobs({});
    const job = find(objects, 'Job');
    // THEN every versioned object is exempt from pruning on Argo CD, Flux and the documented kubectl selector
    const versioned = [job, find(objects, 'Role'), find(objects, 'RoleBinding'), ...objects.filter((o) => o.kind === 'ConfigMap')];
    expect(versioned.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Job', 'Role', 'RoleBinding']);
    for (const o of versioned) {
      expect(o.metadata.annotations).toMatchObject({
        'argocd.argoproj.io/sync-options': 'Prune=false',
        'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      });
      expect(o.metadata.labels['pyservice.dev/release-history']).toBe('true');
      expect(selectorMatches(KUBECTL_PRUNE_SELECTOR, o.metadata.labels)).toBe(false);
    }
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(find(objects, 'Role').metadata.labels['pyservice.dev/migration-job']).toBe(job.metadata.name);
    // AND what follows the version (the Deployment, its Service) is pruned as before
    for (const kind of ['Deployment', 'Service', 'NetworkPolicy']) {
      const o = objects.find((x) => x.kind === kind);
      expect(o.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBeUndefined();
      expect(selectorMatches(KUBECTL_PRUNE_SELECTOR, o.metadata.labels)).toBe(true);
    }
  });

  test("the wait's script is one ConfigMap per app, and each pod carries a short init container", () => {
    // GIVEN an app with two migrations
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps());
    new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() });
    new PythonMigration(chart, 'seed', { app, command: MigrationCommand.command(['python', '-m', 'orders.seed']) });
    const objects = Testing.synth(chart);
    // THEN the script is written once
    const scripts = objects.filter((o) => o.kind === 'ConfigMap' && o.data['wait.py']);
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatchObject({
      immutable: true,
      metadata: { name: expect.stringMatching(/^orders-api-migration-wait-[0-9a-f]{10}$/) },
    });
    // AND each pod has one short init container per migration, sharing one volume
    const spec = find(objects, 'Deployment').spec.template.spec;
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['wait-for-seed', 'wait-for-migrate']);
    expect(spec.volumes.filter((v: any) => v.name === 'migration-wait')).toHaveLength(1);
    for (const c of spec.initContainers) expect(Yaml.stringify(c).split('\n').length).toBeLessThan(45);
    expect(JSON.stringify(spec)).not.toContain('urllib');
  });

  test("a user's JSON patch applies to the final manifest, after the waits of a migration defined later", () => {
    // GIVEN a patch on the first init container, added before the migration that creates it exists
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps());
    app.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/initContainers/0/env/-', { name: 'WAIT_VERBOSE', value: '1' }));
    new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() });
    // WHEN
    const wait = find(Testing.synth(chart), 'Deployment').spec.template.spec.initContainers[0];
    // THEN
    expect(wait.name).toBe('wait-for-migrate');
    expect(wait.env).toContainEqual({ name: 'WAIT_VERBOSE', value: '1' });
    // AND the construct tree holds no patch of the library: the wait is rendered from the app's runtime
    expect(app.runtime.waits.map((w) => w.container.name)).toEqual(['wait-for-migrate']);
  });

  test('Deployments that wait have a progress deadline covering the wait and their own start-up', () => {
    // GIVEN a service with a 90 s startup budget, a worker, a singleton, and a migration of 15 minutes
    const chart = testChart();
    const app = new PythonMicroservice(
      chart,
      'orders-api',
      baseProps({ health: { liveness: '/livez', readiness: '/readyz', startupBudget: Duration.seconds(90) } }),
    );
    new PythonWorker(chart, 'orders-worker', {
      app,
      command: WorkerCommand.command(['python', '-m', 'w']),
      liveness: WorkerLiveness.heartbeatFile('/tmp/b'),
    });
    new PythonSingleton(chart, 'orders-beat', {
      app,
      command: WorkerCommand.command(['python', '-m', 'beat']),
      shutdownTimeout: Duration.seconds(30),
    });
    new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic(), timeout: Duration.minutes(15) });
    const objects = Testing.synth(chart);
    // THEN each wait allows the Job's deadline plus a minute
    const web = find(objects, 'Deployment', 'orders-api');
    const wait = Number(web.spec.template.spec.initContainers[0].env.find((e: any) => e.name === 'WAIT_DEADLINE_SECONDS').value);
    expect(wait).toBe(find(objects, 'Job').spec.activeDeadlineSeconds + 60);
    // AND the progress deadline is the wait, scheduling (120 s), the startup probe's budget and one readiness period
    const startup = web.spec.template.spec.containers[0].startupProbe;
    expect(startup.periodSeconds * startup.failureThreshold).toBe(90);
    expect(web.spec.progressDeadlineSeconds).toBe(wait + 120 + 90 + 10);
    // AND a worker has no probe to wait for; a singleton first stops its old pod (Recreate: its grace period)
    expect(find(objects, 'Deployment', 'orders-worker').spec.progressDeadlineSeconds).toBe(wait + 120);
    const beat = find(objects, 'Deployment', 'orders-beat');
    expect(beat.spec.progressDeadlineSeconds).toBe(beat.spec.template.spec.terminationGracePeriodSeconds + wait + 120);
  });

  test("without a wait, a Deployment keeps the controller's default progress deadline at the least", () => {
    const objects = synthJobs({ waitInPods: false });
    expect(find(objects, 'Deployment').spec.progressDeadlineSeconds).toBe(600);
  });

  test('waitInPods: false leaves the pods alone', () => {
    const objects = synthJobs({ waitInPods: false });
    expect(find(objects, 'Deployment').spec.template.spec.initContainers).toBeUndefined();
    expect(objects.some((o) => o.kind === 'Role')).toBe(false);
  });

  test('Django migrate', () => {
    expect(find(synthJobs({ command: MigrationCommand.django() }), 'Job').spec.template.spec.containers[0].command).toEqual([
      'python',
      '-m',
      'django',
      'migrate',
      '--no-input',
    ]);
  });
});

describe('PythonCronJob', () => {
  test('schedule, time zone, no overlap, deadlines and history limits', () => {
    const objects = synthJobs(undefined, { timeZone: 'Europe/Paris', timeout: Duration.minutes(30) });
    const cj = find(objects, 'CronJob');
    expect(cj.spec).toMatchObject({
      schedule: '30 2 * * *',
      timeZone: 'Europe/Paris',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(cj.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 1800 });
    expect(cj.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    expect(restrictedViolations(cj)).toEqual([]);
    expect(validateAll(objects)).toEqual([]);
    expect(
      projectFindings(objects)
        .filter((f) => f.object.includes('nightly'))
        .map((f) => `${f.tool} ${f.check}`),
    ).toEqual([]);
  });

  test.each([
    ['@daily', undefined],
    ['*/15 * * * *', undefined],
    ['0 9-17 * * MON-FRI', undefined],
    ['0 0 1 JAN,JUL *', undefined],
    ['0 0 * *', 'must have 5 fields'],
    ['60 * * * *', "invalid minute field '60'"],
    ['0 24 * * *', "invalid hour field '24'"],
    ['0 0 32 * *', 'invalid day of month'],
    ['0 0 * 13 *', 'invalid month'],
    ['0 0 * * FUNDAY', 'invalid day of week'],
    ['TZ=UTC 0 0 * * *', 'must not set TZ'],
    ['*/0 * * * *', 'invalid minute'],
  ])('schedule %p', (schedule, problem) => {
    const result = cronProblem(schedule);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result?.rule).toContain(problem);
  });

  test.each([
    [{ schedule: 'every night' }, "'schedule' must have 5 fields"],
    [{ timeZone: 'Paris' }, '\'timeZone\' must be an IANA time zone name; received "Paris"'],
    [{ concurrencyPolicy: 'Never' as never }, "'concurrencyPolicy' must be Forbid, Replace or Allow"],
    [{ command: [] }, "'command' must be a non-empty argv"],
  ])('error %#', (cron, message) => {
    expect(jobsError(undefined, cron)).toContain(message);
  });
});
