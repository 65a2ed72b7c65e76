/**
 * Names every approach shares. No imports: the peers load this without
 * loading the library.
 */

/** The clouds, in the order every approach renders them. */
export const CLOUDS = ['eks', 'gke', 'aks'] as const;
export type Cloud = (typeof CLOUDS)[number];

/** Namespace of every benchmark object. */
export const NAMESPACE = 'bench';

/** The Azure tenant of every service. */
export const AZURE_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** Kinds each service yields. */
export const KINDS_PER_SERVICE = [
  'ServiceAccount',
  'ConfigMap',
  'Deployment',
  'Service',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
] as const;

/** `svc-0007`: sortable, a valid DNS label and short enough for a Google service account id. */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** A stable GUID per service, for the Azure client id. */
export function azureClientId(i: number): string {
  return `5b0c3a6e-4f7d-4c1a-9a53-${i.toString(16).padStart(12, '0')}`;
}
