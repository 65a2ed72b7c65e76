import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { formatCpu, formatMemory, parseCpu, parseMemory } from '../core/quantity';
import { PropIssue } from '../core/validation';

/** CPU, memory and scratch space of the container. */
export interface ResourcesProps {
  /**
   * CPU request: what the scheduler reserves.
   * @default '250m'
   */
  readonly cpu?: string;
  /**
   * Memory request.
   * @default '512Mi'
   */
  readonly memory?: string;
  /**
   * CPU limit, or `false` for none. The worker count is derived from it.
   * Without a limit the pod may burst, but is Burstable QoS and linters flag it.
   * @default - equal to `cpu`
   */
  readonly cpuLimit?: string | false;
  /**
   * Memory limit. Python processes do not return memory to the OS, so a limit
   * above the request only delays the OOM kill to a busier node.
   * @default - equal to `memory`
   */
  readonly memoryLimit?: string;
  /**
   * Ephemeral storage request and limit (container writable layers, logs, `/tmp`).
   * @default '1Gi'
   */
  readonly ephemeralStorage?: string;
}

/** Resources resolved to numbers. */
export interface ResourceSpec {
  readonly cpuRequestMillis: number;
  /** Undefined when there is no CPU limit. */
  readonly cpuLimitMillis?: number;
  readonly memoryRequestBytes: number;
  readonly memoryLimitBytes: number;
  readonly ephemeralStorageBytes: number;
}

const DEFAULTS = { cpu: '250m', memory: '512Mi', ephemeralStorage: '1Gi' };

/** Parses and checks resource props; falls back to defaults where a value is unusable. */
export function resolveResources(props: ResourcesProps = {}): { spec: ResourceSpec; issues: PropIssue[] } {
  const issues: PropIssue[] = [];
  const cpu = (prop: string, value: string, fallback: number): number => {
    const r = parseCpu(value);
    if ('error' in r) {
      issues.push({ prop, rule: r.error, received: value, fix: "Use millicores like '500m' or cores like '1'." });
      return fallback;
    }
    return r.millis;
  };
  const mem = (prop: string, value: string, fallback: number): number => {
    const r = parseMemory(value);
    if ('error' in r) {
      issues.push({ prop, rule: r.error, received: value, fix: "Use binary units like '512Mi' or '1Gi'." });
      return fallback;
    }
    return r.bytes;
  };

  const cpuRequest = cpu('resources.cpu', props.cpu ?? DEFAULTS.cpu, 250);
  const memoryRequest = mem('resources.memory', props.memory ?? DEFAULTS.memory, 512 * 2 ** 20);
  const cpuLimit =
    props.cpuLimit === false
      ? undefined
      : props.cpuLimit === undefined
        ? cpuRequest
        : cpu('resources.cpuLimit', props.cpuLimit, cpuRequest);
  const memoryLimit = props.memoryLimit === undefined ? memoryRequest : mem('resources.memoryLimit', props.memoryLimit, memoryRequest);
  const ephemeral = mem('resources.ephemeralStorage', props.ephemeralStorage ?? DEFAULTS.ephemeralStorage, 2 ** 30);

  if (cpuLimit !== undefined && cpuLimit < cpuRequest) {
    issues.push({
      prop: 'resources.cpuLimit',
      rule: `must be at least the CPU request (${formatCpu(cpuRequest)})`,
      received: props.cpuLimit,
      fix: `Raise the limit to ${formatCpu(cpuRequest)} or more, or lower resources.cpu.`,
    });
  }
  if (memoryLimit < memoryRequest) {
    issues.push({
      prop: 'resources.memoryLimit',
      rule: `must be at least the memory request (${formatMemory(memoryRequest)})`,
      received: props.memoryLimit,
      fix: `Raise the limit to ${formatMemory(memoryRequest)} or more, or lower resources.memory.`,
    });
  }
  return {
    spec: {
      cpuRequestMillis: cpuRequest,
      cpuLimitMillis: cpuLimit,
      memoryRequestBytes: memoryRequest,
      memoryLimitBytes: Math.max(memoryLimit, memoryRequest),
      ephemeralStorageBytes: ephemeral,
    },
    issues,
  };
}

/** CPU the process model may use: the limit, or the request when there is none. */
export function cpuBasisMillis(spec: ResourceSpec): number {
  return spec.cpuLimitMillis ?? spec.cpuRequestMillis;
}

/** The container's `resources` block. */
export function renderResources(spec: ResourceSpec): k8s.ResourceRequirements {
  const requests: Record<string, k8s.Quantity> = {
    cpu: k8s.Quantity.fromString(formatCpu(spec.cpuRequestMillis)),
    memory: k8s.Quantity.fromString(formatMemory(spec.memoryRequestBytes)),
    'ephemeral-storage': k8s.Quantity.fromString(formatMemory(spec.ephemeralStorageBytes)),
  };
  const limits: Record<string, k8s.Quantity> = {
    memory: k8s.Quantity.fromString(formatMemory(spec.memoryLimitBytes)),
    'ephemeral-storage': k8s.Quantity.fromString(formatMemory(spec.ephemeralStorageBytes)),
  };
  if (spec.cpuLimitMillis !== undefined) limits.cpu = k8s.Quantity.fromString(formatCpu(spec.cpuLimitMillis));
  return { requests, limits };
}
