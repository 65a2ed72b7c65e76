/** kube-score v1.20.0 default checks on controllers (Deployment, StatefulSet, CronJob) and other kinds; the `kubeScore` pass. */

import type { K8sObject, Labels, PodSpec } from './k8s';
import {
  list,
  mapSelectorMatches,
  nameOf,
  raw,
  sameNamespace,
  selectorMatches,
  type Ctx,
  type RawFinding,
  type Severity,
  type Workload,
} from './common';
import { KS, ksPodChecks, ksScore, ksTargetedByService, ksWorkloads } from './kube-score-pod';

// =============================================================================================
// 2a. kube-score v1.20.0 (default checks only): controllers, other kinds, entry point
// =============================================================================================

const KS_ANTI_AFFINITY_KEYS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
]);

// kube-score score/apps/apps.go hasPodAntiAffinity
function ksHasAntiAffinity(pod: PodSpec, labels: Labels): boolean {
  const anti = pod.affinity?.podAntiAffinity;
  const terms = [
    ...list(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((p) => p.podAffinityTerm ?? {}),
    ...list(anti?.requiredDuringSchedulingIgnoredDuringExecution),
  ];
  return terms.some((t) => KS_ANTI_AFFINITY_KEYS.has(t.topologyKey ?? '') && selectorMatches(t.labelSelector, labels));
}

/** `spec.replicas` explicitly set below 2: kube-score skips PDB and anti-affinity checks. */
function ksFewReplicas(w: Workload): boolean {
  const replicas = w.obj.spec?.replicas;
  return typeof replicas === 'number' && replicas < 2;
}

// kube-score score/apps/apps.go deploymentHasAntiAffinity / statefulsetHasAntiAffinity
function ksAntiAffinity(w: Workload): RawFinding[] {
  if (ksFewReplicas(w) || ksHasAntiAffinity(w.pod, w.labels)) return [];
  const check = w.kind === 'Deployment' ? 'deployment-has-host-podantiaffinity' : 'statefulset-has-host-podantiaffinity';
  return ksScore(check, w, 'warning', [`${w.kind} does not have a host podAntiAffinity set`]);
}

// kube-score score/disruptionbudget/disruptionbudget.go deploymentHas / statefulSetHas
function ksHasPdb(ctx: Ctx, w: Workload): RawFinding[] {
  if (ksFewReplicas(w)) return [];
  const matched = ctx.ofKind('PodDisruptionBudget').some((p) => sameNamespace(p, w.obj) && selectorMatches(p.spec?.selector, w.labels));
  const check = w.kind === 'Deployment' ? 'deployment-has-poddisruptionbudget' : 'statefulset-has-poddisruptionbudget';
  return matched ? [] : ksScore(check, w, 'critical', ['No matching PodDisruptionBudget was found']);
}

// kube-score score/apps/apps.go deploymentSelectorLabelsMatching / statefulSetSelectorLabelsMatching
function ksSelectorMatchesTemplate(w: Workload): RawFinding[] {
  if (selectorMatches(w.obj.spec?.selector, w.labels)) return [];
  const prefix = w.kind === 'Deployment' ? 'deployment' : 'statefulset';
  return ksScore(`${prefix}-pod-selector-labels-match-template-metadata-labels`, w, 'critical', [
    `${w.kind} selector labels not matching template metadata labels`,
  ]);
}

/** kube-score's HPA target match: apiVersion, kind, name and namespace all equal. */
function hpaTargets(hpa: K8sObject, target: K8sObject): boolean {
  const ref = hpa.spec?.scaleTargetRef ?? {};
  return ref.apiVersion === target.apiVersion && ref.kind === target.kind && ref.name === nameOf(target) && sameNamespace(hpa, target);
}

// kube-score score/apps/apps.go hpaDeploymentNoReplicas
function ksHpaDeploymentNoReplicas(ctx: Ctx, w: Workload): RawFinding[] {
  const targeted = ctx
    .ofKind('HorizontalPodAutoscaler')
    .some(
      (h) =>
        sameNamespace(h, w.obj) &&
        String(h.spec?.scaleTargetRef?.kind ?? '').toLowerCase() === 'deployment' &&
        h.spec?.scaleTargetRef?.name === nameOf(w.obj),
    );
  if (!targeted || w.obj.spec?.replicas === undefined) return [];
  return ksScore('deployment-targeted-by-hpa-does-not-have-replicas-configured', w, 'critical', [
    'The deployment is targeted by a HPA, but a static replica count is configured in the DeploymentSpec',
  ]);
}

// kube-score score/deployment/deployment.go deploymentRolloutStrategy
function ksDeploymentStrategy(ctx: Ctx, w: Workload): RawFinding[] {
  const type = w.obj.spec?.strategy?.type;
  if (!ksTargetedByService(ctx, w) || !type || type === 'RollingUpdate') return [];
  return ksScore('deployment-strategy', w, 'warning', ['The deployment is used by a service but not using the RollingUpdate strategy']);
}

// kube-score score/deployment/deployment.go deploymentReplicas (--min-replicas-deployment 2)
function ksDeploymentReplicas(ctx: Ctx, w: Workload): RawFinding[] {
  const hasHpa = ctx.ofKind('HorizontalPodAutoscaler').some((h) => hpaTargets(h, w.obj));
  if (!ksTargetedByService(ctx, w) || hasHpa || (w.obj.spec?.replicas ?? 1) >= 2) return [];
  return ksScore('deployment-replicas', w, 'warning', ['Deployments targeted by Services are recommended to have at least 2 replicas']);
}

// kube-score score/apps/apps.go statefulsetHasServiceName
function ksStatefulSetServiceName(ctx: Ctx, w: Workload): RawFinding[] {
  const ok = ctx
    .ofKind('Service')
    .some(
      (s) =>
        sameNamespace(s, w.obj) &&
        nameOf(s) === w.obj.spec?.serviceName &&
        s.spec?.clusterIP === 'None' &&
        mapSelectorMatches(s.spec?.selector, w.labels),
    );
  return ok ? [] : ksScore('statefulset-has-servicename', w, 'critical', ['StatefulSet does not have a valid serviceName']);
}

// kube-score score/cronjob/cronjob.go cronJobHasDeadline and cronJobHasRestartPolicy
function ksCronJob(w: Workload): RawFinding[] {
  const out: RawFinding[] = [];
  if (w.obj.spec?.startingDeadlineSeconds === undefined) {
    out.push(...ksScore('cronjob-has-deadline', w, 'critical', ['The CronJob should have startingDeadlineSeconds configured']));
  }
  if (w.pod.restartPolicy !== 'Never' && w.pod.restartPolicy !== 'OnFailure') {
    out.push(...ksScore('cronjob-restartpolicy', w, 'critical', ['The CronJob must have a valid RestartPolicy (Never or OnFailure)']));
  }
  return out;
}

function ksControllerChecks(ctx: Ctx, w: Workload): RawFinding[] {
  switch (w.kind) {
    case 'Deployment':
      return [
        ...ksAntiAffinity(w),
        ...ksHasPdb(ctx, w),
        ...ksSelectorMatchesTemplate(w),
        ...ksHpaDeploymentNoReplicas(ctx, w),
        ...ksDeploymentStrategy(ctx, w),
        ...ksDeploymentReplicas(ctx, w),
      ];
    case 'StatefulSet':
      return [...ksAntiAffinity(w), ...ksHasPdb(ctx, w), ...ksSelectorMatchesTemplate(w), ...ksStatefulSetServiceName(ctx, w)];
    case 'CronJob':
      return ksCronJob(w);
    default:
      return [];
  }
}

function ksObj(check: string, severity: Severity, obj: K8sObject, message: string): RawFinding {
  return raw(KS, check, severity, obj, message);
}

// kube-score score/networkpolicy/networkpolicy.go networkPolicyTargetsPod
function ksNetworkPolicyTargetsPod(ctx: Ctx, np: K8sObject): RawFinding[] {
  const hit = ksWorkloads(ctx).some((w) => sameNamespace(w.obj, np) && selectorMatches(np.spec?.podSelector ?? {}, w.labels));
  return hit ? [] : [ksObj('networkpolicy-targets-pod', 'critical', np, "The NetworkPolicy's selector doesn't match any pods")];
}

// kube-score score/service/service.go serviceTargetsPod and serviceType
function ksService(ctx: Ctx, svc: K8sObject): RawFinding[] {
  const out: RawFinding[] = [];
  if (svc.spec?.type === 'NodePort') out.push(ksObj('service-type', 'warning', svc, 'The service is of type NodePort'));
  if (svc.spec?.type === 'ExternalName') return out;
  const hit = ksWorkloads(ctx).some((w) => sameNamespace(w.obj, svc) && mapSelectorMatches(svc.spec?.selector, w.labels));
  if (!hit) out.push(ksObj('service-targets-pod', 'critical', svc, 'The services selector does not match any pods'));
  return out;
}

// kube-score score/hpa/hpa.go hpaHasTarget and hpaHasMultipleReplicas (--min-replicas-hpa 2)
function ksHpa(ctx: Ctx, hpa: K8sObject): RawFinding[] {
  const out: RawFinding[] = [];
  if (!ctx.objects.some((o) => hpaTargets(hpa, o))) {
    out.push(ksObj('horizontalpodautoscaler-has-target', 'critical', hpa, 'The HPA target does not match anything'));
  }
  if ((hpa.spec?.minReplicas ?? 1) < 2) {
    out.push(
      ksObj('horizontalpodautoscaler-replicas', 'warning', hpa, 'HorizontalPodAutoscalers are recommended to have at least 2 replicas'),
    );
  }
  return out;
}

// kube-score score/disruptionbudget/disruptionbudget.go hasPolicy
function ksPdb(pdb: K8sObject): RawFinding[] {
  const ok = pdb.spec?.minAvailable !== undefined || pdb.spec?.maxUnavailable !== undefined;
  return ok
    ? []
    : [ksObj('poddisruptionbudget-has-policy', 'critical', pdb, 'PodDisruptionBudget missing policy (minAvailable or maxUnavailable)')];
}

interface IngressBackend {
  service?: { name?: string; port?: { number?: number; name?: string } };
}

// kube-score score/ingress/ingress.go ingressTargetsServiceCommon (networking.k8s.io/v1)
function ksIngress(ctx: Ctx, ing: K8sObject): RawFinding[] {
  const out: RawFinding[] = [];
  for (const rule of list<{ http?: { paths?: Array<{ path?: string; backend?: IngressBackend }> } }>(ing.spec?.rules)) {
    for (const path of list(rule.http?.paths)) {
      const backend = path.backend?.service;
      const hit =
        backend !== undefined &&
        ctx
          .ofKind('Service')
          .some(
            (s) =>
              sameNamespace(s, ing) &&
              nameOf(s) === backend.name &&
              list<{ port?: number; name?: string }>(s.spec?.ports).some(
                (p) =>
                  ((backend.port?.number ?? 0) > 0 && p.port === backend.port?.number) || (p.name ?? '') === (backend.port?.name ?? ''),
              ),
          );
      if (!hit) out.push(ksObj('ingress-targets-service', 'critical', ing, `No service match was found for path ${path.path ?? ''}`));
    }
  }
  return out;
}

// kube-score score/stable/stable_version.go (default --kubernetes-version v1.18: only
// replacements available by 1.18 are reported)
const KS_DEPRECATED: Record<string, Record<string, string>> = {
  'extensions/v1beta1': { Deployment: 'apps/v1', DaemonSet: 'apps/v1' },
  'apps/v1beta1': { Deployment: 'apps/v1', StatefulSet: 'apps/v1' },
  'apps/v1beta2': { Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1' },
};

// kube-score score/meta/labels.go validateLabelValues
const KS_LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function ksMeta(obj: K8sObject): RawFinding[] {
  const out: RawFinding[] = [];
  const replacement = KS_DEPRECATED[obj.apiVersion ?? '']?.[obj.kind ?? ''];
  if (replacement)
    out.push(
      ksObj('stable-version', 'warning', obj, `The apiVersion and kind ${obj.apiVersion}/${obj.kind} is deprecated; use ${replacement}`),
    );
  for (const [key, value] of Object.entries(obj.metadata?.labels ?? {})) {
    if (!KS_LABEL_VALUE.test(String(value))) out.push(ksObj('label-values', 'critical', obj, `Invalid label value for ${key}`));
  }
  return out;
}

function ksObjectChecks(ctx: Ctx, obj: K8sObject): RawFinding[] {
  switch (obj.kind) {
    case 'NetworkPolicy':
      return ksNetworkPolicyTargetsPod(ctx, obj);
    case 'Service':
      return ksService(ctx, obj);
    case 'HorizontalPodAutoscaler':
      return ksHpa(ctx, obj);
    case 'PodDisruptionBudget':
      return ksPdb(obj);
    case 'Ingress':
      return ksIngress(ctx, obj);
    default:
      return [];
  }
}

export function kubeScore(ctx: Ctx): RawFinding[] {
  return [
    ...ctx.objects.flatMap((o) => [...ksMeta(o), ...ksObjectChecks(ctx, o)]),
    ...ksWorkloads(ctx).flatMap((w) => [...ksPodChecks(ctx, w), ...ksControllerChecks(ctx, w)]),
  ];
}
