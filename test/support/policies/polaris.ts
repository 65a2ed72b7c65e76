/** Polaris 10.x default checks. */

import type { Container, K8sObject, Labels, SecurityContext } from './k8s';
import {
  APPARMOR_ANNOTATION,
  CAP_ALL,
  initAndRegular,
  intOrPercent,
  list,
  nameOf,
  raw,
  regularContainers,
  sameNamespace,
  type Ctx,
  type RawFinding,
  type Severity,
  type Tool,
  type Workload,
} from './common';

// =============================================================================================
// 2b. Polaris 10.x (checks and severities of pkg/config/default.yaml)
// =============================================================================================

const PO: Tool = 'polaris';

const POLARIS_SEVERITY: Record<string, Severity> = {
  deploymentMissingReplicas: 'warning',
  priorityClassNotSet: 'warning',
  tagNotSpecified: 'danger',
  pullPolicyNotAlways: 'warning',
  readinessProbeMissing: 'warning',
  livenessProbeMissing: 'warning',
  metadataAndInstanceMismatched: 'warning',
  pdbDisruptionsIsZero: 'warning',
  missingPodDisruptionBudget: 'warning',
  topologySpreadConstraint: 'warning',
  hpaMaxAvailability: 'warning',
  hpaMinAvailability: 'warning',
  pdbMinAvailableGreaterThanHPAMinReplicas: 'warning',
  cpuRequestsMissing: 'warning',
  cpuLimitsMissing: 'warning',
  memoryRequestsMissing: 'warning',
  memoryLimitsMissing: 'warning',
  automountServiceAccountToken: 'warning',
  hostIPCSet: 'danger',
  hostPathSet: 'warning',
  hostProcess: 'warning',
  hostPIDSet: 'danger',
  linuxHardening: 'warning',
  missingNetworkPolicy: 'warning',
  notReadOnlyRootFilesystem: 'warning',
  privilegeEscalationAllowed: 'danger',
  procMount: 'warning',
  runAsRootAllowed: 'danger',
  runAsPrivileged: 'danger',
  dangerousCapabilities: 'danger',
  insecureCapabilities: 'warning',
  hostNetworkSet: 'danger',
  hostPortSet: 'warning',
  tlsSettingsMissing: 'warning',
  sensitiveContainerEnvVar: 'danger',
  sensitiveConfigmapContent: 'danger',
};

/** Controllers Polaris audits (pkg/kube/workload.go): top-level pod-bearing kinds. */
const POLARIS_CONTROLLERS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

function po(check: string, obj: K8sObject, message: string): RawFinding {
  return raw(PO, check, POLARIS_SEVERITY[check], obj, message);
}

type ContainerTest = (c: Container, w: Workload) => boolean;

/** failureMessage of each Polaris `target: Container` check (pkg/config/checks/<id>.yaml). */
const POLARIS_CONTAINER_MESSAGE: Record<string, string> = {
  cpuRequestsMissing: 'CPU requests should be set',
  cpuLimitsMissing: 'CPU limits should be set',
  memoryRequestsMissing: 'Memory requests should be set',
  memoryLimitsMissing: 'Memory limits should be set',
  readinessProbeMissing: 'Readiness probe should be configured',
  livenessProbeMissing: 'Liveness probe should be configured',
  tagNotSpecified: 'Image tag should be specified',
  pullPolicyNotAlways: 'Image pull policy should be "Always"',
  runAsRootAllowed: 'Should not be allowed to run as root',
  runAsPrivileged: 'Should not be running as privileged',
  notReadOnlyRootFilesystem: 'Filesystem should be read only',
  privilegeEscalationAllowed: 'Privilege escalation should not be allowed',
  dangerousCapabilities: 'Container should not have dangerous capabilities',
  insecureCapabilities: 'Container should not have insecure capabilities',
  linuxHardening: 'Use one of AppArmor, Seccomp, SELinux, or dropping Linux Capabilities to restrict containers using unwanted privileges',
  hostPortSet: 'Host port should not be configured',
  sensitiveContainerEnvVar: 'The container sets potentially sensitive environment variables',
};

