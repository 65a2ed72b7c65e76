import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkedProps } from '../core/props';
import { ARGOCD_SYNC_WAVE, MIGRATION_INPUT_WAVE, MIGRATION_WAVE } from '../delivery/hooks';
import { ContainerDescription } from '../pod/description';
import { AppPod } from './app-pod';
import { AppJob, AppJobProps } from './job';
import { migrationWait } from './migration-wait';
import { AppRuntime } from './runtime';
import { SHAPES } from './shapes.generated';

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
export class PythonMigration extends AppJob {
  /** Base name of the Job, without the version hash. */
  public readonly name: string;
  /** Name of the Job (with the version hash). */
  public readonly jobName: string;
  /** The application the migration belongs to. */
  public readonly runtime: AppRuntime;
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
    super(scope, id);
    props = checkedProps(props, SHAPES.PythonMigrationProps, 'PythonMigration', this.issues);
    this.runtime = this.appRuntimeOf(props.app);
    this.name = this.checkName(props.name ?? id, 43);
    const command = this.checkCommand(props.command?.command ?? [], 'Use MigrationCommand.django(), .alembic() or .command([...]).');
    const pod = this.jobPod('migration', command, props);
    this.jobName = this.versionedName(this.name, pod.template);
    this.container = pod.container;
    const deadline = this.seconds(props.timeout, 600, 'timeout');
    this.job = this.renderVersionedJob({
      name: this.jobName,
      labels: pod.labels,
      // Argo CD applies waves in order and waits for each to be healthy: a Job is healthy once it succeeded.
      annotations: { [ARGOCD_SYNC_WAVE]: MIGRATION_WAVE },
      template: pod.template,
      deadlineSeconds: deadline,
      retries: props.retries,
    });
    this.networkPolicy = this.egressOnlyPolicy(pod);
    this.orderInputsFirst();
    if (props.waitInPods ?? true) {
      const wait = this.makePodsWait(pod, deadline);
      this.waitRole = wait.role;
      this.waitRoleBinding = wait.roleBinding;
      this.waitScript = wait.script;
    }
  }

  /** Config, secrets and identity (the app's and the migration's own) must exist before the Job runs (wave -2, before the Job's -1). */
  private orderInputsFirst(): void {
    const own = this.node.children.filter(
      (c): c is ApiObject => c instanceof ApiObject && c !== this.job && c.kind !== 'Role' && c.kind !== 'RoleBinding',
    );
    for (const obj of new Set([...this.runtime.sharedObjects, ...own, this.networkPolicy]))
      obj.metadata.addAnnotation(ARGOCD_SYNC_WAVE, MIGRATION_INPUT_WAVE);
  }

  /** Makes every pod of the app, defined before or after this migration, wait for this version's Job. */
  private makePodsWait(pod: AppPod, deadline: number) {
    this.issues.check(this.runtime.process.hasPython3, {
      prop: 'waitInPods',
      rule: "needs python3 in the app's image (the wait is a short standard-library script), and the app says its image has none (hasPython3: false)",
      received: true,
      fix: "Set waitInPods: false and order the migration with your delivery tool, or set the app's hasPython3: true if its image has python3.",
    });
    const wait = migrationWait({
      runtime: this.runtime,
      scope: this,
      base: this.name,
      jobName: this.jobName,
      jobDeadlineSeconds: deadline,
      labels: pod.labels,
    });
    this.runtime.waits.push(wait);
    return wait;
  }
}
