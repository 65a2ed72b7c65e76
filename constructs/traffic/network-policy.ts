import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { NetworkPeer, cidrProblem } from './exposure';
import { IssueCollector } from '../core/validation';
import type { ResolvedPort } from '../pod/ports';

/** A port beyond the served one and who may reach it. */
export interface ExtraIngress {
  readonly port: number;
  readonly from: readonly NetworkPeer[];
  /** @default 'TCP' */
  readonly protocol?: string;
}

/** What a workload's NetworkPolicy admits. */
export interface NetworkPolicyInput {
  readonly selector: Record<string, string>;
  /** The port served, if the workload serves traffic. */
  readonly port?: number;
  /** In-cluster sources admitted to the port. */
  readonly allowFrom: readonly NetworkPeer[];
  /**
   * Where the ingress controller or layer-7 load balancer in front reaches the
   * pods from, as the profile knows it.
   * @default - none
   */
  readonly proxySources?: readonly NetworkPeer[];
  /** Admit load balancer traffic (from outside the cluster) to the port. */
  readonly loadBalanced: boolean;
  /**
   * Where the load balancer's traffic comes from, as the profile knows it.
   * @default - anywhere (0.0.0.0/0): passthrough load balancers keep client addresses
   */
  readonly loadBalancerSources?: readonly NetworkPeer[];
  /** Destinations allowed besides DNS; undefined allows all. */
  readonly allowEgressTo?: readonly NetworkPeer[];
  /** Further ports and who may reach them (e.g. the metrics port from Prometheus). */
  readonly extraIngress?: readonly ExtraIngress[];
}

/**
 * Ingress only to the served port from the allowed sources (nothing for
 * workloads that serve nothing), egress to DNS plus the allowed destinations.
 */
export function networkPolicySpec(input: NetworkPolicyInput, issues: IssueCollector): k8s.NetworkPolicySpec {
  const checkCidrs = (peers: readonly NetworkPeer[], prop: string) =>
    peers.forEach((p, i) => {
      const problem = p.cidr !== undefined ? cidrProblem(p.cidr) : undefined;
      if (problem) issues.add({ prop: `${prop}[${i}]`, ...problem, received: p.cidr });
    });
  checkCidrs(input.allowFrom, 'allowFrom');
  checkCidrs(input.proxySources ?? [], 'profile.loadBalancerSourceRanges');
  checkCidrs(input.allowEgressTo ?? [], 'allowEgressTo');

  const ingress: k8s.NetworkPolicyIngressRule[] = [];
  if (input.port !== undefined) {
    const ports = [{ port: k8s.IntOrString.fromNumber(input.port), protocol: 'TCP' }];
    const from = [...input.allowFrom, ...(input.proxySources ?? [])];
    if (from.length > 0) ingress.push({ from: from.map((p) => p.peer), ports });
    // Load balancers forward client (or their own) addresses from outside the
    // cluster; the served port is the only port they can reach.
    if (input.loadBalanced) {
      const sources = input.loadBalancerSources ?? [NetworkPeer.cidr('0.0.0.0/0')];
      checkCidrs(sources, 'profile.loadBalancerSourceRanges');
      ingress.push({ from: sources.map((p) => p.peer), ports });
    }
  }
  for (const extra of input.extraIngress ?? []) {
    if (extra.from.length > 0)
      ingress.push({
        from: extra.from.map((p) => p.peer),
        ports: [{ port: k8s.IntOrString.fromNumber(extra.port), protocol: extra.protocol ?? 'TCP' }],
      });
  }
  const egress: k8s.NetworkPolicyEgressRule[] =
    input.allowEgressTo === undefined
      ? [{}]
      : [
          {
            ports: [
              { port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' },
              { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' },
            ],
          },
          ...(input.allowEgressTo.length > 0 ? [{ to: input.allowEgressTo.map((p) => p.peer) }] : []),
        ];
  return { podSelector: { matchLabels: { ...input.selector } }, policyTypes: ['Ingress', 'Egress'], ingress, egress };
}

/** The ingress rules of declared ports: each port from its own peers (a sidecar's too, exposed or not). */
export function portIngress(ports: readonly ResolvedPort[]): ExtraIngress[] {
  return ports.map((p) => ({ port: p.port, from: p.allowFrom, protocol: p.protocol }));
}
