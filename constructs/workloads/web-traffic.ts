import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { registerRoutedHost } from '../core/app-index';
import { kubeObject } from '../core/objects';
import { IssueCollector, PropIssue, addWarning } from '../core/validation';
import { LoadBalancerHealthCheck } from '../pod/health';
import { ICloudProfile, ProfileOutput } from '../profiles/profile';
import { Exposure, NetworkPeer, Protocol } from '../traffic/exposure';
import { hostSharingProblems } from '../traffic/hosts';
import { IngressOutput, IngressProps, renderHttpRoute, renderIngress } from '../traffic/ingress';
import { NetworkPolicyInput, networkPolicySpec } from '../traffic/network-policy';
import type { ResolvedPort } from '../pod/ports';
import { renderPortsService, renderService, servicePortIssues } from '../traffic/service';

/** How traffic reaches a web service, as its props and its profile decided. */
export interface WebTrafficInput {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly profile: ICloudProfile;
  /** What the profile bound for the service (load balancer annotations and sources). */
  readonly cloud: ProfileOutput;
  readonly exposure: Exposure;
  readonly protocol: Protocol;
  /** The container port. */
  readonly port: number;
  readonly servicePort: number;
  readonly ingress?: IngressProps;
  readonly allowFrom?: NetworkPeer[];
  readonly allowEgressTo?: NetworkPeer[];
  /** The load balancer's health check, from the service's health definition. */
  readonly health: LoadBalancerHealthCheck;
  readonly terminationGracePeriodSeconds: number;
}

/**
 * The objects that bring traffic to a web service: an Ingress or an HTTPRoute
 * when it is routed through a layer-7 load balancer (with what the profile
 * wires for it), the Service, and the NetworkPolicy that admits exactly that
 * traffic.
 */
export class WebTraffic {
  /** The Ingress, when the service is routed through one. */
  public readonly ingress?: ApiObject;
  /** The HTTPRoute, when the service is routed through a Gateway. */
  public readonly httpRoute?: ApiObject;
  /** What the profile wired for the Ingress or HTTPRoute. */
  private readonly route?: IngressOutput;

  public constructor(
    private readonly scope: Construct,
    private readonly input: WebTrafficInput,
    private readonly issues: IssueCollector,
  ) {
    const ingress = input.ingress;
    if (!ingress || input.exposure === Exposure.CLUSTER) return;
    if (ingress.gateway) {
      this.route = this.profileRoute((i) => input.profile.gatewayRoute(scope, i));
      this.httpRoute = renderHttpRoute(scope, input.name, input.labels, ingress, input.servicePort);
    } else {
      this.route = this.profileRoute((i) => input.profile.ingress(scope, i));
      const route = this.route;
      registerRoutedHost(scope, {
        host: ingress.host,
        routePath: ingress.path ?? '/',
        sharesHost: route.sharesHost === true,
        fix: route.shareHostFix,
      });
      // Checked once every service of the app exists: another service may route the same host.
      scope.node.addValidation({ validate: () => hostSharingProblems(scope, ingress.host) });
      this.ingress = renderIngress(scope, input.name, input.labels, ingress, route);
    }
  }

  /** A LoadBalancer Service carries the traffic itself (no layer-7 load balancer in front). */
  private get loadBalanced(): boolean {
    return this.input.exposure !== Exposure.CLUSTER && !this.route;
  }

  /** Warns when the profile cannot restrict who calls an exposed service by `allowFrom`. */
  public checkCallers(): void {
    const { input } = this;
    if (input.allowFrom === undefined || input.exposure === Exposure.CLUSTER) return;
    const route = { exposure: input.exposure, ingress: input.ingress !== undefined, gateway: input.ingress?.gateway !== undefined };
    const warning = input.profile.callerRestrictionWarning?.(route);
    if (warning) addWarning(this.scope, warning);
  }

  /** What is wrong with the Service ports of the declared ports, where they go. */
  public portIssues(ports: readonly ResolvedPort[]): PropIssue[] {
    const { input } = this;
    if (!this.loadBalanced) return servicePortIssues({ port: input.servicePort, what: 'the service' }, ports);
    const issues = servicePortIssues(undefined, ports);
    const exposed = ports.filter((p) => p.expose);
    if (exposed.length > 0 && input.name.length > 55) {
      issues.push({
        prop: `${exposed[0].prop}.expose`,
        rule: `needs the in-cluster Service '${input.name}-cluster' beside the load balancer, a name over 63 characters`,
        received: true,
        fix: "Shorten the service's name to 55 characters, or set expose: false.",
      });
    }
    return issues;
  }

  /** The Service, of type LoadBalancer when nothing routes to it; a ClusterIP one carries the exposed declared ports too. */
  public service(ports: readonly ResolvedPort[]): ApiObject {
    const { input } = this;
    this.issues.addAll(this.portIssues(ports));
    const drain = this.loadBalanced ? (input.profile.serviceDrainAnnotations?.(input.terminationGracePeriodSeconds) ?? {}) : {};
    return renderService(this.scope, {
      name: input.name,
      labels: input.labels,
      annotations: { ...input.cloud.serviceAnnotations, ...drain, ...this.route?.serviceAnnotations },
      loadBalanced: this.loadBalanced,
      selector: input.selector,
      protocol: input.protocol,
      port: input.servicePort,
      ports,
    });
  }

  /**
   * The in-cluster Service of the exposed declared ports, `<name>-cluster`, when
   * the service's own is a LoadBalancer: the load balancer carries the serving
   * port only (a StatsD or log port has no business on the internet, and a load
   * balancer of mixed protocols is not one every cloud builds).
   */
  public clusterService(ports: readonly ResolvedPort[]): ApiObject | undefined {
    if (!this.loadBalanced) return undefined;
    const { input } = this;
    const name = `${input.name}-cluster`;
    return renderPortsService(this.scope, { id: 'ClusterService', name, labels: input.labels, selector: input.selector, ports });
  }

  /** The NetworkPolicy: the service port from the allowed sources and the load balancer, DNS and the allowed destinations out. */
  public networkPolicy(extraIngress: NetworkPolicyInput['extraIngress']): ApiObject {
    const { input } = this;
    const spec = networkPolicySpec(
      {
        selector: input.selector,
        port: input.port,
        allowFrom: input.allowFrom ?? [NetworkPeer.sameNamespace()],
        proxySources: this.route?.allowFrom,
        loadBalanced: this.loadBalanced,
        loadBalancerSources: input.cloud.loadBalancerSources,
        allowEgressTo: input.allowEgressTo,
        extraIngress,
      },
      this.issues,
    );
    return kubeObject(this.scope, 'NetworkPolicy', k8s.KubeNetworkPolicy, { metadata: { name: input.name, labels: input.labels }, spec });
  }

  private profileRoute(wire: (input: Parameters<ICloudProfile['ingress']>[1]) => IngressOutput): IngressOutput {
    const { input } = this;
    const route = wire({
      name: input.name,
      labels: input.labels,
      exposure: input.exposure,
      host: input.ingress!.host,
      tls: input.ingress!.tls,
      health: input.health,
      terminationSeconds: input.terminationGracePeriodSeconds,
    });
    this.issues.addAll(route.issues);
    return route;
  }
}
