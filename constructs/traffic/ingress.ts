import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { kubeObject } from '../core/objects';
import { domainToASCII } from 'url';
import { Construct } from 'constructs';
import { Exposure, NetworkPeer } from './exposure';
import { LoadBalancerHealthCheck } from '../pod/health';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../imports/httproute-gateway.networking.k8s.io';
import { DNS1123_LABEL, dnsLabelProblem } from '../core/names';
import { PropIssue } from '../core/validation';

/** HTTP(S) routing to the service through the cloud's layer-7 load balancer or a Gateway. */
export interface IngressProps {
  /** Host name clients use, e.g. `api.example.com`. */
  readonly host: string;
  /**
   * Path prefix routed to the service.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Certificate for HTTPS; the cloud's native reference (ACM, Google-managed,
   * Key Vault) or a Kubernetes TLS Secret. Not allowed with `gateway` (TLS ends at the Gateway's listener).
   * @default - HTTP only
   */
  readonly tls?: TlsCertificate;
  /**
   * Route through this Gateway API Gateway (an HTTPRoute) instead of an Ingress.
   * @default - an Ingress for the cloud's ingress controller
   */
  readonly gateway?: GatewayRef;
}

/** A Gateway an HTTPRoute attaches to. */
export interface GatewayRef {
  /** The Gateway's name. */
  readonly name: string;
  /**
   * The Gateway's namespace.
   * @default - the service's namespace
   */
  readonly namespace?: string;
  /**
   * The Gateway listener to attach to.
   * @default - every listener that accepts the route
   */
  readonly sectionName?: string;
}

/**
 * Kinds of certificate reference: `acm`, `google-managed`, `gcp-pre-shared`,
 * `key-vault`, `app-gateway` and `secret` here; a profile may define its own
 * and read them from {@link TlsCertificate.of}.
 */
export type TlsKind = string;

/** A TLS certificate, named the way the cloud's load balancer finds it. */
export class TlsCertificate {
  /** An AWS Certificate Manager certificate, by ARN (for the ALB). */
  public static acm(arn: string): TlsCertificate {
    return new TlsCertificate('acm', arn);
  }

  /** A Google-managed certificate for the host, created as a ManagedCertificate (external Google load balancers). */
  public static googleManaged(): TlsCertificate {
    return new TlsCertificate('google-managed', '');
  }

  /** A Google Cloud SSL certificate resource uploaded beforehand. */
  public static gcpPreShared(name: string): TlsCertificate {
    return new TlsCertificate('gcp-pre-shared', name);
  }

  /** A Key Vault certificate, by URI (for the application routing add-on). */
  public static keyVault(uri: string): TlsCertificate {
    return new TlsCertificate('key-vault', uri);
  }

  /** A certificate installed on the Application Gateway (for AGIC). */
  public static appGateway(name: string): TlsCertificate {
    return new TlsCertificate('app-gateway', name);
  }

  /** A Kubernetes TLS Secret in the namespace (e.g. from cert-manager); works with every Ingress controller. */
  public static kubernetesSecret(secretName: string): TlsCertificate {
    return new TlsCertificate('secret', secretName);
  }

  /**
   * A certificate reference of a kind a profile defines; the profile of the
   * service reads `kind` and `ref`, and refuses kinds it does not know.
   */
  public static of(kind: TlsKind, ref: string): TlsCertificate {
    return new TlsCertificate(kind, ref);
  }

  private constructor(
    /** Which kind of reference. */
    public readonly kind: TlsKind,
    /** The reference: an ARN, a name, a URI; empty for Google-managed. */
    public readonly ref: string,
  ) {}
}

/** What a profile needs to render an Ingress (or the extras of an HTTPRoute). */
export interface IngressInput {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly exposure: Exposure;
  readonly host: string;
  readonly tls?: TlsCertificate;
  readonly health: LoadBalancerHealthCheck;
  /** Seconds a pod may take to stop (drain + graceful), for the load balancer's draining. */
  readonly terminationSeconds: number;
}

