/** Shared types and helpers of the policy checks: findings, label selectors, quantities, pod-bearing objects, the linter context. */

import type { Container, K8sObject, Labels, LabelSelector, LabelSelectorRequirement, PodSpec, PodTemplate } from './k8s';

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
// Generic helpers
// ---------------------------------------------------------------------------------------------

export function asObject(value: unknown): K8sObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as K8sObject) : undefined;
}

export function nameOf(obj: K8sObject): string {
  return obj.metadata?.name ?? '';
}

function namespaceOf(obj: K8sObject): string {
  return obj.metadata?.namespace ?? '';
}

function refOf(obj: K8sObject): string {
  const ns = namespaceOf(obj);
  return ns ? `${obj.kind}/${ns}/${nameOf(obj)}` : `${obj.kind}/${nameOf(obj)}`;
}

export function apiGroup(obj: K8sObject): string {
  const apiVersion = obj.apiVersion ?? '';
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

export function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

export function sameNamespace(a: K8sObject, b: K8sObject): boolean {
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
export function selectorMatches(sel: LabelSelector | undefined, labels: Labels | undefined): boolean {
  if (!sel) return false;
  const set = labels ?? {};
  const byLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => set[k] === v);
  return byLabels && list(sel.matchExpressions).every((req) => requirementMatches(req, set));
}

/** A Service-style `map[string]string` selector (an empty one selects everything). */
export function mapSelectorMatches(sel: Labels | undefined, labels: Labels | undefined): boolean {
  return selectorMatches({ matchLabels: sel ?? {} }, labels);
}

const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** resource.Quantity as a number; undefined when absent or unparsable. */
function quantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(value.trim());
  return m ? Number(m[1]) * QUANTITY_SUFFIX[m[2] ?? ''] : undefined;
}

/** Quantity.IsZero() on a possibly missing entry (a missing quantity is the zero value). */
export function isZeroQuantity(value: unknown): boolean {
  const q = quantity(value);
  return q === undefined || q === 0;
}

/** intstr.IntOrString with a percentage: `{ value, percent }`, or undefined when invalid. */
export function intOrPercent(value: unknown): { value: number; percent: boolean } | undefined {
  if (typeof value === 'number') return { value, percent: false };
  if (typeof value !== 'string') return undefined;
  const pct = /^(-?\d+)%$/.exec(value);
  if (pct) return { value: Number(pct[1]), percent: true };
  return /^-?\d+$/.test(value) ? { value: Number(value), percent: false } : undefined;
}

/** PSS appArmorProfile and Polaris linuxHardening both read this per-container annotation prefix. */
export const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/** A capability name meaning every capability (Polaris and kube-linter match it case-insensitively). */
export const CAP_ALL = /^ALL$/i;

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
export interface Workload {
  obj: K8sObject;
  kind: string;
  ref: string;
  template: PodTemplate;
  pod: PodSpec;
  /** Pod template labels. */
  labels: Labels;
}

export function workloadOf(obj: K8sObject): Workload | undefined {
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

export function regularContainers(pod: PodSpec): Container[] {
  return list(pod.containers);
}

/** initContainers then containers, the order kube-score and kube-linter use. */
export function initAndRegular(pod: PodSpec): Container[] {
  return [...list(pod.initContainers), ...list(pod.containers)];
}

/** Every container PodSecurity admission visits (policy/visitor.go: init, regular, ephemeral). */
export function everyContainer(pod: PodSpec): Container[] {
  return [...initAndRegular(pod), ...list(pod.ephemeralContainers)];
}

// =============================================================================================
// 2. Linters
// =============================================================================================

/** A finding before the per-object opt-out annotations are applied. */
export interface RawFinding extends Finding {
  /** Annotations of the object (kube-score also reads the pod template's). */
  annotations: Labels;
  templateAnnotations: Labels;
}

/** All objects, indexed once. */
export interface Ctx {
  objects: K8sObject[];
  workloads: Workload[];
  ofKind: (kind: string) => K8sObject[];
}

export function buildCtx(objects: unknown[]): Ctx {
  const objs = objects.map(asObject).filter((o): o is K8sObject => o !== undefined);
  const workloads = objs.map(workloadOf).filter((w): w is Workload => w !== undefined);
  return { objects: objs, workloads, ofKind: (kind) => objs.filter((o) => o.kind === kind) };
}

export function raw(tool: Tool, check: string, severity: Severity, obj: K8sObject, message: string, template?: PodTemplate): RawFinding {
  return {
    tool,
    check,
    severity,
    object: refOf(obj),
    message,
    annotations: obj.metadata?.annotations ?? {},
    templateAnnotations: template?.metadata?.annotations ?? {},
  };
}
