/** kube-score v1.20.0 default checks on pod templates: containers, security context, probes, NetworkPolicy, topology spread. */

import type { PortRef, Probe } from './k8s';
import {
  apiGroup,
  initAndRegular,
  isZeroQuantity,
  list,
  mapSelectorMatches,
  raw,
  sameNamespace,
  selectorMatches,
  type Ctx,
  type RawFinding,
  type Severity,
  type Tool,
  type Workload,
} from './common';

// =============================================================================================
// 2a. kube-score v1.20.0 (default checks only)
// =============================================================================================

export const KS: Tool = 'kube-score';

/** Kinds kube-score scores with its pod checks (parser: Pods and PodSpeccers). */
const KS_POD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

export function ksWorkloads(ctx: Ctx): Workload[] {
  return ctx.workloads.filter((w) => KS_POD_KINDS.has(w.kind));
}

/** One test score with comments: one finding per comment, all at the test's grade. */
export function ksScore(check: string, w: Workload, grade: Severity, comments: string[]): RawFinding[] {
  return comments.map((m) => raw(KS, check, grade, w.obj, m, w.template));
}

// kube-score score/container/container.go containerResources
function ksContainerResources(w: Workload): RawFinding[] {
  let missingLimit = false;
  const comments: string[] = [];
  for (const c of initAndRegular(w.pod)) {
    const { limits = {}, requests = {} } = c.resources ?? {};
    if (isZeroQuantity(limits.cpu)) {
      comments.push(`${c.name}: CPU limit is not set`);
      missingLimit = true;
    }
    if (isZeroQuantity(limits.memory)) {
      comments.push(`${c.name}: Memory limit is not set`);
      missingLimit = true;
    }
    if (isZeroQuantity(requests.cpu)) comments.push(`${c.name}: CPU request is not set`);
    if (isZeroQuantity(requests.memory)) comments.push(`${c.name}: Memory request is not set`);
  }
  return ksScore('container-resources', w, missingLimit ? 'critical' : 'warning', comments);
}

// kube-score score/container/container.go containerTag
function ksImageTag(image: string | undefined): string {
  const parts = (image ?? '').split(':');
  return parts.length > 1 ? parts[parts.length - 1] : '';
}

// kube-score score/container/container.go containerImageTag
function ksContainerImageTag(w: Workload): RawFinding[] {
  const bad = initAndRegular(w.pod).filter((c) => ['', 'latest'].includes(ksImageTag(c.image)));
  return ksScore(
    'container-image-tag',
    w,
    'critical',
    bad.map((c) => `${c.name}: Image with latest tag`),
  );
}

// kube-score score/container/container.go containerImagePullPolicy
function ksContainerImagePullPolicy(w: Workload): RawFinding[] {
  const bad = initAndRegular(w.pod).filter((c) => {
    const untaggedDefault = !c.imagePullPolicy && ['', 'latest'].includes(ksImageTag(c.image));
    return !untaggedDefault && c.imagePullPolicy !== 'Always';
  });
  return ksScore(
    'container-image-pull-policy',
    w,
    'critical',
    bad.map((c) => `${c.name}: ImagePullPolicy is not set to Always`),
  );
}

// kube-score score/container/container.go containerStorageEphemeralRequestAndLimit
function ksEphemeralStorage(w: Workload): RawFinding[] {
  let critical = false;
  const comments: string[] = [];
  for (const c of initAndRegular(w.pod)) {
    if (isZeroQuantity(c.resources?.limits?.['ephemeral-storage'])) {
      comments.push(`${c.name}: Ephemeral Storage limit is not set`);
      critical = true;
    } else if (isZeroQuantity(c.resources?.requests?.['ephemeral-storage'])) {
      comments.push(`${c.name}: Ephemeral Storage request is not set`);
    }
  }
  return ksScore('container-ephemeral-storage-request-and-limit', w, critical ? 'critical' : 'warning', comments);
}

// kube-score score/container/container.go environmentVariableKeyDuplication
function ksEnvDuplication(w: Workload): RawFinding[] {
  const comments: string[] = [];
  for (const c of initAndRegular(w.pod)) {
    const seen = new Set<string>();
    for (const e of list(c.env)) {
      if (seen.has(e.name)) comments.push(`${c.name}: Container environment variable key '${e.name}' is duplicated`);
      seen.add(e.name);
    }
  }
  return ksScore('environment-variable-key-duplication', w, 'critical', comments);
}

// kube-score score/security/security.go containerSecurityContextUserGroupID
function ksUserGroupId(w: Workload): RawFinding[] {
  const podSc = w.pod.securityContext;
  const comments: string[] = [];
  for (const c of initAndRegular(w.pod)) {
    if (!c.securityContext && !podSc) {
      comments.push(`${c.name}: Container has no configured security context`);
      continue;
    }
    const user = c.securityContext?.runAsUser ?? podSc?.runAsUser;
    const group = c.securityContext?.runAsGroup ?? podSc?.runAsGroup;
    if (user === undefined || user < 10000) comments.push(`${c.name}: The container is running with a low user ID`);
    if (group === undefined || group < 10000) comments.push(`${c.name}: The container running with a low group ID`);
  }
  return ksScore('container-security-context-user-group-id', w, 'critical', comments);
}

