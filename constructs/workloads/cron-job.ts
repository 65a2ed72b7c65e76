import { ApiObject, Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { checkedProps } from '../core/props';
import { ContainerDescription } from '../pod/description';
import { AppPod } from './app-pod';
import { canonicalTimeZone, cronProblem, validTimeZone } from './cron';
import { AppJob, AppJobProps } from './job';
import { AppRuntime } from './runtime';
import { SHAPES } from './shapes.generated';

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
  /**
   * Finished successful Jobs (and their pods' logs) kept.
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Failed Jobs kept, for `kubectl logs` after a failure.
   * @default 3
   */
  readonly failedJobsHistoryLimit?: number;
}

/** A scheduled Python task (management command, report) sharing the app's runtime. */
export class PythonCronJob extends AppJob {
  /** Name of the CronJob. */
  public readonly name: string;
  /** The application the job belongs to. */
  public readonly runtime: AppRuntime;
  /** The container as the image must match it (for the compose generator). */
  public readonly container: ContainerDescription;
  /** The CronJob. */
  public readonly cronJob: ApiObject;
  /** The NetworkPolicy of its pods. */
  public readonly networkPolicy: ApiObject;

  public constructor(scope: Construct, id: string, props: PythonCronJobProps) {
    super(scope, id);
    props = checkedProps(props, SHAPES.PythonCronJobProps, 'PythonCronJob', this.issues);
    this.runtime = this.appRuntimeOf(props.app);
    // CronJob names become Job names plus an 11-character suffix.
    this.name = this.checkName(props.name ?? id);
    const command = this.checkCommand(props.command ?? [], "Pass e.g. ['python', '-m', 'django', 'clearsessions'].");
    this.checkSchedule(props);
    const policy = this.checkPolicy(props.concurrencyPolicy ?? 'Forbid');
    const pod = this.jobPod('job', command, props);
    this.container = pod.container;
    this.cronJob = this.renderCronJob(pod, props, policy);
    this.networkPolicy = this.egressOnlyPolicy(pod);
  }

  private checkSchedule(props: PythonCronJobProps): void {
    const scheduleProblem = cronProblem(props.schedule);
    if (scheduleProblem) this.issues.add({ prop: 'schedule', ...scheduleProblem, received: props.schedule });
    if (props.timeZone !== undefined && !validTimeZone(props.timeZone)) {
      this.issues.add({
        prop: 'timeZone',
        rule: 'must be an IANA time zone name',
        received: props.timeZone,
        fix: "Use e.g. 'Europe/Paris' or 'America/New_York'.",
      });
    } else if (props.timeZone !== undefined && canonicalTimeZone(props.timeZone) !== props.timeZone) {
      this.issues.add({
        prop: 'timeZone',
        rule: 'must be spelled in the case of the IANA database (the API server matches zone names case-sensitively and refuses the CronJob otherwise)',
        received: props.timeZone,
        fix: `Did you mean '${canonicalTimeZone(props.timeZone)}'?`,
      });
    }
  }

  private checkPolicy(policy: string): string {
    this.issues.check(['Forbid', 'Replace', 'Allow'].includes(policy), {
      prop: 'concurrencyPolicy',
      rule: 'must be Forbid, Replace or Allow',
      received: policy,
      fix: 'Use Forbid so runs never overlap.',
    });
    return policy;
  }

  /** A history limit: batch/v1 CronJobSpec takes a non-negative whole number. */
  private historyLimit(n: number | undefined, prop: string): number {
    const limit = n ?? 3;
    this.issues.check(Number.isInteger(limit) && limit >= 0, {
      prop,
      rule: 'must be a whole number of at least 0 (Jobs kept after they finish)',
      received: limit,
      fix: 'Use 3; 0 keeps none, so the logs of a run are gone once it finishes.',
    });
    return limit;
  }

  /** The CronJob; its runs wait for the app's migrations like every other pod of the app. */
  private renderCronJob(pod: AppPod, props: PythonCronJobProps, policy: string): ApiObject {
    const spec: k8s.CronJobSpec = {
      schedule: props.schedule,
      timeZone: props.timeZone,
      concurrencyPolicy: policy,
      startingDeadlineSeconds: this.seconds(props.startingDeadline, 300, 'startingDeadline'),
      successfulJobsHistoryLimit: this.historyLimit(props.successfulJobsHistoryLimit, 'successfulJobsHistoryLimit'),
      failedJobsHistoryLimit: this.historyLimit(props.failedJobsHistoryLimit, 'failedJobsHistoryLimit'),
      jobTemplate: {
        metadata: { labels: pod.labels },
        spec: {
          backoffLimit: this.retries(props.retries),
          activeDeadlineSeconds: this.seconds(props.timeout, 3600, 'timeout'),
          template: pod.template,
        },
      },
    };
    return this.podController(
      k8s.KubeCronJob,
      'CronJob',
      { metadata: { name: this.name, labels: pod.labels }, spec },
      {
        podSpecPath: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
      },
    );
  }
}
