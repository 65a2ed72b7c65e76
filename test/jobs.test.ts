import { Duration, Testing } from 'cdk8s';
import { Delivery, MigrationCommand, PythonCronJob, PythonCronJobProps, PythonMicroservice, PythonMigration, PythonMigrationProps, cronProblem } from '../constructs';
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
    expect(job.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 86400 });
    expect(restrictedViolations(job)).toEqual([]);
    expect(validateAll(objects)).toEqual([]);
  });

  test('Argo CD: a Sync hook in wave -1, after config, identity and the NetworkPolicy in wave -2', () => {
    const objects = synthJobs({});
    expect(find(objects, 'Job').metadata.annotations).toMatchObject({
      'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation', 'argocd.argoproj.io/sync-wave': '-1',
    });
    for (const kind of ['ConfigMap', 'ServiceAccount']) expect(find(objects, kind).metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
    expect(find(objects, 'NetworkPolicy', 'orders-api-migrate').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
    expect(find(objects, 'Deployment').metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBeUndefined();
  });

  test('the Job name changes with the image (and only then), so each version migrates once', () => {
    const a = find(synthJobs({}), 'Job').metadata.name;
    const b = find(synthJobs({}), 'Job').metadata.name;
    const c = find(synthJobs({}, undefined, 'ghcr.io/acme/orders-api:1.4.3'), 'Job').metadata.name;
    expect(a).toMatch(/^orders-api-migrate-[0-9a-f]{8}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  test('Flux: no hooks and no TTL (Flux would re-create a deleted Job and migrate again)', () => {
    const job = find(synthJobs({ delivery: Delivery.FLUX }), 'Job');
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBeUndefined();
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
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
    else expect(result).toContain(problem);
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
