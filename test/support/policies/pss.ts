/** Pod Security Standards as enforced by PodSecurity admission, policy version 1.28. */

import type { Container, PodSpec, PodTemplate, SELinuxOptions } from './k8s';
import { APPARMOR_ANNOTATION, asObject, everyContainer, list, workloadOf, type PodSecurityLevel } from './common';

// =============================================================================================
// 1. Pod Security Standards, policy version 1.28
// =============================================================================================

/** One failing PSS check; `container` is unset for pod-level fields. */
interface PssViolation {
  container?: string;
  reason: string;
}

interface PssCheck {
  id: string;
  level: PodSecurityLevel;
  /** Restricted checks that replace a baseline check (policy OverrideCheckIDs). */
  overrides?: string[];
  run: (template: PodTemplate, pod: PodSpec) => PssViolation[];
}

function perContainer(pod: PodSpec, test: (c: Container) => string | undefined): PssViolation[] {
  const out: PssViolation[] = [];
  for (const c of everyContainer(pod)) {
    const reason = test(c);
    if (reason) out.push({ container: c.name, reason });
  }
  return out;
}

/** Windows pods are exempt from some restricted checks since policy 1.25 (spec.os.name). */
function isWindowsPod(pod: PodSpec): boolean {
  return pod.os?.name === 'windows';
}

// pod-security-admission policy/check_windowsHostProcess.go
function pssWindowsHostProcess(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  const out = pod.securityContext?.windowsOptions?.hostProcess === true ? [{ reason: 'hostProcess' }] : [];
  return [...out, ...perContainer(pod, (c) => (c.securityContext?.windowsOptions?.hostProcess === true ? 'hostProcess' : undefined))];
}

// pod-security-admission policy/check_hostNamespaces.go
function pssHostNamespaces(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  const fields = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => pod[f] === true);
  return fields.map((f) => ({ reason: `host namespaces (${f}=true)` }));
}

// pod-security-admission policy/check_privileged.go
function pssPrivileged(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  return perContainer(pod, (c) => (c.securityContext?.privileged === true ? 'privileged (securityContext.privileged=true)' : undefined));
}

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

// pod-security-admission policy/check_capabilities_baseline.go
function pssCapabilitiesBaseline(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  return perContainer(pod, (c) => {
    const bad = list(c.securityContext?.capabilities?.add).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    return bad.length ? `non-default capabilities (${bad.join(', ')})` : undefined;
  });
}

// pod-security-admission policy/check_hostPathVolumes.go
function pssHostPathVolumes(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  return list(pod.volumes)
    .filter((v) => v.hostPath)
    .map((v) => ({ reason: `hostPath volume "${v.name}"` }));
}

// pod-security-admission policy/check_hostPorts.go
function pssHostPorts(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  return perContainer(pod, (c) => {
    const ports = list(c.ports)
      .filter((p) => (p.hostPort ?? 0) !== 0)
      .map((p) => String(p.hostPort));
    return ports.length ? `hostPort (${ports.join(', ')})` : undefined;
  });
}

// pod-security-admission policy/check_appArmorProfile.go (1.28: annotations only; the
// securityContext.appArmorProfile field appeared in 1.30)
function pssAppArmor(template: PodTemplate): PssViolation[] {
  return Object.entries(template.metadata?.annotations ?? {})
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION) && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/')))
    .map(([k, v]) => ({ container: k.slice(APPARMOR_ANNOTATION.length), reason: `forbidden AppArmor profile (${v})` }));
}

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

function seLinuxProblem(opts: SELinuxOptions | undefined): string | undefined {
  if (!opts) return undefined;
  const problems: string[] = [];
  if (!SELINUX_TYPES.has(opts.type ?? '')) problems.push(`type "${opts.type}"`);
  if (opts.user) problems.push('user may not be set');
  if (opts.role) problems.push('role may not be set');
  return problems.length ? `forbidden seLinuxOptions (${problems.join('; ')})` : undefined;
}

// pod-security-admission policy/check_seLinuxOptions.go
function pssSeLinux(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  const podProblem = seLinuxProblem(pod.securityContext?.seLinuxOptions);
  const out: PssViolation[] = podProblem ? [{ reason: podProblem }] : [];
  return [...out, ...perContainer(pod, (c) => seLinuxProblem(c.securityContext?.seLinuxOptions))];
}

