/**
 * Static policy checks for synthesized Kubernetes objects (plain JSON, as cdk8s emits them).
 *
 * 1. Pod Security Standards (PSS) as enforced by the PodSecurity admission controller for policy
 *    version 1.28: `podSecurityViolations(obj, level)` / `restrictedViolations(obj)`.
 *    Source read: kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_<id>.go
 *    and https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 *
 * 2. The checks that kube-score, Polaris and kube-linter run WITHOUT any configuration:
 *    `lintFindings(objects)`. Versions read:
 *    - kube-score v1.20.0 (README_CHECKS.md of v1.20.0, score/score.go RegisterAllChecks, score/<area>/<area>.go).
 *      Default flags: --kubernetes-version v1.18, --min-replicas-deployment 2, --min-replicas-hpa 2.
 *    - Polaris 10.x (pkg/config/default.yaml, pkg/config/checks/<id>.yaml, pkg/validator/<file>.go).
 *    - kube-linter main (internal/defaultchecks/default_checks.go, docs/generated/checks.md,
 *      pkg/builtinchecks/yamls/<id>.yaml, pkg/templates/<template>).
 *    The per-object opt-outs each tool honours by default are honoured here too:
 *    `kube-score/ignore: <id>,<id>` (object or pod-template annotation; `container-resources`
 *    implies `container-ephemeral-storage-request-and-limit`), `polaris.fairwinds.com/exempt: "true"`
 *    and `polaris.fairwinds.com/<check>-exempt: "true"`, `ignore-check.kube-linter.io/<check>` and
 *    `kube-linter.io/ignore-all`.
 *
 * Severities: kube-score grades map to `critical` (GradeCritical) and `warning` (GradeWarning and
 * GradeAlmostOK, which kube-score prints as WARNING). Polaris uses its own `danger`/`warning` from
 * pkg/config/default.yaml. kube-linter has no severity levels: every diagnostic of a default check
 * makes `kube-linter lint` exit 1, so they are reported as `critical`.
 *
 * Not evaluated (need a cluster, config, or are outside the object kinds this library emits):
 * - kube-score optional checks (container-seccomp-profile, *-requests-equal-limits,
 *   container-ephemeral-storage-request-equals-limit, container-ports-check); there is no
 *   `service-targetport` check in kube-score.
 * - Polaris RBAC checks (the PodExecAttach and ClusterAdmin families) and Gateway API checks
 *   (gatewayTLSMissing, httpRouteWildcardOrEmptyHost, ...): the library emits no Role/Binding/Gateway/HTTPRoute; the
 *   exemptions by controller name shipped in Polaris' default.yaml (e.g. `cert-manager`, `vpa`);
 *   `pdbMinAvailableEqualToHPAMinReplicas` (not in a released default config).
 * - kube-linter checks that are off by default (no-liveness-probe, no-readiness-probe,
 *   dangling-horizontalpodautoscaler, dangling-networkpolicy, dangling-ingress, use-namespace,
 *   default-service-account, writable-host-mount, hpa-minimum-three-replicas, non-isolated-pod, ...).
 */

/** Which linter produced a finding. */
export type Tool = 'kube-score' | 'polaris' | 'kube-linter';

/** kube-score: critical|warning; Polaris: danger|warning; kube-linter: always critical. */
export type Severity = 'critical' | 'warning' | 'danger';

/** One failed default check of one linter on one object. */
export interface Finding {
  /** The linter whose rule failed. */
  tool: Tool;
  /** The linter's own check id, e.g. `container-resources`, `runAsRootAllowed`, `latest-tag`. */
  check: string;
  /** The severity the linter reports by default. */
  severity: Severity;
  /** `Kind/name`, or `Kind/namespace/name` when the object has a namespace. */
  object: string;
  /** What is wrong, naming the container where one is at fault. */
  message: string;
}

/** The two enforcing Pod Security Standards profiles (privileged enforces nothing). */
export type PodSecurityLevel = 'baseline' | 'restricted';

// ---------------------------------------------------------------------------------------------
// Minimal Kubernetes shapes (only the fields the checks read; everything optional, as in JSON).
// ---------------------------------------------------------------------------------------------

type Labels = Record<string, string>;

interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Labels;
}

interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

interface SeccompProfile {
  type?: string;
}

interface SELinuxOptions {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}

interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: SeccompProfile;
  seLinuxOptions?: SELinuxOptions;
  windowsOptions?: { hostProcess?: boolean };
}

interface PodSecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  seccompProfile?: SeccompProfile;
  seLinuxOptions?: SELinuxOptions;
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: Array<{ name: string; value?: string }>;
}

type PortRef = number | string;

interface Probe {
  httpGet?: { path?: string; port?: PortRef };
  tcpSocket?: { port?: PortRef };
  grpc?: { port?: number };
  exec?: { command?: string[] };
}

interface ContainerPort {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  ports?: ContainerPort[];
  env?: EnvVar[];
  resources?: { requests?: Record<string, PortRef>; limits?: Record<string, PortRef> };
  securityContext?: SecurityContext;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: Array<{ name: string; mountPath?: string }>;
}

interface Volume {
  name: string;
  hostPath?: { path?: string };
  [volumeType: string]: unknown;
}

interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  topologyKey?: string;
}

interface TopologySpreadConstraint {
  maxSkew?: number;
  minDomains?: number;
  topologyKey?: string;
  whenUnsatisfiable?: string;
  labelSelector?: LabelSelector;
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: PodSecurityContext;
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  priorityClassName?: string;
  restartPolicy?: string;
  os?: { name?: string };
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
      preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight?: number; podAffinityTerm?: PodAffinityTerm }>;
    };
  };
  topologySpreadConstraints?: TopologySpreadConstraint[];
}

interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

/** Any Kubernetes object; `spec` is read through the narrower accessors below. */
interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: any;
  data?: Record<string, string>;
  automountServiceAccountToken?: boolean;
  template?: unknown;
}

// ---------------------------------------------------------------------------------------------
// Generic helpers
// ---------------------------------------------------------------------------------------------

function asObject(value: unknown): K8sObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as K8sObject) : undefined;
}

function nameOf(obj: K8sObject): string {
  return obj.metadata?.name ?? '';
}

function namespaceOf(obj: K8sObject): string {
  return obj.metadata?.namespace ?? '';
}

function refOf(obj: K8sObject): string {
  const ns = namespaceOf(obj);
  return ns ? `${obj.kind}/${ns}/${nameOf(obj)}` : `${obj.kind}/${nameOf(obj)}`;
}

