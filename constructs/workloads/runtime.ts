import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { kubeObject, nonEmpty } from '../core/objects';
import { IssueCollector, PropIssue, ValidationError, addWarning, formatIssue } from '../core/validation';
import { renderApiAccess } from './api-access';
import { InheritedExtras, resolvePython, resolveRunAs } from '../pod/extras';
import { ResolvedProcess, resolveProcess } from '../pod/process';
import { ResourcesProps } from '../pod/resources';
import { RolloutPace } from '../pod/rollout';
import { RunAs } from '../pod/template';
import { PodWait } from '../pod/waits';
import { ICloudProfile, Placement, ProfileOutput, WorkloadIdentity } from '../profiles/profile';
import { AppEnv, resolveAppEnv } from '../settings/app-env';
import { NetworkPeer } from '../traffic/exposure';
import { WorkloadProps } from './workload-props';

/**
 * What the workloads of one application share: image, identity, settings,
 * secrets, user and placement. A web service provides it for its workers and
 * jobs; a standalone worker provides its own.
 */
export interface AppRuntime {
  /** Name of the application's ServiceAccount and of its ConfigMap's prefix. */
  readonly name: string;
  /** The application's image. */
  readonly image: string;
  /** The cloud profile. */
  readonly profile: ICloudProfile;
  /** The ServiceAccount every pod of the application runs as. */
  readonly serviceAccountName: string;
  /** Settings and secrets, resolved. */
  readonly appEnv: AppEnv;
  /** UID and GID of the image's user. */
  readonly runAs: RunAs;
  /** The image runs a Python application (it gets Python's runtime env). */
  readonly python: boolean;
  /** How the image is run: its HOME, its python3, its pull policy, its stop signal. */
  readonly process: ResolvedProcess;
  /** Keep the image's ENTRYPOINT. */
  readonly keepEntrypoint: boolean;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf?: string;
  readonly priorityClassName?: string;
  readonly placement?: Placement;
  readonly mountServiceAccountToken: boolean;
  /** The app container gets a projected API token (the ServiceAccount has `permissions`, and no automount). */
  readonly apiToken: boolean;
  /**
   * Every ServiceAccount the pods of the application run as: the app's, then those
   * of workloads with their own; the migrations' waits let each read their Job.
   */
  readonly serviceAccountNames: string[];
  /** Roll the app's Deployments when a Secret their pods read changes (Reloader's annotation). */
  readonly reloadOnSecretChange: boolean;
  readonly allowEgressTo?: NetworkPeer[];
  /** Resources of the application, the default of its other workloads. */
  readonly resources?: ResourcesProps;
  /** Objects a job of the application needs before it runs: ServiceAccount, ConfigMap, secret objects, claims. */
  readonly sharedObjects: readonly ApiObject[];
  /** The application's own mounts and init containers, which its workers and jobs take over unless they opt out (`inherit`). */
  readonly extras: InheritedExtras;
  /** Init containers (and their volumes) every pod of the application runs first: the migrations' waits, in the order they were added. */
  readonly waits: PodWait[];
  /** How each Deployment of the application rolls out, for the time a release may take. */
  readonly rollouts: RolloutPace[];
  /** The application's ServiceAccount. */
  readonly serviceAccount?: ApiObject;
  /** The cloud identity the profile bound to the ServiceAccount, if any. */
  readonly identity?: WorkloadIdentity;
  /**
   * Other subjects the cloud identity must trust too, sorted: KEDA's operator,
   * when a worker's scaler reads a cloud queue as the workload.
   */
  readonly alsoTrustedSubjects: string[];
}

/** An application whose image, identity, settings and secrets other workloads share. */
export interface IPythonApp {
  /** What the application's workloads share. */
  readonly runtime: AppRuntime;
}

/** Records another subject the application's cloud identity must trust (KEDA's operator). */
export function trustAlso(rt: AppRuntime, subject: string): void {
  if (rt.alsoTrustedSubjects.includes(subject)) return;
  rt.alsoTrustedSubjects.push(subject);
  rt.alsoTrustedSubjects.sort();
}

