import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { kubeObject, nonEmpty } from '../core/objects';
import { PropIssue } from '../core/validation';
import type { ResolvedPort } from '../pod/ports';
import { Exposure, Protocol } from './exposure';
import { IngressProps } from './ingress';

/** The name of the serving port per protocol (Istio and Linkerd also read the protocol from it). */
export const PORT_NAMES: Record<Protocol, string> = { [Protocol.HTTP]: 'http', [Protocol.GRPC]: 'grpc', [Protocol.TCP]: 'tcp' };

/**
 * `appProtocol` per protocol: `kubernetes.io/h2c` is the standard value for
 * cleartext HTTP/2, which gRPC is (KEP-3726); plain TCP sets none.
 */
const APP_PROTOCOLS: Record<Protocol, string | undefined> = {
  [Protocol.HTTP]: 'http',
  [Protocol.GRPC]: 'kubernetes.io/h2c',
  [Protocol.TCP]: undefined,
};

/** A web service's Service. */
export interface ServiceInput {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** The cloud's annotations (load balancer, health checks, drain). */
  readonly annotations: Record<string, string>;
  /** A LoadBalancer Service; else a ClusterIP one. */
  readonly loadBalanced: boolean;
  readonly selector: Record<string, string>;
  readonly protocol: Protocol;
  readonly port: number;
  /** Declared ports the Service carries too (never on a LoadBalancer: see {@link renderPortsService}). */
  readonly ports?: readonly ResolvedPort[];
}

/** The Service in front of a web service's pods, its port named after the protocol. */
export function renderService(scope: Construct, input: ServiceInput): ApiObject {
  const portName = PORT_NAMES[input.protocol] ?? 'http';
  return kubeObject(scope, 'Service', k8s.KubeService, {
    metadata: { name: input.name, labels: input.labels, annotations: nonEmpty(input.annotations) },
    spec: {
      type: input.loadBalanced ? 'LoadBalancer' : 'ClusterIP',
      selector: input.selector,
      ports: [
        {
          name: portName,
          port: input.port,
          targetPort: k8s.IntOrString.fromString(portName),
          protocol: 'TCP',
          appProtocol: APP_PROTOCOLS[input.protocol],
        },
        ...servicePortsOf(input.loadBalanced ? [] : (input.ports ?? [])),
      ],
    },
  });
}

/** The Service ports of the declared ports that are exposed, each to its container port by name. */
export function servicePortsOf(ports: readonly ResolvedPort[]): k8s.ServicePort[] {
  return ports
    .filter((p) => p.expose)
    .map((p) => ({ name: p.name, port: p.servicePort, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol }));
}

/** A Service of declared ports alone: a worker's, a web service's in-cluster one beside its load balancer, a StatefulSet's headless one. */
export interface PortsServiceInput {
  readonly id: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly ports: readonly ResolvedPort[];
  /**
   * `clusterIP: None`: DNS answers with the pods' own addresses, and each pod of
   * a StatefulSet gets its own name (`<pod>.<service>`).
   * @default false
   */
  readonly headless?: boolean;
}

/**
 * A ClusterIP Service of the exposed declared ports, or undefined when there are
 * none and the Service is not headless (a StatefulSet needs its headless Service
 * for its pods' names, ports or not). Declared ports stay in the cluster: a
 * web service's LoadBalancer carries its serving port only, and its declared ports
 * go on this Service beside it.
 */
export function renderPortsService(scope: Construct, input: PortsServiceInput): ApiObject | undefined {
  const ports = servicePortsOf(input.ports);
  if (ports.length === 0 && !input.headless) return undefined;
  return kubeObject(scope, input.id, k8s.KubeService, {
    metadata: { name: input.name, labels: input.labels },
    spec: {
      type: 'ClusterIP',
      clusterIp: input.headless ? 'None' : undefined,
      selector: input.selector,
      ports: ports.length > 0 ? ports : undefined,
    },
  });
}

/** Declared ports whose Service port repeats another's (a Service takes each port and protocol once). */
export function servicePortIssues(
  own: { readonly port: number; readonly what: string } | undefined,
  ports: readonly ResolvedPort[],
): PropIssue[] {
  const taken = new Map<string, string>(own ? [[`${own.port}/TCP`, own.what]] : []);
  const issues: PropIssue[] = [];
  for (const p of ports.filter((x) => x.expose)) {
    const key = `${p.servicePort}/${p.protocol}`;
    const other = taken.get(key);
    if (other !== undefined) {
      issues.push({
        prop: `${p.prop}.servicePort`,
        rule: `must differ from the Service port of ${other} (${key}): a Service takes each port and protocol once`,
        received: p.servicePort,
        fix: 'Set another servicePort, or expose: false.',
      });
    }
    taken.set(key, p.prop);
  }
  return issues;
}

/** The ports, exposure and protocol of a web service. */
export interface ServiceProps {
  readonly port: number;
  readonly servicePort: number;
  readonly exposure: Exposure;
  readonly protocol: Protocol;
}

/** What is wrong with a web service's ports, exposure and protocol (and an Ingress for a protocol other than HTTP). */
export function servicePropIssues(s: ServiceProps, ingress?: IngressProps): PropIssue[] {
  const issues: PropIssue[] = [];
  const check = (ok: boolean, issue: PropIssue) => (ok ? undefined : issues.push(issue));
  check(Number.isInteger(s.port) && s.port >= 1024 && s.port <= 65535, {
    prop: 'port',
    rule: 'must be a whole number from 1024 to 65535 (the container has no privilege to bind lower ports)',
    received: s.port,
    fix: 'Listen on 8000 inside the container; the Service maps servicePort (80) to it.',
  });
  check(Number.isInteger(s.servicePort) && s.servicePort >= 1 && s.servicePort <= 65535, {
    prop: 'servicePort',
    rule: 'must be a whole number from 1 to 65535',
    received: s.servicePort,
    fix: 'Use 80.',
  });
  check(Object.values(Exposure).includes(s.exposure), {
    prop: 'exposure',
    rule: `must be one of ${Object.values(Exposure).join(', ')}`,
    received: s.exposure,
    fix: 'Use Exposure.CLUSTER, Exposure.INTERNAL or Exposure.PUBLIC.',
  });
  check(Object.values(Protocol).includes(s.protocol), {
    prop: 'protocol',
    rule: `must be one of ${Object.values(Protocol).join(', ')}`,
    received: s.protocol,
    fix: 'Use Protocol.HTTP, Protocol.GRPC or Protocol.TCP.',
  });
  check(!ingress || s.protocol === Protocol.HTTP, {
    prop: 'ingress',
    rule: `routes HTTP only; this service speaks ${s.protocol}`,
    received: ingress?.host,
    fix: 'Expose it with a LoadBalancer Service instead: remove ingress and keep exposure INTERNAL or PUBLIC (the load balancer checks it over TCP).',
  });
  return issues;
}
