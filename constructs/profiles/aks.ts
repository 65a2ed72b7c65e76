import { Exposure } from '../exposure';
import { PropIssue } from '../validation';
import { ICloudProfile, ProfileInput, ProfileOutput, neutralOutput } from './profile';

/** Options of the Azure AKS profile. */
export interface AksProfileOptions {
  /**
   * Client ID of the managed identity or Entra application the pods act as
   * through Azure Workload Identity.
   * @default - no Azure identity
   */
  readonly clientId?: string;
  /**
   * Tenant of the identity.
   * @default - the tenant the workload identity webhook is configured with
   */
  readonly tenantId?: string;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Annotation prefix of cloud-provider-azure (site/content/en/topics/loadbalancer.md). */
const AZ = 'service.beta.kubernetes.io/azure-load-balancer-';

/**
 * Seconds for the Azure load balancer to mark a terminating pod's node path
 * down: probes every 5 s, two failures (the cloud-provider defaults).
 */
const LB_DRAIN_SECONDS = 15;

/**
 * Azure AKS: Azure Workload Identity (client-id annotation on the
 * ServiceAccount, `azure.workload.identity/use` label on the pod), and
 * cloud-provider-azure annotations for internal exposure and an HTTP health
 * probe on the readiness path.
 */
export class AksProfile implements ICloudProfile {
  public readonly cloud = 'aks';

  public constructor(private readonly options: AksProfileOptions = {}) {}

  public bind(input: ProfileInput): ProfileOutput {
    const out = neutralOutput(input);
    const issues: PropIssue[] = [];
    const sa: Record<string, string> = {};
    const podLabels: Record<string, string> = {};
    const { clientId, tenantId } = this.options;
    for (const [prop, value] of [['profile.clientId', clientId], ['profile.tenantId', tenantId]] as const) {
      if (value !== undefined && (typeof value !== 'string' || !GUID.test(value))) {
        issues.push({
          prop, rule: 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)', received: value,
          fix: 'Copy it from `az identity show --query clientId` (or tenantId).',
        });
      }
    }
    if (tenantId !== undefined && clientId === undefined) {
      issues.push({ prop: 'profile.tenantId', rule: 'needs profile.clientId (a tenant alone names no identity)', received: tenantId, fix: 'Set profile.clientId too.' });
    }
    if (clientId !== undefined) {
      sa['azure.workload.identity/client-id'] = clientId;
      if (tenantId !== undefined) sa['azure.workload.identity/tenant-id'] = tenantId;
      // The webhook mutates only pods that carry this label (azure-workload-identity >= v1.0.0).
      podLabels['azure.workload.identity/use'] = 'true';
    }

    if (input.exposure === Exposure.CLUSTER || !input.health) {
      return { ...out, issues, serviceAccountAnnotations: sa, podLabels };
    }
    const hc = input.health;
    const serviceAnnotations: Record<string, string> = {
      // With appProtocol http on the port (Kubernetes >= 1.24) the probe is HTTP; this sets its path.
      [`${AZ}health-probe-request-path`]: hc.path,
      // interval >= 5, probes >= 2, and interval x probes < 120 (cloud-provider-azure).
      [`${AZ}health-probe-interval`]: String(Math.max(5, Math.min(hc.intervalSeconds, 59))),
      [`${AZ}health-probe-num-of-probe`]: String(Math.max(2, Math.min(hc.unhealthyThreshold, 23))),
    };
    if (input.exposure === Exposure.INTERNAL) serviceAnnotations[`${AZ}internal`] = 'true';
    return { ...out, issues, serviceAccountAnnotations: sa, podLabels, serviceAnnotations, drainSeconds: LB_DRAIN_SECONDS };
  }
}