/** A Polaris `target: Container` check; `regularOnly` for `containers: exclude: [initContainer]`. */
function poContainers(w: Workload, check: string, failing: ContainerTest, regularOnly = false): RawFinding[] {
  const containers = regularOnly ? regularContainers(w.pod) : initAndRegular(w.pod);
  return containers.filter((c) => failing(c, w)).map((c) => po(check, w.obj, `container ${c.name}: ${POLARIS_CONTAINER_MESSAGE[check]}`));
}

// Polaris pkg/config/checks/{cpu,memory}{Requests,Limits}Missing.yaml (non-init containers)
function poResources(w: Workload): RawFinding[] {
  const missing =
    (kind: 'requests' | 'limits', res: string): ContainerTest =>
    (c) => {
      const v = c.resources?.[kind]?.[res];
      return v === undefined || v === '';
    };
  return [
    ...poContainers(w, 'cpuRequestsMissing', missing('requests', 'cpu'), true),
    ...poContainers(w, 'cpuLimitsMissing', missing('limits', 'cpu'), true),
    ...poContainers(w, 'memoryRequestsMissing', missing('requests', 'memory'), true),
    ...poContainers(w, 'memoryLimitsMissing', missing('limits', 'memory'), true),
  ];
}

// Polaris pkg/config/checks/{readiness,liveness}ProbeMissing.yaml (not Job/CronJob, non-init)
function poProbes(w: Workload): RawFinding[] {
  if (w.kind === 'Job' || w.kind === 'CronJob') return [];
  return [
    ...poContainers(w, 'readinessProbeMissing', (c) => !c.readinessProbe, true),
    ...poContainers(w, 'livenessProbeMissing', (c) => !c.livenessProbe, true),
  ];
}

// Polaris pkg/config/checks/tagNotSpecified.yaml and pullPolicyNotAlways.yaml
function poImage(w: Workload): RawFinding[] {
  return [
    ...poContainers(w, 'tagNotSpecified', (c) => !/^.+:.+$/.test(c.image ?? '') || /^.+:latest$/.test(c.image ?? '')),
    ...poContainers(w, 'pullPolicyNotAlways', (c) => c.imagePullPolicy !== 'Always'),
  ];
}

// Polaris pkg/config/checks/runAsRootAllowed.yaml (pod-level good and not overridden, or container-level good)
function poRunAsRoot(c: Container, w: Workload): boolean {
  const good = (sc: { runAsUser?: number; runAsNonRoot?: boolean } | undefined): boolean =>
    sc !== undefined && ((sc.runAsUser !== undefined && sc.runAsUser >= 1) || sc.runAsNonRoot === true);
  const notBad = (sc: SecurityContext | undefined): boolean =>
    sc === undefined || ((sc.runAsUser === undefined || sc.runAsUser >= 1) && (sc.runAsNonRoot === undefined || sc.runAsNonRoot === true));
  const passes = (good(w.pod.securityContext) && notBad(c.securityContext)) || good(c.securityContext);
  return !passes;
}

const INSECURE_DROP = [
  'NET_ADMIN',
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];

// Polaris pkg/config/checks/insecureCapabilities.yaml: drop must contain ALL xor the full list (oneOf)
function poInsecureCapabilities(c: Container): boolean {
  const drop = c.securityContext?.capabilities?.drop;
  if (!Array.isArray(drop)) return true;
  const hasAll = drop.some((d) => CAP_ALL.test(d));
  const hasList = INSECURE_DROP.every((cap) => drop.some((d) => d.toUpperCase() === cap));
  return hasAll === hasList;
}

// Polaris pkg/config/checks/dangerousCapabilities.yaml
function poDangerousCapabilities(c: Container): boolean {
  return list(c.securityContext?.capabilities?.add).some((a) => /^(ALL|SYS_ADMIN|NET_ADMIN)$/i.test(a));
}

