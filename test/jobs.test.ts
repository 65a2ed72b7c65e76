import { spawnSync } from 'child_process';
import { Duration, Testing } from 'cdk8s';
import { MigrationCommand, PythonCronJob, PythonCronJobProps, PythonMicroservice, PythonMigration, PythonMigrationProps, cronProblem } from './support/internals';
import { lintFindings, restrictedViolations } from './support/policies';
import { validateAll } from './support/schema';
import { baseProps, errorOf, find } from './support/synth';

function synthJobs(migration?: Partial<PythonMigrationProps>, cron?: Partial<PythonCronJobProps>, image = 'ghcr.io/acme/orders-api:1.4.2') {
  const chart = Testing.chart();
  const app = new PythonMicroservice(chart, 'orders-api', baseProps({ image, config: { LOG_LEVEL: 'info' }, priorityClassName: 'batch' }));
  if (migration) new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic(), ...migration });
  if (cron) new PythonCronJob(chart, 'nightly', { app, command: ['python', '-m', 'orders.report'], schedule: '30 2 * * *', ...cron });
  return Testing.synth(chart);
}

function jobsError(migration?: Partial<PythonMigrationProps>, cron?: Partial<PythonCronJobProps>): string {
  return errorOf(() => synthJobs(migration, cron));
}

