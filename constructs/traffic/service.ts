import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { kubeObject, nonEmpty } from '../core/objects';
import { Protocol } from './exposure';

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