// pod-security-admission policy/check_procMount.go
function pssProcMount(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  return perContainer(pod, (c) => {
    const mount = c.securityContext?.procMount;
    return mount !== undefined && mount !== 'Default' ? `procMount=${mount}` : undefined;
  });
}

// pod-security-admission policy/check_seccompProfile_baseline.go
function pssSeccompBaseline(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  const podBad = pod.securityContext?.seccompProfile?.type === 'Unconfined';
  const out: PssViolation[] = podBad ? [{ reason: 'seccompProfile.type=Unconfined' }] : [];
  return [
    ...out,
    ...perContainer(pod, (c) => (c.securityContext?.seccompProfile?.type === 'Unconfined' ? 'seccompProfile.type=Unconfined' : undefined)),
  ];
}

// pod-security-admission policy/check_sysctls.go: the 1.0 set plus ip_local_reserved_ports (1.27);
// the tcp_keepalive_* / tcp_fin_timeout additions are policy 1.29, tcp_rmem/wmem 1.32.
const SAFE_SYSCTLS_1_28 = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
]);

function pssSysctls(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  const bad = list(pod.securityContext?.sysctls)
    .map((s) => s.name)
    .filter((n) => !SAFE_SYSCTLS_1_28.has(n));
  return bad.length ? [{ reason: `forbidden sysctls (${bad.join(', ')})` }] : [];
}

const RESTRICTED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

// pod-security-admission policy/check_restrictedVolumes.go
function pssRestrictedVolumes(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  return list(pod.volumes)
    .filter((v) => !RESTRICTED_VOLUME_TYPES.some((type) => v[type] !== undefined && v[type] !== null))
    .map((v) => ({ reason: `restricted volume type (volume "${v.name}")` }));
}

// pod-security-admission policy/check_allowPrivilegeEscalation.go (Windows pods exempt since 1.25)
function pssAllowPrivilegeEscalation(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  if (isWindowsPod(pod)) return [];
  return perContainer(pod, (c) =>
    c.securityContext?.allowPrivilegeEscalation === false ? undefined : 'allowPrivilegeEscalation != false',
  );
}

// pod-security-admission policy/check_runAsNonRoot.go
function pssRunAsNonRoot(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  const podValue = pod.securityContext?.runAsNonRoot;
  const out: PssViolation[] = podValue === false ? [{ reason: 'runAsNonRoot != true (pod sets false)' }] : [];
  return [
    ...out,
    ...perContainer(pod, (c) => {
      const value = c.securityContext?.runAsNonRoot;
      if (value === false) return 'runAsNonRoot != true (container sets false)';
      return value === undefined && podValue !== true ? 'runAsNonRoot != true (pod or container must set true)' : undefined;
    }),
  ];
}

// pod-security-admission policy/check_runAsUser.go
function pssRunAsUser(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  const out: PssViolation[] = pod.securityContext?.runAsUser === 0 ? [{ reason: 'runAsUser=0' }] : [];
  return [...out, ...perContainer(pod, (c) => (c.securityContext?.runAsUser === 0 ? 'runAsUser=0' : undefined))];
}

function validSeccompType(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

// pod-security-admission policy/check_seccompProfile_restricted.go (Windows pods exempt since 1.25)
function pssSeccompRestricted(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  if (isWindowsPod(pod)) return [];
  const podProfile = pod.securityContext?.seccompProfile;
  const podSet = podProfile !== undefined && validSeccompType(podProfile.type);
  const out: PssViolation[] = podProfile !== undefined && !podSet ? [{ reason: `seccompProfile.type=${podProfile.type}` }] : [];
  return [
    ...out,
    ...perContainer(pod, (c) => {
      const profile = c.securityContext?.seccompProfile;
      if (profile !== undefined) return validSeccompType(profile.type) ? undefined : `seccompProfile.type=${profile.type}`;
      return podSet ? undefined : 'seccompProfile not set (pod or container must set RuntimeDefault or Localhost)';
    }),
  ];
}

// pod-security-admission policy/check_capabilities_restricted.go (Windows pods exempt since 1.25)
function pssCapabilitiesRestricted(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  if (isWindowsPod(pod)) return [];
  return perContainer(pod, (c) => {
    const caps = c.securityContext?.capabilities;
    const problems: string[] = [];
    if (!list(caps?.drop).includes('ALL')) problems.push('must drop ALL');
    const added = list(caps?.add).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length) problems.push(`must not add ${added.join(', ')}`);
    return problems.length ? `unrestricted capabilities (${problems.join('; ')})` : undefined;
  });
}

