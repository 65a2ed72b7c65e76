import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../../constructs/core/validation';

import { ManifestField } from '../manifest';

export type { ManifestField };

/** A Kubernetes object as cdk8s renders it. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: ManifestField };
  readonly [field: string]: ManifestField;
}

/** A typed @pulumi/kubernetes resource class; each takes its own args type, all of which a manifest satisfies. */
type Constructor = new (name: string, args: ManifestField, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** How one built-in kind is registered: its typed resource and the top-level fields that resource sends. */
export interface TypedKind {
  readonly resource: Constructor;
  /** Top-level fields the typed resource passes on; anything else it would silently drop. */
  readonly fields: readonly string[];
}

const SPEC = ['metadata', 'spec'] as const;

/**
 * Built-in kinds, by `apiVersion/kind`, registered as their typed
 * @pulumi/kubernetes resources so `pulumi preview` names each one
 * (`kubernetes:apps/v1:Deployment`, ...). Any other kind is registered as
 * `apiextensions.CustomResource`.
 */
export const TYPED_KINDS: Readonly<Record<string, TypedKind>> = {
  'v1/Namespace': { resource: k8s.core.v1.Namespace, fields: SPEC },
  'v1/ServiceAccount': {
    resource: k8s.core.v1.ServiceAccount,
    fields: ['metadata', 'automountServiceAccountToken', 'imagePullSecrets', 'secrets'],
  },
  'v1/ConfigMap': { resource: k8s.core.v1.ConfigMap, fields: ['metadata', 'data', 'binaryData', 'immutable'] },
  'v1/Secret': { resource: k8s.core.v1.Secret, fields: ['metadata', 'data', 'stringData', 'type', 'immutable'] },
  'v1/Service': { resource: k8s.core.v1.Service, fields: SPEC },
  'v1/PersistentVolumeClaim': { resource: k8s.core.v1.PersistentVolumeClaim, fields: SPEC },
  'apps/v1/Deployment': { resource: k8s.apps.v1.Deployment, fields: SPEC },
  'apps/v1/StatefulSet': { resource: k8s.apps.v1.StatefulSet, fields: SPEC },
  'apps/v1/DaemonSet': { resource: k8s.apps.v1.DaemonSet, fields: SPEC },
  'autoscaling/v2/HorizontalPodAutoscaler': { resource: k8s.autoscaling.v2.HorizontalPodAutoscaler, fields: SPEC },
  'policy/v1/PodDisruptionBudget': { resource: k8s.policy.v1.PodDisruptionBudget, fields: SPEC },
  'networking.k8s.io/v1/NetworkPolicy': { resource: k8s.networking.v1.NetworkPolicy, fields: SPEC },
  'networking.k8s.io/v1/Ingress': { resource: k8s.networking.v1.Ingress, fields: SPEC },
  'batch/v1/Job': { resource: k8s.batch.v1.Job, fields: SPEC },
  'batch/v1/CronJob': { resource: k8s.batch.v1.CronJob, fields: SPEC },
  'scheduling.k8s.io/v1/PriorityClass': {
    resource: k8s.scheduling.v1.PriorityClass,
    fields: ['metadata', 'value', 'description', 'globalDefault', 'preemptionPolicy'],
  },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { resource: k8s.apiextensions.v1.CustomResourceDefinition, fields: SPEC },
};

/** `apiVersion/kind`, the key of {@link TYPED_KINDS}. */
function kindKey(manifest: Pick<Manifest, 'apiVersion' | 'kind'>): string {
  return `${manifest.apiVersion}/${manifest.kind}`;
}

/** The API group of an apiVersion: `''` for the core group. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Registers one object as a Pulumi resource: its typed resource when the kind
 * is built in, a `CustomResource` otherwise. The manifest is passed whole
 * (metadata.name included, so Pulumi does not auto-name it).
 */
export function registerManifest(name: string, manifest: Manifest, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const typed = TYPED_KINDS[kindKey(manifest)];
  if (!typed) return new k8s.apiextensions.CustomResource(name, manifest as k8s.apiextensions.CustomResourceArgs, opts);
  const dropped = Object.keys(manifest).filter((f) => f !== 'apiVersion' && f !== 'kind' && !typed.fields.includes(f));
  if (dropped.length > 0) {
    // Registering it anyway would deploy something other than what cdk8s synthesizes.
    throw ValidationError.fromIssues(`${manifest.kind} '${manifest.metadata.name}' cannot be registered as a typed resource:`, [
      {
        prop: 'fields',
        rule: `must all be taken by the typed ${kindKey(manifest)} resource`,
        received: dropped,
        fix: 'Add them to its entry in TYPED_KINDS (src/pulumi/kinds.ts).',
      },
    ]);
  }
  return new typed.resource(name, manifest, opts);
}
