import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { workloadLabels } from '../core/labels';
import { cpuBasisMillis, resolveResources } from '../pod/resources';
import { PYTHON_RUNTIME_ENV } from '../pod/template';
import { WorkerCommand, WorkerCommandConfig } from '../pod/worker-command';
import { WorkerLiveness } from '../pod/worker-liveness';
import { profileFix } from '../profiles';
import { ProfileOutput } from '../profiles/profile';
import { checkDuplicateEnv } from '../settings/env';
import { AppEnv } from '../settings/app-env';
import { Exposure } from '../traffic/exposure';
import { AppRuntime, IPythonApp, ownRuntime } from './runtime';
import { PythonWorkload, WorkloadMetrics } from './workload';
import { MetricsProps, MonitorInput } from '../scaling/metrics';
import { PortProps, PortProtocol } from '../pod/ports';
import { AppPod } from './app-pod';
import { PythonProcessProps, STANDALONE_ONLY } from './worker-props';
import { NO_PROFILE, checkWorkloadProps } from './workload-props';

/** How a process's pod runs, as its kind resolved it. */
export interface ProcessRun {
  readonly cloud: ProfileOutput;
  readonly cmd: WorkerCommandConfig;
  readonly liveness?: k8s.Probe;
  readonly readiness?: k8s.Probe;
  readonly terminationGracePeriodSeconds: number;
  readonly metrics?: WorkloadMetrics;
  /** Spread replicas over zones and nodes. */
  readonly spread: boolean;
  /** The pod is a StatefulSet's, which gives each replica its per-replica claims. */
  readonly perReplicaClaims?: boolean;
}

/**
 * The base of the kinds that run a process rather than serve through a web
 * server (`PythonWorker`, `PythonSingleton`, `PythonStatefulSet`): the app's
 * runtime or a standalone one, its own ServiceAccount, settings and what it
 * takes over from the app's pod, the command sized from the resources, the
 * liveness check, the grace period that lets tasks finish.
 */
export abstract class PythonProcess extends PythonWorkload {
  /** The process's own settings and secrets, beside its app's (set by `processPod`). */
  protected ownEnv?: AppEnv;
  /** The command is a WorkerCommand (the checks that depend on it are skipped otherwise). */
  private commandValid = true;
  private noneReason?: string;

  /** Why the process has no liveness check, when it says so with `WorkerLiveness.none(reason)`. */
  public get noLivenessReason(): string | undefined {
    return this.noneReason;
  }

  /** `app.kubernetes.io/component` of the pods. */
  protected get component(): string {
    return 'worker';
  }

  /** `app.kubernetes.io/component` of a standalone process's ServiceAccount, ConfigMap and secrets. */
  protected get runtimeComponent(): string {
    return 'worker';
  }

  /** Whether a liveness check is required (a process must tell the kubelet when it is wedged). */
  protected get livenessRequired(): boolean {
    return true;
  }

  /**
   * Resources and placement through the profile; a process of an app may run
   * elsewhere than its app (spot capacity for work that can be retried), and as
   * a ServiceAccount of its own (`serviceAccount`).
   */
  protected processCloud(props: PythonProcessProps): ProfileOutput {
    // A standalone process is refused a `serviceAccount` (its runtime has made its own already).
    const account = this.ownsRuntime(props) ? undefined : props.serviceAccount;
    return this.cloudWithAccount(account, this.component, props.resources, props.placement);
  }

  /**
   * The pod of a process: its command (behind the metrics prelude), env, checks,
   * grace period, ports and extras; a process of an app also gets its own
   * settings and what it takes over from the app's pod (`inherit`).
   */
  protected processPod(props: PythonProcessProps, run: ProcessRun): AppPod {
    const { cmd, metrics } = run;
    const standalone = this.ownsRuntime(props);
    this.ownEnv = standalone
      ? undefined
      : this.ownSettings(props, this.component, [...Object.keys(cmd.env), ...Object.keys(metrics?.env ?? {})]);
    return this.buildPod({
      component: this.component,
      cloud: run.cloud,
      command: metrics ? metrics.wrap(cmd.command) : cmd.command,
      keepEntrypoint: props.keepEntrypoint,
      stopSignal: props.stopSignal,
      env: { ...cmd.env, ...metrics?.env },
      liveness: run.liveness,
      readiness: run.readiness,
      terminationGracePeriodSeconds: run.terminationGracePeriodSeconds,
      gracefulTimeoutSeconds: run.terminationGracePeriodSeconds,
      spread: run.spread,
      scratchDirs: metrics?.scratchDirs ?? [],
      ports: metrics ? [metrics.containerPort] : undefined,
      declaredPorts: props.ports,
      perReplicaClaims: run.perReplicaClaims,
      // A standalone process's user is its runtime's; an app's process may set its own.
      extras: standalone ? { ...props, runAsUser: undefined, runAsGroup: undefined } : props,
      inherit: standalone ? undefined : (props.inherit ?? {}),
      ownEnv: this.ownEnv,
    });
  }

