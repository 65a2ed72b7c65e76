/**
 * The plan of one target, read from its rendered objects: each workload with
 * its image, replicas or autoscaling range, resources, how it is reached and by
 * whom, the identity it runs as, the secrets it reads (by name and store, never
 * a value), the queues it scales on, its schedule and the migrations it waits
 * for. Objects are related the way Kubernetes relates them: a Service and a
 * NetworkPolicy by selector, an autoscaler by its target, an Ingress or route
 * by its backend Service, a Secret by name.
 */
import { Exposure } from '../../constructs/traffic/exposure';
import type { WorkloadIdentity } from '../../constructs/profiles/profile';
import { AppFacts, PlanFacts } from './facts';
import { K8sObject, Pod, matches, podOf, servicesOf, str } from './objects';
import { SecretUse, Store, secretsOf } from './secrets';

export type { SecretUse, Store } from './secrets';

/** How many replicas a workload runs, or when it runs. */
export interface Replicas {
  /** `3`, `2–10`, `0–10`, `once per version`, `30 2 * * *`. */
  readonly text: string;
  /** What scales it or how it runs, e.g. `HorizontalPodAutoscaler: cpu 70%`. */
  readonly detail?: string;
}

/** A way in from outside the namespace: an Ingress rule, a Gateway API route, a LoadBalancer Service. */
export interface Route {
  /** `Ingress orders-api`, `HTTPRoute inventory`, `Service inventory (LoadBalancer)`. */
  readonly via: string;
  /** The class, gateway or load balancer kind, e.g. `class alb`, `Gateway gateways/internal`. */
  readonly through?: string;
  /** `https://api.example.com/`, `inventory.example.com/`, `port 80`. */
  readonly addresses: string[];
}

/** Who may call a workload, from the NetworkPolicies that select its pods. */
export interface Caller {
  /** A workload of the target, any pod of a namespace, a namespace, an address range, or anyone. */
  readonly kind: 'workload' | 'pods' | 'namespace' | 'cidr' | 'anyone';
  /** The workload's name, the namespace, the CIDR; empty for anyone. */
  readonly name: string;
  /** Ports it may reach, e.g. `8000/TCP`; empty for every port. */
  readonly ports: string[];
}

/** A queue a workload's replicas follow (a KEDA trigger). */
export interface Queue {
  /** The scaler type, e.g. `redis`. */
  readonly type: string;
  /** What names the queue in the trigger, e.g. the list `celery`; undefined when none does. */
  readonly name?: string;
}

/** One workload of the target. */
export interface PlanWorkload {
  /** The workload's name (`app.kubernetes.io/name`, else the object's name). */
  readonly name: string;
  readonly namespace?: string;
  /** Deployment, StatefulSet, DaemonSet, Job or CronJob. */
  readonly kind: string;
  /** The object's name (a Job's holds its version hash). */
  readonly objectName: string;
  /** `app.kubernetes.io/component`, e.g. web, worker, migration. */
  readonly role?: string;
  readonly images: string[];
  readonly replicas: Replicas;
  /** Requests and limits of the first container, e.g. `cpu 500m, memory 512Mi (requests = limits)`. */
  readonly resources: string;
  /** The Services that select its pods, `name:port`. */
  readonly services: string[];
  /** The exposure its construct asked for, when it is a web service of the app kit. */
  readonly exposure?: Exposure;
  readonly routes: Route[];
  /** Undefined when no NetworkPolicy selects its pods (everyone may call it). */
  readonly callers?: Caller[];
  readonly serviceAccount?: string;
  readonly identity?: WorkloadIdentity;
  readonly secrets: SecretUse[];
  readonly queues: Queue[];
  /** Jobs of the target its pods wait for (migrations). */
  readonly waitsFor: string[];
  /** For a Job: the workloads whose pods wait for it. */
  readonly awaitedBy: string[];
  /** Why the workload has no liveness check, when its construct says so (`WorkerLiveness.none`). */
  readonly noLiveness?: string;
}

/** The plan of one target. */
export interface Plan {
  /** The target's folder, e.g. `prod/east`. */
  readonly target: string;
  /** The output folder, e.g. `dist`. */
  readonly outdir: string;
  readonly objectCount: number;
  /** Object count by kind, sorted by kind. */
  readonly kinds: ReadonlyArray<readonly [string, number]>;
  readonly namespaces: string[];
  /** Workloads in object order: services first, then workers, then jobs. */
  readonly workloads: PlanWorkload[];
  /** Every secret store the workloads read from, by id. */
  readonly stores: Store[];
  /** The synth's warnings about this target. */
  readonly warnings: string[];
}

