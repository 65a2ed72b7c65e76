import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { CONFIG_KEY, ENV_NAME, dnsSubdomainProblem } from '../core/names';
import { StoreSecretRequest, secretAlias } from './secret-store';
import { PropIssue } from '../core/validation';

/** Where a secret source is bound. */
export interface SecretBindContext {
  /** The construct that owns objects the source creates. */
  readonly scope: Construct;
  /** Name of the workload. */
  readonly serviceName: string;
  /** Labels for objects the source creates. */
  readonly labels: Record<string, string>;
  /** Where the source sits in the props, for messages, e.g. `secrets[0]`. */
  readonly prop: string;
}

/** What a secret source contributes to the container. */
export interface SecretBinding {
  /** Env vars read from Kubernetes Secrets. */
  readonly env: k8s.EnvVar[];
  /** Secrets to fetch from the cloud's secret manager (rendered by the profile's backend). */
  readonly storeRequests: StoreSecretRequest[];
  /** Issues with the source's own options. */
  readonly issues: PropIssue[];
  /** Notes for the user. */
  readonly warnings: string[];
}

/**
 * Env vars whose values come from a secret. A secret value never appears in
 * synthesized YAML, except through {@link SecretEnv.unsafePlaintextInGit}.
 */
export abstract class SecretEnv {
  /**
   * Env vars from a Kubernetes Secret that already exists in the namespace.
   * @param secretName the Secret's name
   * @param keys env var name to key in the Secret, e.g. `{ DATABASE_URL: 'url' }`
   */
  public static fromExisting(secretName: string, keys: Record<string, string>): SecretEnv {
    return new ExistingSecretEnv(secretName, keys);
  }

  /**
   * Env vars from the cloud's secret manager (AWS Secrets Manager or SSM
   * Parameter Store, Google Secret Manager, Azure Key Vault), delivered by the
   * backend the profile names (Secrets Store CSI driver or External Secrets).
   * @param keys env var name to the secret's name in the secret manager,
   *   e.g. `{ DATABASE_URL: 'orders/database-url' }`; on AWS, `ssm:/path` names a parameter
   */
  public static fromStore(keys: Record<string, string>): SecretEnv {
    return new StoreSecretEnv(keys);
  }

  /**
   * Writes the values into a Kubernetes Secret in the synthesized manifests:
   * anyone who can read the repository can read them. For throwaway test
   * clusters only; the synth prints a warning every time.
   */
  public static unsafePlaintextInGit(values: Record<string, string>): SecretEnv {
    return new PlaintextSecretEnv(values);
  }

  /** Resolves the source for one workload. */
  public abstract bind(ctx: SecretBindContext): SecretBinding;
}

/** A secret from the cloud's secret manager, mounted as a file. */
export class SecretFile {
  /**
   * Mounts the secret called `remote` in the cloud's secret manager as
   * `/var/run/secrets/store/<fileName>`, read-only.
   */
  public static fromStore(remote: string, fileName: string): SecretFile {
    return new SecretFile(remote, fileName);
  }

  private constructor(
    public readonly remote: string,
    public readonly fileName: string,
  ) {}

  /** The path the file has in the container. */
  public get path(): string {
    return `/var/run/secrets/store/${this.fileName}`;
  }

  /** Resolves the file into a store request. */
  public bind(prop: string): { request: StoreSecretRequest; issues: PropIssue[] } {
    const issues: PropIssue[] = [];
    if (typeof this.fileName !== 'string' || !/^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/.test(this.fileName)) {
      issues.push({
        prop: `${prop}.fileName`,
        rule: "must be a lowercase file name (letters, digits, '-', '.', '_')",
        received: this.fileName,
        fix: "Use a name like 'tls.pem'.",
      });
    }
    if (typeof this.remote !== 'string' || this.remote.length === 0) {
      issues.push({
        prop: `${prop}.remote`,
        rule: 'must name a secret in the secret manager',
        received: this.remote,
        fix: "Pass the secret's name as your secret manager shows it.",
      });
    }
    return { request: { remote: this.remote, alias: this.fileName, asFile: true, prop }, issues };
  }
}

function checkEnvName(prop: string, name: string, issues: PropIssue[]): void {
  if (!ENV_NAME.test(name)) {
    issues.push({
      prop,
      rule: 'env var names must match [A-Za-z_][A-Za-z0-9_]*',
      received: name,
      fix: 'Rename the variable, e.g. DATABASE_URL.',
    });
  }
}

