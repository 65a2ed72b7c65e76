import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import { CONFIG_KEY, dnsSubdomainProblem } from '../core/names';
import { kubeObject } from '../core/objects';
import { PropIssue } from '../core/validation';
import { keepInReleaseHistory } from '../delivery/retention';
import { StoreSecretRequest, secretAlias } from './secret-store';

/** Where the content of a {@link ConfigFile} comes from: exactly one of its fields is set. */
export interface ConfigFileSource {
  /** Content written in the description (into the files ConfigMap, or a Secret when `plaintext`). */
  readonly content?: string;
  /**
   * The content is secret and written into a Secret in the manifests.
   * @default false
   */
  readonly plaintext?: boolean;
  /** A key of a Secret that exists in the namespace. */
  readonly secret?: { readonly name: string; readonly key: string };
  /** The name of a secret in the cloud's secret manager. */
  readonly remote?: string;
}

type Source =
  | { readonly kind: 'text'; readonly content: string }
  | { readonly kind: 'plaintext'; readonly content: string }
  | { readonly kind: 'secret'; readonly secretName: string; readonly key: string }
  | { readonly kind: 'store'; readonly remote: string };

function sourceOf(file: ConfigFile): Source {
  const b = file.bind();
  if (b.secret) return { kind: 'secret', secretName: b.secret.name, key: b.secret.key };
  if (b.remote !== undefined) return { kind: 'store', remote: b.remote };
  return { kind: b.plaintext ? 'plaintext' : 'text', content: b.content as string };
}

/**
 * A file the containers of an application read (a settings module, an ini
 * file), mounted read-only at its path with `files: { '/etc/app/app.ini': ConfigFile.fromText('...') }`.
 *
 * Files written in the description go into one immutable ConfigMap whose name
 * carries a hash of their content, as `config` does: a change is a new
 * ConfigMap, which rolls the pods, and the earlier one stays in the release
 * history for the pods of earlier versions. A secret file is never written
 * into the manifests, except through {@link ConfigFile.unsafePlaintextInGit}.
 */
export class ConfigFile {
  /** A file with this content, written into the app's files ConfigMap. Not for secrets: the manifests are in git. */
  public static fromText(content: string): ConfigFile {
    return new ConfigFile({ content });
  }

  /**
   * One key of a Kubernetes Secret that exists in the namespace, as the file.
   * A change of the Secret reaches running pods only when they are replaced
   * (see `reloadOnSecretChange`), since the file is mounted by itself (subPath).
   */
  public static fromSecret(secretName: string, key: string): ConfigFile {
    return new ConfigFile({ secret: { name: secretName, key } });
  }

  /** The secret called `remote` in the cloud's secret manager, delivered by the profile's secret backend, as the file. */
  public static fromStore(remote: string): ConfigFile {
    return new ConfigFile({ remote });
  }

  /**
   * Writes the content into a Kubernetes Secret in the synthesized manifests:
   * anyone who can read the repository can read it. For throwaway test clusters
   * only; the synth prints a warning every time.
   */
  public static unsafePlaintextInGit(content: string): ConfigFile {
    return new ConfigFile({ content, plaintext: true });
  }

  private constructor(private readonly source: ConfigFileSource) {}

  /** Where the content comes from. */
  public bind(): ConfigFileSource {
    return this.source;
  }
}

/** A file as the container files (compose) mirror it: its content when it is written in the description. */
export interface FileDescription {
  /** Absolute path in the container. */
  readonly path: string;
  /** The content, for a file written in the description; undefined for a secret file. */
  readonly content?: string;
}

/** What the files of an application add to its pods. */
export interface ResolvedFiles {
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
  /** Secrets to fetch from the secret manager as files (rendered with the app's other store secrets). */
  readonly storeRequests: StoreSecretRequest[];
  readonly descriptions: FileDescription[];
  /** The ConfigMap of the files written in the description. */
  readonly configMap?: ApiObject;
  /** The Secret of `unsafePlaintextInGit` files. */
  readonly plaintextSecret?: ApiObject;
  readonly warnings: string[];
}