/** What {@link buildPlan} reads. */
export interface PlanInput {
  readonly target: string;
  readonly outdir: string;
  /** The target's objects, as rendered. */
  readonly objects: readonly K8sObject[];
  readonly facts: PlanFacts;
  readonly warnings?: readonly string[];
}

const KIND_ORDER = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

/** The plan of one target. */
export function buildPlan(input: PlanInput): Plan {
  const objects = input.objects;
  const pods = objects.flatMap((o) => {
    const pod = podOf(o);
    return pod ? [pod] : [];
  });
  pods.sort((a, b) => KIND_ORDER.indexOf(a.object.kind) - KIND_ORDER.indexOf(b.object.kind));
  const jobs = new Set(objects.filter((o) => o.kind === 'Job').map((o) => str(o.metadata?.name)));
  const stores = new Map<string, Store>();
  const workloads = pods.map((pod): PlanWorkload => {
    const o = pod.object;
    const ns = o.metadata?.namespace;
    const app = appOf(input.facts.apps, ns, pod.spec.serviceAccountName);
    const secrets = secretsOf(pod, objects, app);
    for (const s of secrets) stores.set(s.store.id, s.store);
    const services = servicesOf(pod, objects);
    return {
      name: str(pod.labels['app.kubernetes.io/name'] ?? o.metadata?.name),
      namespace: ns,
      kind: o.kind,
      objectName: str(o.metadata?.name),
      role: pod.labels['app.kubernetes.io/component'] ?? o.metadata?.labels?.['app.kubernetes.io/component'],
      images: [...new Set((pod.spec.containers ?? []).map((c) => str(c.image)))],
      replicas: replicasOf(pod, objects),
      resources: resourcesOf(pod),
      services: services.map((s) => `${s.metadata?.name}:${(s.spec?.ports ?? []).map((p: { port: number }) => p.port).join(',')}`),
      exposure: input.facts.services.find((s) => s.name === o.metadata?.name && (s.namespace ?? ns) === ns)?.exposure,
      routes: routesOf(services, objects),
      callers: callersOf(pod, objects, pods),
      serviceAccount: pod.spec.serviceAccountName,
      identity: app?.identity,
      secrets,
      queues: queuesOf(o, objects),
      waitsFor: waitsOf(pod, jobs),
      awaitedBy: [],
      noLiveness: input.facts.noLiveness?.find((n) => n.name === o.metadata?.name && (n.namespace ?? ns) === ns && o.kind === 'Deployment')
        ?.reason,
    };
  });
  for (const w of workloads) {
    if (w.kind !== 'Job') continue;
    w.awaitedBy.push(...workloads.filter((x) => x.namespace === w.namespace && x.waitsFor.includes(w.objectName)).map((x) => x.name));
  }
  const count = new Map<string, number>();
  for (const o of objects) count.set(o.kind, (count.get(o.kind) ?? 0) + 1);
  return {
    target: input.target,
    outdir: input.outdir,
    objectCount: objects.length,
    kinds: [...count].sort(([a], [b]) => (a < b ? -1 : 1)),
    namespaces: [...new Set(objects.flatMap((o) => (o.metadata?.namespace ? [o.metadata.namespace] : [])))].sort(),
    workloads,
    stores: [...stores.values()],
    warnings: [...(input.warnings ?? [])],
  };
}

function appOf(apps: readonly AppFacts[], ns: string | undefined, serviceAccount: string | undefined): AppFacts | undefined {
  if (!serviceAccount) return undefined;
  return apps.find((a) => a.serviceAccount === serviceAccount && (a.namespace === undefined || a.namespace === ns));
}

function targets(o: K8sObject, ref: { kind?: string; name?: string } | undefined, defaultKind?: string): boolean {
  return ref?.name === o.metadata?.name && (ref?.kind ?? defaultKind) === o.kind;
}