/** The env map of a SecretEnv, or an issue when it is empty or not a map (a JavaScript caller passing strings, say). */
function envMapOf(prop: string, map: Record<string, string> | undefined, issues: PropIssue[]): Record<string, string> {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    issues.push({
      prop,
      rule: 'must be an object of env var names to secret names',
      received: map,
      fix: "Pass e.g. { DATABASE_URL: 'orders/database-url' }.",
    });
    return {};
  }
  if (Object.keys(map).length === 0) {
    issues.push({ prop, rule: 'must define at least one env var', received: map, fix: "Pass e.g. { DATABASE_URL: '...' }." });
  }
  return map;
}

const EMPTY = { env: [], storeRequests: [], issues: [], warnings: [] };

class ExistingSecretEnv extends SecretEnv {
  public constructor(
    private readonly secretName: string,
    private readonly keys: Record<string, string>,
  ) {
    super();
  }

  public bind(ctx: SecretBindContext): SecretBinding {
    const issues: PropIssue[] = [];
    const nameProblem = dnsSubdomainProblem(this.secretName);
    if (nameProblem) {
      issues.push({
        prop: `${ctx.prop}.secretName`,
        rule: nameProblem.rule,
        received: this.secretName,
        fix: 'Use the name of the Secret as `kubectl get secret` shows it.',
      });
    }
    const keys = envMapOf(`${ctx.prop}.keys`, this.keys, issues);
    const env: k8s.EnvVar[] = [];
    for (const [name, key] of Object.entries(keys)) {
      checkEnvName(`${ctx.prop}.keys`, name, issues);
      if (typeof key !== 'string' || !CONFIG_KEY.test(key)) {
        issues.push({
          prop: `${ctx.prop}.keys.${name}`,
          rule: 'Secret keys must match [-._a-zA-Z0-9]+',
          received: key,
          fix: 'Use the key exactly as it is stored in the Secret.',
        });
      }
      env.push({ name, valueFrom: { secretKeyRef: { name: this.secretName, key } } });
    }
    return { ...EMPTY, env, issues };
  }
}

class StoreSecretEnv extends SecretEnv {
  public constructor(private readonly keys: Record<string, string>) {
    super();
  }

  public bind(ctx: SecretBindContext): SecretBinding {
    const issues: PropIssue[] = [];
    const keys = envMapOf(ctx.prop, this.keys, issues);
    const storeRequests: StoreSecretRequest[] = [];
    for (const [name, remote] of Object.entries(keys)) {
      checkEnvName(ctx.prop, name, issues);
      if (typeof remote !== 'string' || remote.length === 0) {
        issues.push({
          prop: `${ctx.prop}.${name}`,
          rule: 'must name a secret in the secret manager',
          received: remote,
          fix: "Pass the secret's name as your secret manager shows it.",
        });
      }
      storeRequests.push({ remote, alias: secretAlias(name), env: name, asFile: false, prop: `${ctx.prop}.${name}` });
    }
    return { ...EMPTY, storeRequests, issues };
  }
}

class PlaintextSecretEnv extends SecretEnv {
  public constructor(private readonly values: Record<string, string>) {
    super();
  }

  public bind(ctx: SecretBindContext): SecretBinding {
    const issues: PropIssue[] = [];
    const values = envMapOf(ctx.prop, this.values, issues);
    const secretName = `${ctx.serviceName}-plaintext`;
    const data: Record<string, string> = {};
    const env: k8s.EnvVar[] = [];
    for (const [name, value] of Object.entries(values)) {
      checkEnvName(ctx.prop, name, issues);
      const key = secretAlias(name);
      data[key] = String(value);
      env.push({ name, valueFrom: { secretKeyRef: { name: secretName, key } } });
    }
    new k8s.KubeSecret(ctx.scope, 'PlaintextSecret', {
      metadata: { name: secretName, labels: ctx.labels },
      type: 'Opaque',
      stringData: data,
    });
    const warnings = [
      `${ctx.prop}: SecretEnv.unsafePlaintextInGit writes ${Object.keys(data).length} secret value(s) into the manifests in plain text; use SecretEnv.fromStore for anything but a throwaway cluster.`,
    ];
    return { ...EMPTY, env, issues, warnings };
  }
}