function apiGroup(obj: K8sObject): string {
  const apiVersion = obj.apiVersion ?? '';
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

function sameNamespace(a: K8sObject, b: K8sObject): boolean {
  return namespaceOf(a) === namespaceOf(b);
}

/** A `matchExpressions` requirement against a label set (k8s.io/apimachinery/pkg/labels). */
function requirementMatches(req: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const values = list(req.values);
  switch (req.operator) {
    case 'In':
      return has && values.includes(labels[req.key]);
    case 'NotIn':
      return !has || !values.includes(labels[req.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** metav1.LabelSelectorAsSelector(sel).Matches(labels): a missing selector matches nothing, `{}` everything. */
function selectorMatches(sel: LabelSelector | undefined, labels: Labels | undefined): boolean {
  if (!sel) return false;
  const set = labels ?? {};
  const byLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => set[k] === v);
  return byLabels && list(sel.matchExpressions).every((req) => requirementMatches(req, set));
}

/** A Service-style `map[string]string` selector (an empty one selects everything). */
function mapSelectorMatches(sel: Labels | undefined, labels: Labels | undefined): boolean {
  return selectorMatches({ matchLabels: sel ?? {} }, labels);
}

const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** resource.Quantity as a number; undefined when absent or unparsable. */
function quantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(value.trim());
  return m ? Number(m[1]) * QUANTITY_SUFFIX[m[2] ?? ''] : undefined;
}

/** Quantity.IsZero() on a possibly missing entry (a missing quantity is the zero value). */
function isZeroQuantity(value: unknown): boolean {
  const q = quantity(value);
  return q === undefined || q === 0;
}

/** intstr.IntOrString with a percentage: `{ value, percent }`, or undefined when invalid. */
function intOrPercent(value: unknown): { value: number; percent: boolean } | undefined {
  if (typeof value === 'number') return { value, percent: false };
  if (typeof value !== 'string') return undefined;
  const pct = /^(-?\d+)%$/.exec(value);
  if (pct) return { value: Number(pct[1]), percent: true };
  return /^-?\d+$/.test(value) ? { value: Number(value), percent: false } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Pod-bearing objects
// ---------------------------------------------------------------------------------------------

/** The pod template of Pod, PodTemplate, Deployment-likes, Job and CronJob; undefined otherwise. */
function podTemplateOf(obj: K8sObject): PodTemplate | undefined {
  switch (obj.kind) {
    case 'Pod':
      return obj.spec ? { metadata: obj.metadata, spec: obj.spec as PodSpec } : undefined;
    case 'PodTemplate':
      return asObject(obj.template) as PodTemplate | undefined;
    case 'CronJob':
      return asObject(obj.spec?.jobTemplate?.spec?.template) as PodTemplate | undefined;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return asObject(obj.spec?.template) as PodTemplate | undefined;
    default:
      return undefined;
  }
}

/** A pod-bearing object with its pod template unpacked. */
interface Workload {
  obj: K8sObject;
  kind: string;
  ref: string;
  template: PodTemplate;
  pod: PodSpec;
  /** Pod template labels. */
  labels: Labels;
}

function workloadOf(obj: K8sObject): Workload | undefined {
  const template = podTemplateOf(obj);
  if (!template) return undefined;
  return {
    obj,
    kind: obj.kind ?? '',
    ref: refOf(obj),
    template,
    pod: template.spec ?? {},
    labels: template.metadata?.labels ?? {},
  };
}

function regularContainers(pod: PodSpec): Container[] {
  return list(pod.containers);
}

/** initContainers then containers, the order kube-score and kube-linter use. */
function initAndRegular(pod: PodSpec): Container[] {
  return [...list(pod.initContainers), ...list(pod.containers)];
}

/** Every container PodSecurity admission visits (policy/visitor.go: init, regular, ephemeral). */
function everyContainer(pod: PodSpec): Container[] {
  return [...initAndRegular(pod), ...list(pod.ephemeralContainers)];
}

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
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
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
  return list(pod.volumes).filter((v) => v.hostPath).map((v) => ({ reason: `hostPath volume "${v.name}"` }));
}

// pod-security-admission policy/check_hostPorts.go
function pssHostPorts(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  return perContainer(pod, (c) => {
    const ports = list(c.ports).filter((p) => (p.hostPort ?? 0) !== 0).map((p) => String(p.hostPort));
    return ports.length ? `hostPort (${ports.join(', ')})` : undefined;
  });
}

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

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
  return [...out, ...perContainer(pod, (c) => (c.securityContext?.seccompProfile?.type === 'Unconfined' ? 'seccompProfile.type=Unconfined' : undefined))];
}

// pod-security-admission policy/check_sysctls.go: the 1.0 set plus ip_local_reserved_ports (1.27);
// the tcp_keepalive_* / tcp_fin_timeout additions are policy 1.29, tcp_rmem/wmem 1.32.
const SAFE_SYSCTLS_1_28 = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports',
]);

function pssSysctls(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  const bad = list(pod.securityContext?.sysctls).map((s) => s.name).filter((n) => !SAFE_SYSCTLS_1_28.has(n));
  return bad.length ? [{ reason: `forbidden sysctls (${bad.join(', ')})` }] : [];
}

const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

// pod-security-admission policy/check_restrictedVolumes.go
function pssRestrictedVolumes(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  return list(pod.volumes)
    .filter((v) => !RESTRICTED_VOLUME_TYPES.some((type) => v[type] !== undefined && v[type] !== null))
    .map((v) => ({ reason: `restricted volume type (volume "${v.name}")` }));
}

// pod-security-admission policy/check_allowPrivilegeEscalation.go (Windows pods exempt since 1.25)
function pssAllowPrivilegeEscalation(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  if (isWindowsPod(pod)) return [];
  return perContainer(pod, (c) => (c.securityContext?.allowPrivilegeEscalation === false ? undefined : 'allowPrivilegeEscalation != false'));
}

// pod-security-admission policy/check_runAsNonRoot.go
function pssRunAsNonRoot(_t: PodTemplate, pod: PodSpec): PssViolation[] {
  const podValue = pod.securityContext?.runAsNonRoot;
  const out: PssViolation[] = podValue === false ? [{ reason: 'runAsNonRoot != true (pod sets false)' }] : [];
  return [...out, ...perContainer(pod, (c) => {
    const value = c.securityContext?.runAsNonRoot;
    if (value === false) return 'runAsNonRoot != true (container sets false)';
    return value === undefined && podValue !== true ? 'runAsNonRoot != true (pod or container must set true)' : undefined;
  })];
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
  return [...out, ...perContainer(pod, (c) => {
    const profile = c.securityContext?.seccompProfile;
    if (profile !== undefined) return validSeccompType(profile.type) ? undefined : `seccompProfile.type=${profile.type}`;
    return podSet ? undefined : 'seccompProfile not set (pod or container must set RuntimeDefault or Localhost)';
  })];
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
    check.run(workload.template, workload.pod).map((v) => formatPss(workload.ref, check, v)));
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

