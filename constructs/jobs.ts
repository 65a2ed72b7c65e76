import { createHash } from 'crypto';
import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DENY_INGRESS_EXEMPTION, appPod, appWorkloadCloud, egressOnlyPolicy, requireApp } from './app-pod';
import { nameIssue } from './names';
import { ContainerDescription } from './pod';
import { ResourcesProps } from './resources';
import { IssueCollector } from './validation';
import type { PythonMicroservice } from './python-microservice';

/** The migration tool. */
export class MigrationCommand {
  /** `python -m django migrate --no-input` (uses `DJANGO_SETTINGS_MODULE`). */
  public static django(): MigrationCommand {
    return new MigrationCommand(['python', '-m', 'django', 'migrate', '--no-input']);
  }

  /** `alembic upgrade head`, from the image's working directory (where alembic.ini is). */
  public static alembic(options: { readonly config?: string } = {}): MigrationCommand {
    return new MigrationCommand(['alembic', ...(options.config ? ['--config', options.config] : []), 'upgrade', 'head']);
  }

  /** A command of your own. */
  public static command(command: string[]): MigrationCommand {
    return new MigrationCommand(command);
  }

  private constructor(/** The argv. */ public readonly command: string[]) {}
}

/** Which GitOps tool applies the manifests; it decides how the migration is ordered. */
export enum Delivery {
  /**
   * Argo CD: the Job is a `Sync` hook in wave -1, after the app's config,
   * secrets and ServiceAccount (wave -2) and before the Deployment (wave 0).
   */
  ARGO_CD = 'argocd',
  /**
   * Flux: the Job's name carries a hash of the image and command, so each new
   * version runs it once; order it before the app with a Kustomization `dependsOn`.
   */
  FLUX = 'flux',
}

/** Props every job of an application shares. */
export interface AppJobProps {
  /** The web service whose image, settings, secrets and identity the job shares. */
  readonly app: PythonMicroservice;
  /**
   * CPU and memory.
   * @default - the app's resources
   */
  readonly resources?: ResourcesProps;
  /**
   * Longest a run may take before it is stopped (`activeDeadlineSeconds`).
   * @default Duration.minutes(10) for migrations, Duration.hours(1) for scheduled jobs
   */
  readonly timeout?: Duration;
  /**
   * Retries after a failed run (`backoffLimit`).
   * @default 1
   */
  readonly retries?: number;
}

/** Props of {@link PythonMigration}. */
export interface PythonMigrationProps extends AppJobProps {
  /** The migration tool. */
  readonly command: MigrationCommand;
  /**
   * Base name of the Job.
   * @default - `<app>-migrate`
   */
  readonly name?: string;
  /**
   * The GitOps tool that applies the manifests.
   * @default Delivery.ARGO_CD
   */
  readonly delivery?: Delivery;
}

const ARGO_HOOK = 'argocd.argoproj.io/hook';
const ARGO_WAVE = 'argocd.argoproj.io/sync-wave';

/**
 * A database migration Job that runs with the app's image, settings and
 * secrets before the new version of the app serves.
 */
