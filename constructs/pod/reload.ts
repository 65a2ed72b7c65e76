/**
 * Rolling the pods when a Secret they read changes. Kubernetes never restarts
 * a pod for that: env vars keep the value read at start, and a file mounted by
 * itself (subPath) is never updated. The secret backends refresh the Kubernetes
 * Secret (External Secrets every `refreshInterval`; the Secrets Store CSI driver
 * only with its driver-wide `enableSecretRotation`), and their documentation
 * points to Stakater Reloader to roll the pods
 * (https://secrets-store-csi-driver.sigs.k8s.io/topics/secret-auto-rotation).
 *
 * Reloader rolls a Deployment or StatefulSet whose own metadata names the
 * Secrets in `secret.reloader.stakater.com/reload` (a comma-separated list)
 * when one of them changes (https://github.com/stakater/Reloader, "Named
 * Resource Reload").
 */

/** Reloader's annotation naming the Secrets whose change rolls the workload. */
export const RELOADER_SECRETS = 'secret.reloader.stakater.com/reload';

/** The parts of a rendered container that name Secrets. */
interface RenderedContainer {
  readonly env?: readonly { readonly valueFrom?: { readonly secretKeyRef?: { readonly name?: string } } }[];
  readonly envFrom?: readonly { readonly secretRef?: { readonly name?: string } }[];
}

/** The parts of a rendered pod spec that name Secrets. */
export interface RenderedPodSpec {
  readonly initContainers?: readonly RenderedContainer[];
  readonly containers?: readonly RenderedContainer[];
  readonly volumes?: readonly {
    readonly secret?: { readonly secretName?: string };
    readonly projected?: { readonly sources?: readonly { readonly secret?: { readonly name?: string } }[] };
  }[];
}

/** Every Secret a rendered pod spec reads (env, envFrom, volumes), sorted. */
export function referencedSecrets(podSpec: RenderedPodSpec): string[] {
  const names = new Set<string>();
  const containers = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
  for (const c of containers) {
    for (const e of c.envFrom ?? []) if (e.secretRef?.name) names.add(e.secretRef.name);
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef?.name) names.add(e.valueFrom.secretKeyRef.name);
  }
  for (const v of podSpec.volumes ?? []) {
    if (v.secret?.secretName) names.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) if (s.secret?.name) names.add(s.secret.name);
  }
  return [...names].sort();
}

/** Adds Reloader's annotation to a rendered workload, naming the Secrets its pods read; nothing when they read none. */
export function addSecretReload(manifest: { metadata?: { annotations?: Record<string, string> } }, podSpec: RenderedPodSpec): void {
  const secrets = referencedSecrets(podSpec);
  if (secrets.length === 0) return;
  manifest.metadata ??= {};
  manifest.metadata.annotations = { ...manifest.metadata.annotations, [RELOADER_SECRETS]: secrets.join(',') };
}
