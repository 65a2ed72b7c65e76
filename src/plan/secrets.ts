/**
 * The secrets a pod reads, by name and store, never by value: env vars and
 * files from Kubernetes Secrets, and where each Secret comes from (a secret
 * manager through the Secrets Store CSI driver or External Secrets, a Secret
 * already in the namespace, or one written into the manifests, in git).
 */
import { AppFacts } from './facts';
import { K8sObject, Pod, str } from './objects';

/** Where secrets come from. */
export interface Store {
  /** Identifies the store in the target. */
  readonly id: string;
  /** A secret manager (through an operator or driver), a Secret that exists in the namespace, or one in git. */
  readonly kind: 'manager' | 'namespace' | 'git';
  /** What it is, for people: `secret manager via External Secrets (...)`. */
  readonly label: string;
}

/** One secret a workload reads. */
export interface SecretUse {
  /** `env DATABASE_URL`, `file /var/run/secrets/store/key.pem`, `env: every key`. */
  readonly as: string;
  /** Its name in the store: the secret manager's name, or `<Secret>/<key>`. */
  readonly name: string;
  readonly store: Store;
}

/** The secrets of a pod, in the order its containers and volumes name them. */
export function secretsOf(pod: Pod, objects: readonly K8sObject[], app: AppFacts | undefined): SecretUse[] {
  const ns = pod.object.metadata?.namespace;
  const inNs = objects.filter((o) => o.metadata?.namespace === ns);
  const uses = new Map<string, SecretUse>();
  const add = (use: SecretUse) => uses.set(`${use.as} ${use.name}`, use);
  const fromSecret = (secret: string, key: string | undefined, as: string) => {
    const source = sourceOf(secret, objects, ns);
    add({ as, name: nameIn(source, secret, key, app), store: source.store });
  };

  for (const c of pod.spec.containers ?? []) {
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref) fromSecret(str(ref.name), str(ref.key), `env ${e.name}`);
    }
    for (const e of c.envFrom ?? []) {
      if (e.secretRef) fromSecret(str(e.secretRef.name), undefined, `env: every key${e.prefix ? ` (prefix ${e.prefix})` : ''}`);
    }
  }
  const mounts = (volume: string) =>
    (pod.spec.containers ?? []).flatMap((c) => (c.volumeMounts ?? []).filter((m) => m.name === volume).map((m) => m.mountPath));
  for (const v of pod.spec.volumes ?? []) {
    for (const mount of [...new Set(mounts(v.name))]) {
      if (v.secret) {
        const items: Array<{ key: string; path: string }> = v.secret.items ?? [];
        if (items.length === 0) fromSecret(str(v.secret.secretName), undefined, `files in ${mount}`);
        for (const item of items) fromSecret(str(v.secret.secretName), item.key, `file ${mount}/${item.path}`);
      }
      const spcName = v.csi?.volumeAttributes?.secretProviderClass;
      if (spcName) {
        const spc = inNs.find((o) => o.kind === 'SecretProviderClass' && o.metadata?.name === spcName);
        const store = spc
          ? csiStore(spc)
          : { id: `csi:${ns}/${spcName}`, kind: 'manager' as const, label: `SecretProviderClass ${spcName}` };
        const files = (app?.storeSecrets ?? []).filter((r) => r.asFile);
        // The app kit mounts the volume for the env vars it syncs too; without its facts, every file counts.
        if (files.length === 0 && app === undefined) add({ as: `files in ${mount}`, name: `SecretProviderClass ${spcName}`, store });
        for (const r of files) add({ as: `file ${mount}/${r.alias}`, name: r.remote, store });
      }
    }
  }
  return [...uses.values()];
}

interface Source {
  readonly store: Store;
  /** The ExternalSecret that writes the Secret, whose data maps keys to remote names. */
  readonly externalSecret?: K8sObject;
}

/** Where a Secret named `secret` in the namespace comes from. */
function sourceOf(secret: string, objects: readonly K8sObject[], ns: string | undefined): Source {
  const inNs = objects.filter((o) => o.metadata?.namespace === ns);
  const spc = inNs.find(
    (o) => o.kind === 'SecretProviderClass' && (o.spec?.secretObjects ?? []).some((s: { secretName?: string }) => s.secretName === secret),
  );
  if (spc) return { store: csiStore(spc) };
  const es = inNs.find((o) => o.kind === 'ExternalSecret' && (o.spec?.target?.name ?? o.metadata?.name) === secret);
  if (es) {
    const ref = es.spec?.secretStoreRef ?? {};
    const kind = str(ref.kind || 'SecretStore');
    // A ClusterSecretStore has no namespace.
    const store = (kind === 'ClusterSecretStore' ? objects : inNs).find((o) => o.kind === kind && o.metadata?.name === ref.name);
    const provider = store ? Object.keys(store.spec?.provider ?? {})[0] : undefined;
    return {
      store: {
        id: `external-secrets:${ns}/${es.metadata?.name}`,
        kind: 'manager',
        label: `secret manager via External Secrets (ExternalSecret ${es.metadata?.name}, ${kind} ${ref.name}${provider ? `, provider ${provider}` : ''})`,
      },
      externalSecret: es,
    };
  }
  if (inNs.some((o) => o.kind === 'Secret' && o.metadata?.name === secret)) {
    return {
      store: { id: `git:${ns}/${secret}`, kind: 'git', label: `Secret ${secret}, written into this folder: its values are in git` },
    };
  }
  return {
    store: { id: `namespace:${ns}/${secret}`, kind: 'namespace', label: `Secret ${secret}, expected in namespace ${ns ?? 'default'}` },
  };
}

function csiStore(spc: K8sObject): Store {
  const ns = spc.metadata?.namespace;
  return {
    id: `csi:${ns}/${spc.metadata?.name}`,
    kind: 'manager',
    label: `secret manager via the Secrets Store CSI driver (SecretProviderClass ${spc.metadata?.name}, provider ${spc.spec?.provider})`,
  };
}

/** The name of a key of the Secret in its store: the secret manager's name when known, else `<Secret>/<key>`. */
function nameIn(source: Source, secret: string, key: string | undefined, app: AppFacts | undefined): string {
  if (source.store.kind === 'manager' && key !== undefined) {
    const data: Array<{ secretKey?: string; remoteRef?: { key?: string } }> = source.externalSecret?.spec?.data ?? [];
    const remote = data.find((d) => d.secretKey === key)?.remoteRef?.key ?? app?.storeSecrets.find((r) => r.alias === key)?.remote;
    if (remote) return remote;
  }
  return key === undefined ? secret : `${secret}/${key}`;
}