function replicasOf(pod: Pod, objects: readonly K8sObject[]): Replicas {
  const o = pod.object;
  const ns = o.metadata?.namespace;
  const sameNs = objects.filter((x) => x.metadata?.namespace === ns);
  const hpa = sameNs.find((x) => x.kind === 'HorizontalPodAutoscaler' && targets(o, x.spec?.scaleTargetRef));
  if (hpa) {
    const metrics = (hpa.spec?.metrics ?? []).map((m: K8sObject['spec']) => {
      const target = m.resource?.target ?? {};
      if (m.type === 'Resource' && target.averageUtilization !== undefined) return `${m.resource.name} ${target.averageUtilization}%`;
      return m.type === 'Resource' ? `${m.resource?.name}` : String(m.type);
    });
    return {
      text: `${hpa.spec?.minReplicas ?? 1}–${hpa.spec?.maxReplicas}`,
      detail: `HorizontalPodAutoscaler${metrics.length > 0 ? ` on ${metrics.join(', ')}` : ''}`,
    };
  }
  const scaled = sameNs.find((x) => x.kind === 'ScaledObject' && targets(o, x.spec?.scaleTargetRef, 'Deployment'));
  if (scaled) {
    // KEDA's defaults: minReplicaCount 0, maxReplicaCount 100 (keda.sh ScaledObject spec).
    const queues = queuesOf(o, objects).map((q) => (q.name ? `${q.type} ${q.name}` : q.type));
    return {
      text: `${scaled.spec?.minReplicaCount ?? 0}–${scaled.spec?.maxReplicaCount ?? 100}`,
      detail: `ScaledObject on ${queues.join(', ')}`,
    };
  }
  switch (o.kind) {
    case 'DaemonSet':
      return { text: 'one per node' };
    case 'Job': {
      const limits = [`backoffLimit ${o.spec?.backoffLimit ?? 6}`];
      if (o.spec?.activeDeadlineSeconds !== undefined) limits.push(`deadline ${o.spec.activeDeadlineSeconds} s`);
      return { text: 'runs to completion', detail: `Job: ${limits.join(', ')}` };
    }
    case 'CronJob': {
      const zone = o.spec?.timeZone ? ` (${o.spec.timeZone})` : '';
      return {
        text: `${o.spec?.schedule}${zone}`,
        detail: `CronJob: concurrencyPolicy ${o.spec?.concurrencyPolicy ?? 'Allow'}${o.spec?.suspend ? ', suspended' : ''}`,
      };
    }
    default:
      return { text: String(o.spec?.replicas ?? 1) };
  }
}

/** Quantities of the first container, cpu and memory first; ephemeral storage left out. */
function resourcesOf(pod: Pod): string {
  const container = pod.spec.containers?.[0];
  const requests: Record<string, string> = container?.resources?.requests ?? {};
  const limits: Record<string, string> = container?.resources?.limits ?? {};
  const order = (keys: string[]) =>
    keys
      .filter((k) => k !== 'ephemeral-storage')
      .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
      .filter((k, i, all) => all.indexOf(k) === i);
  const list = (m: Record<string, string>) =>
    order(Object.keys(m))
      .map((k) => `${k} ${m[k]}`)
      .join(', ');
  const keys = order([...Object.keys(requests), ...Object.keys(limits)]);
  if (keys.length === 0) return 'none set';
  if (keys.every((k) => requests[k] !== undefined && requests[k] === limits[k])) return `${list(requests)} (requests = limits)`;
  return [list(requests) && `requests ${list(requests)}`, list(limits) && `limits ${list(limits)}`].filter(Boolean).join('; ');
}

const rank = (k: string) => (k === 'cpu' ? 0 : k === 'memory' ? 1 : 2);

function routesOf(services: readonly K8sObject[], objects: readonly K8sObject[]): Route[] {
  const routes: Route[] = [];
  for (const svc of services) {
    const ns = svc.metadata?.namespace;
    const name = svc.metadata?.name;
    for (const ing of objects.filter((o) => o.kind === 'Ingress' && o.metadata?.namespace === ns)) {
      const tls = new Set<string>((ing.spec?.tls ?? []).flatMap((t: { hosts?: string[] }) => t.hosts ?? []));
      const addresses = (ing.spec?.rules ?? []).flatMap((r: K8sObject['spec']) =>
        (r.http?.paths ?? [])
          .filter((p: K8sObject['spec']) => p.backend?.service?.name === name)
          .map((p: K8sObject['spec']) => `${tls.has(r.host) ? 'https' : 'http'}://${r.host ?? '*'}${p.path ?? '/'}`),
      );
      if (ing.spec?.defaultBackend?.service?.name === name) addresses.push('any host (default backend)');
      const className = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
      if (addresses.length > 0)
        routes.push({ via: `Ingress ${ing.metadata?.name}`, through: className ? `class ${className}` : undefined, addresses });
    }
    for (const route of objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')) {
      const rules = (route.spec?.rules ?? []).filter((r: K8sObject['spec']) =>
        (r.backendRefs ?? []).some((b: K8sObject['spec']) => b.name === name && (b.namespace ?? route.metadata?.namespace) === ns),
      );
      if (rules.length === 0) continue;
      const hosts: string[] = route.spec?.hostnames ?? ['*'];
      const paths: string[] = rules.flatMap((r: K8sObject['spec']) =>
        (r.matches ?? [{}]).map((m: K8sObject['spec']) => m.path?.value ?? (route.kind === 'GRPCRoute' ? '' : '/')),
      );
      const gateways = (route.spec?.parentRefs ?? []).map(
        (p: K8sObject['spec']) => `${p.kind ?? 'Gateway'} ${p.namespace ?? route.metadata?.namespace ?? ''}/${p.name}`,
      );
      routes.push({
        via: `${route.kind} ${route.metadata?.name}`,
        through: gateways.join(', ') || undefined,
        addresses: [...new Set(hosts.flatMap((h) => [...new Set(paths)].map((p) => `${h}${p}`)))],
      });
    }
    if (svc.spec?.type === 'LoadBalancer') {
      routes.push({
        via: `Service ${name}`,
        through: 'type LoadBalancer',
        addresses: (svc.spec?.ports ?? []).map((p: K8sObject['spec']) => `port ${p.port}`),
      });
    }
  }
  return routes;
}

