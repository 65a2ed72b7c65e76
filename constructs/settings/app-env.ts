import { ApiObject } from 'cdk8s';
import { kubeObject } from '../core/objects';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { EnvFrom, PodField } from '../pod/containers';
import { keepInReleaseHistory } from '../delivery/retention';
import { checkDuplicateEnv, checkPlainSettings, envFromIssues, suggestEnvName } from './env';
import { ENV_NAME } from '../core/names';
import { SecretBackendInput, SecretBackendResult, StoreSecretRequest, renderStoreSecrets } from './secret-store';
import { SecretEnv, SecretFile } from './secrets';
import { ConfigFile, FileDescription, contentHash, resolveConfigFiles } from './config-files';
import { IssueCollector, PropIssue, addWarning } from '../core/validation';
import { envReferences, orderEnv } from '../pod/env-references';

/**
 * Settings and secrets. On a web service or a standalone process they are the
 * application's, shared by all its workloads; on a worker or job of an app they
 * are its own, added to the app's (a name both define is refused).
 */
export interface SettingsProps {
  /**
   * Non-secret settings, delivered as env vars from a ConfigMap whose name
   * carries a hash of its content, so a change rolls the pods.
   * @default - no ConfigMap
   */
  readonly config?: Record<string, string>;
  /**
   * Non-secret env vars written into the pod spec. A value may name other env vars
   * as `$(NAME)` (Kubernetes expands them; the list is ordered so that they resolve).
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Names in `config` or `env` that look like secrets but are not (e.g. `CACHE_KEY_PREFIX`).
   * @default - none
   */
  readonly notSecret?: string[];
  /**
   * Env vars whose values come from secrets; no value is ever written into a manifest.
   * @default - none
   */
  readonly secrets?: SecretEnv[];
  /**
   * Whole ConfigMaps or Secrets that exist in the namespace, every key as an env var.
   * @default - none
   */
  readonly envFrom?: EnvFrom[];
  /**
   * Env vars set from the pod itself (downward API), e.g. `{ POD_IP: PodField.POD_IP }`.
   * @default - none
   */
  readonly fieldEnv?: { readonly [name: string]: PodField };
}

/** The settings and secrets of an application, shared by all its workloads. */
export interface AppEnvProps extends SettingsProps {
  /**
   * Secrets from the cloud's secret manager, mounted as files under `/var/run/secrets/store/`.
   * @default - none
   */
  readonly secretFiles?: SecretFile[];
  /**
   * Files the containers read, by absolute path, each mounted read-only by itself
   * (so a file can sit in a folder of the image): a settings module, an ini file.
   * Files written here go into one immutable ConfigMap whose name carries a hash of
   * their content, so a change rolls the pods; secret files come from an existing
   * Secret or the secret manager, e.g.
   * `{ '/app/pythonpath/superset_config.py': ConfigFile.fromText('...'), '/etc/app/key.pem': ConfigFile.fromStore('app-key') }`.
   * @default - none
   */
  readonly files?: { readonly [path: string]: ConfigFile };
  /**
   * Roll the app's Deployments when a Secret their pods read changes (an existing
   * Secret, or the one the secret backend keeps in sync with the secret manager):
   * each Deployment names those Secrets in Stakater Reloader's
   * `secret.reloader.stakater.com/reload` annotation. Needs Reloader in the cluster;
   * without it the annotation does nothing. Jobs and CronJobs read Secrets when
   * each run starts and need nothing.
   * @default false
   */
  readonly reloadOnSecretChange?: boolean;
}

