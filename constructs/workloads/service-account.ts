import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { nameIssue } from '../core/names';
import { kubeObject } from '../core/objects';
import { ARGOCD_SYNC_WAVE, MIGRATION_INPUT_WAVE } from '../delivery/hooks';
import { PropIssue } from '../core/validation';
import { ICloudProfile, ProfileOutput, WorkloadIdentity } from '../profiles/profile';
import { SecretBackend } from '../settings/secret-store';
import { ApiPermission, renderApiAccess } from './api-access';
import { AppRuntime } from './runtime';

/** A ServiceAccount of a worker's or job's own, instead of its app's. */
export interface OwnServiceAccountProps {
  /**
   * Name of the ServiceAccount.
   * @default - the workload's name
   */
  readonly name?: string;
  /**
   * The workload's own cloud identity: a profile of the app's cloud, with this
   * workload's role, Google service account or Azure client ID. Its identity is
   * bound to this ServiceAccount, and its placement and platform rules apply to the pods.
   * @default - no cloud identity
   */
  readonly profile?: ICloudProfile;
  /**
   * Kubernetes API access of this ServiceAccount (a Role bound to it, a token in the app container only).
   * @default - no access to the API
   */
  readonly permissions?: ApiPermission[];
}

/** A workload's own ServiceAccount, its cloud identity and API access, resolved. */
export interface OwnServiceAccount {
  readonly name: string;
  readonly serviceAccount: ApiObject;
  /** The cloud identity bound to it, if any. */
  readonly identity?: WorkloadIdentity;
  /** The app container gets a projected API token. */
  readonly apiToken: boolean;
  readonly role?: ApiObject;
  readonly roleBinding?: ApiObject;
  /** Other subjects the identity must trust too (KEDA's operator), sorted. */
  readonly alsoTrustedSubjects: string[];
}

/** Checks `props` before the profile is bound; returns the profile whose identity the pods get, or undefined. */
export function ownIdentityProfile(props: OwnServiceAccountProps, rt: AppRuntime, issues: PropIssue[]): ICloudProfile | undefined {
  const profile = props.profile;
  if (profile === undefined) return undefined;
  if (typeof profile !== 'object' || profile === null || typeof profile.bind !== 'function') {
    issues.push({
      prop: 'serviceAccount.profile',
      rule: 'must be a cloud profile',
      received: profile,
      fix: "Pass a profile of the app's cloud with this workload's identity, from the same CloudProfile factory as the app's.",
    });
    return undefined;
  }
  if (profile.cloud !== rt.profile.cloud) {
    issues.push({
      prop: 'serviceAccount.profile',
      rule: `must be a profile of the app's cloud ('${rt.profile.cloud}')`,
      received: profile.cloud,
      fix: "Use the same CloudProfile factory as the app's, with this workload's identity.",
    });
    return undefined;
  }
  return profile;
}

/**
 * Creates the ServiceAccount of `props` under `scope`, with the identity the
 * profile bound (`cloud`) and its API access, and lets the app's migration waits
 * admit it.
 */
export function createOwnServiceAccount(
  scope: Construct,
  input: {
    readonly props: OwnServiceAccountProps;
    readonly runtime: AppRuntime;
    readonly workload: string;
    readonly labels: Record<string, string>;
    /** What the workload's own profile bound, when it has one. */
    readonly cloud?: ProfileOutput;
  },
  issues: PropIssue[],
  warnings: string[],
): OwnServiceAccount {
  const { props, runtime: rt } = input;
  const name = props.name ?? input.workload;
  const bad = nameIssue(name);
  if (bad) issues.push({ ...bad, prop: 'serviceAccount.name' });
  if (rt.serviceAccountNames.includes(name))
    issues.push({
      prop: 'serviceAccount.name',
      rule: 'must differ from the ServiceAccounts of the app and its other workloads',
      received: name,
      fix: 'Leave it unset for the workload name.',
    });
  const serviceAccount = kubeObject(scope, 'ServiceAccount', k8s.KubeServiceAccount, {
    metadata: {
      name,
      labels: input.labels,
      // With the app's identity, before the migrations' wait RoleBindings that name this account too.
      annotations: { ...input.cloud?.serviceAccountAnnotations, [ARGOCD_SYNC_WAVE]: MIGRATION_INPUT_WAVE },
    },
    automountServiceAccountToken: rt.mountServiceAccountToken,
  });
  const access = renderApiAccess(scope, {
    name,
    labels: input.labels,
    serviceAccountName: name,
    namespace: Chart.of(scope).namespace,
    permissions: props.permissions,
    prop: 'serviceAccount.permissions',
  });
  issues.push(...access.issues);
  warnings.push(...access.warnings, ...storeSecretWarning(rt, name));
  // The migrations' waits read their Job with the pod's token: their RoleBindings name this account too.
  rt.serviceAccountNames.push(name);
  return {
    name,
    serviceAccount,
    identity: input.cloud?.identity,
    apiToken: access.any && !rt.mountServiceAccountToken,
    role: access.role,
    roleBinding: access.roleBinding,
    alsoTrustedSubjects: [],
  };
}

/**
 * With the CSI driver, the driver fetches the app's secrets for each pod with
 * the pod's own ServiceAccount token, so this account's identity must be able
 * to read them; External Secrets reads them as the app and writes a Secret any
 * pod of the namespace can mount.
 */
function storeSecretWarning(rt: AppRuntime, name: string): string[] {
  const requests = rt.appEnv.storeSecrets;
  if (requests.length === 0) return [];
  const backend = rt.profile.secretBackend({ name: rt.name, serviceAccountName: name, requests }).config?.backend;
  if (backend !== SecretBackend.CSI_DRIVER) return [];
  return [
    `serviceAccount: the Secrets Store CSI driver fetches the app's secrets with this workload's own identity (ServiceAccount ${name}); let it read ${[...new Set(requests.map((r) => r.remote))].join(', ')} in the secret manager.`,
  ];
}
