/**
 * Changes the API server refuses on an object that already exists, so that a
 * diff says so before the delivery engine fails on them. Rules modelled on
 * kubernetes pkg/apis/apps/validation (ValidateStatefulSetUpdate) and
 * pkg/apis/core/validation (ValidatePersistentVolumeClaimUpdate).
 */
import { FieldChange } from './fields';

/** An object's identity, as the diff reads it. */
interface Identity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/** For one kind: the spec fields an update may change, and what a user does instead of changing the others. */
interface Rule {
  readonly mutable: ReadonlySet<string>;
  readonly fix: (o: Identity) => string;
}

const namespaceFlag = (o: Identity) => (o.metadata.namespace ? ` --namespace ${o.metadata.namespace}` : '');

/**
 * The fields of a StatefulSet's spec an update may change: "updates to statefulset spec for fields other than
 * 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy'
 * and 'minReadySeconds' are forbidden".
 */
export const STATEFUL_SET_MUTABLE_FIELDS: ReadonlySet<string> = new Set([
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
]);

const RULES: Readonly<Record<string, Rule>> = {
  'apps/StatefulSet': {
    mutable: STATEFUL_SET_MUTABLE_FIELDS,
    fix: (o) =>
      `Before the sync, run \`kubectl delete statefulset ${o.metadata.name}${namespaceFlag(o)} --cascade=orphan\`: ` +
      'its pods and claims stay, and the set the sync creates adopts them. Claims made from a changed template keep ' +
      'their old spec: grow each with `kubectl edit pvc` (its StorageClass must allow volume expansion).',
  },
  // "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims".
  '/PersistentVolumeClaim': {
    mutable: new Set(['resources', 'volumeAttributesClassName']),
    fix: () => 'Keep the claim as it is and give the new one another name (its data stays in the old one), or copy the data yourself.',
  },
};

/** The spec fields of `changes` that the API server refuses to change on an existing object. */
function refusedFields(rule: Rule, changes: readonly FieldChange[]): string[] {
  const top = changes.map((c) => /^spec\.([A-Za-z]+)/.exec(c.path)?.[1]).filter((f): f is string => f !== undefined);
  return [...new Set(top.filter((f) => !rule.mutable.has(f)))].sort();
}

/**
 * A sentence, when the API server refuses to update `before` with these
 * changes: what it refuses and how to deliver the change anyway.
 */
export function refusedUpdate(before: Identity, changes: readonly FieldChange[]): string | undefined {
  const group = before.apiVersion.includes('/') ? before.apiVersion.split('/')[0] : '';
  const rule = RULES[`${group}/${before.kind}`];
  const fields = rule ? refusedFields(rule, changes) : [];
  if (!rule || fields.length === 0) return undefined;
  const list = fields.map((f) => `spec.${f}`).join(', ');
  return `the API server refuses to change ${list} of an existing ${before.kind}, so the sync fails. ${rule.fix(before)}`;
}