/** The resolved settings and secrets, ready to put into any pod of the application. */
export interface AppEnv {
  /** Env vars of the user (literal) and of secrets (references). */
  readonly env: k8s.EnvVar[];
  /** The ConfigMap reference, if there is config. */
  readonly envFrom: k8s.EnvFromSource[];
  /** Volumes that secrets need. */
  readonly volumes: k8s.Volume[];
  /** Mounts that secrets need. */
  readonly mounts: k8s.VolumeMount[];
  /** The user's literal env vars. */
  readonly literalEnv: Record<string, string>;
  /** The config settings. */
  readonly config: Record<string, string>;
  /** Names of env vars set from secrets. */
  readonly secretEnvNames: string[];
  /** The secrets fetched from the cloud's secret manager, by their names there (never their values). */
  readonly storeSecrets: readonly StoreSecretRequest[];
  /** Every env var name defined here, for duplicate checks by workloads that add their own. */
  readonly envNames: string[];
  /** The ConfigMap, if there is config. */
  readonly configMap?: ApiObject;
  /** The files the containers read, as the container files mirror them. */
  readonly files: FileDescription[];
  /** The ConfigMap of the files written in the description, if any. */
  readonly filesConfigMap?: ApiObject;
}

/** What {@link resolveAppEnv} needs besides the props. */
export interface AppEnvContext {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly serviceAccountName: string;
  /** The cloud profile's secret backend, for the secrets of the secret manager. */
  readonly secretBackend: (input: SecretBackendInput) => SecretBackendResult;
  /** Env var names the runtime and server define, which the user must not redefine. */
  readonly reservedEnv: readonly string[];
  /**
   * Who defines `reservedEnv`, for messages.
   * @default 'the runtime (derived from server and resources)'
   */
  readonly reservedBy?: string;
  /**
   * The volume and folder of the secrets the secret backend delivers: a worker's or
   * job's own secrets get their own, beside the app's.
   * @default - the app's: `store-secrets` at /var/run/secrets/store
   */
  readonly storeVolume?: { readonly name: string; readonly dir: string };
}

/**
 * Checks config, env and secrets, and creates the ConfigMap and the secret
 * objects (per the profile's secret backend) under `scope`.
 */