export class PythonMigration extends Construct {
  /** Name of the Job (with the version hash). */
  public readonly jobName: string;
  /** The container as the image must match it (for the compose generator). */
  public readonly container: ContainerDescription;
  /** The Job. */
  public readonly job: k8s.KubeJob;
  /** The NetworkPolicy of the Job's pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  public constructor(scope: Construct, id: string, props: PythonMigrationProps) {
    super(scope, id);
    const issues = IssueCollector.of(this);
    requireApp(this, props.app);
    const app = props.app;
    const base = props.name ?? `${app.name}-migrate`;
    const badBase = nameIssue(base);
    if (badBase) issues.add(badBase);
    const command = props.command?.command ?? [];
    issues.check(command.length > 0 && command.every((c) => typeof c === 'string' && c.length > 0), {
      prop: 'command', rule: 'must be a non-empty argv', received: command, fix: 'Use MigrationCommand.django(), .alembic() or .command([...]).',
    });
    const delivery = props.delivery ?? Delivery.ARGO_CD;
    issues.check(Object.values(Delivery).includes(delivery), { prop: 'delivery', rule: 'must be Delivery.ARGO_CD or Delivery.FLUX', received: delivery, fix: 'Name the tool that applies dist/.' });

    // A new name per image and command: a Job's pod template is immutable, and a
    // changed name is what makes Flux (and a human) run the new version's migration.
    this.jobName = `${base}-${createHash('sha256').update(JSON.stringify([app.container.image, command])).digest('hex').slice(0, 8)}`;
    const cloud = appWorkloadCloud(this, app, base, props.resources, issues);
    const pod = appPod({
      app, name: base, component: 'migration', command, env: {}, resources: cloud.resources,
      terminationGracePeriodSeconds: 30, restartPolicy: 'Never', spread: false, scratchDirs: [],
    }, cloud);

    this.container = pod.container;
    const annotations: Record<string, string> = delivery === Delivery.FLUX
      // A TTL would delete the finished Job, and Flux would re-create it and migrate again.
      ? { ...DENY_INGRESS_EXEMPTION, 'ignore-check.kube-linter.io/job-ttl-seconds-after-finished': 'Flux re-creates deleted Jobs; the name changes per version instead' }
      : { ...DENY_INGRESS_EXEMPTION, [ARGO_HOOK]: 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation', [ARGO_WAVE]: '-1' };
    this.job = new k8s.KubeJob(this, 'Job', {
      metadata: { name: this.jobName, labels: { ...pod.labels, 'app.kubernetes.io/instance': this.jobName }, annotations },
      spec: {
        backoffLimit: retries(props.retries, issues),
        activeDeadlineSeconds: seconds(props.timeout, 600, 'timeout', issues),
        ttlSecondsAfterFinished: delivery === Delivery.FLUX ? undefined : 86400,
        template: pod.template,
      },
    });
    this.networkPolicy = egressOnlyPolicy(this, app, base, pod.labels, pod.selector, issues);

    if (delivery === Delivery.ARGO_CD) {
      // Config, secrets and identity must exist before the hook runs (wave -1).
      for (const obj of sharedObjects(app)) obj.metadata.addAnnotation(ARGO_WAVE, '-2');
      ApiObject.of(this.networkPolicy).metadata.addAnnotation(ARGO_WAVE, '-2');
    }
  }
}

/** Props of {@link PythonCronJob}. */
export interface PythonCronJobProps extends AppJobProps {
  /** The command, e.g. `['python', '-m', 'django', 'clearsessions']`. */
  readonly command: string[];
  /** Cron schedule, five fields (`30 2 * * *`) or a macro (`@daily`). */
  readonly schedule: string;
  /**
   * IANA time zone of the schedule, e.g. `Europe/Paris`.
   * @default - the controller's time zone (UTC on managed clusters)
   */
  readonly timeZone?: string;
  /**
   * What to do when a run is still going at the next time.
   * @default 'Forbid'
   */
  readonly concurrencyPolicy?: 'Forbid' | 'Replace' | 'Allow';
  /**
   * How late a missed run may still start.
   * @default Duration.minutes(5)
   */
  readonly startingDeadline?: Duration;
  /**
   * Name of the CronJob.
   * @default - the construct id
   */
  readonly name?: string;
}

/** A scheduled Python task (management command, report) sharing the app's runtime. */
export class PythonCronJob extends Construct {
  /** The container as the image must match it (for the compose generator). */
  public readonly container: ContainerDescription;
  /** The CronJob. */
  public readonly cronJob: k8s.KubeCronJob;
  /** The NetworkPolicy of its pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  public constructor(scope: Construct, id: string, props: PythonCronJobProps) {
    super(scope, id);
    const issues = IssueCollector.of(this);
    requireApp(this, props.app);
    const app = props.app;
    const name = props.name ?? id;
    // CronJob names become Job names plus an 11-character suffix.
    const badName = nameIssue(name);
    if (badName) issues.add(badName);
    const command = props.command ?? [];
    issues.check(Array.isArray(command) && command.length > 0 && command.every((c) => typeof c === 'string' && c.length > 0), {
      prop: 'command', rule: 'must be a non-empty argv', received: command, fix: 'Pass e.g. [\'python\', \'-m\', \'django\', \'clearsessions\'].',
    });
    const scheduleProblem = cronProblem(props.schedule);
    if (scheduleProblem) issues.add({ prop: 'schedule', rule: scheduleProblem, received: props.schedule, fix: 'Use five fields, e.g. \'30 2 * * *\' (02:30 daily), or @hourly, @daily, @weekly, @monthly.' });
    if (props.timeZone !== undefined && !validTimeZone(props.timeZone)) {
      issues.add({ prop: 'timeZone', rule: 'must be an IANA time zone name', received: props.timeZone, fix: 'Use e.g. \'Europe/Paris\' or \'America/New_York\'.' });
    }
    const policy = props.concurrencyPolicy ?? 'Forbid';
    issues.check(['Forbid', 'Replace', 'Allow'].includes(policy), { prop: 'concurrencyPolicy', rule: 'must be Forbid, Replace or Allow', received: policy, fix: 'Use Forbid so runs never overlap.' });

    const cloud = appWorkloadCloud(this, app, name, props.resources, issues);
    const pod = appPod({
      app, name, component: 'job', command, env: {}, resources: cloud.resources,
      terminationGracePeriodSeconds: 30, restartPolicy: 'Never', spread: false, scratchDirs: [],
    }, cloud);
    this.container = pod.container;
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name, labels: pod.labels, annotations: DENY_INGRESS_EXEMPTION },
      spec: {
        schedule: props.schedule,
        timeZone: props.timeZone,
        concurrencyPolicy: policy,
        startingDeadlineSeconds: seconds(props.startingDeadline, 300, 'startingDeadline', issues),
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: pod.labels },
          spec: {
            backoffLimit: retries(props.retries, issues),
            activeDeadlineSeconds: seconds(props.timeout, 3600, 'timeout', issues),
            template: pod.template,
          },
        },
      },
    });
    this.networkPolicy = egressOnlyPolicy(this, app, name, pod.labels, pod.selector, issues);
  }
}

/** The app's objects a job needs before it runs: ServiceAccount, ConfigMap, secret objects. */
function sharedObjects(app: PythonMicroservice): ApiObject[] {
  const kinds = new Set(['ServiceAccount', 'ConfigMap', 'Secret', 'SecretProviderClass', 'ExternalSecret', 'SecretStore']);
  return app.node.children.filter((c): c is ApiObject => c instanceof ApiObject && kinds.has(c.kind));
}

function retries(n: number | undefined, issues: IssueCollector): number {
  const r = n ?? 1;
  issues.check(Number.isInteger(r) && r >= 0 && r <= 10, { prop: 'retries', rule: 'must be a whole number from 0 to 10', received: r, fix: 'Use 1; a migration that fails twice needs a human.' });
  return r;
}

function seconds(d: Duration | undefined, fallback: number, prop: string, issues: IssueCollector): number {
  const s = d?.toSeconds({ integral: false }) ?? fallback;
  issues.check(Number.isInteger(s) && s >= 1, { prop, rule: 'must be a whole number of seconds, at least 1', received: s, fix: `Use e.g. Duration.seconds(${fallback}).` });
  return s;
}

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const FIELDS: Array<[string, number, number, string[]]> = [
  ['minute', 0, 59, []], ['hour', 0, 23, []], ['day of month', 1, 31, []],
  ['month', 1, 12, ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']],
  ['day of week', 0, 7, ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']],
];

/** Why `schedule` is not a schedule the CronJob controller (robfig/cron, standard parser) accepts, or undefined. */
export function cronProblem(schedule: string): string | undefined {
  if (typeof schedule !== 'string') return 'must be a cron schedule';
  if (/^\s*(CRON_)?TZ=/.test(schedule)) return 'must not set TZ inside the schedule (Kubernetes rejects it)';
  if (MACROS.has(schedule.trim())) return undefined;
  const parts = schedule.trim().split(/\s+/);
  if (parts.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const [field, min, max, names] = FIELDS[i];
    for (const item of parts[i].split(',')) {
      const m = /^(\*|\?|([0-9A-Za-z]+)(-([0-9A-Za-z]+))?)(\/(\d+))?$/.exec(item);
      const value = (v: string) => (/^\d+$/.test(v) ? Number(v) : names.indexOf(v.toUpperCase()) + (i === 3 ? 1 : 0));
      const ok = m && [m[2], m[4]].filter((v) => v !== undefined).every((v) => {
        const n = value(v);
        return n >= min && n <= max && (/^\d+$/.test(v) || names.includes(v.toUpperCase()));
      }) && (m[6] === undefined || Number(m[6]) > 0);
      if (!ok) return `has an invalid ${field} field '${parts[i]}' (allowed ${min}-${max}${names.length ? ' or names' : ''})`;
    }
  }
  return undefined;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz);
  } catch {
    return false;
  }
}
