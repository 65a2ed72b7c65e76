/** kubectl's rules that the release-history model and the tests apply to labels and pruning. */

/** `kubectl apply --prune`'s default allowlist (kubectl's pkg/util/prune/prune.go). */
export const KUBECTL_PRUNE_KINDS = new Set([
  'ConfigMap',
  'Endpoints',
  'PersistentVolumeClaim',
  'Pod',
  'ReplicationController',
  'Secret',
  'Service',
  'Job',
  'CronJob',
  'Ingress',
  'DaemonSet',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'Namespace',
  'PersistentVolume',
]);

/**
 * Whether `labels` match a label selector (`k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-separated), by
 * rules modelled on k8s.io/apimachinery/pkg/labels: `k!=v` also matches objects without `k`.
 */
export function selectorMatches(selector: string, labels: Record<string, string> = {}): boolean {
  return selector
    .split(',')
    .map((r) => r.trim())
    .every((r) => {
      const m = /^(!?)([^=!]+?)\s*(?:(==|=|!=)\s*(.*))?$/.exec(r);
      if (!m) throw new Error(`unparsable selector requirement '${r}'`);
      const [, not, key, op, value] = m;
      if (!op) return not ? !(key in labels) : key in labels;
      return op === '!=' ? labels[key] !== value : labels[key] === value;
    });
}