export function resolveAppEnv(scope: Construct, props: AppEnvProps, ctx: AppEnvContext, issues: IssueCollector): AppEnv {
  const notSecret = new Set(props.notSecret ?? []);
  const config = props.config ?? {};
  const literalEnv = props.env ?? {};
  issues.addAll(checkPlainSettings('config', config, notSecret));
  issues.addAll(checkPlainSettings('env', literalEnv, notSecret));

  const secretList = valueObjects(
    props.secrets,
    SecretEnv,
    'secrets',
    "SecretEnv.fromExisting('orders-db', { DATABASE_URL: 'url' })",
    issues,
  );
  const bindings = secretList.map((s, i) => s.bind({ scope, serviceName: ctx.name, labels: ctx.labels, prop: `secrets[${i}]` }));
  bindings.forEach((b) => {
    issues.addAll(b.issues);
    b.warnings.forEach((w) => addWarning(scope, w));
  });
  const fileList = valueObjects(props.secretFiles, SecretFile, 'secretFiles', "SecretFile.fromStore('orders/tls-key', 'tls.key')", issues);
  const files = fileList.map((f, i) => f.bind(`secretFiles[${i}]`));
  files.forEach((f) => issues.addAll(f.issues));
  const fileIssues: PropIssue[] = [];
  const configFiles = resolveConfigFiles(scope, props.files, { name: ctx.name, labels: ctx.labels }, fileIssues);
  issues.addAll(fileIssues);
  configFiles.warnings.forEach((w) => addWarning(scope, w));
  const requests: StoreSecretRequest[] = [
    ...bindings.flatMap((b) => b.storeRequests),
    ...files.map((f) => f.request),
    ...configFiles.storeRequests,
  ];
  issues.addAll(checkDuplicateAliases(requests));

  const secretEnvNames = [...bindings.flatMap((b) => b.env.map((e) => e.name)), ...requests.flatMap((r) => (r.env ? [r.env] : []))];
  const fieldEnv = Object.entries(props.fieldEnv ?? {});
  fieldEnv.forEach(([name, field]) =>
    issues.check(Object.values(PodField).includes(field), {
      prop: `fieldEnv.${name}`,
      rule: `must be a PodField (${Object.keys(PodField).join(', ')})`,
      received: field,
      fix: 'Use e.g. PodField.POD_IP.',
    }),
  );
  fieldEnv.forEach(([name]) =>
    issues.check(ENV_NAME.test(name), {
      prop: `fieldEnv.${name}`,
      rule: 'must be an env var name: letters, digits and underscores, not starting with a digit',
      received: name,
      fix: `Use e.g. '${suggestEnvName(name)}'.`,
    }),
  );
  (props.envFrom ?? []).forEach((e, i) => {
    if (
      issues.check(e instanceof EnvFrom, {
        prop: `envFrom[${i}]`,
        rule: 'must be EnvFrom.configMap(name) or EnvFrom.secret(name)',
        received: e,
        fix: "Use e.g. EnvFrom.secret('netbox-env').",
      })
    )
      issues.addAll(envFromIssues(e, `envFrom[${i}]`));
  });
  issues.addAll(
    checkDuplicateEnv([
      { prop: 'fieldEnv', names: fieldEnv.map(([name]) => name) },
      { prop: ctx.reservedBy ?? 'the runtime (derived from server and resources)', names: ctx.reservedEnv },
      { prop: 'config', names: Object.keys(config) },
      { prop: 'env', names: Object.keys(literalEnv) },
      ...bindings.map((b, i) => ({ prop: `secrets[${i}]`, names: [...b.env.map((e) => e.name), ...b.storeRequests.map((r) => r.env!)] })),
    ]),
  );

  const store = storeSecrets(scope, ctx, requests, issues);

  // The API server refuses a ConfigMap over 1 MiB (etcd's object limit, core/v1 validation).
  const configBytes = Object.entries(config).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  issues.check(configBytes <= 1024 * 1024, {
    prop: 'config',
    rule: 'must total at most 1 MiB (the API server refuses larger ConfigMaps)',
    received: `${configBytes} bytes`,
    fix: 'Keep large data out of env vars: mount a file from a volume, or fetch it at start.',
  });
  const configMap =
    Object.keys(config).length === 0
      ? undefined
      : kubeObject(scope, 'Config', k8s.KubeConfigMap, {
          // The content hash in the name makes every change a new ConfigMap, which
          // rolls the pods and lets a rollback return to the old values.
          metadata: { name: `${ctx.name}-config-${contentHash(config)}`, labels: ctx.labels },
          data: { ...config },
          immutable: true,
        });
  // Pods of earlier versions still name their ConfigMap (an evicted old pod, a rollback): kept, never pruned.
  if (configMap) keepInReleaseHistory(configMap);

  const env = [
    ...Object.entries(literalEnv).map(([name, value]) => ({ name, value })),
    ...fieldEnv.map(([name, field]) => ({ name, valueFrom: { fieldRef: { fieldPath: field } } })),
    ...bindings.flatMap((b) => b.env),
    ...store.env,
  ];
  issues.addAll(checkConfigReferences(config, env));
  const referenceIssues: PropIssue[] = [];
  // The runtime's env comes first in every container, so references to it resolve.
  const sources = { known: [...Object.keys(config), ...ctx.reservedEnv], opaque: (props.envFrom ?? []).length > 0 };
  const ordered = orderEnv(env, { ...sources, propOf: (name) => `env.${name}` }, referenceIssues);
  issues.addAll(referenceIssues);
  return {
    env: ordered,
    // Later sources win in envFrom; the app's own ConfigMap comes last so its keys cannot be shadowed.
    envFrom: [
      ...(props.envFrom ?? []).filter((e) => e instanceof EnvFrom).map((e) => e.source),
      ...(configMap ? [{ configMapRef: { name: configMap.name } }] : []),
    ],
    volumes: [...store.volumes, ...configFiles.volumes],
    mounts: [...store.mounts, ...configFiles.mounts],
    literalEnv: { ...literalEnv },
    config: { ...config },
    secretEnvNames,
    storeSecrets: requests,
    envNames: [...Object.keys(config), ...Object.keys(literalEnv), ...fieldEnv.map(([name]) => name), ...secretEnvNames],
    configMap,
    files: configFiles.descriptions,
    filesConfigMap: configFiles.configMap,
  };
}

