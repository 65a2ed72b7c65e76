/** Rendered Kubernetes objects as the plan reads them: pods of workloads, selectors, Services. */

/** A rendered object: plain JSON, as the manifests hold it. */
export interface K8sObject {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly spec?: any;
}

/** A container of a pod spec, with the fields the plan reads. */
export interface Container {
  readonly name?: string;
  readonly image?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly env?: any[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly envFrom?: any[];
  readonly volumeMounts?: ReadonlyArray<{ readonly name: string; readonly mountPath: string }>;
  readonly resources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
}

/** The pod template of a workload. */
export interface Pod {
  /** The workload object. */
  readonly object: K8sObject;
  /** Labels of the pod template. */
  readonly labels: Record<string, string>;
  readonly spec: {
    readonly serviceAccountName?: string;
    readonly containers?: readonly Container[];
    readonly initContainers?: readonly Container[];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly volumes?: any[];
  };
}

/** The pod template of a Deployment, StatefulSet, DaemonSet, Job or CronJob; undefined for other kinds. */
export function podOf(o: K8sObject): Pod | undefined {
  const template = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)
    ? o.spec?.template
    : o.kind === 'CronJob'
      ? o.spec?.jobTemplate?.spec?.template
      : undefined;
  if (!template?.spec) return undefined;
  return { object: o, labels: template.metadata?.labels ?? {}, spec: template.spec };
}

/** Whether a label selector (`matchLabels`, `matchExpressions`) selects these labels; an empty selector selects all. */
export function matches(
  selector:
    { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
  return byLabel && byExpression;
}

/** The Services of the pod's namespace whose selector selects its pods. */
export function servicesOf(pod: Pod, objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => {
    const selector: Record<string, string> | undefined = o.spec?.selector;
    return (
      o.kind === 'Service' &&
      o.metadata?.namespace === pod.object.metadata?.namespace &&
      selector !== undefined &&
      Object.keys(selector).length > 0 &&
      Object.entries(selector).every(([k, v]) => pod.labels[k] === v)
    );
  });
}

/** A value as text ('' for undefined). */
export function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}
