import { k8s } from 'cdk8s-plus-28';
import { CONFIG_KEY, ENV_NAME, dnsSubdomainProblem } from './names';
import { PropIssue } from './validation';

/** What a secret source contributes to the container. */
export interface SecretBinding {
  /** Env vars read from Kubernetes Secrets. */
  readonly env: k8s.EnvVar[];
  /** Issues with the source's own options. */
  readonly issues: PropIssue[];
}

/**
 * Environment variables whose values come from a secret, never from the
 * manifest. A value never appears in synthesized YAML: only a reference does.
 */
export abstract class SecretEnv {
  /**
   * Env vars from a Kubernetes Secret that already exists in the namespace
   * (created by your secret-management tooling).
   *
   * @param secretName the Secret's name
   * @param keys env var name to key in the Secret, e.g. `{ DATABASE_URL: 'url' }`
   */
  public static fromExisting(secretName: string, keys: Record<string, string>): SecretEnv {
    return new ExistingSecretEnv(secretName, keys);
  }

  /** The env var names this source defines. */
  public abstract readonly envNames: readonly string[];

  /** Resolves the source; `prop` is where it sits in the props, for messages. */
  public abstract bind(prop: string): SecretBinding;
}

class ExistingSecretEnv extends SecretEnv {
  public readonly envNames: readonly string[];

  public constructor(private readonly secretName: string, private readonly keys: Record<string, string>) {
    super();
    this.envNames = Object.keys(keys ?? {});
  }

  public bind(prop: string): SecretBinding {
    const issues: PropIssue[] = [];
    const nameProblem = dnsSubdomainProblem(this.secretName);
    if (nameProblem) {
      issues.push({ prop: `${prop}.secretName`, rule: nameProblem, received: this.secretName, fix: 'Use the name of the Secret as `kubectl get secret` shows it.' });
    }
    if (this.envNames.length === 0) {
      issues.push({ prop: `${prop}.keys`, rule: 'must map at least one env var to a key', received: this.keys, fix: 'Pass e.g. { DATABASE_URL: \'url\' }.' });
    }
    const env: k8s.EnvVar[] = [];
    for (const [name, key] of Object.entries(this.keys ?? {})) {
      if (!ENV_NAME.test(name)) {
        issues.push({ prop: `${prop}.keys`, rule: 'env var names must match [A-Za-z_][A-Za-z0-9_]*', received: name, fix: 'Rename the variable, e.g. DATABASE_URL.' });
      }
      if (typeof key !== 'string' || !CONFIG_KEY.test(key)) {
        issues.push({ prop: `${prop}.keys.${name}`, rule: 'Secret keys must match [-._a-zA-Z0-9]+', received: key, fix: 'Use the key exactly as it is stored in the Secret.' });
      }
      env.push({ name, valueFrom: { secretKeyRef: { name: this.secretName, key } } });
    }
    return { env, issues };
  }
}
