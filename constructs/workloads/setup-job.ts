import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { checkedProps } from '../core/props';
import { formatIssue } from '../core/validation';
import { ARGOCD_SYNC_WAVE, setupWave } from '../delivery/hooks';
import { ContainerDescription } from '../pod/description';
import { PodWait } from '../pod/waits';
import { AppJob, AppJobProps } from './job';
import { migrationWait } from './migration-wait';
import { AppRuntime } from './runtime';
import { SHAPES } from './shapes.generated';

/** Props of {@link PythonSetupJob}. */
export interface PythonSetupJobProps extends AppJobProps {
  /**
   * The command, e.g. `['python', 'app/initial_data.py']`. It runs once per version
   * of the app (a new image, config or command is a new Job), so make it idempotent:
   * create the admin user only when it does not exist.
   */
  readonly command: string[];
  /**
   * Base name of the Job; a hash of its pod template is appended.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Setup jobs of the same app that must succeed first: the pod waits for each
   * (an init container, as for migrations), and under Argo CD the Job is one sync
   * wave after the latest of them.
   * @default - none: it runs once the app's migrations succeeded
   */
  readonly after?: PythonSetupJob[];
}

/**
 * A one-off Job of an application that runs after its migrations, once per
 * version: create the admin user, load fixtures. It is not a migration: the
 * app's pods do not wait for it. Its pod waits for the app's migrations like
 * every pod of the app, and for the setup jobs it names in `after`.
 *
 * Like a migration Job, its name ends in a hash of its whole pod template (the
 * waits included), and every version's Job stays, finished, in the release
 * history: a rollback re-applies it instead of running it again. Define it
 * after the app's migrations: its template names their Jobs.
 */
export class PythonSetupJob extends AppJob {
  /** Base name of the Job, without the version hash. */
  public readonly name: string;
  /** Name of the Job (with the version hash). */
  public readonly jobName: string;
  /** The application the job belongs to. */
  public readonly runtime: AppRuntime;
  /** The container as the image must match it (for the compose generator). */
  public readonly container: ContainerDescription;
  /** The Job. */
  public readonly job: ApiObject;
  /** The NetworkPolicy of the Job's pods. */
  public readonly networkPolicy: ApiObject;
  /** The Argo CD sync wave of the Job: 0, or one after the latest setup job it waits for. */
  public readonly wave: number;
  /** Names of the setup jobs it waits for. */
  public readonly after: string[];
  private readonly deadlineSeconds: number;
  private readonly labels: Record<string, string>;
  private waitForThis?: PodWait;

  public constructor(scope: Construct, id: string, props: PythonSetupJobProps) {
    super(scope, id);
    props = checkedProps(props, SHAPES.PythonSetupJobProps, 'PythonSetupJob', this.issues);
    this.runtime = this.appRuntimeOf(props.app);
    this.name = this.checkName(props.name ?? id, 43);
    const command = this.checkCommand(props.command ?? [], "Pass e.g. ['python', 'app/initial_data.py'].");
    const after = this.checkAfter(props.after ?? []);
    this.after = after.map((j) => j.name);
    const pod = this.jobPod('setup', command, props);
    this.labels = pod.labels;
    this.container = pod.container;
    this.deadlineSeconds = this.seconds(props.timeout, 600, 'timeout');
    const waits = [...this.runtime.waits, ...after.map((j) => j.waitedFor())];
    const template = withWaits(pod.template, waits);
    // The Jobs it waits for are part of the template, so of its version.
    this.jobName = this.versionedName(this.name, template);
    this.wave = setupWave(after.map((j) => j.wave));
    this.job = this.renderVersionedJob({
      name: this.jobName,
      labels: pod.labels,
      annotations: this.wave > 0 ? { [ARGOCD_SYNC_WAVE]: String(this.wave) } : undefined,
      template,
      deadlineSeconds: this.deadlineSeconds,
      retries: props.retries,
    });
    this.networkPolicy = this.egressOnlyPolicy(pod);
    this.refuseLaterMigrations(this.runtime.waits.length);
  }

  /** The wait other setup jobs' pods run for this one (and its per-version RBAC), made once. */
  private waitedFor(): PodWait {
    this.waitForThis ??= migrationWait({
      runtime: this.runtime,
      scope: this,
      base: this.name,
      jobName: this.jobName,
      jobDeadlineSeconds: this.deadlineSeconds,
      labels: this.labels,
      awaited: 'job',
    });
    return this.waitForThis;
  }

  private checkAfter(after: PythonSetupJob[]): PythonSetupJob[] {
    const ok = Array.isArray(after) ? after.filter((j) => j instanceof PythonSetupJob && j.runtime === this.runtime) : [];
    this.issues.check(Array.isArray(after) && ok.length === after.length, {
      prop: 'after',
      rule: 'must list setup jobs of the same app',
      received: Array.isArray(after) ? after.map((j) => (j instanceof PythonSetupJob ? j.name : typeof j)) : after,
      fix: "Pass PythonSetupJob constructs defined before this one, with the same 'app'.",
    });
    return ok;
  }

  /** The Job's name covers the migrations known when it was defined; one defined later would change its template. */
  private refuseLaterMigrations(known: number): void {
    this.node.addValidation({
      validate: () =>
        this.runtime.waits.length === known
          ? []
          : [
              formatIssue({
                prop: 'app',
                rule: "must have all its migrations defined before its setup jobs (the setup job's pod waits for them)",
                received: `${this.runtime.waits.length - known} migration(s) defined after '${this.name}'`,
                fix: 'Define the PythonMigration constructs first, then the PythonSetupJob.',
              }),
            ],
    });
  }
}

/** The pod template with the waits in front of its init containers (as `addWaits` renders them) and their volumes. */
function withWaits(template: k8s.PodTemplateSpec, waits: readonly PodWait[]): k8s.PodTemplateSpec {
  if (waits.length === 0) return template;
  const spec = template.spec!;
  const volumes = [...(spec.volumes ?? [])];
  for (const v of waits.flatMap((w) => w.volumes)) if (!volumes.some((x) => x.name === v.name)) volumes.push(v);
  return {
    ...template,
    spec: { ...spec, initContainers: [...[...waits].reverse().map((w) => w.container), ...(spec.initContainers ?? [])], volumes },
  };
}