// =============================================================================================
// 2. Linters
// =============================================================================================

/** A finding before the per-object opt-out annotations are applied. */
interface RawFinding extends Finding {
  /** Annotations of the object (kube-score also reads the pod template's). */
  annotations: Labels;
  templateAnnotations: Labels;
}

/** All objects, indexed once. */
interface Ctx {
  objects: K8sObject[];
  workloads: Workload[];
  ofKind: (kind: string) => K8sObject[];
}

function buildCtx(objects: unknown[]): Ctx {
  const objs = objects.map(asObject).filter((o): o is K8sObject => o !== undefined);
  const workloads = objs.map(workloadOf).filter((w): w is Workload => w !== undefined);
  return { objects: objs, workloads, ofKind: (kind) => objs.filter((o) => o.kind === kind) };
}

function raw(tool: Tool, check: string, severity: Severity, obj: K8sObject, message: string, template?: PodTemplate): RawFinding {
  return {
    tool, check, severity, object: refOf(obj), message,
    annotations: obj.metadata?.annotations ?? {},
    templateAnnotations: template?.metadata?.annotations ?? {},
  };
}

// =============================================================================================
// 2a. kube-score v1.20.0 (default checks only)
// =============================================================================================

const KS: Tool = 'kube-score';

/** Kinds kube-score scores with its pod checks (parser: Pods and PodSpeccers). */
const KS_POD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

function ksWorkloads(ctx: Ctx): Workload[] {
  return ctx.workloads.filter((w) => KS_POD_KINDS.has(w.kind));
}

/** One test score with comments: one finding per comment, all at the test's grade. */
function ksScore(check: string, w: Workload, grade: Severity, comments: string[]): RawFinding[] {
  return comments.map((m) => raw(KS, check, grade, w.obj, m, w.template));
}

