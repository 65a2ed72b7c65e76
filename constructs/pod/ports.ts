import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { PropIssue } from '../core/validation';
import { NetworkPeer, cidrProblem } from '../traffic/exposure';

/**
 * The transport of a port. SCTP is left out: the managed clouds' load
 * balancers and several of their network plugins do not carry it.
 */
export enum PortProtocol {
  /** TCP (the default). */
  TCP = 'TCP',
  /** UDP, e.g. a StatsD listener. No probe can check a UDP port. */
  UDP = 'UDP',
}

/** A named port a container listens on, beside the workload's own (a StatsD listener, a log server, an exporter). */
export interface PortProps {
  /**
   * Name of the port: at most 15 lowercase letters, digits and '-', with at least
   * one letter and no '--' (an IANA service name), unique in the pod. Services,
   * NetworkPolicies and probes refer to it.
   */
  readonly name: string;
  /** Port the container listens on (1024 or above: the container runs without privileges). */
  readonly port: number;
  /**
   * Transport.
   * @default PortProtocol.TCP
   */
  readonly protocol?: PortProtocol;
  /**
   * Put the port on the workload's in-cluster Service, so other pods reach it by
   * the Service's name. A worker with an exposed port gets a ClusterIP Service.
   * @default true
   */
  readonly expose?: boolean;
  /**
   * Port of the Service.
   * @default - the container port
   */
  readonly servicePort?: number;
  /**
   * In-cluster sources the NetworkPolicy admits to the port. `[]` admits no one
   * (a port only the pod itself uses).
   * @default [NetworkPeer.sameNamespace()]
   */
  readonly allowFrom?: NetworkPeer[];
}

/** A declared port, checked, with the container that listens on it. */
export interface ResolvedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: PortProtocol;
  readonly expose: boolean;
  readonly servicePort: number;
  readonly allowFrom: readonly NetworkPeer[];
  /** The container listening on it (`app` or a sidecar's name). */
  readonly container: string;
  /** The prop that declares it, e.g. `ports[0]`. */
  readonly prop: string;
}

/** A port a workload sets itself (its serving port, its metrics port), which declared ports must not repeat. */
export interface ReservedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  /** What declares it, for messages (e.g. `the serving port`). */
  readonly what: string;
}

/**
 * Whether `name` is a port name Kubernetes accepts (IsValidPortName:
 * IANA_SVC_NAME, at most 15 characters).
 */
export function isPortName(name: unknown): boolean {
  return (
    typeof name === 'string' &&
    name.length >= 1 &&
    name.length <= 15 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) &&
    /[a-z]/.test(name) &&
    !name.includes('--')
  );
}

/** The container ports of declared ports, as a container lists them (unchecked: {@link resolvePodPorts} checks them once). */
export function containerPortsOf(ports: readonly PortProps[] | undefined): k8s.ContainerPort[] {
  return (Array.isArray(ports) ? ports : []).map((p) => ({
    name: p?.name,
    containerPort: p?.port,
    protocol: p?.protocol ?? PortProtocol.TCP,
  }));
}

/** The container port numbers of the declared ports of one transport (unchecked), e.g. for the ports a probe may use. */
export function declaredPortNumbers(ports: readonly PortProps[] | undefined, protocol: 'TCP' | 'UDP'): number[] {
  return containerPortsOf(ports)
    .filter((p) => p.protocol === protocol)
    .map((p) => p.containerPort);
}

/** A health check on a declared UDP port, which no probe and no load balancer can check. */
export function udpHealthPortIssues(healthPort: number | undefined, ports: readonly PortProps[] | undefined): PropIssue[] {
  if (healthPort === undefined || !declaredPortNumbers(ports, 'UDP').includes(healthPort)) return [];
  return [
    {
      prop: 'health.port',
      rule: 'must be a TCP port: no probe can check a UDP port (probes are HTTP, gRPC, TCP or a command), nor can a load balancer',
      received: healthPort,
      fix: 'Check the serving port or another TCP port, or use HealthCheck.EXEC with a command that tests the listener.',
    },
  ];
}

/** The declared ports of one container, and the prop that holds them (`ports`, `sidecars[0].ports`). */
export interface DeclaredPorts {
  readonly prop: string;
  readonly container: string;
  readonly ports: readonly PortProps[] | undefined;
}

/**
 * Checks the ports declared on the containers of a pod, against each other and
 * against the workload's own: names and numbers unique in the pod (one network
 * namespace: two containers cannot listen on one port and protocol, and a
 * Service's `targetPort` names one port).
 */
