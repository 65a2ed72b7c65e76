import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { kubeObject, nonEmpty } from '../core/objects';
import { PropIssue } from '../core/validation';
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
      ],
    },
  });
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