  /** The metrics of the process, when `metrics` is set; the checks of its command's Python. */
  protected processMetrics(
    metrics: MetricsProps | undefined,
    monitor: Omit<MonitorInput, 'portName' | 'path' | 'intervalSeconds'>,
    cmd: WorkerCommandConfig,
  ): WorkloadMetrics | undefined {
    return this.metricsOf(this.runtime.profile, metrics, monitor, [], {
      python: this.runtime.python,
      hasPython3: this.runtime.process.hasPython3,
      command: cmd.command,
    });
  }

  /** The process's labels (`app.kubernetes.io/*`). */
  protected labels(): Record<string, string> {
    return workloadLabels({ name: this.name, component: this.component, image: this.runtime.image, partOf: this.runtime.partOf });
  }

  /** The process is its own application: no `app`, or an `app` that is not one. */
  protected ownsRuntime(props: PythonProcessProps): boolean {
    return !(props.app as Partial<IPythonApp> | undefined)?.runtime;
  }

  /** The app's runtime, or the process's own when it is standalone. */
  protected resolveRuntime(props: PythonProcessProps): AppRuntime {
    if (props.app !== undefined && props.app !== null) {
      if (!this.ownsRuntime(props)) {
        const extra = STANDALONE_ONLY.filter((k) => props[k] !== undefined);
        if (extra.length > 0) {
          this.issues.add({
            prop: extra[0],
            rule: `must not be set together with 'app': the worker shares the app's ${extra.join(', ')}`,
            received: props[extra[0]],
            fix: 'Remove it, or remove app to make the process its own application.',
          });
        }
        return props.app.runtime;
      }
      this.issues.add({
        prop: 'app',
        rule: 'must be a PythonMicroservice or a standalone PythonWorker',
        received: typeof props.app,
        fix: 'Pass the web service the worker belongs to.',
      });
    }
    return this.standaloneRuntime(props);
  }

  /** The runtime of a process that is its own application: its ServiceAccount, settings and secrets. */
  private standaloneRuntime(props: PythonProcessProps): AppRuntime {
    this.issues.check(props.serviceAccount === undefined, {
      prop: 'serviceAccount',
      rule: "needs 'app': a standalone process has a ServiceAccount of its own already",
      received: props.serviceAccount,
      fix: 'Set permissions and the profile of the process itself, or pass the app the process belongs to.',
    });
    this.issues.check(props.inherit === undefined, {
      prop: 'inherit',
      rule: "needs 'app': a standalone process has no application to inherit from",
      received: props.inherit,
      fix: 'Remove inherit, or pass the app the process belongs to.',
    });
    const required = {
      image: "Pass the image the process runs, e.g. 'ghcr.io/acme/loadgenerator:1.0.0', or pass app to share a web service's.",
      get profile() {
        return profileFix();
      },
    };
    checkWorkloadProps(this.name, { ...props, image: props.image!, profile: props.profile! }, required, this.issues);
    const own = { ...props, image: props.image ?? 'invalid.invalid/missing:0', profile: props.profile ?? NO_PROFILE };
    const labels = workloadLabels({ name: this.name, component: this.runtimeComponent, image: own.image, partOf: own.partOf });
    const cloud = own.profile.bind({
      name: this.name,
      exposure: Exposure.CLUSTER,
      resources: resolveResources(own.resources).spec,
      placement: own.placement,
    });
    this.issues.addAll(cloud.issues);
    const reservedEnv = [...Object.keys(own.python === false ? {} : PYTHON_RUNTIME_ENV), ...(own.home === undefined ? [] : ['HOME'])];
    return ownRuntime(own, { scope: this, name: this.name, labels, cloud, reservedEnv }, this.issues);
  }

