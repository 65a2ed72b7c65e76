import { MiB, formatCpu, formatMemory } from '../core/quantity';
import { ResourceSpec } from '../pod/resources';

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
  change(
    'CPU request',
    formatCpu(cpuIn),
    formatCpu(cpu),
    cpu < cpuIn && cpu === AUTOPILOT.maxCpu
      ? `maximum ${formatCpu(AUTOPILOT.maxCpu)} per pod`
      : bursting
        ? `minimum ${formatCpu(rules.minCpu)}`
        : 'minimum 250m, steps of 250m',
  );

  const memIn = memory;
  memory = Math.min(AUTOPILOT.maxMemory, Math.max(rules.minMemory, memory));
  const memoryCapped = memory < memIn;
  // Keep memory within 1-6.5 GiB per vCPU; Autopilot raises the smaller side.
  const gib = 1024 * MiB;
  const minMemForCpu = Math.ceil(((cpu / 1000) * AUTOPILOT.minGiBPerCpu * gib) / MiB) * MiB;
  if (memory < minMemForCpu) memory = minMemForCpu;
  const minCpuForMem = Math.ceil(((memory / gib / AUTOPILOT.maxGiBPerCpu) * 1000) / rules.cpuStep) * rules.cpuStep;
  if (cpu < minCpuForMem) {
    change('CPU request', formatCpu(cpu), formatCpu(minCpuForMem), 'at most 6.5 GiB of memory per vCPU');
    cpu = minCpuForMem;
  }
  change(
    'memory request',
    formatMemory(memIn),
    formatMemory(memory),
    memoryCapped ? `maximum ${formatMemory(AUTOPILOT.maxMemory)} per pod` : 'minimum and 1 GiB per vCPU',
  );

  const ephIn = ephemeral;
  ephemeral = Math.min(AUTOPILOT.maxEphemeral, Math.max(AUTOPILOT.minEphemeral, ephemeral));
  change('ephemeral storage', formatMemory(ephIn), formatMemory(ephemeral), 'between 10Mi and 10Gi');

  if (!bursting) {
    if (spec.cpuLimitMillis !== cpu)
      change(
        'CPU limit',
        spec.cpuLimitMillis === undefined ? 'none' : formatCpu(spec.cpuLimitMillis),
        formatCpu(cpu),
        'limits equal requests without bursting',
      );
    if (spec.memoryLimitBytes !== memory)
      change('memory limit', formatMemory(spec.memoryLimitBytes), formatMemory(memory), 'limits equal requests without bursting');
    return {
      cpuRequestMillis: cpu,
      cpuLimitMillis: cpu,
      memoryRequestBytes: memory,
      memoryLimitBytes: memory,
      ephemeralStorageBytes: ephemeral,
    };
  }
  // Limits stay between the request and Autopilot's per-pod maximum (the worker count follows the CPU limit).
  const cpuLimit = spec.cpuLimitMillis === undefined ? undefined : Math.min(AUTOPILOT.maxCpu, Math.max(spec.cpuLimitMillis, cpu));
  const memoryLimit = Math.min(AUTOPILOT.maxMemory, Math.max(spec.memoryLimitBytes, memory));
  const why = (from: number, to: number, max: number, fmt: (x: number) => string) =>
    to < from ? `maximum ${fmt(max)} per pod` : 'not below the request';
  if (cpuLimit !== spec.cpuLimitMillis && spec.cpuLimitMillis !== undefined)
    change(
      'CPU limit',
      formatCpu(spec.cpuLimitMillis),
      formatCpu(cpuLimit!),
      why(spec.cpuLimitMillis, cpuLimit!, AUTOPILOT.maxCpu, formatCpu),
    );
  if (memoryLimit !== spec.memoryLimitBytes)
    change(
      'memory limit',
      formatMemory(spec.memoryLimitBytes),
      formatMemory(memoryLimit),
      why(spec.memoryLimitBytes, memoryLimit, AUTOPILOT.maxMemory, formatMemory),
    );
  return {
    cpuRequestMillis: cpu,
    cpuLimitMillis: cpuLimit,
    memoryRequestBytes: memory,
    memoryLimitBytes: memoryLimit,
    ephemeralStorageBytes: ephemeral,
  };
}
