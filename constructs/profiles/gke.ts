import { formatCpu, formatMemory, MiB } from '../quantity';
import { Exposure } from '../exposure';
import { ResourceSpec } from '../resources';
import { PropIssue } from '../validation';
import { ICloudProfile, ProfileInput, ProfileOutput, neutralOutput } from './profile';

/** Options of the Google GKE profile. */
export interface GkeProfileOptions {
  /**
   * Google service account the pods act as through Workload Identity Federation for GKE.
   * @default - no Google identity (or grant IAM roles to the Kubernetes ServiceAccount principal directly)
   */
  readonly serviceAccount?: string;
  /**
   * The cluster is GKE Autopilot: requests and limits are adjusted to
   * Autopilot's rules at synth time, with a warning for each change.
   * @default false
   */
  readonly autopilot?: boolean;
  /**
   * The Autopilot cluster supports pod bursting (control plane 1.30.2-gke.1394000
   * or later): lower minimums and no 250m CPU steps.
   * @default true
   */
  readonly autopilotBursting?: boolean;
}

// Service account emails: <6-30 char id>@<project>.iam.gserviceaccount.com
// (https://cloud.google.com/iam/reference/rest/v1/projects.serviceAccounts/create).
const GSA_EMAIL = /^[a-z]([-a-z0-9]{4,28}[a-z0-9])@[a-z][-a-z0-9.:]{4,61}[a-z0-9]\.iam\.gserviceaccount\.com$/;

/**
 * Seconds for a terminating pod to leave its network endpoint group and the
 * Google load balancer to stop sending it requests.
 */
const LB_DRAIN_SECONDS = 15;

/**
 * Autopilot general-purpose compute class rules
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-resource-requests):
 * minimum 50m CPU / 52MiB with bursting, 250m / 512MiB without; memory between
 * 1 and 6.5 GiB per vCPU; without bursting, CPU in steps of 250m and limits equal requests.
 */
const AUTOPILOT = {
  bursting: { minCpu: 50, minMemory: 52 * MiB, cpuStep: 1 },
  legacy: { minCpu: 250, minMemory: 512 * MiB, cpuStep: 250 },
  minGiBPerCpu: 1,
  maxGiBPerCpu: 6.5,
  maxCpu: 30_000,
  maxMemory: 110 * 1024 * MiB,
  minEphemeral: 10 * MiB,
  maxEphemeral: 10 * 1024 * MiB,
};

/**
 * Google GKE: Workload Identity Federation (`iam.gke.io/gcp-service-account`),
 * container-native load balancing (`cloud.google.com/neg`), the internal
 * passthrough load balancer annotation, and an Autopilot mode.
 */
export class GkeProfile implements ICloudProfile {
  public readonly cloud = 'gke';

  public constructor(private readonly options: GkeProfileOptions = {}) {}

  public bind(input: ProfileInput): ProfileOutput {
    const out = neutralOutput(input);
    const issues: PropIssue[] = [];
    const sa: Record<string, string> = {};
    const gsa = this.options.serviceAccount;
    if (gsa !== undefined) {
      if (typeof gsa !== 'string' || !GSA_EMAIL.test(gsa)) {
        issues.push({
          prop: 'profile.serviceAccount', rule: 'must be a Google service account email (<name>@<project>.iam.gserviceaccount.com)', received: gsa,
          fix: 'Use the email `gcloud iam service-accounts list` shows, e.g. \'orders-api@acme-prod.iam.gserviceaccount.com\'.',
        });
      }
      sa['iam.gke.io/gcp-service-account'] = gsa;
    }

    const warnings: string[] = [];
    const resources = this.options.autopilot ? autopilotResources(input.resources, this.options.autopilotBursting ?? true, warnings) : input.resources;

    const serviceAnnotations: Record<string, string> = {};
    if (input.port) {
      // Container-native load balancing: the Google LB targets pod IPs directly.
      serviceAnnotations['cloud.google.com/neg'] = '{"ingress": true}';
    }
    if (input.exposure === Exposure.INTERNAL) serviceAnnotations['networking.gke.io/load-balancer-type'] = 'Internal';

    return {
      ...out,
      issues,
      warnings,
      resources,
      serviceAccountAnnotations: sa,
      serviceAnnotations,
      drainSeconds: input.exposure === Exposure.CLUSTER ? out.drainSeconds : LB_DRAIN_SECONDS,
    };
  }
}

