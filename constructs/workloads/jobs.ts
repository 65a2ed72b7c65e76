import { createHash } from 'crypto';
import { kubeObject, uniqueIn } from '../core/objects';
import { guardApp } from '../core/app-index';
import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ARGOCD_SYNC_WAVE, MIGRATION_INPUT_WAVE, MIGRATION_WAVE } from '../delivery/hooks';
import { IPythonApp, addWait, appPod, appWorkloadCloud, egressOnlyPolicy, registerPod, requireApp } from './app-pod';
import { keepInReleaseHistory } from '../delivery/retention';
import { migrationWait } from '../pod/migration-wait';
import { nameIssue } from '../core/names';
import { ContainerDescription, PodExtrasProps } from '../pod/pod';
import { ResourcesProps } from '../pod/resources';
import { checkedProps } from '../core/props';
import { SHAPES } from './shapes.generated';
import { IssueCollector, Problem } from '../core/validation';

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

/** Props every job of an application shares. */
export interface AppJobProps extends PodExtrasProps {
  /** The application whose image, settings, secrets and identity the job shares. */
  readonly app: IPythonApp;
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
   * Base name of the Job; a hash of its pod template is appended.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Make every new pod of the app (web, workers, scheduled jobs) wait, in an init
   * container, until this version's migration Job has succeeded. This orders the
   * migration first under plain `kubectl apply`, Argo CD and Flux alike. The wait
   * reads the Job through the Kubernetes API with the app's ServiceAccount, allowed
   * by a Role (kept per version) that can only `get` this one Job; only the init
   * container gets a token. It gives up, naming the cause, once the Job's
   * `timeout` and a minute have passed, and exits at once on SIGTERM.
   * @default true
   */
  readonly waitInPods?: boolean;
}

/**
 * A database migration Job that runs with the app's image, settings and
 * secrets before the new version of the app serves.
 *
 * The Job's name ends in a hash of its whole pod template (image, command,
 * config, secrets), so each new version is a new Job that runs once, and an
 * unchanged version is left alone (a Job's template is immutable). Every
 * version's Job stays, finished, in the release history (see
 * `delivery/retention.ts`): no TTL, and exempt from pruning on Argo CD, Flux and
 * the documented `kubectl apply --prune`. So pods of an earlier version find
 * their Job, and a rollback re-applies an existing Job instead of running an
 * old migration against a newer schema.
 */
export class PythonMigration extends Construct {
  /** Name of the Job (with the version hash). */
  public readonly jobName: string;
  /** The container as the image must match it (for the compose generator). */
  public readonly container: ContainerDescription;
  /** The Job. */
  public readonly job: ApiObject;
  /** The NetworkPolicy of the Job's pods. */
  public readonly networkPolicy: ApiObject;
  /** The Role that lets the app's pods read this Job, when they wait for it (named after the Job: one per version). */
  public readonly waitRole?: ApiObject;
  /** Binds the Role to the app's ServiceAccount. */
  public readonly waitRoleBinding?: ApiObject;
  /** The ConfigMap holding the wait's script, shared by the migrations of the app. */
  public readonly waitScript?: ApiObject;

