import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { kubeObject } from '../core/objects';
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../imports/externalsecret-external-secrets.io';
import { SecretProviderClass } from '../imports/secretproviderclass-secrets-store.csi.x-k8s.io';
import { SecretStore, SecretStoreSpecProvider } from '../imports/secretstore-external-secrets.io';
import { didYouMean } from '../core/props';
import { PropIssue } from '../core/validation';

/** Folder where secrets delivered as files appear in the container. */
const SECRET_FILE_DIR = '/var/run/secrets/store';

/** How secrets from the cloud's secret manager reach pods. */
export enum SecretBackend {
  /**
   * The Secrets Store CSI driver mounts them; env vars come from a Secret the
   * driver syncs while a pod mounts the volume.
   */
  CSI_DRIVER = 'csi-driver',
  /** External Secrets Operator copies them into a Kubernetes Secret. */
  EXTERNAL_SECRETS = 'external-secrets',
}

/** One secret to fetch from the cloud's secret manager. */
export interface StoreSecretRequest {
  /** The secret's name in the cloud's secret manager. */
  readonly remote: string;
  /** Key of the secret in the synced Kubernetes Secret, and its file name. */
  readonly alias: string;
  /** Env var to set from it, if any. */
  readonly env?: string;
  /** Whether it is also wanted as a file under `/var/run/secrets/store` (SECRET_FILE_DIR). */
  readonly asFile: boolean;
  /** Where the request sits in the props, for messages. */
  readonly prop: string;
}

/** What a cloud profile tells the renderer about its secret manager. */
export type SecretBackendConfig =
  | {
      readonly backend: SecretBackend.CSI_DRIVER;
      /** The CSI driver's provider plugin, e.g. `aws`, `gcp`, `azure`. */
      readonly provider: string;
      /** The provider's parameters, in its own format. */
      readonly parameters: Record<string, string>;
      /**
       * The CSI driver name.
       * @default 'secrets-store.csi.k8s.io'
       */
      readonly driver?: string;
    }
  | {
      readonly backend: SecretBackend.EXTERNAL_SECRETS;
      /** An existing ClusterSecretStore to use, or undefined for a SecretStore per service. */
      readonly clusterSecretStore?: string;
      /** The provider of the per-service SecretStore (authenticated as the service's ServiceAccount). */
      readonly provider?: SecretStoreSpecProvider;
      /** The provider's key for a secret name, when it differs from the name. */
      readonly remoteKey?: (remote: string) => string;
    };

/** A profile's answer to a secret request: a backend, or the reasons it has none. */
export interface SecretBackendResult {
  readonly issues: PropIssue[];
  readonly config?: SecretBackendConfig;
}

/** The options every cloud's `secrets` shares. */
export interface SecretManagerOptions {
  /** Secrets Store CSI driver or External Secrets Operator. */
  readonly backend: SecretBackend;
  /**
   * External Secrets only: an existing ClusterSecretStore to use instead of a SecretStore per service.
   * @default - a SecretStore per service, authenticated with the service's workload identity
   */
  readonly clusterSecretStore?: string;
}

/** The CSI driver settings of a cloud's secret manager. */
export interface CsiProviderConfig {
  /** The CSI driver's provider plugin. */
  readonly provider: string;
  /** The provider's parameters, in its own format. */
  readonly parameters: Record<string, string>;
  /** The CSI driver name, when not the default. */
  readonly driver?: string;
}

/** The External Secrets provider of a per-service SecretStore. */
export interface StoreProviderConfig {
  readonly provider: SecretStoreSpecProvider;
  /** The provider's key for a secret name, when it differs from the name. */
  readonly remoteKey?: (remote: string) => string;
}

/**
 * What one cloud's secret manager adds to the algorithm every profile shares
 * ({@link secretBackendOf}): its option and name rules, its CSI provider, and
 * how a per-service SecretStore authenticates.
 */
export interface SecretManagerRules<O extends SecretManagerOptions> {
  /** The profile's `secrets` option. */
  readonly options: O | undefined;
  /** The secret manager's name, for messages (e.g. `Azure Key Vault`). */
  readonly manager: string;
  /** A profile call with `secrets` set, for the message when it is missing. */
  readonly example: string;
  /** Problems of the options themselves (a region, a project, a vault name). */
  checkOptions(options: O, issues: PropIssue[]): void;
  /** Why a name is not one of this secret manager's secret names; undefined when it is. */
  nameProblem(remote: string): { readonly rule: string; readonly fix: string } | undefined;
  /** The CSI driver's provider and parameters. */
  csiDriver(options: O, input: SecretBackendRequests, issues: PropIssue[]): CsiProviderConfig;
  /** Why a per-service SecretStore could not authenticate as the service; undefined when it can. */
  storeIdentityProblem(options: O, input: SecretBackendRequests): PropIssue | undefined;
  /** The provider block of a per-service SecretStore. */
  storeProvider(options: O, input: SecretBackendRequests, issues: PropIssue[]): StoreProviderConfig;
}

/** A workload's request for secrets from the cloud's secret manager. */
export interface SecretBackendInput {
  /** The workload's name. */
  readonly name: string;
  /** The ServiceAccount the pods run as. */
  readonly serviceAccountName: string;
  /** The secrets. */
  readonly requests: readonly StoreSecretRequest[];
}

/** The secrets a workload asks for, and the ServiceAccount that fetches them. */
export interface SecretBackendRequests {
  readonly serviceAccountName: string;
  readonly requests: readonly StoreSecretRequest[];
}

/**
 * The secret backend of a profile: the options are set, every name is the
 * manager's, then the CSI driver's provider, a ClusterSecretStore, or a
 * SecretStore per service that authenticates as the service.
 */