/** Every PSS check of policy version 1.28, baseline first (policy/registry.go order by level). */
const PSS_CHECKS: PssCheck[] = [
  { id: 'windowsHostProcess', level: 'baseline', run: pssWindowsHostProcess },
  { id: 'hostNamespaces', level: 'baseline', run: pssHostNamespaces },
  { id: 'privileged', level: 'baseline', run: pssPrivileged },
  { id: 'capabilities_baseline', level: 'baseline', run: pssCapabilitiesBaseline },
  { id: 'hostPathVolumes', level: 'baseline', run: pssHostPathVolumes },
  { id: 'hostPorts', level: 'baseline', run: pssHostPorts },
  { id: 'appArmorProfile', level: 'baseline', run: pssAppArmor },
  { id: 'seLinuxOptions', level: 'baseline', run: pssSeLinux },
  { id: 'procMount', level: 'baseline', run: pssProcMount },
  { id: 'seccompProfile_baseline', level: 'baseline', run: pssSeccompBaseline },
  { id: 'sysctls', level: 'baseline', run: pssSysctls },
  { id: 'restrictedVolumes', level: 'restricted', run: pssRestrictedVolumes },
  { id: 'allowPrivilegeEscalation', level: 'restricted', run: pssAllowPrivilegeEscalation },
  { id: 'runAsNonRoot', level: 'restricted', run: pssRunAsNonRoot },
  { id: 'runAsUser', level: 'restricted', run: pssRunAsUser },
  { id: 'seccompProfile_restricted', level: 'restricted', overrides: ['seccompProfile_baseline'], run: pssSeccompRestricted },
  { id: 'capabilities_restricted', level: 'restricted', overrides: ['capabilities_baseline'], run: pssCapabilitiesRestricted },
];

function activePssChecks(level: PodSecurityLevel): PssCheck[] {
  const active = PSS_CHECKS.filter((c) => level === 'restricted' || c.level === 'baseline');
  const overridden = new Set(active.flatMap((c) => c.overrides ?? []));
  return active.filter((c) => !overridden.has(c.id));
}

function formatPss(ref: string, check: PssCheck, v: PssViolation): string {
  const where = v.container !== undefined ? `${ref} container ${v.container}` : ref;
  return `${where}: ${v.reason} (${check.level}: ${check.id})`;
}

/**
 * Evaluates one object against a Pod Security Standards profile, policy version 1.28, the way
 * PodSecurity admission does for its pod template (init, regular and ephemeral containers).
 * Restricted includes baseline; where a restricted check replaces a baseline one (seccomp,
 * capabilities) only the restricted one runs, as in the admission controller.
 *
 * @param obj any object; Pod, PodTemplate, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 *   ReplicationController, Job and CronJob (`spec.jobTemplate.spec.template`) are checked.
 * @param level `baseline` or `restricted`.
 * @returns one message per violation, e.g.
 *   `Deployment/api container app: allowPrivilegeEscalation != false (restricted: allowPrivilegeEscalation)`;
 *   `[]` for objects without a pod template.
 */
export function podSecurityViolations(obj: unknown, level: PodSecurityLevel): string[] {
  const o = asObject(obj);
  const workload = o ? workloadOf(o) : undefined;
  if (!workload) return [];
  return activePssChecks(level).flatMap((check) =>
    check.run(workload.template, workload.pod).map((v) => formatPss(workload.ref, check, v)),
  );
}

/**
 * Pod Security Standards `restricted` (which includes `baseline`), policy version 1.28.
 * Shorthand for `podSecurityViolations(obj, 'restricted')`.
 *
 * @param obj a synthesized Kubernetes object.
 * @returns violation messages naming object, container and check id; `[]` for non-pod objects.
 */
export function restrictedViolations(obj: unknown): string[] {
  return podSecurityViolations(obj, 'restricted');
}