  /** The command, sized from the container's resources; `scaler` is the queue scaler's type, when there is one. */
  protected bindCommand(props: PythonProcessProps, cloud: ProfileOutput, scaler?: string): WorkerCommandConfig {
    const given = props.command;
    this.commandValid = this.issues.check(given instanceof WorkerCommand, {
      prop: 'command',
      rule: given === undefined ? 'is required' : 'must be a WorkerCommand',
      received: given,
      fix: "Use e.g. WorkerCommand.celery({ app: 'orders.celery:app' }), WorkerCommand.command([...]) or WorkerCommand.fromImage().",
    });
    // Without a usable command, a stand-in that reports nothing keeps the rest checked without false errors.
    const cmd = (given instanceof WorkerCommand ? given : WorkerCommand.fromImage()).bind({
      cpuMillis: cpuBasisMillis(cloud.resources),
      memoryBytes: cloud.resources.memoryLimitBytes,
      scaler,
      ownLiveness: props.liveness !== undefined,
    });
    this.issues.addAll(cmd.issues);
    cmd.warnings.forEach((w) => this.warn(w));
    this.issues.addAll(
      checkDuplicateEnv([
        { prop: 'the app', names: this.runtime.appEnv.envNames },
        { prop: 'command', names: Object.keys(cmd.env) },
      ]),
    );
    return cmd;
  }

  /** The liveness check, required unless the kind says otherwise. */
  protected resolveLiveness(liveness: WorkerLiveness | undefined): WorkerLiveness | undefined {
    // A scheduler has no cheap health check of its own; Recreate and one replica keep it honest.
    this.issues.check(liveness !== undefined || !this.livenessRequired || !this.commandValid, {
      prop: 'liveness',
      rule: 'is required for this command (it has no health check of its own)',
      received: undefined,
      fix: "Use WorkerLiveness.heartbeatFile('/tmp/worker-heartbeat') and touch the file from the worker, WorkerLiveness.command([...]), or WorkerLiveness.none('<why the kubelet need not restart it>').",
    });
    if (liveness?.noneReason !== undefined) {
      this.issues.check(typeof liveness.noneReason === 'string' && liveness.noneReason.trim().length >= 10, {
        prop: 'liveness',
        rule: 'WorkerLiveness.none() needs a reason of at least 10 characters: the plan shows it, so a reviewer knows why a stuck process is never restarted',
        received: liveness.noneReason,
        fix: "Say why, e.g. WorkerLiveness.none('PgBouncer: the TCP check of its Service is its health').",
      });
    }
    if (liveness?.usesPython && !this.runtime.process.hasPython3) {
      this.warn(
        'the liveness check runs python3, but the image has none (hasPython3: false). Use WorkerLiveness.command([...]) with a binary the image has, or set hasPython3: true if it has python3.',
      );
    }
    this.noneReason = liveness?.noneReason;
    return liveness;
  }

  /**
   * A TCP connection to the first declared TCP port (of the exposed ones only, when
   * `exposedOnly`): what tells that a process listens; undefined without such a port
   * (no probe can check UDP).
   */
  protected tcpConnect(ports: readonly PortProps[] | undefined, exposedOnly: boolean): k8s.Probe | undefined {
    const tcp = (Array.isArray(ports) ? ports : []).find(
      (p) => (p?.protocol ?? PortProtocol.TCP) === PortProtocol.TCP && (!exposedOnly || p?.expose !== false),
    );
    return tcp && { tcpSocket: { port: k8s.IntOrString.fromString(tcp.name) }, timeoutSeconds: 3, successThreshold: 1 };
  }

  /** The grace period is all a process needs: no endpoint to drain, only tasks to finish. */
  protected resolveGrace(props: PythonProcessProps): number {
    const shutdown = props.shutdownTimeout?.toSeconds({ integral: false }) ?? 300;
    this.issues.check(Number.isInteger(shutdown) && shutdown >= 1 && shutdown <= 86400, {
      prop: 'shutdownTimeout',
      rule: 'must be a whole number of seconds from 1 to 86400',
      received: shutdown,
      fix: 'Use the duration of your longest task, e.g. Duration.minutes(5).',
    });
    const grace = shutdown + 5;
    this.warn(this.runtime.profile.gracePeriodWarning?.(grace));
    return grace;
  }
}