  public constructor(scope: Construct, id: string, props: PythonMigrationProps) {
    super(uniqueIn(scope, id), id);
    const issues = IssueCollector.of(this);
    guardApp(this);
    props = checkedProps(props, SHAPES.PythonMigrationProps, 'PythonMigration', issues);
    requireApp(this, props.app);
    const rt = props.app.runtime;
    const base = props.name ?? id;
    const badBase = nameIssue(base, 43);
    if (badBase) issues.add(badBase);
    const command = props.command?.command ?? [];
    issues.check(command.length > 0 && command.every((c) => typeof c === 'string' && c.length > 0), {
      prop: 'command',
      rule: 'must be a non-empty argv',
      received: command,
      fix: 'Use MigrationCommand.django(), .alembic() or .command([...]).',
    });

    const cloud = appWorkloadCloud(this, rt, base, props.resources, issues);
    const pod = appPod(
      {
        runtime: rt,
        scope: this,
        name: base,
        component: 'migration',
        command,
        env: {},
        resources: cloud.resources,
        terminationGracePeriodSeconds: 30,
        restartPolicy: 'Never',
        spread: false,
        scratchDirs: [],
        extras: props,
        job: true,
      },
      cloud,
    );
    issues.addAll(pod.issues);
    // A new name per pod template: any change of image, command, config or secrets is a new version.
    this.jobName = `${base}-${createHash('sha256').update(JSON.stringify(pod.template)).digest('hex').slice(0, 8)}`;

    this.container = pod.container;
    const deadline = seconds(props.timeout, 600, 'timeout', issues);
    this.job = kubeObject(this, 'Job', k8s.KubeJob, {
      metadata: {
        name: this.jobName,
        labels: { ...pod.labels, 'app.kubernetes.io/instance': this.jobName },
        // Argo CD applies waves in order and waits for each to be healthy: a Job is healthy once it succeeded.
        annotations: { [ARGOCD_SYNC_WAVE]: MIGRATION_WAVE },
      },
      spec: { backoffLimit: retries(props.retries, issues), activeDeadlineSeconds: deadline, template: pod.template },
    });
    keepInReleaseHistory(this.job);
    this.networkPolicy = egressOnlyPolicy(this, rt, base, pod.labels, pod.selector, issues);
    // Config, secrets and identity must exist before the Job runs (wave -1).
    for (const obj of [...rt.sharedObjects, ApiObject.of(this.networkPolicy)])
      obj.metadata.addAnnotation(ARGOCD_SYNC_WAVE, MIGRATION_INPUT_WAVE);

    if (props.waitInPods ?? true) {
      issues.check(rt.python, {
        prop: 'waitInPods',
        rule: "needs python3 in the app's image (the wait is a short standard-library script)",
        received: true,
        fix: 'Set waitInPods: false and order the migration with your delivery tool, or run the app from a Python image.',
      });
      const wait = migrationWait({
        runtime: rt,
        scope: this,
        base,
        jobName: this.jobName,
        jobDeadlineSeconds: deadline,
        labels: pod.labels,
      });
      this.waitRole = wait.role;
      this.waitRoleBinding = wait.roleBinding;
      this.waitScript = wait.script;
      addWait(rt, wait);
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
  public readonly cronJob: ApiObject;
  /** The NetworkPolicy of its pods. */
  public readonly networkPolicy: ApiObject;

  public constructor(scope: Construct, id: string, props: PythonCronJobProps) {
    super(uniqueIn(scope, id), id);
    const issues = IssueCollector.of(this);
    guardApp(this);
    props = checkedProps(props, SHAPES.PythonCronJobProps, 'PythonCronJob', issues);
    requireApp(this, props.app);
    const rt = props.app.runtime;
    const name = props.name ?? id;
    // CronJob names become Job names plus an 11-character suffix.
    const badName = nameIssue(name);
    if (badName) issues.add(badName);
    const command = props.command ?? [];
    issues.check(Array.isArray(command) && command.length > 0 && command.every((c) => typeof c === 'string' && c.length > 0), {
      prop: 'command',
      rule: 'must be a non-empty argv',
      received: command,
      fix: "Pass e.g. ['python', '-m', 'django', 'clearsessions'].",
    });
    const scheduleProblem = cronProblem(props.schedule);
    if (scheduleProblem) issues.add({ prop: 'schedule', ...scheduleProblem, received: props.schedule });
    if (props.timeZone !== undefined && !validTimeZone(props.timeZone)) {
      issues.add({
        prop: 'timeZone',
        rule: 'must be an IANA time zone name',
        received: props.timeZone,
        fix: "Use e.g. 'Europe/Paris' or 'America/New_York'.",
      });
    }
    const policy = props.concurrencyPolicy ?? 'Forbid';
    issues.check(['Forbid', 'Replace', 'Allow'].includes(policy), {
      prop: 'concurrencyPolicy',
      rule: 'must be Forbid, Replace or Allow',
      received: policy,
      fix: 'Use Forbid so runs never overlap.',
    });

    const cloud = appWorkloadCloud(this, rt, name, props.resources, issues);
    const pod = appPod(
      {
        runtime: rt,
        scope: this,
        name,
        component: 'job',
        command,
        env: {},
        resources: cloud.resources,
        terminationGracePeriodSeconds: 30,
        restartPolicy: 'Never',
        spread: false,
        scratchDirs: [],
        extras: props,
        job: true,
      },
      cloud,
    );
    issues.addAll(pod.issues);
    this.container = pod.container;
    this.cronJob = kubeObject(this, 'CronJob', k8s.KubeCronJob, {
      metadata: { name, labels: pod.labels },
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
    registerPod(rt, {
      object: this.cronJob,
      specPath: '/spec/jobTemplate/spec/template/spec',
      hasInitContainers: pod.setup.extras.initContainers.length > 0,
      addedVolumes: new Set(),
    });
    this.networkPolicy = egressOnlyPolicy(this, rt, name, pod.labels, pod.selector, issues);
  }
}

function retries(n: number | undefined, issues: IssueCollector): number {
  const r = n ?? 1;
  issues.check(Number.isInteger(r) && r >= 0 && r <= 10, {
    prop: 'retries',
    rule: 'must be a whole number from 0 to 10',
    received: r,
    fix: 'Use 1; a migration that fails twice needs a human.',
  });
  return r;
}

function seconds(d: Duration | undefined, fallback: number, prop: string, issues: IssueCollector): number {
  const s = d?.toSeconds({ integral: false }) ?? fallback;
  issues.check(Number.isInteger(s) && s >= 1, {
    prop,
    rule: 'must be a whole number of seconds, at least 1',
    received: s,
    fix: `Use e.g. Duration.seconds(${fallback}).`,
  });
  return s;
}

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const FIELDS: Array<[string, number, number, string[]]> = [
  ['minute', 0, 59, []],
  ['hour', 0, 23, []],
  ['day of month', 1, 31, []],
  ['month', 1, 12, ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']],
  ['day of week', 0, 7, ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']],
];

/** Why `schedule` is not a schedule the CronJob controller (robfig/cron, standard parser) accepts, or undefined. */
export function cronProblem(schedule: string): Problem | undefined {
  const rule = cronRule(schedule);
  return rule === undefined
    ? undefined
    : { rule, fix: "Use five fields, e.g. '30 2 * * *' (02:30 daily), or @hourly, @daily, @weekly, @monthly." };
}

function cronRule(schedule: string): string | undefined {
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
      const ok =
        m &&
        [m[2], m[4]]
          .filter((v) => v !== undefined)
          .every((v) => {
            const n = value(v);
            return n >= min && n <= max && (/^\d+$/.test(v) || names.includes(v.toUpperCase()));
          }) &&
        (m[6] === undefined || Number(m[6]) > 0);
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