export function secretBackendOf<O extends SecretManagerOptions>(
  input: SecretBackendRequests,
  rules: SecretManagerRules<O>,
): SecretBackendResult {
  const opts = rules.options;
  if (!opts) {
    return {
      issues: [
        {
          prop: 'profile.secrets',
          rule: `must be set to fetch secrets from ${rules.manager}`,
          received: undefined,
          fix: `Pass ${rules.example}.`,
        },
      ],
    };
  }
  const issues: PropIssue[] = [];
  rules.checkOptions(opts, issues);
  for (const r of input.requests) {
    const problem = rules.nameProblem(r.remote);
    if (problem) issues.push({ prop: r.prop, rule: problem.rule, received: r.remote, fix: problem.fix });
  }
  if (opts.backend === SecretBackend.CSI_DRIVER) {
    return { issues, config: { backend: SecretBackend.CSI_DRIVER, ...rules.csiDriver(opts, input, issues) } };
  }
  if (opts.backend !== SecretBackend.EXTERNAL_SECRETS) {
    return {
      issues: [
        ...issues,
        {
          prop: 'profile.secrets.backend',
          rule: 'must be a SecretBackend',
          received: opts.backend,
          fix: `${didYouMean(opts.backend, Object.values(SecretBackend))}Use SecretBackend.CSI_DRIVER or SecretBackend.EXTERNAL_SECRETS.`,
        },
      ],
    };
  }
  if (opts.clusterSecretStore !== undefined) {
    return { issues, config: { backend: SecretBackend.EXTERNAL_SECRETS, clusterSecretStore: opts.clusterSecretStore } };
  }
  const identity = rules.storeIdentityProblem(opts, input);
  if (identity) issues.push(identity);
  return { issues, config: { backend: SecretBackend.EXTERNAL_SECRETS, ...rules.storeProvider(opts, input, issues) } };
}

/** What rendering store secrets adds to the pod. */
export interface StoreSecretsBinding {
  readonly env: k8s.EnvVar[];
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
}

/** Inputs of {@link renderStoreSecrets}. */
export interface RenderStoreSecretsInput {
  /**
   * The pod's volume of the secrets, and where it is mounted.
   * @default - `store-secrets` at /var/run/secrets/store
   */
  readonly volume?: { readonly name: string; readonly dir: string };
  readonly name: string;
  readonly serviceAccountName: string;
  readonly labels: Record<string, string>;
  readonly requests: readonly StoreSecretRequest[];
  readonly config: SecretBackendConfig;
}

/**
 * Renders the objects that bring secrets from the cloud's secret manager into
 * a pod, for either backend. Cloud-specific parts (provider parameters, store
 * provider) come from the profile; everything here is the same on every cloud.
 */
export function renderStoreSecrets(scope: Construct, input: RenderStoreSecretsInput): StoreSecretsBinding {
  const secretName = `${input.name}-store`;
  const envRequests = input.requests.filter((r) => r.env !== undefined);
  const env: k8s.EnvVar[] = envRequests.map((r) => ({ name: r.env!, valueFrom: { secretKeyRef: { name: secretName, key: r.alias } } }));
  const mount: k8s.VolumeMount = {
    name: input.volume?.name ?? 'store-secrets',
    mountPath: input.volume?.dir ?? SECRET_FILE_DIR,
    readOnly: true,
  };

  if (input.config.backend === SecretBackend.CSI_DRIVER) {
    const spc = kubeObject(scope, 'SecretProviderClass', SecretProviderClass, {
      metadata: { name: input.name, labels: input.labels },
      spec: {
        provider: input.config.provider,
        parameters: input.config.parameters,
        // The driver creates this Secret while a pod mounts the volume, so env vars
        // can reference it; it is deleted when the last such pod goes.
        secretObjects:
          envRequests.length === 0
            ? undefined
            : [
                {
                  secretName,
                  type: 'Opaque',
                  labels: input.labels,
                  data: envRequests.map((r) => ({ objectName: r.alias, key: r.alias })),
                },
              ],
      },
    });
    // The volume is always mounted: the driver fetches and syncs only for pods that mount it.
    return {
      env,
      volumes: [
        {
          name: mount.name,
          csi: {
            driver: input.config.driver ?? 'secrets-store.csi.k8s.io',
            readOnly: true,
            volumeAttributes: { secretProviderClass: spc.name },
          },
        },
      ],
      mounts: [mount],
    };
  }

  const remoteKey = input.config.remoteKey ?? ((remote: string) => remote);
  let storeRef = { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: input.config.clusterSecretStore ?? '' };
  if (input.config.clusterSecretStore === undefined && input.config.provider) {
    const store = kubeObject(scope, 'SecretStore', SecretStore, {
      metadata: { name: input.name, labels: input.labels },
      spec: { provider: input.config.provider },
    });
    storeRef = { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: store.name };
  }
  kubeObject(scope, 'ExternalSecret', ExternalSecret, {
    metadata: { name: input.name, labels: input.labels },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: storeRef,
      target: { name: secretName, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
      data: input.requests.map((r) => ({ secretKey: r.alias, remoteRef: { key: remoteKey(r.remote) } })),
    },
  });
  const files = input.requests.filter((r) => r.asFile);
  return {
    env,
    volumes:
      files.length === 0 ? [] : [{ name: mount.name, secret: { secretName, items: files.map((r) => ({ key: r.alias, path: r.alias })) } }],
    mounts: files.length === 0 ? [] : [mount],
  };
}

/** A key usable in a Secret and as a file name, derived from an env var or file name. */
export function secretAlias(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '') || 'secret'
  );
}
