import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { kubeObject } from '../core/objects';
import { ARGOCD_SYNC_WAVE, MIGRATION_INPUT_WAVE } from '../delivery/hooks';
import { MIGRATION_JOB_LABEL, keepInReleaseHistory } from '../delivery/retention';
import { renderResources, resolveResources } from '../pod/resources';
import { containerSecurityContext } from '../pod/template';
import { PodWait } from '../pod/waits';
import { AppRuntime } from './runtime';

/**
 * Seconds the wait allows beyond the Job's own deadline: the Job controller
 * marks a Job Failed (reason DeadlineExceeded) once `activeDeadlineSeconds`
 * have passed since it started, whatever its retries
 * (https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup),
 * and under `kubectl apply` or Flux the Job may be created a little after the pods.
 */
export const WAIT_SLACK_SECONDS = 60;

/** Where the wait's volume is mounted: the script, a token and the cluster CA. */
export const WAIT_DIR = '/var/run/secrets/pyservice.dev/migration-wait';
/** Name of the wait's volume; one per pod, shared by the waits of every migration of the app. */
const WAIT_VOLUME = 'migration-wait';

/** What a wait waits for: a migration, or another Job of the app (a setup job), which its lines call a job. */
export type AwaitedJob = 'migration' | 'job';

/** The volume, folder and script of each kind of wait; a pod may have both. */
function variant(awaited: AwaitedJob): { volume: string; dir: string; script: string; component: string } {
  return awaited === 'migration'
    ? { volume: WAIT_VOLUME, dir: WAIT_DIR, script: WAIT_SCRIPT, component: 'migration-wait' }
    : {
        volume: 'job-wait',
        dir: '/var/run/secrets/pyservice.dev/job-wait',
        script: WAIT_SCRIPT.replace(/migration job/gi, 'job'),
        component: 'job-wait',
      };
}

/**
 * Polls a migration Job until it succeeded (exit 0), failed (exit 1) or the
 * deadline passed (exit 2), each with a line that names the cause. Standard
 * library only: every Python image has it. It runs as PID 1 of its container,
 * which gets no default signal handling, hence the SIGTERM handler: without it
 * a pod still waiting is killed only at the end of its grace period.
 */
export const WAIT_SCRIPT = `"""Waits until the migration Job $MIGRATION_JOB succeeded (pyservice-k8s)."""
import json, os, signal, ssl, sys, time, urllib.error, urllib.request

signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
here = os.path.dirname(os.path.abspath(__file__))
job = os.environ["MIGRATION_JOB"]
limit = int(os.environ["WAIT_DEADLINE_SECONDS"])
deadline = time.monotonic() + limit
host = os.environ["KUBERNETES_SERVICE_HOST"]
host = "[%s]" % host if ":" in host else host
url = "https://%s:%s/apis/batch/v1/namespaces/%s/jobs/%s" % (host, os.environ["KUBERNETES_SERVICE_PORT"], os.environ["POD_NAMESPACE"], job)
tls = ssl.create_default_context(cafile=os.path.join(here, "ca.crt"))
causes = {
    401: "HTTP 401: the API server refused the pod's token",
    403: "HTTP 403: the ServiceAccount may not get job %s (its Role and RoleBinding %s-wait are missing or were pruned)" % (job, job),
    404: "HTTP 404: job %s does not exist (not applied yet, or pruned or deleted: re-apply this version)" % job,
}


def read():
    """The Job's status, or why it cannot be read."""
    token = open(os.path.join(here, "token")).read().strip()  # re-read: the kubelet rotates it
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, context=tls, timeout=10) as response:
            return json.load(response).get("status") or {}, None
    except urllib.error.HTTPError as e:
        return None, causes.get(e.code, "HTTP %d from the API server" % e.code)
    except (OSError, ValueError) as e:
        return None, "the API server did not answer: %s" % getattr(e, "reason", e)


said, again = None, 0.0
while True:
    status, cause = read()
    if status is not None:
        conditions = {c.get("type"): c for c in status.get("conditions") or [] if c.get("status") == "True"}
        if status.get("succeeded") or "Complete" in conditions:
            print("migration job %s succeeded" % job, flush=True)
            sys.exit(0)
        if "Failed" in conditions:
            c = conditions["Failed"]
            print("migration job %s failed (%s: %s); see: kubectl logs job/%s" % (job, c.get("reason"), c.get("message"), job), flush=True)
            sys.exit(1)
        cause = "job %s is running" % job
    now = time.monotonic()
    if now >= deadline:
        print("gave up waiting for migration job %s after %ds: %s" % (job, limit, cause), flush=True)
        sys.exit(2)
    if cause != said or now >= again:
        print("waiting for migration job %s: %s" % (job, cause), flush=True)
        said, again = cause, now + 60
    time.sleep(min(5.0, deadline - now))
`;