// kube-score score/security/security.go containerSecurityContextPrivileged
function ksPrivileged(w: Workload): RawFinding[] {
  const bad = initAndRegular(w.pod).filter((c) => c.securityContext?.privileged === true);
  return ksScore(
    'container-security-context-privileged',
    w,
    'critical',
    bad.map((c) => `${c.name}: The container is privileged`),
  );
}

// kube-score score/security/security.go containerSecurityContextReadOnlyRootFilesystem
function ksReadOnlyRootFs(w: Workload): RawFinding[] {
  const comments = initAndRegular(w.pod).flatMap((c) => {
    if (!c.securityContext) return [`${c.name}: Container has no configured security context`];
    return c.securityContext.readOnlyRootFilesystem === true ? [] : [`${c.name}: The pod has a container with a writable root filesystem`];
  });
  return ksScore('container-security-context-readonlyrootfilesystem', w, 'critical', comments);
}

function isBatch(w: Workload): boolean {
  return (w.kind === 'Job' || w.kind === 'CronJob') && apiGroup(w.obj) === 'batch';
}

export function ksTargetedByService(ctx: Ctx, w: Workload): boolean {
  return ctx.ofKind('Service').some((s) => sameNamespace(s, w.obj) && mapSelectorMatches(s.spec?.selector, w.labels));
}

// kube-score score/probes/probes.go containerProbes
function ksPodProbes(ctx: Ctx, w: Workload): RawFinding[] {
  if (isBatch(w) || !ksTargetedByService(ctx, w)) return [];
  const containers = initAndRegular(w.pod);
  if (!containers.some((c) => c.readinessProbe)) return ksScore('pod-probes', w, 'critical', ['Container is missing a readinessProbe']);
  if (!containers.some((c) => c.livenessProbe)) return ksScore('pod-probes', w, 'warning', ['Container is missing a livenessProbe']);
  return [];
}

function portKey(port: PortRef | undefined): number {
  return typeof port === 'number' ? port : 0; // intstr.IntValue() of a name is 0
}

// kube-score score/probes/probes.go areProbesIdentical
function probesIdentical(r: Probe, l: Probe): boolean {
  if (r.httpGet && l.httpGet) return r.httpGet.path === l.httpGet.path && portKey(r.httpGet.port) === portKey(l.httpGet.port);
  if (r.tcpSocket && l.tcpSocket) return r.tcpSocket.port === l.tcpSocket.port;
  if (r.exec && l.exec) {
    const a = list(r.exec.command);
    const b = list(l.exec.command);
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return false;
}

// kube-score score/probes/probes.go containerProbesIdentical
function ksPodProbesIdentical(w: Workload): RawFinding[] {
  if (isBatch(w)) return [];
  const same = initAndRegular(w.pod).some((c) => c.readinessProbe && c.livenessProbe && probesIdentical(c.readinessProbe, c.livenessProbe));
  return same ? ksScore('pod-probes-identical', w, 'critical', ['Container has the same readiness and liveness probe']) : [];
}

// kube-score score/networkpolicy/networkpolicy.go podHasNetworkPolicy
function ksPodNetworkPolicy(ctx: Ctx, w: Workload): RawFinding[] {
  let ingress = false;
  let egress = false;
  for (const np of ctx.ofKind('NetworkPolicy')) {
    if (!sameNamespace(np, w.obj) || !selectorMatches(np.spec?.podSelector ?? {}, w.labels)) continue;
    const types: string[] = list(np.spec?.policyTypes);
    if (types.length === 0) {
      ingress = true;
      egress = egress || list(np.spec?.egress).length > 0;
    }
    ingress = ingress || types.includes('Ingress');
    egress = egress || types.includes('Egress');
  }
  if (ingress && egress) return [];
  if (ingress || egress) {
    const missing = ingress ? 'egress' : 'ingress';
    return ksScore('pod-networkpolicy', w, 'warning', [`The pod does not have a matching ${missing} NetworkPolicy`]);
  }
  return ksScore('pod-networkpolicy', w, 'critical', ['The pod does not have a matching NetworkPolicy']);
}

// kube-score score/podtopologyspreadconstraints/podtopologyspreadconstraints.go
function ksTopologySpread(w: Workload): RawFinding[] {
  for (const s of list(w.pod.topologySpreadConstraints)) {
    let problem: string | undefined;
    if (!s.labelSelector) problem = 'No labelSelector detected';
    else if (!s.maxSkew) problem = 'MaxSkew is set to zero';
    else if (s.minDomains === 0) problem = 'MinDomains set to zero';
    else if (!s.topologyKey) problem = 'TopologyKey is not set';
    else if (s.whenUnsatisfiable !== 'DoNotSchedule' && s.whenUnsatisfiable !== 'ScheduleAnyway')
      problem = 'Invalid WhenUnsatisfiable setting detected';
    if (problem) return ksScore('pod-topology-spread-constraints', w, 'critical', [problem]);
  }
  return [];
}

export function ksPodChecks(ctx: Ctx, w: Workload): RawFinding[] {
  return [
    ...ksContainerResources(w),
    ...ksContainerImageTag(w),
    ...ksContainerImagePullPolicy(w),
    ...ksEphemeralStorage(w),
    ...ksEnvDuplication(w),
    ...ksUserGroupId(w),
    ...ksPrivileged(w),
    ...ksReadOnlyRootFs(w),
    ...ksPodProbes(ctx, w),
    ...ksPodProbesIdentical(w),
    ...ksPodNetworkPolicy(ctx, w),
    ...ksTopologySpread(w),
  ];
}
