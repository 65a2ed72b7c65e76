import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { Problem } from '../core/validation';

/** Who can reach the service. The cloud profile turns this into load balancer settings. */
export enum Exposure {
  /** Reachable inside the cluster only (ClusterIP Service). */
  CLUSTER = 'cluster',
  /** Reachable from the private network through the cloud's internal load balancer. */
  INTERNAL = 'internal',
  /** Reachable from the internet through the cloud's public load balancer. */
  PUBLIC = 'public',
}

/** What a service speaks on its port; names the port and sets the Service's `appProtocol`. */
export enum Protocol {
  /** HTTP/1.1 (and HTTP/2 with TLS): port `http`, `appProtocol: http`, HTTP probes. */
  HTTP = 'http',
  /** gRPC over cleartext HTTP/2: port `grpc`, `appProtocol: kubernetes.io/h2c`, native gRPC probes (Kubernetes 1.24+). */
  GRPC = 'grpc',
  /** Any other TCP protocol: port `tcp`, TCP probes. */
  TCP = 'tcp',
}

/** A source of traffic that the service's NetworkPolicy admits. */
export class NetworkPeer {
  /** Every pod in the service's own namespace. */
  public static sameNamespace(): NetworkPeer {
    return new NetworkPeer('same namespace', { podSelector: {} });
  }

  /** Every pod in the namespace called `name`. */
  public static namespace(name: string): NetworkPeer {
    return new NetworkPeer(`namespace ${name}`, {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
    });
  }

  /** Pods of the service's namespace that carry all of `labels`. */
  public static pods(labels: Record<string, string>): NetworkPeer {
    return new NetworkPeer(`pods ${JSON.stringify(labels)}`, { podSelector: { matchLabels: { ...labels } } });
  }

  /** Addresses in an IP range, in CIDR notation. */
  public static cidr(cidr: string): NetworkPeer {
    return new NetworkPeer(`cidr ${cidr}`, { ipBlock: { cidr } }, cidr);
  }

  private constructor(
    /** A readable description for messages. */
    public readonly description: string,
    /** The NetworkPolicy peer. */
    public readonly peer: k8s.NetworkPolicyPeer,
    /** The CIDR, for peers that are IP ranges. */
    public readonly cidr?: string,
  ) {}
}

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** Why `cidr` is not an IP range, or undefined. */
export function cidrProblem(cidr: string): Problem | undefined {
  if (IPV4_CIDR.test(cidr) || (cidr.includes(':') && IPV6_CIDR.test(cidr))) return undefined;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(cidr)) return { rule: 'must be CIDR notation with a mask', fix: `Did you mean "${cidr}/32"?` };
  return { rule: 'must be an IPv4 or IPv6 range in CIDR notation, e.g. 10.0.0.0/8', fix: 'Write the range like 10.0.0.0/16.' };
}