/** What one migration's wait needs. */
export interface MigrationWaitInput {
  /** The application whose pods wait. */
  readonly runtime: AppRuntime;
  /** The migration construct, which owns the per-version Role and RoleBinding. */
  readonly scope: Construct;
  /** Base name of the migration, e.g. `orders-migrate`. */
  readonly base: string;
  /** Name of this version's Job. */
  readonly jobName: string;
  /** The Job's `activeDeadlineSeconds`. */
  readonly jobDeadlineSeconds: number;
  /** Labels of the migration. */
  readonly labels: Record<string, string>;
  /**
   * What the Job is, for the wait's lines and its volume.
   * @default 'migration'
   */
  readonly awaited?: AwaitedJob;
}

/** The wait of one migration: its per-version RBAC and the init container every pod of the app gets. */
export interface MigrationWait extends PodWait {
  readonly role: ApiObject;
  readonly roleBinding: ApiObject;
  /** The ConfigMap holding the script, shared by every migration of the app. */
  readonly script: ApiObject;
}

/** The script's ConfigMap of each application and kind of wait, created with the first wait of that kind. */
const SCRIPTS = new WeakMap<AppRuntime, Map<AwaitedJob, ApiObject>>();

/**
 * Builds the wait of one migration. The Role and RoleBinding are named after
 * this version's Job and can `get` that one Job; like the Job, they stay in
 * the release history, so pods of every deployed version can read their own Job.
 */
export function migrationWait(input: MigrationWaitInput): MigrationWait {
  const { runtime: rt, scope, jobName } = input;
  const v = variant(input.awaited ?? 'migration');
  const labels = { ...input.labels, 'app.kubernetes.io/component': v.component, [MIGRATION_JOB_LABEL]: jobName };
  const annotations = { [ARGOCD_SYNC_WAVE]: MIGRATION_INPUT_WAVE };
  const role = kubeObject(scope, 'WaitRole', k8s.KubeRole, {
    metadata: { name: `${jobName}-wait`, labels, annotations },
    rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'], resourceNames: [jobName] }],
  });
  const roleBinding = kubeObject(
    scope,
    'WaitRoleBinding',
    k8s.KubeRoleBinding,
    {
      metadata: { name: `${jobName}-wait`, labels, annotations },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: rt.serviceAccountName }],
    },
    // Every ServiceAccount the app's pods run as, those of workloads defined later included.
    (manifest) => {
      manifest.subjects = rt.serviceAccountNames.map((name) => ({ kind: 'ServiceAccount', name }));
    },
  );
  keepInReleaseHistory(role);
  keepInReleaseHistory(roleBinding);
  const script = scriptConfigMap(scope, rt, input.labels, input.awaited ?? 'migration');
  const deadlineSeconds = input.jobDeadlineSeconds + WAIT_SLACK_SECONDS;
  return {
    role,
    roleBinding,
    script,
    deadlineSeconds,
    container: {
      name: `wait-for-${input.base}`,
      image: rt.image,
      imagePullPolicy: rt.process.imagePullPolicy,
      command: ['python3', `${v.dir}/wait.py`],
      env: [
        { name: 'MIGRATION_JOB', value: jobName },
        { name: 'WAIT_DEADLINE_SECONDS', value: String(deadlineSeconds) },
        { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      ],
      resources: renderResources(resolveResources({ cpu: '50m', memory: '64Mi', ephemeralStorage: '64Mi' }).spec),
      securityContext: containerSecurityContext(rt.runAs),
      volumeMounts: [{ name: v.volume, mountPath: v.dir, readOnly: true }],
    },
    // The pods keep automountServiceAccountToken: false; only the waits get a token.
    volumes: [
      {
        name: v.volume,
        projected: {
          defaultMode: 0o440,
          sources: [
            { configMap: { name: script.name, items: [{ key: 'wait.py', path: 'wait.py' }] } },
            { serviceAccountToken: { path: 'token', expirationSeconds: 600 } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          ],
        },
      },
    ],
  };
}

/** One immutable ConfigMap per application, kind of wait and script version; old pods keep theirs through the release history. */
function scriptConfigMap(scope: Construct, rt: AppRuntime, labels: Record<string, string>, awaited: AwaitedJob): ApiObject {
  const scripts = SCRIPTS.get(rt) ?? new Map<AwaitedJob, ApiObject>();
  SCRIPTS.set(rt, scripts);
  const existing = scripts.get(awaited);
  if (existing) return existing;
  const v = variant(awaited);
  const hash = createHash('sha256').update(v.script).digest('hex').slice(0, 10);
  const configMap = kubeObject(scope, awaited === 'migration' ? 'WaitScript' : 'JobWaitScript', k8s.KubeConfigMap, {
    metadata: {
      name: `${rt.name}-${v.component}-${hash}`,
      labels: { ...labels, 'app.kubernetes.io/component': v.component },
      annotations: { [ARGOCD_SYNC_WAVE]: MIGRATION_INPUT_WAVE },
    },
    data: { 'wait.py': v.script },
    immutable: true,
  });
  keepInReleaseHistory(configMap);
  scripts.set(awaited, configMap);
  return configMap;
}
