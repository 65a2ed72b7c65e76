import { createHash } from 'crypto';
import { ApiObject, Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { kubeObject } from '../core/objects';
import { keepInReleaseHistory } from '../delivery/retention';
import { Construct } from 'constructs';
import { nameIssue } from '../core/names';
import { PodExtrasProps } from '../pod/extras';
import { SettingsProps } from '../settings/app-env';
import { ResourcesProps } from '../pod/resources';
import { AppPod } from './app-pod';
import { IPythonApp } from './runtime';
import { PythonWorkload } from './workload';
import { InheritProps } from './workload-props';
import { OwnServiceAccountProps } from './service-account';

/** Props every job of an application shares. Its `config`, `env` and `secrets` are its own, beside the app's. */
export interface AppJobProps extends PodExtrasProps, SettingsProps {
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
  /**
   * What the job takes over from the app's own pod: its mounts and init containers, before the job's own.
   * @default - both
   */
  readonly inherit?: InheritProps;
  /**
   * A ServiceAccount of the job's own, instead of the app's: its own cloud identity and
   * Kubernetes API access. The settings and secrets stay the app's.
   * @default - the app's ServiceAccount
   */
  readonly serviceAccount?: OwnServiceAccountProps;
}

/**
 * The base of the jobs of an application (a migration, a scheduled task): a
 * pod that runs its command once with the app's image, settings, secrets and
 * identity, restarts never (the Job retries), and serves nothing.
 */
/** What {@link AppJob.renderVersionedJob} renders. */
interface VersionedJob {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly template: k8s.PodTemplateSpec;
  readonly deadlineSeconds: number;
  readonly retries: number | undefined;
}

export abstract class AppJob extends PythonWorkload {
  protected constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Checks a job's name; `max` leaves room for what the controller appends. */
  protected checkName(name: string, max?: number): string {
    const bad = nameIssue(name, max);
    if (bad) this.issues.add(bad);
    return name;
  }

  /** Checks that the command is a non-empty argv of strings. */
  protected checkCommand(command: string[], fix: string): string[] {
    this.issues.check(Array.isArray(command) && command.length > 0 && command.every((c) => typeof c === 'string' && c.length > 0), {
      prop: 'command',
      rule: 'must be a non-empty argv',
      received: command,
      fix,
    });
    return command;
  }

  /** The job's pod: the app's runtime, its own resources and extras, never restarted in place. */
  protected jobPod(component: string, command: string[], props: AppJobProps): AppPod {
    return this.buildPod({
      component,
      cloud: this.cloudWithAccount(props.serviceAccount, component, props.resources),
      command,
      env: {},
      terminationGracePeriodSeconds: 30,
      gracefulTimeoutSeconds: 30,
      restartPolicy: 'Never',
      spread: false,
      scratchDirs: [],
      extras: props,
      ownEnv: this.ownSettings(props, component),
      job: true,
      inherit: props.inherit ?? {},
    });
  }

  /**
   * `base` with a hash of the pod template: each change of image, command,
   * config, secrets or waits is a new Job (a Job's template cannot change),
   * and an unchanged version is left alone.
   */
  protected versionedName(base: string, template: k8s.PodTemplateSpec): string {
    return `${base}-${createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 8)}`;
  }

  /** The Job of one version, kept in the release history (`delivery/retention.ts`). */
  protected renderVersionedJob(job: VersionedJob): ApiObject {
    const obj = kubeObject(this, 'Job', k8s.KubeJob, {
      metadata: {
        name: job.name,
        labels: { ...job.labels, 'app.kubernetes.io/instance': job.name },
        annotations: job.annotations,
      },
      spec: { backoffLimit: this.retries(job.retries), activeDeadlineSeconds: job.deadlineSeconds, template: job.template },
    });
    keepInReleaseHistory(obj);
    return obj;
  }

  /** `backoffLimit`: retries after a failed run. */
  protected retries(n: number | undefined): number {
    const r = n ?? 1;
    this.issues.check(Number.isInteger(r) && r >= 0 && r <= 10, {
      prop: 'retries',
      rule: 'must be a whole number from 0 to 10',
      received: r,
      fix: 'Use 1; a migration that fails twice needs a human.',
    });
    return r;
  }

  /** A duration prop as whole seconds, at least 1. */
  protected seconds(d: Duration | undefined, fallback: number, prop: string): number {
    const s = d?.toSeconds({ integral: false }) ?? fallback;
    this.issues.check(Number.isInteger(s) && s >= 1, {
      prop,
      rule: 'must be a whole number of seconds, at least 1',
      received: s,
      fix: `Use e.g. Duration.seconds(${fallback}).`,
    });
    return s;
  }
}