/** Name of the volume of the store's secrets (settings/secret-store.ts). */
const STORE_VOLUME = 'store-secrets';
/** The ConfigMap's size limit: the API server refuses objects over 1 MiB. */
const MAX_BYTES = 1024 * 1024;

/** What {@link resolveConfigFiles} names its objects after. */
export interface ConfigFilesContext {
  readonly name: string;
  readonly labels: Record<string, string>;
}

/**
 * Checks the files and creates their ConfigMap (and the Secret of plaintext
 * files) under `scope`; each file is mounted by itself (subPath), so it can
 * sit in a folder of the image without hiding the rest of it.
 */
export function resolveConfigFiles(
  scope: Construct,
  files: { readonly [path: string]: ConfigFile } | undefined,
  ctx: ConfigFilesContext,
  issues: PropIssue[],
): ResolvedFiles {
  const entries = Object.entries(files ?? {}).filter(([path, file]) => checkFile(path, file, issues));
  const keys = fileKeys(entries.map(([path]) => path));
  const text: Record<string, string> = {};
  const plaintext: Record<string, string> = {};
  const volumes = new Map<string, k8s.Volume>();
  const mounts: k8s.VolumeMount[] = [];
  const storeRequests: StoreSecretRequest[] = [];
  const descriptions: FileDescription[] = [];
  for (const [path, file] of entries) {
    const src = sourceOf(file);
    const key = keys.get(path)!;
    const prop = `files.${path}`;
    if (src.kind === 'text' || src.kind === 'plaintext') {
      (src.kind === 'text' ? text : plaintext)[key] = src.content;
      mounts.push({ name: src.kind === 'text' ? 'config-files' : 'plaintext-files', mountPath: path, subPath: key, readOnly: true });
      descriptions.push({ path, content: src.kind === 'text' ? src.content : undefined });
    } else if (src.kind === 'secret') {
      const volume = `files-secret-${src.secretName}`.slice(0, 63).replace(/-+$/, '');
      const items = [...((volumes.get(volume)?.secret?.items as k8s.KeyToPath[]) ?? []), { key: src.key, path: src.key }];
      volumes.set(volume, { name: volume, secret: { secretName: src.secretName, items: uniqueItems(items), defaultMode: 0o440 } });
      mounts.push({ name: volume, mountPath: path, subPath: src.key, readOnly: true });
      descriptions.push({ path });
    } else {
      const alias = secretAlias(key);
      storeRequests.push({ remote: src.remote, alias, asFile: true, prop });
      mounts.push({ name: STORE_VOLUME, mountPath: path, subPath: alias, readOnly: true });
      descriptions.push({ path });
    }
  }
  const configMap = filesObject(scope, 'Files', k8s.KubeConfigMap, ctx, text, issues, { defaultMode: 0o444 }, volumes);
  const plaintextSecret = filesObject(scope, 'PlaintextFiles', k8s.KubeSecret, ctx, plaintext, issues, { defaultMode: 0o440 }, volumes);
  const count = Object.keys(plaintext).length;
  const warnings =
    count === 0
      ? []
      : [
          `files: ConfigFile.unsafePlaintextInGit writes ${count} secret file(s) into the manifests in plain text; use ConfigFile.fromStore for anything but a throwaway cluster.`,
        ];
  return { volumes: [...volumes.values()], mounts, storeRequests, descriptions, configMap, plaintextSecret, warnings };
}