export function resolvePodPorts(
  reserved: readonly ReservedPort[],
  declared: readonly DeclaredPorts[],
  issues: PropIssue[],
): ResolvedPort[] {
  const names = new Map(reserved.map((r) => [r.name, r.what]));
  const numbers = new Map(reserved.map((r) => [`${r.port}/${r.protocol}`, r.what]));
  const out: ResolvedPort[] = [];
  for (const group of declared) {
    if (group.ports === undefined) continue;
    if (!Array.isArray(group.ports)) {
      issues.push({
        prop: group.prop,
        rule: 'must be a list of ports',
        received: group.ports,
        fix: "Pass e.g. [{ name: 'statsd', port: 8125, protocol: PortProtocol.UDP }].",
      });
      continue;
    }
    group.ports.forEach((p, i) => {
      const prop = `${group.prop}[${i}]`;
      const port = resolvePort(p, prop, group.container, issues);
      if (!port) return;
      const byName = names.get(port.name);
      if (byName !== undefined) {
        issues.push({
          prop: `${prop}.name`,
          rule: `must be unique in the pod; ${byName} has it`,
          received: port.name,
          fix: 'Give every port of the pod its own name.',
        });
      }
      const key = `${port.port}/${port.protocol}`;
      const byNumber = numbers.get(key);
      if (byNumber !== undefined) {
        issues.push({
          prop: `${prop}.port`,
          rule: `must not be a port and protocol another port of the pod has (its containers share one network); ${byNumber} listens on ${key}`,
          received: port.port,
          fix: 'Listen on another port.',
        });
      }
      names.set(port.name, `${prop}`);
      numbers.set(key, `${prop}`);
      out.push(port);
    });
  }
  return out;
}

function resolvePort(p: PortProps, prop: string, container: string, issues: PropIssue[]): ResolvedPort | undefined {
  if (p === null || typeof p !== 'object') {
    issues.push({
      prop,
      rule: 'must be { name, port }',
      received: p,
      fix: "Pass e.g. { name: 'statsd', port: 8125, protocol: PortProtocol.UDP }.",
    });
    return undefined;
  }
  const before = issues.length;
  if (!isPortName(p.name)) {
    issues.push({
      prop: `${prop}.name`,
      rule: "must be an IANA service name: at most 15 lowercase letters, digits and '-', with a letter, without '--' or a '-' at either end",
      received: p.name,
      fix: "Use e.g. 'statsd' or 'log-server'.",
    });
  }
  if (!Number.isInteger(p.port) || p.port < 1024 || p.port > 65535) {
    issues.push({
      prop: `${prop}.port`,
      rule: 'must be a whole number from 1024 to 65535 (the container has no privilege to bind lower ports)',
      received: p.port,
      fix: 'Listen on a port from 1024 up inside the container; servicePort may be lower.',
    });
  }
  const protocol = p.protocol ?? PortProtocol.TCP;
  if (!Object.values(PortProtocol).includes(protocol)) {
    issues.push({
      prop: `${prop}.protocol`,
      rule: `must be one of ${Object.values(PortProtocol).join(', ')}`,
      received: protocol,
      fix: 'Use PortProtocol.TCP or PortProtocol.UDP.',
    });
  }
  const servicePort = p.servicePort ?? p.port;
  if (p.servicePort !== undefined && (!Number.isInteger(servicePort) || servicePort < 1 || servicePort > 65535)) {
    issues.push({
      prop: `${prop}.servicePort`,
      rule: 'must be a whole number from 1 to 65535',
      received: p.servicePort,
      fix: 'Leave it unset to use the container port.',
    });
  }
  if (p.expose !== undefined && typeof p.expose !== 'boolean') {
    issues.push({
      prop: `${prop}.expose`,
      rule: 'must be true or false',
      received: p.expose,
      fix: 'Set false to keep the port off the Service.',
    });
  }
  const allowFrom = p.allowFrom ?? [NetworkPeer.sameNamespace()];
  if (!Array.isArray(allowFrom) || !allowFrom.every((peer) => peer instanceof NetworkPeer)) {
    issues.push({
      prop: `${prop}.allowFrom`,
      rule: 'must be a list of NetworkPeer',
      received: allowFrom,
      fix: "Pass e.g. [NetworkPeer.pods({ 'app.kubernetes.io/name': 'orders-api' })].",
    });
  } else {
    allowFrom.forEach((peer, j) => {
      const problem = peer.cidr !== undefined ? cidrProblem(peer.cidr) : undefined;
      if (problem) issues.push({ prop: `${prop}.allowFrom[${j}]`, ...problem, received: peer.cidr });
    });
  }
  if (issues.length > before) return undefined;
  return { name: p.name, port: p.port, protocol, expose: p.expose ?? true, servicePort, allowFrom, container, prop };
}