/** What a profile contributes to an Ingress or HTTPRoute. */
export interface IngressOutput {
  readonly issues: PropIssue[];
  /** `spec.ingressClassName`, when the controller is selected that way. */
  readonly ingressClassName?: string;
  /** Annotations of the Ingress. */
  readonly annotations: Record<string, string>;
  /** `spec.tls` of the Ingress. */
  readonly tls?: k8s.IngressTls[];
  /** Annotations to add to the Service (e.g. a BackendConfig reference). */
  readonly serviceAnnotations: Record<string, string>;
  /** Where the load balancer's traffic comes from, for the NetworkPolicy. */
  readonly allowFrom: NetworkPeer[];
  /**
   * Ingresses of one host share one load balancer (and certificate) on this
   * cloud, so several services can each route a path of the same host.
   * @default false
   */
  readonly sharesHost?: boolean;
  /** How to share a host when `sharesHost` is false. */
  readonly shareHostFix?: string;
}

const HOST = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Checks the neutral ingress props; cloud rules are the profile's. */
export function checkIngressProps(props: IngressProps, exposure: Exposure): PropIssue[] {
  const issues: PropIssue[] = [];
  if (typeof props.host !== 'string' || !HOST.test(props.host)) {
    // An internationalised name goes into Kubernetes in its ASCII (punycode) form.
    const ascii = typeof props.host === 'string' ? domainToASCII(props.host.toLowerCase()) : '';
    issues.push({
      prop: 'ingress.host',
      rule: 'must be a fully qualified lowercase host name',
      received: props.host,
      fix:
        ascii && ascii !== props.host && HOST.test(ascii)
          ? `Use its ASCII form '${ascii}'.`
          : props.tls
            ? "TLS needs the host the certificate is for, e.g. 'api.example.com'."
            : "Use the name clients use, e.g. 'api.example.com'.",
    });
  }
  const path = props.path ?? '/';
  if (typeof path !== 'string' || !/^\/[^\s?#]*$/.test(path)) {
    issues.push({ prop: 'ingress.path', rule: "must be a path prefix starting with '/'", received: path, fix: "Use '/' or e.g. '/api'." });
  }
  if (exposure === Exposure.CLUSTER) {
    issues.push({
      prop: 'exposure',
      rule: "must be Exposure.INTERNAL or Exposure.PUBLIC when 'ingress' is set",
      received: exposure,
      fix: 'Say who reaches the ingress: exposure: Exposure.PUBLIC.',
    });
  }
  if (props.gateway) {
    for (const [prop, value] of [
      ['ingress.gateway.name', props.gateway.name],
      ['ingress.gateway.namespace', props.gateway.namespace],
    ] as const) {
      const problem = value === undefined && prop.endsWith('namespace') ? undefined : dnsLabelProblem(value as string);
      if (problem) issues.push({ prop, rule: problem.rule, received: value, fix: 'Use the name `kubectl get gateways -A` shows.' });
    }
    if (props.gateway.sectionName !== undefined && !DNS1123_LABEL.test(props.gateway.sectionName)) {
      issues.push({
        prop: 'ingress.gateway.sectionName',
        rule: 'must be a listener name (DNS-1123 label)',
        received: props.gateway.sectionName,
        fix: "Use the listener's name from the Gateway spec.",
      });
    }
    if (props.tls) {
      issues.push({
        prop: 'ingress.tls',
        rule: "must not be set with a gateway: TLS ends at the Gateway's listener",
        received: props.tls.kind,
        fix: 'Configure the certificate on the Gateway listener and drop ingress.tls.',
      });
    }
  }
  return issues;
}

/** An Ingress routing `host` + `path` to the service's `http` port. */
export function renderIngress(
  scope: Construct,
  name: string,
  labels: Record<string, string>,
  props: IngressProps,
  out: IngressOutput,
): ApiObject {
  return kubeObject(scope, 'Ingress', k8s.KubeIngress, {
    metadata: { name, labels, annotations: Object.keys(out.annotations).length > 0 ? out.annotations : undefined },
    spec: {
      ingressClassName: out.ingressClassName,
      tls: out.tls,
      rules: [
        {
          host: props.host,
          http: { paths: [{ path: props.path ?? '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] },
        },
      ],
    },
  });
}

/** An HTTPRoute attaching the service to a Gateway (Gateway API v1). */
export function renderHttpRoute(
  scope: Construct,
  name: string,
  labels: Record<string, string>,
  props: IngressProps,
  servicePort: number,
): ApiObject {
  const gw = props.gateway!;
  return kubeObject(scope, 'HttpRoute', HttpRoute, {
    metadata: { name, labels },
    spec: {
      parentRefs: [{ name: gw.name, namespace: gw.namespace, sectionName: gw.sectionName }],
      hostnames: [props.host],
      rules: [
        {
          matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: props.path ?? '/' } }],
          backendRefs: [{ name, port: servicePort }],
        },
      ],
    },
  });
}