// Polaris pkg/config/checks/linuxHardening.yaml (AppArmor annotation, seccomp, SELinux, or dropped capabilities)
function poLinuxHardening(c: Container, w: Workload): boolean {
  if (w.template.metadata?.annotations?.[`${APPARMOR_ANNOTATION}${c.name}`]) return false;
  const podType = w.pod.securityContext?.seccompProfile?.type;
  const cType = c.securityContext?.seccompProfile?.type;
  const podSeccomp = Boolean(podType) && podType !== 'Unconfined';
  const seccomp = podSeccomp ? cType !== 'Unconfined' : Boolean(cType) && cType !== 'Unconfined';
  const podSeLinux = Object.keys(w.pod.securityContext?.seLinuxOptions ?? {}).length > 0;
  const seLinux = podSeLinux || Object.keys(c.securityContext?.seLinuxOptions ?? {}).length > 0;
  const caps = c.securityContext?.capabilities;
  const dropped = list(caps?.drop).length > 0 && !list(caps?.add).some((a) => CAP_ALL.test(a));
  return !(seccomp || seLinux || dropped);
}

// Polaris security container checks (pkg/config/checks/<id>.yaml)
function poContainerSecurity(w: Workload): RawFinding[] {
  return [
    ...poContainers(w, 'runAsRootAllowed', poRunAsRoot),
    ...poContainers(w, 'runAsPrivileged', (c) => c.securityContext?.privileged === true),
    ...poContainers(w, 'notReadOnlyRootFilesystem', (c) => c.securityContext?.readOnlyRootFilesystem !== true),
    ...poContainers(w, 'privilegeEscalationAllowed', (c) => c.securityContext?.allowPrivilegeEscalation !== false),
    ...poContainers(w, 'dangerousCapabilities', poDangerousCapabilities),
    ...poContainers(w, 'insecureCapabilities', poInsecureCapabilities),
    ...poContainers(w, 'linuxHardening', poLinuxHardening),
    ...poContainers(w, 'hostPortSet', (c) => list(c.ports).some((p) => (p.hostPort ?? 0) !== 0)),
    ...poContainers(w, 'sensitiveContainerEnvVar', poSensitiveEnv),
  ];
}

const SENSITIVE_NAME = [
  /^AWS_SECRET_ACCESS_KEY$/i,
  /^GOOGLE_APPLICATION_CREDENTIALS$/i,
  /^AZURE_.+KEY$/i,
  /^OCI_CLI_KEY_CONTENT$/i,
  /password/i,
  /token/i,
  /bearer/i,
  /secret/i,
];
const PRIVATE_KEY = /\s*-BEGIN\s+.*PRIVATE KEY-\s*/i;

// Polaris pkg/config/checks/sensitiveContainerEnvVar.yaml (literal values only; valueFrom passes)
function poSensitiveEnv(c: Container): boolean {
  return list(c.env).some((e) => {
    if (e.value === undefined || e.valueFrom !== undefined) return false;
    return SENSITIVE_NAME.some((re) => re.test(e.name)) || PRIVATE_KEY.test(e.value);
  });
}

