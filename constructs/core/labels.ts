import { imageVersionLabel } from './names';

/**
 * Label that selects a workload's pods. It is keyed to the object name, which
 * Kubernetes already makes unique per namespace, rather than to the construct
 * path: selectors are immutable, and a path changes whenever code is refactored.
 */
const SELECTOR_LABEL = 'pyservice.dev/workload';

/** The selector labels of the workload called `name`. */
export function selectorLabels(name: string): Record<string, string> {
  return { [SELECTOR_LABEL]: name };
}

/** The recommended label that names the release: it changes with every image tag. */
const VERSION_LABEL = 'app.kubernetes.io/version';

/**
 * `labels` without the ones that change every release, for a field the API
 * server never lets change: a StatefulSet's `volumeClaimTemplates`
 * (ValidateStatefulSetUpdate in kubernetes pkg/apis/apps/validation refuses any
 * update of the spec but its replicas, ordinals, template, updateStrategy,
 * revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds).
 */
export function releaseIndependentLabels(labels: Record<string, string>): Record<string, string> {
  const { [VERSION_LABEL]: _version, ...rest } = labels;
  return rest;
}

/** What the recommended labels describe. */
export interface WorkloadLabelInput {
  readonly name: string;
  /** Role in the application: web, worker, migration, job. */
  readonly component: string;
  readonly image: string;
  readonly partOf?: string;
}

/**
 * The recommended `app.kubernetes.io/*` labels
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).
 * They are for people and tools, never for selectors: the version changes every release.
 */
export function workloadLabels(input: WorkloadLabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': input.name,
    'app.kubernetes.io/instance': input.name,
    'app.kubernetes.io/component': input.component,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
  const version = imageVersionLabel(input.image);
  if (version) labels[VERSION_LABEL] = version;
  if (input.partOf) labels['app.kubernetes.io/part-of'] = input.partOf;
  return labels;
}
