import * as pulumi from '@pulumi/pulumi';
import { WorkloadIdentity } from '../../constructs/profiles/profile';
import { ingressBackends } from './dependencies';
import { CloudIdentityBinding, ClusterIdentityInputs, identityBinding } from './identity';
import { Manifest, ManifestField, registerManifest } from './kinds';
import { TreeObject } from './tree';
import { withoutUndefined } from './util';

/** The address a cloud load balancer got, from `status.loadBalancer.ingress[0]`. */
export interface LoadBalancerAddress {
  /** DNS name (AWS load balancers). */
  readonly hostname?: string;
  /** IP address (Google and Azure load balancers). */
  readonly ip?: string;
}

/** A Kubernetes Service, as deployed. */
export interface ServiceInfo {
  /** Name of the Service. */
  readonly name: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** `spec.type`, e.g. `ClusterIP` or `LoadBalancer`. */
  readonly type: string;
  /** ServiceAccount of the pods behind the Service, when one workload in the tree serves it. */
  readonly serviceAccount?: string;
  /** Address of the load balancer, for a LoadBalancer Service once the cloud has assigned one. */
  readonly loadBalancer?: LoadBalancerAddress;
  /** The Ingresses in the tree that route to the Service, if any. */
  readonly ingresses?: IngressInfo[];
}

/** A Kubernetes Ingress, as deployed. */
export interface IngressInfo {
  /** Name of the Ingress. */
  readonly name: string;
  /** Hosts its rules match. */
  readonly hosts: string[];
  /** Address of its load balancer, once the controller has assigned one. */
  readonly loadBalancer?: LoadBalancerAddress;
}

/** What registering a tree under a component produced. */
export interface HostedTree {
  /** Every registered resource, by object id (`<namespace>/<Kind>/<name>`). */
  readonly resources: Readonly<Record<string, pulumi.CustomResource>>;
  /** Every Service, by `<namespace>/<name>` (`<name>` when the manifest leaves the namespace to the provider). */
  readonly services: pulumi.Output<Record<string, ServiceInfo>>;
  /**
   * One binding per ServiceAccount bound to a cloud identity, by `<namespace>/<name>`
   * (`<name>` when the manifest leaves the namespace to the provider). The keys
   * are known while the program runs, so cloud resources can be declared per
   * entry without `apply`.
   */
  readonly identities: Readonly<Record<string, pulumi.Output<CloudIdentityBinding>>>;
  /** The same bindings as one output, for stack outputs. */
  readonly identityBindings: pulumi.Output<CloudIdentityBinding[]>;
}

/** What the cluster reports back on a registered Service or Ingress (both typed resources and CustomResources have these outputs). */
type ReportingResource = pulumi.CustomResource & {
  readonly metadata?: pulumi.Output<{ readonly namespace?: string } | undefined>;
  readonly status?: pulumi.Output<{ readonly loadBalancer?: { readonly ingress?: LoadBalancerAddress[] } } | undefined>;
};

const WORKLOAD_POD_SPECS: Record<string, (o: Manifest) => ManifestField> = {
  Deployment: (o) => o.spec?.template,
  StatefulSet: (o) => o.spec?.template,
  DaemonSet: (o) => o.spec?.template,
  ReplicaSet: (o) => o.spec?.template,
};

/** What a construct reports about the cloud identity of its ServiceAccount. */
export interface ReportedIdentity {
  /** The identity the profile bound, when it reported one. */
  readonly identity?: WorkloadIdentity;
  /** Other subjects the identity must trust too (KEDA's operator). */
  readonly alsoTrustedSubjects: readonly string[];
}

/** How {@link hostTree} finds identities. */
export interface HostOptions {
  /** Facts about the cluster for identity bindings. */
  readonly cluster?: ClusterIdentityInputs;
  /** Identities the profiles reported, by the construct path of the ServiceAccount they bind. */
  readonly identities?: ReadonlyMap<string, ReportedIdentity>;
  /** The profile's cloud, when the tree is one service: only its annotations count. */
  readonly cloud?: string;
}

/**
 * Registers every object of a synthesized tree as a child of `parent`, named
 * `<prefix>/<object id>`, each with `dependsOn` its prerequisites, and derives
 * the outputs users wire into their clouds.
 */