/**
 * Config reaches the container through envFrom, whose values Kubernetes never
 * expands: a `$(NAME)` there that names one of the app's env vars would stay literal text.
 */
function checkConfigReferences(config: Record<string, string>, env: readonly k8s.EnvVar[]): PropIssue[] {
  const names = new Set([...Object.keys(config), ...env.map((e) => e.name)]);
  return Object.entries(config).flatMap(([name, value]) => {
    const ref = envReferences(String(value)).find((r) => names.has(r));
    return ref === undefined
      ? []
      : [
          {
            prop: `config.${name}`,
            rule: `refers to $(${ref}), but config values reach the container through envFrom, which Kubernetes never expands`,
            received: value,
            fix: `Move ${name} to env, where the reference is resolved (the env vars are ordered so that ${ref} comes first).`,
          },
        ];
  });
}

/** The app's settings with a worker's or job's own added after them (their names were checked not to clash). */
export function mergeAppEnv(app: AppEnv, own: AppEnv | undefined): AppEnv {
  if (!own) return app;
  return {
    env: [...app.env, ...own.env],
    envFrom: [...app.envFrom, ...own.envFrom],
    volumes: [...app.volumes, ...own.volumes],
    mounts: [...app.mounts, ...own.mounts],
    literalEnv: { ...app.literalEnv, ...own.literalEnv },
    config: { ...app.config, ...own.config },
    secretEnvNames: [...app.secretEnvNames, ...own.secretEnvNames],
    storeSecrets: [...app.storeSecrets, ...own.storeSecrets],
    envNames: [...app.envNames, ...own.envNames],
    configMap: app.configMap,
    files: app.files,
    filesConfigMap: app.filesConfigMap,
  };
}

function storeSecrets(scope: Construct, ctx: AppEnvContext, requests: StoreSecretRequest[], issues: IssueCollector) {
  if (requests.length === 0) return { env: [], volumes: [], mounts: [] };
  const backend = ctx.secretBackend({ name: ctx.name, serviceAccountName: ctx.serviceAccountName, requests });
  issues.addAll(backend.issues);
  if (!backend.config) return { env: [], volumes: [], mounts: [] };
  return renderStoreSecrets(scope, {
    volume: ctx.storeVolume,
    name: ctx.name,
    serviceAccountName: ctx.serviceAccountName,
    labels: ctx.labels,
    requests,
    config: backend.config,
  });
}

function checkDuplicateAliases(requests: StoreSecretRequest[]) {
  const seen = new Map<string, string>();
  return requests.flatMap((r) => {
    const first = seen.get(r.alias);
    seen.set(r.alias, first ?? r.prop);
    return first === undefined
      ? []
      : [
          {
            prop: r.prop,
            rule: `must not map to the same key as ${first} ('${r.alias}')`,
            received: r.remote,
            fix: 'Give the env var or file a different name.',
          },
        ];
  });
}

/**
 * The entries of a list prop that are the value objects it takes; the others are
 * reported (a JavaScript caller passing a plain object, or a SecretFile among secrets).
 */
function valueObjects<T>(
  list: readonly T[] | undefined,
  kind: { readonly prototype: T; readonly name: string },
  prop: string,
  example: string,
  issues: IssueCollector,
): T[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return []; // the shape check reports a list prop that is not a list
  return list.filter((v, i) =>
    issues.check(v instanceof (kind as unknown as new () => T), {
      prop: `${prop}[${i}]`,
      rule: `must be a ${kind.name}`,
      received: v,
      fix: `Use e.g. ${example}.`,
    }),
  );
}