/** The immutable, content-hashed ConfigMap or Secret of files, kept in the release history; and its volume. */
function filesObject(
  scope: Construct,
  id: string,
  kind: typeof k8s.KubeConfigMap | typeof k8s.KubeSecret,
  ctx: ConfigFilesContext,
  data: Record<string, string>,
  issues: PropIssue[],
  mode: { defaultMode: number },
  volumes: Map<string, k8s.Volume>,
): ApiObject | undefined {
  if (Object.keys(data).length === 0) return undefined;
  const bytes = Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > MAX_BYTES) {
    issues.push({
      prop: 'files',
      rule: 'must total at most 1 MiB (the API server refuses larger ConfigMaps and Secrets)',
      received: `${bytes} bytes`,
      fix: 'Put large files into the image, or on a volume.',
    });
  }
  const secret = kind === k8s.KubeSecret;
  const name = `${ctx.name}-${secret ? 'plaintext-files' : 'files'}-${contentHash(data)}`;
  // A new name for new content: the pods roll, a rollback finds the old files, old pods keep theirs.
  const obj = kubeObject(
    scope,
    id,
    kind as typeof k8s.KubeConfigMap,
    {
      metadata: { name, labels: ctx.labels },
      ...(secret ? { type: 'Opaque', stringData: { ...data } } : { data: { ...data } }),
      immutable: true,
    } as k8s.KubeConfigMapProps,
  );
  keepInReleaseHistory(obj);
  const volume = secret ? 'plaintext-files' : 'config-files';
  volumes.set(volume, {
    name: volume,
    ...(secret ? { secret: { secretName: name, defaultMode: mode.defaultMode } } : { configMap: { name, defaultMode: mode.defaultMode } }),
  });
  return obj;
}

/** Checks a file's path and source; false when it cannot be mounted at all. */
function checkFile(path: string, file: ConfigFile, issues: PropIssue[]): boolean {
  const prop = `files.${path}`;
  if (!/^\/[A-Za-z0-9._\-/]*[A-Za-z0-9._-]$/.test(path) || path.split('/').some((seg) => seg === '..' || seg === '.')) {
    issues.push({
      prop,
      rule: "must be an absolute file path of letters, digits, '.', '_', '-' and '/'",
      received: path,
      fix: "Use e.g. '/etc/app/settings.ini'.",
    });
    return false;
  }
  if (!(file instanceof ConfigFile)) {
    issues.push({
      prop,
      rule: 'must be a ConfigFile',
      received: file,
      fix: "Use ConfigFile.fromText('...'), ConfigFile.fromSecret(name, key) or ConfigFile.fromStore(name).",
    });
    return false;
  }
  const src = sourceOf(file);
  if ((src.kind === 'text' || src.kind === 'plaintext') && typeof src.content !== 'string') {
    issues.push({ prop, rule: 'must have text content', received: src.content, fix: 'Pass the file content as a string.' });
    return false;
  }
  if (src.kind === 'secret') {
    const problem = dnsSubdomainProblem(src.secretName);
    if (problem)
      issues.push({
        prop: `${prop}.secretName`,
        rule: problem.rule,
        received: src.secretName,
        fix: 'Use the name `kubectl get secret` shows.',
      });
    if (typeof src.key !== 'string' || !CONFIG_KEY.test(src.key))
      issues.push({
        prop: `${prop}.key`,
        rule: 'must match [-._a-zA-Z0-9]+',
        received: src.key,
        fix: 'Use the key as it is stored in the Secret.',
      });
  }
  if (src.kind === 'store' && (typeof src.remote !== 'string' || src.remote.length === 0)) {
    issues.push({
      prop: `${prop}.remote`,
      rule: 'must name a secret in the secret manager',
      received: src.remote,
      fix: "Pass the secret's name as your secret manager shows it.",
    });
  }
  return true;
}

/** The key of each file in its ConfigMap or Secret: its file name, or its whole path where two files share a name. */
function fileKeys(paths: string[]): Map<string, string> {
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const count = new Map<string, number>();
  for (const p of paths) count.set(base(p), (count.get(base(p)) ?? 0) + 1);
  return new Map(paths.map((p) => [p, count.get(base(p))! > 1 ? p.slice(1).replace(/\//g, '_') : base(p)]));
}

function uniqueItems(items: k8s.KeyToPath[]): k8s.KeyToPath[] {
  return items.filter((item, i) => items.findIndex((x) => x.key === item.key) === i);
}

/** A short, stable hash of a string map, independent of key order. */
export function contentHash(data: Record<string, string>): string {
  const canonical = JSON.stringify(
    Object.keys(data)
      .sort()
      .map((k) => [k, data[k]]),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}