describe('PythonMigration', () => {
  test('runs the tool with the app\'s image, settings and secrets, restricted and bounded', () => {
    const objects = synthJobs({});
    const job = find(objects, 'Job');
    const pod = job.spec.template.spec;
    expect(pod.containers[0].command).toEqual(['alembic', 'upgrade', 'head']);
    expect(pod.containers[0].image).toBe('ghcr.io/acme/orders-api:1.4.2');
    expect(pod.containers[0].envFrom[0].configMapRef.name).toMatch(/^orders-api-config-/);
    expect(pod.serviceAccountName).toBe('orders-api');
    expect(pod.restartPolicy).toBe('Never');
    expect(job.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 600 });
    // Kept after it finished: Argo CD, Flux and kubectl apply would re-create a deleted Job and migrate again.
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(restrictedViolations(job)).toEqual([]);
    expect(validateAll(objects)).toEqual([]);
  });

  test('Argo CD: a regular resource in wave -1 (no hook, so a sync never re-runs it), after config, identity and the NetworkPolicy in wave -2', () => {
    const objects = synthJobs({});
    const annotations = find(objects, 'Job').metadata.annotations;
    expect(annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(annotations['argocd.argoproj.io/hook']).toBeUndefined();
    expect(annotations['argocd.argoproj.io/hook-delete-policy']).toBeUndefined();
    for (const kind of ['ConfigMap', 'ServiceAccount', 'Role', 'RoleBinding']) expect(find(objects, kind).metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
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

  test('a config change is a new Job (a Job\'s pod template is immutable, so the same name would be rejected)', () => {
    const chart = Testing.chart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps({ config: { LOG_LEVEL: 'debug' } }));
    const other = find(Testing.synth((new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() }), chart)), 'Job').metadata.name;
    expect(other).not.toBe(find(synthJobs({}), 'Job').metadata.name);
  });

  test('plain kubectl apply: every new pod of the app waits in an init container for this version\'s Job', () => {
    // GIVEN a web service, a worker and a cron job of one app, and its migration
    const chart = Testing.chart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps());
    new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() });
    new PythonCronJob(chart, 'nightly', { app, command: ['python', '-m', 'orders.report'], schedule: '30 2 * * *' });
    const objects = Testing.synth(chart);
    const job = find(objects, 'Job');
    // THEN the web Deployment and the CronJob (created after the migration) wait for exactly this Job
    for (const spec of [find(objects, 'Deployment').spec.template.spec, find(objects, 'CronJob').spec.jobTemplate.spec.template.spec]) {
      const wait = spec.initContainers[0];
      expect(wait.name).toBe('wait-for-migrate');
      expect(wait.image).toBe(job.spec.template.spec.containers[0].image);
      expect(wait.env).toContainEqual({ name: 'MIGRATION_JOB', value: job.metadata.name });
      expect(wait.volumeMounts).toEqual([{ name: 'kube-api-access-wait', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }]);
      // Only the init container gets a token; the pod does not automount one.
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.containers.every((c: any) => c.volumeMounts.every((m: any) => m.name !== 'kube-api-access-wait'))).toBe(true);
      expect(spec.volumes.filter((v: any) => v.name === 'kube-api-access-wait')).toHaveLength(1);
    }
    // AND the migration's own pod does not wait for itself
    expect(job.spec.template.spec.initContainers).toBeUndefined();
    // AND the app may read this one Job, and nothing else
    expect(find(objects, 'Role').rules).toEqual([{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'], resourceNames: [job.metadata.name] }]);
    expect(find(objects, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-api' }]);
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test('the wait script (real python3): waits through 404 and a running Job, exits 0 once it succeeded and 1 once it failed', () => {
    const wait = find(synthJobs({}), 'Deployment').spec.template.spec.initContainers[0];
    const script = wait.command[2];
    const run = (responses: Array<number | object>) => {
      // Replaces the network and the clock; the script's own logic runs unchanged.
      const harness = [
        'import io, json, sys, time, urllib.error, urllib.request, ssl, builtins',
        `responses = ${JSON.stringify(responses)}`,
        'def urlopen(req, context=None, timeout=None):',
        '    assert req.headers["Authorization"] == "Bearer tok", req.headers',
        '    assert req.full_url == "https://10.0.0.1:443/apis/batch/v1/namespaces/shop/jobs/j-1", req.full_url',
        '    r = responses.pop(0)',
        '    if isinstance(r, int): raise urllib.error.HTTPError(req.full_url, r, "x", {}, None)',
        '    return io.BytesIO(json.dumps(r).encode())',
        'urllib.request.urlopen = urlopen',
        'ssl.create_default_context = lambda cafile=None: None',
        'real_open = builtins.open',
        'builtins.open = lambda p, *a, **k: io.StringIO("tok\\n") if p.endswith("/token") else real_open(p, *a, **k)',
        'time.sleep = lambda s: None',
      ].join('\n');
      return spawnSync('python3', ['-c', `${harness}\n${script}`], {
        encoding: 'utf8', env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', POD_NAMESPACE: 'shop', MIGRATION_JOB: 'j-1', PATH: process.env.PATH },
      });
    };
    const ok = run([404, { status: { active: 1 } }, { status: { succeeded: 1 } }]);
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toContain('waiting for job j-1: HTTP 404');
    const failed = run([{ status: { conditions: [{ type: 'Failed', status: 'True' }] } }]);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('job j-1 failed');
  });

  test('waitInPods: false leaves the pods alone', () => {
    const objects = synthJobs({ waitInPods: false });
    expect(find(objects, 'Deployment').spec.template.spec.initContainers).toBeUndefined();
    expect(objects.some((o) => o.kind === 'Role')).toBe(false);
  });

  test('Django migrate', () => {
    expect(find(synthJobs({ command: MigrationCommand.django() }), 'Job').spec.template.spec.containers[0].command)
      .toEqual(['python', '-m', 'django', 'migrate', '--no-input']);
  });
});

describe('PythonCronJob', () => {
  test('schedule, time zone, no overlap, deadlines and history limits', () => {
    const objects = synthJobs(undefined, { timeZone: 'Europe/Paris', timeout: Duration.minutes(30) });
    const cj = find(objects, 'CronJob');
    expect(cj.spec).toMatchObject({
      schedule: '30 2 * * *', timeZone: 'Europe/Paris', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3,
    });
    expect(cj.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 1800 });
    expect(cj.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    expect(restrictedViolations(cj)).toEqual([]);
    expect(validateAll(objects)).toEqual([]);
    expect(lintFindings(objects).filter((f) => f.object.includes('nightly')).map((f) => `${f.tool} ${f.check}`)).toEqual([]);
  });

  test.each([
    ['@daily', undefined], ['*/15 * * * *', undefined], ['0 9-17 * * MON-FRI', undefined], ['0 0 1 JAN,JUL *', undefined],
    ['0 0 * *', 'must have 5 fields'], ['60 * * * *', "invalid minute field '60'"], ['0 24 * * *', "invalid hour field '24'"],
    ['0 0 32 * *', 'invalid day of month'], ['0 0 * 13 *', 'invalid month'], ['0 0 * * FUNDAY', 'invalid day of week'],
    ['TZ=UTC 0 0 * * *', 'must not set TZ'], ['*/0 * * * *', 'invalid minute'],
  ])('schedule %p', (schedule, problem) => {
    const result = cronProblem(schedule);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result?.rule).toContain(problem);
  });

  test.each([
    [{ schedule: 'every night' }, "'schedule' must have 5 fields"],
    [{ timeZone: 'Paris' }, "'timeZone' must be an IANA time zone name; received \"Paris\""],
    [{ concurrencyPolicy: 'Never' as never }, "'concurrencyPolicy' must be Forbid, Replace or Allow"],
    [{ command: [] }, "'command' must be a non-empty argv"],
  ])('error %#', (cron, message) => {
    expect(jobsError(undefined, cron)).toContain(message);
  });
});