function callersOf(pod: Pod, objects: readonly K8sObject[], pods: readonly Pod[]): Caller[] | undefined {
  const ns = pod.object.metadata?.namespace;
  const policies = objects.filter(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      o.metadata?.namespace === ns &&
      matches(o.spec?.podSelector, pod.labels) &&
      (o.spec?.policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  if (policies.length === 0) return undefined;
  const callers = new Map<string, Caller>();
  const add = (kind: Caller['kind'], name: string, ports: string[]) => {
    const key = `${kind} ${name}`;
    const known = callers.get(key);
    callers.set(key, { kind, name, ports: known ? [...new Set([...known.ports, ...ports])] : ports });
  };
  for (const policy of policies) {
    for (const rule of policy.spec?.ingress ?? []) {
      const ports = (rule.ports ?? []).map((p: K8sObject['spec']) => `${p.port ?? 'any'}/${p.protocol ?? 'TCP'}`);
      if (!rule.from || rule.from.length === 0) add('anyone', '', ports);
      for (const peer of rule.from ?? []) {
        if (peer.ipBlock) add('cidr', str(peer.ipBlock.cidr), ports);
        else if (peer.namespaceSelector) {
          const selected = peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'];
          add('namespace', selected ?? labelsText(peer.namespaceSelector.matchLabels) ?? 'any namespace', ports);
        } else if (peer.podSelector) {
          const from = pods.filter((p) => p.object.metadata?.namespace === ns && p !== pod && matches(peer.podSelector, p.labels));
          if (Object.keys(peer.podSelector.matchLabels ?? {}).length === 0 && !peer.podSelector.matchExpressions)
            add('pods', str(ns), ports);
          else if (from.length > 0)
            for (const p of from) add('workload', str(p.labels['app.kubernetes.io/name'] ?? p.object.metadata?.name), ports);
          else add('pods', `${ns} with ${labelsText(peer.podSelector.matchLabels) ?? 'a selector'}`, ports);
        }
      }
    }
  }
  return [...callers.values()];
}

function labelsText(labels: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0 ? undefined : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** The queues of the ScaledObject that scales `o`: each trigger's type and the metadata field that names its queue. */
function queuesOf(o: K8sObject, objects: readonly K8sObject[]): Queue[] {
  const scaled = objects.find(
    (x) => x.kind === 'ScaledObject' && x.metadata?.namespace === o.metadata?.namespace && targets(o, x.spec?.scaleTargetRef, 'Deployment'),
  );
  return (scaled?.spec?.triggers ?? []).map((t: K8sObject['spec']) => {
    // The field that names the queue, in KEDA's scalers: listName, queueName, queueURL, subscriptionName, topic, stream.
    const key = Object.keys(t.metadata ?? {}).find(
      (k) => /(queue|list|subscription|topic|stream)(name|url)?$/i.test(k) && !/(length|count|size)$/i.test(k),
    );
    return { type: str(t.type), name: key ? str(t.metadata[key]) : undefined };
  });
}

/** Jobs of the target that an init container of the pod names in its env (the migration waits). */
function waitsOf(pod: Pod, jobs: ReadonlySet<string>): string[] {
  return [
    ...new Set(
      (pod.spec.initContainers ?? []).flatMap((c) =>
        (c.env ?? []).flatMap((e: { value?: string }) => (e.value !== undefined && jobs.has(e.value) ? [e.value] : [])),
      ),
    ),
  ];
}