/** What an application's own runtime is made of, beside its props. */
export interface OwnRuntimeInput {
  /** The workload that owns the application's ServiceAccount, settings and secrets. */
  readonly scope: Construct;
  readonly name: string;
  readonly labels: Record<string, string>;
  /** What the profile bound for the workload (identity annotations, identity). */
  readonly cloud: ProfileOutput;
  /** Env var names the runtime and server define, which the user must not redefine. */
  readonly reservedEnv: readonly string[];
}

/**
 * Creates the ServiceAccount and the settings and secrets of an application
 * (a web service, or a standalone worker), and resolves its user.
 */
export function ownRuntime(props: WorkloadProps, input: OwnRuntimeInput, issues: IssueCollector): AppRuntime {
  const { scope, name, labels, cloud } = input;
  const mountServiceAccountToken = props.mountServiceAccountToken ?? false;
  const serviceAccount = kubeObject(scope, 'ServiceAccount', k8s.KubeServiceAccount, {
    metadata: { name, labels, annotations: nonEmpty(cloud.serviceAccountAnnotations) },
    automountServiceAccountToken: mountServiceAccountToken,
  });
  const appEnv = resolveAppEnv(
    scope,
    props,
    { name, labels, serviceAccountName: name, secretBackend: (i) => props.profile.secretBackend(i), reservedEnv: input.reservedEnv },
    issues,
  );
  const access = renderApiAccess(scope, {
    name,
    labels,
    serviceAccountName: name,
    namespace: Chart.of(scope).namespace,
    permissions: props.permissions,
  });
  issues.addAll(access.issues);
  access.warnings.forEach((w) => addWarning(scope, w));
  const processIssues: PropIssue[] = [];
  const runAs = resolveRunAs(props.runAsUser, props.runAsGroup, processIssues);
  const python = resolvePython(props.python, processIssues);
  const process = resolveProcess({ ...props, python }, processIssues);
  issues.addAll(processIssues);
  return {
    name,
    image: props.image,
    profile: props.profile,
    serviceAccountName: name,
    appEnv,
    runAs,
    python,
    process,
    keepEntrypoint: props.keepEntrypoint === true,
    partOf: props.partOf,
    priorityClassName: props.priorityClassName,
    placement: props.placement,
    mountServiceAccountToken,
    apiToken: access.any && !mountServiceAccountToken,
    serviceAccountNames: [name],
    reloadOnSecretChange: props.reloadOnSecretChange === true,
    allowEgressTo: props.allowEgressTo,
    resources: props.resources,
    extras: { mounts: [...(props.mounts ?? [])], initContainers: [...(props.initContainers ?? [])] },
    // Read when a job is defined, so that claims the app's pod creates count too.
    get sharedObjects() {
      return sharedObjectsOf(scope);
    },
    waits: [],
    rollouts: [],
    serviceAccount,
    identity: cloud.identity,
    alsoTrustedSubjects: [],
  };
}

/** The objects under `scope` a job needs before it runs: ServiceAccount, ConfigMap, secret objects, claims. */
function sharedObjectsOf(scope: Construct): ApiObject[] {
  const kinds = new Set([
    'ServiceAccount',
    'ConfigMap',
    'Secret',
    'SecretProviderClass',
    'ExternalSecret',
    'SecretStore',
    'PersistentVolumeClaim',
    'Role',
    'RoleBinding',
    'ClusterRole',
    'ClusterRoleBinding',
  ]);
  return scope.node.children.filter((c): c is ApiObject => c instanceof ApiObject && kinds.has(c.kind));
}

/** Checks that the props of a workload of an application name the application. */
export function requireApp(scope: Construct, app: IPythonApp | undefined): void {
  if (app === undefined || app === null || typeof app !== 'object' || !('runtime' in app)) {
    // Nothing of the workload can be built without its app, so this one fails at once.
    throw new ValidationError(
      'A workload of an application needs its application:',
      [
        `[${scope.node.path}] ${formatIssue({
          prop: 'app',
          rule: 'is required',
          received: app,
          fix: 'Pass the PythonMicroservice (or standalone PythonWorker) whose image, settings, secrets and identity this workload shares.',
        })}`,
      ],
      scope.node.path,
    );
  }
}