// Polaris pkg/config/checks/host{Network,PID,IPC}Set.yaml, hostPathSet.yaml, hostProcess.yaml,
// procMount.yaml, priorityClassNotSet.yaml, topologySpreadConstraint.yaml
function poPodSpec(w: Workload): RawFinding[] {
  const p = w.pod;
  const out: RawFinding[] = [];
  const fail = (check: string, failing: boolean, message: string): void => {
    if (failing) out.push(po(check, w.obj, message));
  };
  fail('hostNetworkSet', p.hostNetwork === true, 'hostNetwork is set');
  fail('hostPIDSet', p.hostPID === true, 'hostPID is set');
  fail('hostIPCSet', p.hostIPC === true, 'hostIPC is set');
  fail(
    'hostPathSet',
    list(p.volumes).some((v) => v.hostPath !== undefined),
    'HostPath volumes must be forbidden',
  );
  fail(
    'hostProcess',
    p.securityContext?.windowsOptions?.hostProcess === true ||
      regularContainers(p).some((c) => c.securityContext?.windowsOptions?.hostProcess === true),
    'Privileged access to the host is disallowed',
  );
  fail(
    'procMount',
    regularContainers(p).some((c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== 'Default'),
    'Proc mount must not be changed from the default',
  );
  fail('priorityClassNotSet', !p.priorityClassName, 'Priority class should be set');
  fail(
    'topologySpreadConstraint',
    w.kind !== 'Job' && w.kind !== 'CronJob' && list(p.topologySpreadConstraints).length === 0,
    'Pod should be configured with a valid topology spread constraint',
  );
  return out;
}

// Polaris pkg/config/checks/automountServiceAccountToken.yaml (pod must not be true; unless the pod sets
// false, a ServiceAccount named by serviceAccountName in the namespace must set false)
function poAutomount(ctx: Ctx, w: Workload): RawFinding[] {
  const podValue = w.pod.automountServiceAccountToken;
  if (podValue === false) return [];
  const saOk =
    podValue !== true &&
    ctx
      .ofKind('ServiceAccount')
      .some(
        (sa) => sameNamespace(sa, w.obj) && nameOf(sa) === (w.pod.serviceAccountName ?? '') && sa.automountServiceAccountToken === false,
      );
  return saOk ? [] : [po('automountServiceAccountToken', w.obj, 'The ServiceAccount will be automounted')];
}

/** Polaris' NetworkPolicy additional schema: matchLabels must equal exactly ONE pod label (oneOf). */
function poNetpolAccepts(np: K8sObject, labels: Labels): boolean {
  const spec = np.spec;
  if (spec === undefined) return true;
  const matchLabels: Labels | undefined = spec.podSelector?.matchLabels;
  if (!matchLabels) return false;
  const matching = Object.entries(labels).filter(([k, v]) => matchLabels[k] === v).length;
  const rulesOk = list(spec.egress).length >= 1 && list(spec.ingress).length >= 1;
  const types: string[] | undefined = spec.policyTypes;
  const typesOk = types === undefined || (types.some((t) => /^Egress$/i.test(t)) && types.some((t) => /^Ingress$/i.test(t)));
  return matching === 1 && rulesOk && typesOk;
}

// Polaris pkg/config/checks/missingNetworkPolicy.yaml
function poMissingNetworkPolicy(ctx: Ctx, w: Workload): RawFinding[] {
  const ok =
    Object.keys(w.labels).length > 0 && ctx.ofKind('NetworkPolicy').some((np) => sameNamespace(np, w.obj) && poNetpolAccepts(np, w.labels));
  return ok
    ? []
    : [po('missingNetworkPolicy', w.obj, 'A NetworkPolicy should match pod labels and contain applied egress and ingress rules')];
}

// Polaris pkg/config/checks/metadataAndInstanceMismatched.yaml
function poInstanceLabel(w: Workload): RawFinding[] {
  const ok = w.obj.metadata?.labels?.['app.kubernetes.io/instance'] === nameOf(w.obj);
  return ok ? [] : [po('metadataAndInstanceMismatched', w.obj, 'Label app.kubernetes.io/instance must match metadata.name')];
}

// Polaris pkg/config/checks/deploymentMissingReplicas.yaml and missingPodDisruptionBudget.yaml
function poDeployment(ctx: Ctx, w: Workload): RawFinding[] {
  const out: RawFinding[] = [];
  const replicas = w.obj.spec?.replicas;
  if (!(typeof replicas === 'number' && replicas >= 2)) out.push(po('deploymentMissingReplicas', w.obj, 'Only one replica is scheduled'));
  const hasPdb =
    Object.keys(w.labels).length > 0 &&
    ctx
      .ofKind('PodDisruptionBudget')
      .some(
        (p) =>
          sameNamespace(p, w.obj) &&
          (p.spec === undefined || Object.entries(w.labels).some(([k, v]) => p.spec?.selector?.matchLabels?.[k] === v)),
      );
  if (!hasPdb) out.push(po('missingPodDisruptionBudget', w.obj, 'Should have a PodDisruptionBudget'));
  return [...out, ...poPdbVsHpa(ctx, w)];
}

// Polaris pkg/validator/pdb_hpa_validator.go pdbMinAvailableGreaterThanHPAMinReplicas (fails on `>`
// since PR #1073; PDB and HPA are looked up without a namespace filter, first match wins)
function poPdbVsHpa(ctx: Ctx, w: Workload): RawFinding[] {
  const pdb = ctx
    .ofKind('PodDisruptionBudget')
    .find((p) => p.spec?.selector && Object.entries(p.spec.selector.matchLabels ?? {}).some(([k, v]) => w.labels[k] === v));
  const hpa = ctx
    .ofKind('HorizontalPodAutoscaler')
    .find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec?.scaleTargetRef?.name === nameOf(w.obj));
  const min = intOrPercent(pdb?.spec?.minAvailable);
  const hpaMin: number | undefined = hpa?.spec?.minReplicas;
  if (!pdb || !hpa || !min || hpaMin === undefined) return [];
  const pdbMin = min.percent ? Math.ceil((min.value * hpaMin) / 100) : min.value;
  return pdbMin > hpaMin
    ? [
        po(
          'pdbMinAvailableGreaterThanHPAMinReplicas',
          w.obj,
          `PDB ${nameOf(pdb)} minAvailable ${pdbMin} is greater than HPA ${nameOf(hpa)} minReplicas ${hpaMin}`,
        ),
      ]
    : [];
}

