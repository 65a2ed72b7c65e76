/**
 * What the small example systems share: one production target per cloud. Each
 * system is one file that describes its services once and returns its app kit;
 * `npx tsx examples/systems/<file>.ts` writes it under examples/out/<name>/.
 */
import { Chart } from 'cdk8s';
// The generated class only: the package's index also loads every L2 class, which a synth does not use.
import { KubePriorityClass } from 'cdk8s-plus-28/lib/imports/k8s';
import { CloudProfile, ICloudProfile, PyserviceApp, RestrictedNamespace, Target } from 'pyservice-k8s';

/** The PriorityClass every example's pods use. */
export const PRIORITY = 'examples-standard';

/**
 * A namespace that enforces the restricted standard and the PriorityClass, in a
 * chart of their own, and the chart of the system's objects in that namespace.
 */
export function systemChart(target: Target, namespace: string): Chart {
  const base = new Chart(target, 'namespace');
  new RestrictedNamespace(base, namespace);
  new KubePriorityClass(base, 'priority', { metadata: { name: PRIORITY }, value: 100_000, description: 'Example services.' });
  const chart = new Chart(target, namespace, { namespace });
  chart.addDependency(base);
  return chart;
}

/** The clouds every example system is synthesized for. */
export const CLOUDS = ['eks', 'gke', 'aks'] as const;
export type Cloud = (typeof CLOUDS)[number];

/**
 * A profile with a workload identity named after the service, on each cloud. On EKS
 * it names the cluster's EFS StorageClass for file shares (GKE and AKS have theirs built in).
 */
export function profile(cloud: Cloud, service: string): ICloudProfile {
  switch (cloud) {
    case 'eks':
      return CloudProfile.eks({ roleArn: `arn:aws:iam::111122223333:role/examples/${service}`, sharedFileStorageClass: 'efs-sc' });
    case 'gke':
      return CloudProfile.gke({ serviceAccount: `${service}@acme-examples.iam.gserviceaccount.com` });
    case 'aks':
      return CloudProfile.aks({ clientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
  }
}

/** Writes a system's app when its file is run directly. */
export function runIfMain(module: NodeModule, name: string, make: () => PyserviceApp): void {
  if (require.main === module) make().synth({ directory: `examples/out/${name}` });
}