/** Applies Autopilot's resource rules, recording a warning for every value it changes. */
export function autopilotResources(spec: ResourceSpec, bursting: boolean, warnings: string[]): ResourceSpec {
  const rules = bursting ? AUTOPILOT.bursting : AUTOPILOT.legacy;
  let cpu = spec.cpuRequestMillis;
  let memory = spec.memoryRequestBytes;
  let ephemeral = spec.ephemeralStorageBytes;
  const change = (what: string, from: string, to: string, why: string) => {
    if (from !== to) warnings.push(`Autopilot: ${what} ${from} -> ${to} (${why})`);
  };

  const cpuIn = cpu;
  cpu = Math.min(AUTOPILOT.maxCpu, Math.max(rules.minCpu, Math.ceil(cpu / rules.cpuStep) * rules.cpuStep));
  change('CPU request', formatCpu(cpuIn), formatCpu(cpu), bursting ? `minimum ${formatCpu(rules.minCpu)}` : 'minimum 250m, steps of 250m');

  const memIn = memory;
  memory = Math.min(AUTOPILOT.maxMemory, Math.max(rules.minMemory, memory));
  // Keep memory within 1-6.5 GiB per vCPU; Autopilot raises the smaller side.
  const gib = 1024 * MiB;
  const minMemForCpu = Math.ceil((cpu / 1000) * AUTOPILOT.minGiBPerCpu * gib / MiB) * MiB;
  if (memory < minMemForCpu) memory = minMemForCpu;
  const minCpuForMem = Math.ceil((memory / gib / AUTOPILOT.maxGiBPerCpu) * 1000 / rules.cpuStep) * rules.cpuStep;
  if (cpu < minCpuForMem) {
    change('CPU request', formatCpu(cpu), formatCpu(minCpuForMem), 'at most 6.5 GiB of memory per vCPU');
    cpu = minCpuForMem;
  }
  change('memory request', formatMemory(memIn), formatMemory(memory), 'minimum and 1 GiB per vCPU');

  const ephIn = ephemeral;
  ephemeral = Math.min(AUTOPILOT.maxEphemeral, Math.max(AUTOPILOT.minEphemeral, ephemeral));
  change('ephemeral storage', formatMemory(ephIn), formatMemory(ephemeral), 'between 10Mi and 10Gi');

  if (!bursting) {
    if (spec.cpuLimitMillis !== cpu) change('CPU limit', spec.cpuLimitMillis === undefined ? 'none' : formatCpu(spec.cpuLimitMillis), formatCpu(cpu), 'limits equal requests without bursting');
    if (spec.memoryLimitBytes !== memory) change('memory limit', formatMemory(spec.memoryLimitBytes), formatMemory(memory), 'limits equal requests without bursting');
    return { cpuRequestMillis: cpu, cpuLimitMillis: cpu, memoryRequestBytes: memory, memoryLimitBytes: memory, ephemeralStorageBytes: ephemeral };
  }
  const cpuLimit = spec.cpuLimitMillis === undefined ? undefined : Math.max(spec.cpuLimitMillis, cpu);
  const memoryLimit = Math.max(spec.memoryLimitBytes, memory);
  if (cpuLimit !== spec.cpuLimitMillis && spec.cpuLimitMillis !== undefined) change('CPU limit', formatCpu(spec.cpuLimitMillis), formatCpu(cpuLimit!), 'not below the request');
  if (memoryLimit !== spec.memoryLimitBytes) change('memory limit', formatMemory(spec.memoryLimitBytes), formatMemory(memoryLimit), 'not below the request');
  return { cpuRequestMillis: cpu, cpuLimitMillis: cpuLimit, memoryRequestBytes: memory, memoryLimitBytes: memoryLimit, ephemeralStorageBytes: ephemeral };
}