export function hostTree(
  parent: pulumi.ComponentResource,
  prefix: string,
  objects: readonly TreeObject[],
  options: HostOptions = {},
): HostedTree {
  const resources: Record<string, pulumi.CustomResource> = {};
  for (const o of objects) {
    resources[o.id] = registerManifest(`${prefix}/${o.id}`, o.manifest, { parent, dependsOn: o.dependsOn.map((d) => resources[d]) });
  }

  const namespaceOf = (o: TreeObject): pulumi.Output<string> =>
    o.manifest.metadata.namespace !== undefined
      ? pulumi.output(o.manifest.metadata.namespace)
      : // Left to the provider's default namespace: the cluster reports which one.
        pulumi.output((resources[o.id] as ReportingResource).metadata).apply((m): string => m?.namespace ?? 'default');

  // Both Services and Ingresses report their load balancer in status.loadBalancer.ingress.
  const addressOf = (o: TreeObject) =>
    pulumi.output((resources[o.id] as ReportingResource).status).apply((status) => loadBalancerAddress(status?.loadBalancer?.ingress?.[0]));
  // Indexed once, so that each Service's lookups stay independent of the size of the tree:
  // Ingresses by the Services they route to, pod templates by each of their labels.
  const routesTo = new Map<string, TreeObject[]>();
  for (const o of objects.filter((x) => x.manifest.apiVersion === 'networking.k8s.io/v1' && x.manifest.kind === 'Ingress')) {
    for (const name of new Set(ingressBackends(o.manifest))) push(routesTo, labelKey(o.manifest.metadata.namespace, name, ''), o);
  }
  const byLabel = new Map<string, ManifestField[]>();
  for (const { manifest } of objects) {
    const template = WORKLOAD_POD_SPECS[manifest.kind]?.(manifest);
    for (const [k, v] of Object.entries(template?.metadata?.labels ?? {}))
      push(byLabel, labelKey(manifest.metadata.namespace, k, String(v)), template);
  }
  const services = objects
    .filter((o) => o.manifest.apiVersion === 'v1' && o.manifest.kind === 'Service')
    .map((o) => {
      const { manifest } = o;
      const type: string = manifest.spec?.type ?? 'ClusterIP';
      const address = type === 'LoadBalancer' ? addressOf(o) : pulumi.output(undefined);
      const routes = (routesTo.get(labelKey(manifest.metadata.namespace, manifest.metadata.name, '')) ?? []).map((i) =>
        addressOf(i).apply((loadBalancer): IngressInfo =>
          withoutUndefined({
            name: i.manifest.metadata.name,
            hosts: [...new Set<string>((i.manifest.spec?.rules ?? []).map((r: ManifestField) => r.host).filter(Boolean))],
            loadBalancer,
          }),
        ),
      );
      return pulumi.all([namespaceOf(o), address, pulumi.all(routes)]).apply(
        ([namespace, loadBalancer, routed]) =>
          [
            namespacedName(manifest),
            withoutUndefined({
              name: manifest.metadata.name,
              namespace,
              type,
              serviceAccount: serviceAccountBehind(manifest, byLabel),
              loadBalancer,
              ingresses: routed.length > 0 ? routed : undefined,
            }),
          ] as const,
      );
    });

  const identities: Record<string, pulumi.Output<CloudIdentityBinding>> = {};
  for (const o of objects.filter((x) => x.manifest.apiVersion === 'v1' && x.manifest.kind === 'ServiceAccount')) {
    const reported = options.identities?.get(o.path);
    const binding = identityBinding(
      o.manifest,
      namespaceOf(o),
      options.cluster,
      reported?.identity,
      options.cloud,
      reported?.alsoTrustedSubjects,
    );
    if (binding) identities[namespacedName(o.manifest)] = binding;
  }

  return {
    resources,
    services: pulumi.all(services).apply((entries) => Object.fromEntries(entries)),
    identities,
    identityBindings: pulumi.all(Object.values(identities)),
  };
}

function namespacedName(manifest: Manifest): string {
  return manifest.metadata.namespace ? `${manifest.metadata.namespace}/${manifest.metadata.name}` : manifest.metadata.name;
}

/**
 * The ServiceAccount of the one workload whose pods the Service selects, if
 * exactly one does; `byLabel` holds the pod templates by namespace and label.
 */
function serviceAccountBehind(service: Manifest, byLabel: ReadonlyMap<string, readonly ManifestField[]>): string | undefined {
  const selector: Record<string, string> | undefined = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return undefined;
  // A template the Service selects has the selector's first label, among others.
  const [k0, v0] = Object.entries(selector)[0];
  const accounts = new Set<string>();
  for (const template of byLabel.get(labelKey(service.metadata.namespace, k0, String(v0))) ?? []) {
    const labels: Record<string, string> = template.metadata?.labels ?? {};
    if (Object.entries(selector).every(([k, v]) => labels[k] === v)) accounts.add(template.spec?.serviceAccountName ?? 'default');
  }
  return accounts.size === 1 ? [...accounts][0] : undefined;
}

function labelKey(namespace: string | undefined, key: string, value: string): string {
  return JSON.stringify([namespace ?? null, key, value]);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function loadBalancerAddress(ingress: LoadBalancerAddress | undefined): LoadBalancerAddress | undefined {
  if (!ingress || (ingress.hostname === undefined && ingress.ip === undefined)) return undefined;
  return withoutUndefined({ hostname: ingress.hostname, ip: ingress.ip });
}