// kube-score score/container/container.go containerResources
function ksContainerResources(w: Workload): RawFinding[] {
  let missingLimit = false;
  const comments: string[] = [];
  for (const c of initAndRegular(w.pod)) {
    const { limits = {}, requests = {} } = c.resources ?? {};
    if (isZeroQuantity(limits.cpu)) { comments.push(`${c.name}: CPU limit is not set`); missingLimit = true; }
    if (isZeroQuantity(limits.memory)) { comments.push(`${c.name}: Memory limit is not set`); missingLimit = true; }
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
  return ksScore('container-image-tag', w, 'critical', bad.map((c) => `${c.name}: Image with latest tag`));
}

// kube-score score/container/container.go containerImagePullPolicy
function ksContainerImagePullPolicy(w: Workload): RawFinding[] {
  const bad = initAndRegular(w.pod).filter((c) => {
    const untaggedDefault = !c.imagePullPolicy && ['', 'latest'].includes(ksImageTag(c.image));
    return !untaggedDefault && c.imagePullPolicy !== 'Always';
  });
  return ksScore('container-image-pull-policy', w, 'critical', bad.map((c) => `${c.name}: ImagePullPolicy is not set to Always`));
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
    if (!c.securityContext && !podSc) { comments.push(`${c.name}: Container has no configured security context`); continue; }
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
  return ksScore('container-security-context-privileged', w, 'critical', bad.map((c) => `${c.name}: The container is privileged`));
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

function ksTargetedByService(ctx: Ctx, w: Workload): boolean {
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
    else if (s.whenUnsatisfiable !== 'DoNotSchedule' && s.whenUnsatisfiable !== 'ScheduleAnyway') problem = 'Invalid WhenUnsatisfiable setting detected';
    if (problem) return ksScore('pod-topology-spread-constraints', w, 'critical', [problem]);
  }
  return [];
}

const KS_ANTI_AFFINITY_KEYS = new Set([
  'kubernetes.io/hostname', 'topology.kubernetes.io/region', 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone',
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
  return ksScore(`${prefix}-pod-selector-labels-match-template-metadata-labels`, w, 'critical', [`${w.kind} selector labels not matching template metadata labels`]);
}

/** kube-score's HPA target match: apiVersion, kind, name and namespace all equal. */
function hpaTargets(hpa: K8sObject, target: K8sObject): boolean {
  const ref = hpa.spec?.scaleTargetRef ?? {};
  return ref.apiVersion === target.apiVersion && ref.kind === target.kind && ref.name === nameOf(target) && sameNamespace(hpa, target);
}

// kube-score score/apps/apps.go hpaDeploymentNoReplicas
function ksHpaDeploymentNoReplicas(ctx: Ctx, w: Workload): RawFinding[] {
  const targeted = ctx.ofKind('HorizontalPodAutoscaler').some((h) => sameNamespace(h, w.obj)
    && String(h.spec?.scaleTargetRef?.kind ?? '').toLowerCase() === 'deployment' && h.spec?.scaleTargetRef?.name === nameOf(w.obj));
  if (!targeted || w.obj.spec?.replicas === undefined) return [];
  return ksScore('deployment-targeted-by-hpa-does-not-have-replicas-configured', w, 'critical',
    ['The deployment is targeted by a HPA, but a static replica count is configured in the DeploymentSpec']);
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
  const ok = ctx.ofKind('Service').some((s) => sameNamespace(s, w.obj) && nameOf(s) === w.obj.spec?.serviceName
    && s.spec?.clusterIP === 'None' && mapSelectorMatches(s.spec?.selector, w.labels));
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

function ksPodChecks(ctx: Ctx, w: Workload): RawFinding[] {
  return [
    ...ksContainerResources(w), ...ksContainerImageTag(w), ...ksContainerImagePullPolicy(w),
    ...ksEphemeralStorage(w), ...ksEnvDuplication(w), ...ksUserGroupId(w), ...ksPrivileged(w),
    ...ksReadOnlyRootFs(w), ...ksPodProbes(ctx, w), ...ksPodProbesIdentical(w),
    ...ksPodNetworkPolicy(ctx, w), ...ksTopologySpread(w),
  ];
}

function ksControllerChecks(ctx: Ctx, w: Workload): RawFinding[] {
  switch (w.kind) {
    case 'Deployment':
      return [
        ...ksAntiAffinity(w), ...ksHasPdb(ctx, w), ...ksSelectorMatchesTemplate(w),
        ...ksHpaDeploymentNoReplicas(ctx, w), ...ksDeploymentStrategy(ctx, w), ...ksDeploymentReplicas(ctx, w),
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
    out.push(ksObj('horizontalpodautoscaler-replicas', 'warning', hpa, 'HorizontalPodAutoscalers are recommended to have at least 2 replicas'));
  }
  return out;
}

// kube-score score/disruptionbudget/disruptionbudget.go hasPolicy
function ksPdb(pdb: K8sObject): RawFinding[] {
  const ok = pdb.spec?.minAvailable !== undefined || pdb.spec?.maxUnavailable !== undefined;
  return ok ? [] : [ksObj('poddisruptionbudget-has-policy', 'critical', pdb, 'PodDisruptionBudget missing policy (minAvailable or maxUnavailable)')];
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
      const hit = backend !== undefined && ctx.ofKind('Service').some((s) => sameNamespace(s, ing) && nameOf(s) === backend.name
        && list<{ port?: number; name?: string }>(s.spec?.ports).some((p) => ((backend.port?.number ?? 0) > 0 && p.port === backend.port?.number)
          || (p.name ?? '') === (backend.port?.name ?? '')));
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
  if (replacement) out.push(ksObj('stable-version', 'warning', obj, `The apiVersion and kind ${obj.apiVersion}/${obj.kind} is deprecated; use ${replacement}`));
  for (const [key, value] of Object.entries(obj.metadata?.labels ?? {})) {
    if (!KS_LABEL_VALUE.test(String(value))) out.push(ksObj('label-values', 'critical', obj, `Invalid label value for ${key}`));
  }
  return out;
}

function ksObjectChecks(ctx: Ctx, obj: K8sObject): RawFinding[] {
  switch (obj.kind) {
    case 'NetworkPolicy': return ksNetworkPolicyTargetsPod(ctx, obj);
    case 'Service': return ksService(ctx, obj);
    case 'HorizontalPodAutoscaler': return ksHpa(ctx, obj);
    case 'PodDisruptionBudget': return ksPdb(obj);
    case 'Ingress': return ksIngress(ctx, obj);
    default: return [];
  }
}

function kubeScore(ctx: Ctx): RawFinding[] {
  return [
    ...ctx.objects.flatMap((o) => [...ksMeta(o), ...ksObjectChecks(ctx, o)]),
    ...ksWorkloads(ctx).flatMap((w) => [...ksPodChecks(ctx, w), ...ksControllerChecks(ctx, w)]),
  ];
}

// =============================================================================================
// 2b. Polaris 10.x (checks and severities of pkg/config/default.yaml)
// =============================================================================================

const PO: Tool = 'polaris';

const POLARIS_SEVERITY: Record<string, Severity> = {
  deploymentMissingReplicas: 'warning', priorityClassNotSet: 'warning', tagNotSpecified: 'danger',
  pullPolicyNotAlways: 'warning', readinessProbeMissing: 'warning', livenessProbeMissing: 'warning',
  metadataAndInstanceMismatched: 'warning', pdbDisruptionsIsZero: 'warning', missingPodDisruptionBudget: 'warning',
  topologySpreadConstraint: 'warning', hpaMaxAvailability: 'warning', hpaMinAvailability: 'warning',
  pdbMinAvailableGreaterThanHPAMinReplicas: 'warning',
  cpuRequestsMissing: 'warning', cpuLimitsMissing: 'warning', memoryRequestsMissing: 'warning', memoryLimitsMissing: 'warning',
  automountServiceAccountToken: 'warning', hostIPCSet: 'danger', hostPathSet: 'warning', hostProcess: 'warning',
  hostPIDSet: 'danger', linuxHardening: 'warning', missingNetworkPolicy: 'warning', notReadOnlyRootFilesystem: 'warning',
  privilegeEscalationAllowed: 'danger', procMount: 'warning', runAsRootAllowed: 'danger', runAsPrivileged: 'danger',
  dangerousCapabilities: 'danger', insecureCapabilities: 'warning', hostNetworkSet: 'danger', hostPortSet: 'warning',
  tlsSettingsMissing: 'warning', sensitiveContainerEnvVar: 'danger', sensitiveConfigmapContent: 'danger',
};

/** Controllers Polaris audits (pkg/kube/workload.go): top-level pod-bearing kinds. */
const POLARIS_CONTROLLERS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

function po(check: string, obj: K8sObject, message: string): RawFinding {
  return raw(PO, check, POLARIS_SEVERITY[check], obj, message);
}

type ContainerTest = (c: Container, w: Workload) => boolean;

/** failureMessage of each Polaris `target: Container` check (pkg/config/checks/<id>.yaml). */
const POLARIS_CONTAINER_MESSAGE: Record<string, string> = {
  cpuRequestsMissing: 'CPU requests should be set', cpuLimitsMissing: 'CPU limits should be set',
  memoryRequestsMissing: 'Memory requests should be set', memoryLimitsMissing: 'Memory limits should be set',
  readinessProbeMissing: 'Readiness probe should be configured', livenessProbeMissing: 'Liveness probe should be configured',
  tagNotSpecified: 'Image tag should be specified', pullPolicyNotAlways: 'Image pull policy should be "Always"',
  runAsRootAllowed: 'Should not be allowed to run as root', runAsPrivileged: 'Should not be running as privileged',
  notReadOnlyRootFilesystem: 'Filesystem should be read only', privilegeEscalationAllowed: 'Privilege escalation should not be allowed',
  dangerousCapabilities: 'Container should not have dangerous capabilities', insecureCapabilities: 'Container should not have insecure capabilities',
  linuxHardening: 'Use one of AppArmor, Seccomp, SELinux, or dropping Linux Capabilities to restrict containers using unwanted privileges',
  hostPortSet: 'Host port should not be configured', sensitiveContainerEnvVar: 'The container sets potentially sensitive environment variables',
};

/** A Polaris `target: Container` check; `regularOnly` for `containers: exclude: [initContainer]`. */
function poContainers(w: Workload, check: string, failing: ContainerTest, regularOnly = false): RawFinding[] {
  const containers = regularOnly ? regularContainers(w.pod) : initAndRegular(w.pod);
  return containers.filter((c) => failing(c, w)).map((c) => po(check, w.obj, `container ${c.name}: ${POLARIS_CONTAINER_MESSAGE[check]}`));
}

// Polaris pkg/config/checks/{cpu,memory}{Requests,Limits}Missing.yaml (non-init containers)
function poResources(w: Workload): RawFinding[] {
  const missing = (kind: 'requests' | 'limits', res: string): ContainerTest => (c) => {
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

const CAP_ALL = /^ALL$/i;
const INSECURE_DROP = ['NET_ADMIN', 'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID',
  'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'];

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

const SENSITIVE_NAME = [/^AWS_SECRET_ACCESS_KEY$/i, /^GOOGLE_APPLICATION_CREDENTIALS$/i, /^AZURE_.+KEY$/i,
  /^OCI_CLI_KEY_CONTENT$/i, /password/i, /token/i, /bearer/i, /secret/i];
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
  const fail = (check: string, failing: boolean, message: string): void => { if (failing) out.push(po(check, w.obj, message)); };
  fail('hostNetworkSet', p.hostNetwork === true, 'hostNetwork is set');
  fail('hostPIDSet', p.hostPID === true, 'hostPID is set');
  fail('hostIPCSet', p.hostIPC === true, 'hostIPC is set');
  fail('hostPathSet', list(p.volumes).some((v) => v.hostPath !== undefined), 'HostPath volumes must be forbidden');
  fail('hostProcess', p.securityContext?.windowsOptions?.hostProcess === true
    || regularContainers(p).some((c) => c.securityContext?.windowsOptions?.hostProcess === true), 'Privileged access to the host is disallowed');
  fail('procMount', regularContainers(p).some((c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== 'Default'),
    'Proc mount must not be changed from the default');
  fail('priorityClassNotSet', !p.priorityClassName, 'Priority class should be set');
  fail('topologySpreadConstraint', w.kind !== 'Job' && w.kind !== 'CronJob' && list(p.topologySpreadConstraints).length === 0,
    'Pod should be configured with a valid topology spread constraint');
  return out;
}

// Polaris pkg/config/checks/automountServiceAccountToken.yaml (pod must not be true; unless the pod sets
// false, a ServiceAccount named by serviceAccountName in the namespace must set false)
function poAutomount(ctx: Ctx, w: Workload): RawFinding[] {
  const podValue = w.pod.automountServiceAccountToken;
  if (podValue === false) return [];
  const saOk = podValue !== true && ctx.ofKind('ServiceAccount').some((sa) => sameNamespace(sa, w.obj)
    && nameOf(sa) === (w.pod.serviceAccountName ?? '') && sa.automountServiceAccountToken === false);
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
  const ok = Object.keys(w.labels).length > 0
    && ctx.ofKind('NetworkPolicy').some((np) => sameNamespace(np, w.obj) && poNetpolAccepts(np, w.labels));
  return ok ? [] : [po('missingNetworkPolicy', w.obj, 'A NetworkPolicy should match pod labels and contain applied egress and ingress rules')];
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
  const hasPdb = Object.keys(w.labels).length > 0 && ctx.ofKind('PodDisruptionBudget').some((p) => sameNamespace(p, w.obj)
    && (p.spec === undefined || Object.entries(w.labels).some(([k, v]) => p.spec?.selector?.matchLabels?.[k] === v)));
  if (!hasPdb) out.push(po('missingPodDisruptionBudget', w.obj, 'Should have a PodDisruptionBudget'));
  return [...out, ...poPdbVsHpa(ctx, w)];
}

// Polaris pkg/validator/pdb_hpa_validator.go pdbMinAvailableGreaterThanHPAMinReplicas (fails on `>`
// since PR #1073; PDB and HPA are looked up without a namespace filter, first match wins)
function poPdbVsHpa(ctx: Ctx, w: Workload): RawFinding[] {
  const pdb = ctx.ofKind('PodDisruptionBudget').find((p) => p.spec?.selector
    && Object.entries(p.spec.selector.matchLabels ?? {}).some(([k, v]) => w.labels[k] === v));
  const hpa = ctx.ofKind('HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment'
    && h.spec?.scaleTargetRef?.name === nameOf(w.obj));
  const min = intOrPercent(pdb?.spec?.minAvailable);
  const hpaMin: number | undefined = hpa?.spec?.minReplicas;
  if (!pdb || !hpa || !min || hpaMin === undefined) return [];
  const pdbMin = min.percent ? Math.ceil((min.value * hpaMin) / 100) : min.value;
  return pdbMin > hpaMin ? [po('pdbMinAvailableGreaterThanHPAMinReplicas', w.obj,
    `PDB ${nameOf(pdb)} minAvailable ${pdbMin} is greater than HPA ${nameOf(hpa)} minReplicas ${hpaMin}`)] : [];
}

function poWorkload(ctx: Ctx, w: Workload): RawFinding[] {
  return [
    ...poResources(w), ...poProbes(w), ...poImage(w), ...poContainerSecurity(w), ...poPodSpec(w),
    ...poAutomount(ctx, w), ...poMissingNetworkPolicy(ctx, w), ...poInstanceLabel(w),
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
    case 'PodDisruptionBudget': return poPdb(obj);
    case 'HorizontalPodAutoscaler': return poHpa(obj);
    case 'Ingress': return poIngress(obj);
    case 'ConfigMap': return poConfigMap(obj);
    default: return [];
  }
}

function polaris(ctx: Ctx): RawFinding[] {
  return [
    ...ctx.objects.flatMap(poObject),
    ...ctx.workloads.filter((w) => POLARIS_CONTROLLERS.has(w.kind)).flatMap((w) => poWorkload(ctx, w)),
  ];
}

// =============================================================================================
// 2c. kube-linter (default checks of internal/defaultchecks/default_checks.go)
// =============================================================================================

const KL: Tool = 'kube-linter';

/** objectkinds.DeploymentLike */
const KL_DEPLOYMENT_LIKE = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'DeploymentConfig']);

function kl(check: string, obj: K8sObject, message: string): RawFinding {
  return raw(KL, check, 'critical', obj, message);
}

/** util.PerContainerCheck: regular containers only. */
function klContainers(w: Workload, check: string, test: (c: Container) => string | undefined): RawFinding[] {
  return regularContainers(w.pod).flatMap((c) => {
    const message = test(c);
    return message ? [kl(check, w.obj, message)] : [];
  });
}

// kube-linter pkg/templates/{cpu,memory}requirements (unset-cpu-requirements: request in [0,0];
// unset-memory-requirements: limit in [0,0])
function klRequirements(w: Workload): RawFinding[] {
  return [
    ...klContainers(w, 'unset-cpu-requirements', (c) => (isZeroQuantity(c.resources?.requests?.cpu) ? `container "${c.name}" has cpu request 0` : undefined)),
    ...klContainers(w, 'unset-memory-requirements', (c) => (isZeroQuantity(c.resources?.limits?.memory) ? `container "${c.name}" has memory limit 0` : undefined)),
  ];
}

// kube-linter pkg/builtinchecks/yamls/latest-tag.yaml BlockList
const KL_LATEST_TAG = [/.*:(latest)$/, /^[^:]*$/, /(.*\/[^:]+)$/];

// kube-linter pkg/templates/{readonlyrootfs,privileged,privilegeescalation,latesttag}
function klContainerSecurity(w: Workload): RawFinding[] {
  return [
    ...klContainers(w, 'no-read-only-root-fs', (c) => (c.securityContext?.readOnlyRootFilesystem === true ? undefined : `container "${c.name}" does not have a read-only root file system`)),
    ...klContainers(w, 'privileged-container', (c) => (c.securityContext?.privileged === true ? `container "${c.name}" is privileged` : undefined)),
    ...klContainers(w, 'privilege-escalation-container', klPrivilegeEscalation),
    ...klContainers(w, 'latest-tag', (c) => (KL_LATEST_TAG.some((re) => re.test(c.image ?? '')) ? `container "${c.name}" is using an invalid container image "${c.image}"` : undefined)),
    ...klContainers(w, 'drop-net-raw-capability', klDropNetRaw),
  ];
}

function klPrivilegeEscalation(c: Container): string | undefined {
  const sc = c.securityContext;
  if (!sc) return undefined;
  if (sc.allowPrivilegeEscalation === true) return `container "${c.name}" has AllowPrivilegeEscalation set to true`;
  if (sc.privileged === true) return `container "${c.name}" is Privileged hence allows privilege escalation`;
  return list(sc.capabilities?.add).includes('SYS_ADMIN') ? `container "${c.name}" has SYS_ADMIN capability` : undefined;
}

// kube-linter pkg/templates/containercapabilities (forbiddenCapabilities: [NET_RAW]); only
// evaluated when securityContext.capabilities is present
function klDropNetRaw(c: Container): string | undefined {
  const caps = c.securityContext?.capabilities;
  if (!caps) return undefined;
  const forbidden = (cap: string): boolean => /NET_RAW/.test(cap) || CAP_ALL.test(cap);
  if (list(caps.add).some(forbidden)) return `container "${c.name}" adds capability NET_RAW`;
  return list(caps.drop).some(forbidden) ? undefined : `container "${c.name}" does not drop capability NET_RAW`;
}

/** kube-linter effective runAsUser/runAsGroup/runAsNonRoot: container value, else pod value. */
function klEffective<K extends 'runAsUser' | 'runAsGroup' | 'runAsNonRoot'>(w: Workload, c: Container, key: K): SecurityContext[K] {
  const own = c.securityContext?.[key];
  return own !== undefined ? own : (w.pod.securityContext?.[key] as SecurityContext[K]);
}

// kube-linter pkg/templates/runasnonroot (AllContainers; explicit runAsGroup 0 flagged since PR #1178)
function klRunAsNonRoot(w: Workload): RawFinding[] {
  return initAndRegular(w.pod).flatMap((c) => {
    const user = klEffective(w, c, 'runAsUser');
    const out: string[] = [];
    if (klEffective(w, c, 'runAsGroup') === 0) out.push(`container "${c.name}" has runAsGroup set to 0`);
    if (user === undefined || user <= 0) {
      if (klEffective(w, c, 'runAsNonRoot') !== true) out.push(`container "${c.name}" is not set to runAsNonRoot`);
      else if (user === 0) out.push(`container "${c.name}" is set to runAsNonRoot, but runAsUser set to 0`);
    }
    return out.map((m) => kl('run-as-non-root', w.obj, m));
  });
}

/** util.CheckProbePort: TCP (or unspecified protocol) ports by number or name. */
function klProbePortProblem(c: Container, probe: Probe | undefined): string | undefined {
  if (!probe) return undefined;
  const exposed = new Set<PortRef>();
  for (const p of list(c.ports).filter((port) => !port.protocol || port.protocol === 'TCP')) {
    exposed.add(p.containerPort ?? 0);
    exposed.add(p.name ?? '');
  }
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  if (port === undefined || exposed.has(port)) return undefined;
  return `container "${c.name}" does not expose port ${port}`;
}

// kube-linter pkg/templates/{liveness,readiness,startup}port
function klProbePorts(w: Workload): RawFinding[] {
  return [
    ...klContainers(w, 'liveness-port', (c) => klProbePortProblem(c, c.livenessProbe)),
    ...klContainers(w, 'readiness-port', (c) => klProbePortProblem(c, c.readinessProbe)),
    ...klContainers(w, 'startup-port', (c) => klProbePortProblem(c, c.startupProbe)),
  ];
}

// kube-linter pkg/templates/envvar (env-var-secret: name (?i).*secret.*, value .+) and duplicatenvvar
function klEnv(w: Workload): RawFinding[] {
  return [
    ...klContainers(w, 'env-var-secret', (c) => {
      const hit = list(c.env).find((e) => /secret/i.test(e.name) && /.+/.test(e.value ?? ''));
      return hit ? `environment variable ${hit.name} in container "${c.name}" found` : undefined;
    }),
    ...regularContainers(w.pod).flatMap((c) => {
      const names = list(c.env).map((e) => e.name);
      const dups = names.filter((n, i) => names.indexOf(n) !== i && names.indexOf(n, i + 1) === -1);
      return dups.map((n) => kl('duplicate-env-var', w.obj, `Duplicate environment variable ${n} in container "${c.name}" found`));
    }),
  ];
}

// kube-linter pkg/builtinchecks/yamls/sensitive-host-mounts.yaml and docker-sock.yaml (host-mounts template)
const KL_SENSITIVE_DIRS = [/^\/$/, /^\/boot$/, /^\/dev$/, /^\/etc$/, /^\/lib$/, /^\/proc$/, /^\/sys$/, /^\/usr$/];

function klHostMounts(w: Workload, check: string, dirs: RegExp[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of list(w.pod.volumes).filter((vol) => vol.hostPath)) {
    const path = v.hostPath?.path ?? '';
    if (!dirs.some((re) => re.test(path))) continue;
    for (const c of initAndRegular(w.pod).filter((ct) => list(ct.volumeMounts).some((m) => m.name === v.name))) {
      out.push(kl(check, w.obj, `host system directory "${path}" is mounted on container "${c.name}"`));
    }
  }
  return out;
}

// kube-linter pkg/builtinchecks/yamls/sysctls.yaml (unsafe-sysctls, prefix match)
const KL_UNSAFE_SYSCTLS = ['kernel.msg', 'kernel.sem', 'kernel.shm', 'fs.mqueue.', 'net.'];

// kube-linter pkg/templates/{hostnetwork,hostpid,hostipc,sysctl,ports,deprecatedserviceaccount}
function klPod(w: Workload): RawFinding[] {
  const p = w.pod;
  const out: RawFinding[] = [];
  if (p.hostNetwork === true) out.push(kl('host-network', w.obj, "resource shares host's network namespace (via hostNetwork=true)"));
  if (p.hostPID === true) out.push(kl('host-pid', w.obj, "resource shares host's process namespace (via hostPID=true)"));
  if (p.hostIPC === true) out.push(kl('host-ipc', w.obj, "resource shares host's IPC namespace (via hostIPC=true)"));
  for (const s of list(p.securityContext?.sysctls)) {
    for (const prefix of KL_UNSAFE_SYSCTLS.filter((u) => s.name.startsWith(u))) {
      out.push(kl('unsafe-sysctls', w.obj, `resource specifies unsafe sysctl "${s.name}" (prefix ${prefix})`));
    }
  }
  if (p.serviceAccount) out.push(kl('deprecated-service-account-field', w.obj, `serviceAccount is specified (${p.serviceAccount}); use serviceAccountName`));
  return [
    ...out,
    ...klContainers(w, 'ssh-port', (c) => (list(c.ports).some((port) => port.containerPort === 22 && (port.protocol ?? 'TCP') === 'TCP')
      ? `port 22 and protocol TCP in container "${c.name}" found` : undefined)),
  ];
}

// k8s.io/apimachinery/pkg/util/validation IsValidPortName (IANA service name)
function validPortName(name: string): boolean {
  return name.length >= 1 && name.length <= 15 && /^[-a-z0-9]+$/.test(name) && /[a-z]/.test(name)
    && !name.startsWith('-') && !name.endsWith('-') && !name.includes('--');
}

// kube-linter pkg/templates/targetport (invalid-target-ports) for pods
function klInvalidPodPorts(w: Workload): RawFinding[] {
  return initAndRegular(w.pod).flatMap((c) => list(c.ports).filter((p) => p.name && !validPortName(p.name))
    .map((p) => kl('invalid-target-ports', w.obj, `port name "${p.name}" in container "${c.name}" is not a valid IANA service name`)));
}

// kube-linter pkg/templates/mismatchingselector
function klMismatchingSelector(w: Workload): RawFinding[] {
  if (w.kind === 'Pod') return [];
  const selector: LabelSelector | undefined = w.kind === 'CronJob' ? w.obj.spec?.jobTemplate?.spec?.selector : w.obj.spec?.selector;
  const empty = !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && list(selector.matchExpressions).length === 0);
  if (empty) return w.kind === 'Job' || w.kind === 'CronJob' ? [] : [kl('mismatching-selector', w.obj, 'object has no selector specified')];
  return selectorMatches(selector, w.labels) ? [] : [kl('mismatching-selector', w.obj, 'labels in pod spec do not match labels in selector')];
}

/** extract.Replicas: a nil replicas pointer counts as 1; kinds without replicas have none. */
function klReplicas(w: Workload): number | undefined {
  if (!['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'DeploymentConfig'].includes(w.kind)) return undefined;
  return typeof w.obj.spec?.replicas === 'number' ? w.obj.spec.replicas : 1;
}

// kube-linter pkg/templates/antiaffinity (no-anti-affinity: minReplicas 2, topologyKey kubernetes.io/hostname)
function klAntiAffinity(w: Workload): RawFinding[] {
  const replicas = klReplicas(w);
  if (replicas === undefined || replicas < 2) return [];
  const anti = w.pod.affinity?.podAntiAffinity;
  const terms = [
    ...list(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((t) => t.podAffinityTerm ?? {}),
    ...list(anti?.requiredDuringSchedulingIgnoredDuringExecution),
  ];
  const podNs = w.template.metadata?.namespace ?? '';
  const ok = terms.some((t) => (list(t.namespaces).length === 0 || list(t.namespaces).includes(podNs))
    && t.topologyKey === 'kubernetes.io/hostname' && selectorMatches(t.labelSelector, w.labels));
  return ok ? [] : [kl('no-anti-affinity', w.obj, `object has ${replicas} replicas but does not specify inter pod anti-affinity`)];
}

// kube-linter pkg/templates/nonexistentserviceaccount
function klServiceAccount(ctx: Ctx, w: Workload): RawFinding[] {
  const sa = w.pod.serviceAccountName || w.pod.serviceAccount || '';
  if (sa === '' || sa === 'default') return [];
  const exists = ctx.objects.some((o) => o.apiVersion === 'v1' && o.kind === 'ServiceAccount' && sameNamespace(o, w.obj) && nameOf(o) === sa);
  return exists ? [] : [kl('non-existent-service-account', w.obj, `serviceAccount "${sa}" not found`)];
}

// kube-linter pkg/templates/jobttlsecondsafterfinished. Not in the default_checks.go revision read
// (it predates PR #964), but kube-linter releases since mid-2025 report it without configuration
// (konflux-ci/konflux-ci#2532, kubernetes-sigs/node-feature-discovery#2401).
function klJobTtl(w: Workload): RawFinding[] {
  if (w.kind === 'Job' && w.obj.spec?.ttlSecondsAfterFinished === undefined) {
    return [kl('job-ttl-seconds-after-finished', w.obj, 'Standalone Job does not specify ttlSecondsAfterFinished')];
  }
  if (w.kind === 'CronJob' && w.obj.spec?.jobTemplate?.spec?.ttlSecondsAfterFinished !== undefined) {
    return [kl('job-ttl-seconds-after-finished', w.obj, 'Managed Job specifies ttlSecondsAfterFinished')];
  }
  return [];
}

function klWorkload(ctx: Ctx, w: Workload): RawFinding[] {
  return [
    ...klRequirements(w), ...klContainerSecurity(w), ...klRunAsNonRoot(w), ...klProbePorts(w), ...klEnv(w),
    ...klHostMounts(w, 'sensitive-host-mounts', KL_SENSITIVE_DIRS), ...klHostMounts(w, 'docker-sock', [/docker.sock$/]),
    ...klPod(w), ...klInvalidPodPorts(w), ...klMismatchingSelector(w), ...klAntiAffinity(w),
    ...klServiceAccount(ctx, w), ...klJobTtl(w),
  ];
}

// kube-linter pkg/templates/danglingservice and targetport (Service side)
function klService(ctx: Ctx, svc: K8sObject): RawFinding[] {
  const out: RawFinding[] = [];
  for (const p of list<{ targetPort?: PortRef }>(svc.spec?.ports)) {
    const t = p.targetPort;
    const bad = typeof t === 'string' ? !validPortName(t) : typeof t === 'number' && t !== 0 && (t < 1 || t > 65535);
    if (bad) out.push(kl('invalid-target-ports', svc, `port targetPort "${t}" in service "${nameOf(svc)}" is invalid`));
  }
  if (svc.spec?.type === 'ExternalName') return out;
  const selector: Labels | undefined = svc.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [...out, kl('dangling-service', svc, 'service has no selector specified')];
  const hit = ctx.workloads.some((w) => sameNamespace(w.obj, svc) && mapSelectorMatches(selector, w.labels));
  return hit ? out : [...out, kl('dangling-service', svc, `no pods found matching service labels (${JSON.stringify(selector)})`)];
}

/** HPA minReplicas for a deployment-like, used by pdb-min-available when replicas resolve to 1. */
function klHpaMin(ctx: Ctx, w: Workload): number | undefined {
  const hpa = ctx.ofKind('HorizontalPodAutoscaler').find((h) => sameNamespace(h, w.obj) && h.spec?.scaleTargetRef?.name === nameOf(w.obj));
  return hpa?.spec?.minReplicas;
}

// kube-linter pkg/templates/pdbminavailable
function klPdbMinAvailable(ctx: Ctx, pdb: K8sObject): RawFinding[] {
  if (pdb.spec?.minAvailable === undefined) return [];
  const min = intOrPercent(pdb.spec.minAvailable);
  if (!min) return [kl('pdb-min-available', pdb, 'PDB has invalid MinAvailable value')];
  if (min.percent && min.value === 100) return [kl('pdb-min-available', pdb, 'PDB has minimum available replicas set to 100 percent of replicas')];
  return ctx.workloads
    .filter((w) => KL_DEPLOYMENT_LIKE.has(w.kind) && sameNamespace(w.obj, pdb) && w.obj.spec?.selector)
    .filter((w) => selectorMatches(pdb.spec.selector, w.obj.spec.selector.matchLabels ?? {}))
    .flatMap((w) => {
      let replicas = klReplicas(w) ?? 0;
      if (replicas === 1) replicas = klHpaMin(ctx, w) ?? replicas;
      const required = min.percent ? Math.ceil((replicas * min.value) / 100) : min.value;
      return replicas <= required ? [kl('pdb-min-available', pdb,
        `The current number of replicas for deployment ${nameOf(w.obj)} is equal to or lower than the minimum number of replicas specified by its PDB.`)] : [];
    });
}

// kube-linter pkg/templates/pdbmaxunavailable and pdbunhealthypodevictionpolicy
function klPdb(ctx: Ctx, pdb: K8sObject): RawFinding[] {
  const out = klPdbMinAvailable(ctx, pdb);
  const max = pdb.spec?.maxUnavailable;
  if (max !== undefined) {
    const parsed = intOrPercent(max);
    if (!parsed || parsed.value === 0) out.push(kl('pdb-max-unavailable', pdb, parsed ? 'MaxUnavailable is set to 0' : `maxUnavailable has invalid value [${max}]`));
  }
  if (pdb.spec?.unhealthyPodEvictionPolicy === undefined) out.push(kl('pdb-unhealthy-pod-eviction-policy', pdb, 'unhealthyPodEvictionPolicy is not explicitly set'));
  return out;
}

// kube-linter pkg/builtinchecks/yamls/no-extensions-v1beta.yaml (disallowed-api-obj)
function klApiVersion(obj: K8sObject): RawFinding[] {
  return /^extensions\/v1beta.+/.test(obj.apiVersion ?? '') ? [kl('no-extensions-v1beta', obj, `disallowed API object found: ${obj.apiVersion}/${obj.kind}`)] : [];
}

function kubeLinter(ctx: Ctx): RawFinding[] {
  return [
    ...ctx.objects.flatMap(klApiVersion),
    ...ctx.ofKind('Service').flatMap((s) => klService(ctx, s)),
    ...ctx.ofKind('PodDisruptionBudget').flatMap((p) => klPdb(ctx, p)),
    ...ctx.workloads.filter((w) => KL_DEPLOYMENT_LIKE.has(w.kind)).flatMap((w) => klWorkload(ctx, w)),
  ];
}

// =============================================================================================
// Opt-out annotations and entry point
// =============================================================================================

// kube-score scorecard/scorecard.go (ignoredChecksAnnotation, impliedIgnoreAnnotations)
function kubeScoreIgnores(f: RawFinding): boolean {
  const ids = [f.annotations['kube-score/ignore'], f.templateAnnotations['kube-score/ignore']]
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(',').map((s) => s.trim()));
  if (ids.includes('container-resources')) ids.push('container-ephemeral-storage-request-and-limit');
  return ids.includes(f.check);
}

// Polaris pkg/validator/schema.go hasExemptionAnnotation
function polarisExempts(f: RawFinding): boolean {
  const isTrue = (v: string | undefined): boolean => (v ?? '').toLowerCase() === 'true';
  return isTrue(f.annotations['polaris.fairwinds.com/exempt']) || isTrue(f.annotations[`polaris.fairwinds.com/${f.check}-exempt`]);
}

// kube-linter docs/configuring-kubelinter.md (ignore-check.kube-linter.io/<check>, kube-linter.io/ignore-all)
function kubeLinterIgnores(f: RawFinding): boolean {
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(f.annotations, k);
  return has(`ignore-check.kube-linter.io/${f.check}`) || has('kube-linter.io/ignore-all');
}

function isOptedOut(f: RawFinding): boolean {
  switch (f.tool) {
    case 'kube-score': return kubeScoreIgnores(f);
    case 'polaris': return polarisExempts(f);
    default: return kubeLinterIgnores(f);
  }
}

/**
 * Runs the default checks of kube-score, Polaris and kube-linter over a set of objects, the way
 * `kube-score score`, `polaris audit --audit-path` and `kube-linter lint` would on the same
 * manifests with no configuration. Cross-object checks (Service/NetworkPolicy/PDB/HPA/Ingress
 * selecting or targeting workloads, ServiceAccounts existing) look at the whole list.
 *
 * @param objects synthesized objects (plain JSON); non-objects are ignored.
 * @returns one finding per failed check, container or comment; `[]` when everything passes.
 */
export function lintFindings(objects: any[]): Finding[] {
  const ctx = buildCtx(objects);
  return [...kubeScore(ctx), ...polaris(ctx), ...kubeLinter(ctx)]
    .filter((f) => !isOptedOut(f))
    .map(({ tool, check, severity, object, message }) => ({ tool, check, severity, object, message }));
}
