/**
 * The project's own configuration of the rules modelled on kube-score, Polaris and kube-linter:
 * the findings that are deliberate for an object because of what it is, decided from the objects
 * themselves, each with the reason the check does not apply. The library writes none of the
 * tools' opt-out annotations into users' manifests; a user who runs the real tools on their
 * manifests sees these findings (docs/pod-model.md lists them under "What your linters say, and why").
 */

import type { Finding } from './common';
import type { K8sObject, PodSpec } from './k8s';
import { lintFindings } from './lint';

/** What a decision reads about the object a finding is about. */
interface Subject {
  readonly obj: K8sObject;
  readonly objects: readonly K8sObject[];
}

/** One check that does not apply to some objects, and why. */
interface Decision {
  readonly checks: readonly string[];
  /** Whether the finding is deliberate for this object. */
  readonly applies: (s: Subject) => boolean;
  readonly why: string;
}

const component = (obj: K8sObject): string | undefined => obj.metadata?.labels?.['app.kubernetes.io/component'];
const podOf = (obj: K8sObject): PodSpec | undefined => {
  const o = obj as any;
  return o.spec?.jobTemplate?.spec?.template?.spec ?? o.spec?.template?.spec;
};
const podLabels = (obj: K8sObject): Record<string, string> => {
  const o = obj as any;
  return o.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? o.spec?.template?.metadata?.labels ?? {};
};
const selects = (matchLabels: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  matchLabels !== undefined && Object.entries(matchLabels).every(([k, v]) => labels[k] === v);

/** A Service with ports selects the object's pods: they take traffic. */
const servedByPorts = ({ obj, objects }: Subject): boolean =>
  objects.some(
    (svc: any) =>
      svc.kind === 'Service' &&
      svc.metadata?.namespace === obj.metadata?.namespace &&
      (svc.spec?.ports ?? []).length > 0 &&
      selects(svc.spec?.selector, podLabels(obj)),
  );

/** A singleton as `PythonSingleton` renders it: one replica, replaced with `Recreate`. */
const isSingleton = ({ obj }: Subject): boolean =>
  obj.kind === 'Deployment' &&
  component(obj) === 'scheduler' &&
  (obj as any).spec?.replicas === 1 &&
  (obj as any).spec?.strategy?.type === 'Recreate';

const DECISIONS: readonly Decision[] = [
  {
    checks: ['polaris:readinessProbeMissing'],
    applies: (s) => s.obj.kind === 'Deployment' && ['worker', 'scheduler'].includes(component(s.obj) ?? '') && !servedByPorts(s),
    why: 'a worker or scheduler that declares no port takes no traffic: no Service selects it, so a readiness probe would gate nothing (with ports on a Service it is ready once its first TCP port listens)',
  },
  {
    checks: ['polaris:readinessProbeMissing', 'kube-score:pod-probes'],
    applies: (s) => s.obj.kind === 'StatefulSet' && !servedByPorts(s),
    why: 'a StatefulSet that declares no port takes no traffic: its headless Service has no port and only gives each pod its DNS name, so a readiness probe would gate nothing (its `readiness` prop adds one, to start the pods in order once each is ready)',
  },
  {
    checks: ['polaris:topologySpreadConstraint'],
    applies: ({ obj }) => obj.kind === 'StatefulSet' && ((obj as any).spec?.replicas ?? 1) <= 1,
    why: 'one replica has nothing to spread; with more, a StatefulSet spreads them over zones and nodes like every workload',
  },
  {
    checks: ['polaris:livenessProbeMissing'],
    applies: isSingleton,
    why: 'a scheduler often has no cheap health check (liveness is optional on a singleton only); Recreate keeps it single',
  },
  {
    // kube-score's budget check and kube-linter's anti-affinity check skip one replica.
    checks: ['polaris:deploymentMissingReplicas', 'polaris:missingPodDisruptionBudget', 'polaris:topologySpreadConstraint'],
    applies: isSingleton,
    why: 'a singleton runs exactly one replica by design: a second replica, or a budget that keeps one up during a drain, would run it twice, and one pod has nothing to spread',
  },
  {
    checks: ['kube-score:deployment-replicas', 'kube-score:deployment-strategy'],
    applies: isSingleton,
    why: 'a singleton behind the Service of its ports (a broker on its own disk, a StatsD exporter whose counters must not be split) runs one replica by design, and Recreate stops the old pod before the new one starts: a rolling update would run two',
  },
  {
    checks: ['polaris:deploymentMissingReplicas'],
    applies: ({ obj, objects }) =>
      obj.kind === 'Deployment' &&
      (obj as any).spec?.replicas === undefined &&
      objects.some(
        (o: any) =>
          (o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject') &&
          o.metadata?.namespace === obj.metadata?.namespace &&
          o.spec?.scaleTargetRef?.name === obj.metadata?.name,
      ),
    why: "an autoscaler owns the replica count; a replica count beside it would reset the scale on every apply (kube-score's deployment-targeted-by-hpa-does-not-have-replicas-configured)",
  },
  {
    checks: ['polaris:missingNetworkPolicy'],
    applies: ({ obj, objects }) =>
      objects.some(
        (np: any) =>
          np.kind === 'NetworkPolicy' &&
          np.metadata?.namespace === obj.metadata?.namespace &&
          selects(np.spec?.podSelector?.matchLabels, podLabels(obj)) &&
          (np.spec?.policyTypes ?? []).includes('Ingress') &&
          (np.spec?.ingress ?? []).length === 0,
      ),
    why: 'its NetworkPolicy denies all ingress to pods that serve nothing; the ingress rule Polaris asks for would only loosen it',
  },
  {
    checks: ['kube-linter:job-ttl-seconds-after-finished'],
    applies: ({ obj }) => obj.kind === 'Job' && obj.metadata?.labels?.['pyservice.dev/release-history'] === 'true',
    why: 'a migration Job stays in the release history: pods of its version read the finished Job, and a deleted Job would be re-created by the next apply and migrate again',
  },
  {
    checks: ['kube-score:container-security-context-user-group-id'],
    applies: ({ obj }) => {
      const ctx = podOf(obj)?.securityContext;
      return ctx !== undefined && ((ctx.runAsUser ?? 10001) < 10000 || (ctx.runAsGroup ?? 10001) < 10000);
    },
    why: "the library's own user is 10001; a lower UID or GID is the image's own, chosen with runAsUser/runAsGroup",
  },
  {
    checks: ['kube-score:container-image-pull-policy', 'polaris:pullPolicyNotAlways'],
    applies: ({ obj }) => {
      const pod = podOf(obj) as {
        containers?: { image?: string; imagePullPolicy?: string }[];
        initContainers?: { image?: string; imagePullPolicy?: string }[];
      };
      const containers = [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
      return containers.every((c) => c.imagePullPolicy === 'Always' || /@sha256:[0-9a-f]{64}$/.test(c.image ?? ''));
    },
    why: 'an image pinned by digest cannot change, so IfNotPresent (its default) pulls it once per node and starts pods while the registry is unreachable; a tag keeps Always',
  },
  {
    checks: ['kube-score:pod-probes-identical'],
    applies: ({ obj }) => component(obj) === 'web',
    why: 'PythonMicroservice refuses identical liveness and readiness checks unless health.readinessChecksNoDependency states that the one check depends on nothing, so it cannot restart every pod when a dependency blips',
  },
];

/** `Kind/namespace/name` or `Kind/name`, as findings name objects. */
function refOf(obj: K8sObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${obj.kind}/${ns}/${obj.metadata?.name}` : `${obj.kind}/${obj.metadata?.name}`;
}

/** The reason a finding is deliberate for its object, or undefined when it is a real finding. */
export function deliberateReason(finding: Finding, objects: readonly K8sObject[]): string | undefined {
  const obj = objects.find((o) => refOf(o) === finding.object);
  if (!obj) return undefined;
  const id = `${finding.tool}:${finding.check}`;
  return DECISIONS.find((d) => d.checks.includes(id) && d.applies({ obj, objects }))?.why;
}

/**
 * The findings of {@link lintFindings} that are not deliberate for their objects: what the
 * project's own configuration of the three tools would report.
 */
export function projectFindings(objects: any[]): Finding[] {
  return lintFindings(objects).filter((f) => deliberateReason(f, objects) === undefined);
}