function poWorkload(ctx: Ctx, w: Workload): RawFinding[] {
  return [
    ...poResources(w),
    ...poProbes(w),
    ...poImage(w),
    ...poContainerSecurity(w),
    ...poPodSpec(w),
    ...poAutomount(ctx, w),
    ...poMissingNetworkPolicy(ctx, w),
    ...poInstanceLabel(w),
    ...(w.kind === 'Deployment' ? poDeployment(ctx, w) : []),
  ];
}

// Polaris pkg/config/checks/pdbDisruptionsIsZero.yaml
function poPdb(pdb: K8sObject): RawFinding[] {
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  const zero = minAvailable === '100%' || maxUnavailable === 0 || maxUnavailable === '0%';
  return zero ? [po('pdbDisruptionsIsZero', pdb, 'Voluntary evictions are not possible')] : [];
}

// Polaris pkg/config/checks/hpaMinAvailability.yaml and hpaMaxAvailability.yaml
function poHpa(hpa: K8sObject): RawFinding[] {
  const out: RawFinding[] = [];
  const min: unknown = hpa.spec?.minReplicas;
  const max: unknown = hpa.spec?.maxReplicas;
  if (typeof min === 'number' && min < 2) out.push(po('hpaMinAvailability', hpa, 'HPA minReplicas should be 2 or more'));
  const maxOk = typeof max === 'number' && max >= 1 && (typeof min !== 'number' || min === 0 || max > min);
  if (!maxOk) out.push(po('hpaMaxAvailability', hpa, 'HPA maxReplicas and minReplicas should be different'));
  return out;
}

// Polaris pkg/config/checks/tlsSettingsMissing.yaml
function poIngress(ing: K8sObject): RawFinding[] {
  return Array.isArray(ing.spec?.tls) ? [] : [po('tlsSettingsMissing', ing, 'Ingress does not have TLS configured')];
}

// Polaris pkg/config/checks/sensitiveConfigmapContent.yaml
function poConfigMap(cm: K8sObject): RawFinding[] {
  const bad = Object.entries(cm.data ?? {}).some(([k, v]) => SENSITIVE_NAME.some((re) => re.test(k)) || PRIVATE_KEY.test(String(v)));
  return bad ? [po('sensitiveConfigmapContent', cm, 'Potentially sensitive content is detected in the ConfigMap keys or values')] : [];
}

function poObject(obj: K8sObject): RawFinding[] {
  switch (obj.kind) {
    case 'PodDisruptionBudget':
      return poPdb(obj);
    case 'HorizontalPodAutoscaler':
      return poHpa(obj);
    case 'Ingress':
      return poIngress(obj);
    case 'ConfigMap':
      return poConfigMap(obj);
    default:
      return [];
  }
}

export function polaris(ctx: Ctx): RawFinding[] {
  return [
    ...ctx.objects.flatMap(poObject),
    ...ctx.workloads.filter((w) => POLARIS_CONTROLLERS.has(w.kind)).flatMap((w) => poWorkload(ctx, w)),
  ];
}
