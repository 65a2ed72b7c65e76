import { CloudProfile, Exposure, TlsCertificate } from './support/internals';
import { objectsOf, renderExample } from './support/example';
import { validateAll } from './support/schema';
import { find, synthError, synthService } from './support/synth';

const ACM = 'arn:aws:acm:eu-west-1:111122223333:certificate/6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const KV = 'https://acme-kv.vault.azure.net/certificates/api-example-com';
const host = 'api.example.com';

describe('EKS: ALB Ingress', () => {
  const { objects } = synthService({
    exposure: Exposure.PUBLIC,
    ingress: { host, tls: TlsCertificate.acm(ACM) },
    profile: CloudProfile.eks({ albGroup: 'shop-public' }),
  });
  const ing = find(objects, 'Ingress');
  const a = ing.metadata.annotations;

  test('ingressClassName alb, internet-facing, IP targets, TLS with redirect, shared group', () => {
    expect(ing.spec.ingressClassName).toBe('alb');
    expect(a).toMatchObject({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/certificate-arn': ACM,
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/group.name': 'shop-public',
    });
  });

  test('the ALB health check is the readiness probe', () => {
    const readiness = find(objects, 'Deployment').spec.template.spec.containers[0].readinessProbe;
    expect(a['alb.ingress.kubernetes.io/healthcheck-path']).toBe(readiness.httpGet.path);
    expect(a['alb.ingress.kubernetes.io/healthcheck-interval-seconds']).toBe(String(readiness.periodSeconds));
    expect(a['alb.ingress.kubernetes.io/healthcheck-timeout-seconds']).toBe(String(readiness.timeoutSeconds));
    expect(a['alb.ingress.kubernetes.io/healthcheck-port']).toBe('traffic-port');
    expect(a['alb.ingress.kubernetes.io/success-codes']).toBe('200-399');
  });

  test("deregistration delay follows the pod's shutdown budget instead of 300 s", () => {
    const grace = find(objects, 'Deployment').spec.template.spec.terminationGracePeriodSeconds;
    expect(a['alb.ingress.kubernetes.io/target-group-attributes']).toBe(`deregistration_delay.timeout_seconds=${grace}`);
  });

  test('the Service stays ClusterIP; the backend is the named port', () => {
    expect(find(objects, 'Service').spec.type).toBe('ClusterIP');
    expect(ing.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'orders-api', port: { name: 'http' } } });
    expect(validateAll(objects)).toEqual([]);
  });

  test('internal scheme for internal exposure', () => {
    const internal = find(synthService({ exposure: Exposure.INTERNAL, ingress: { host }, profile: CloudProfile.eks() }).objects, 'Ingress');
    expect(internal.metadata.annotations['alb.ingress.kubernetes.io/scheme']).toBe('internal');
    expect(internal.spec.tls).toBeUndefined();
  });
});

describe('GKE: Ingress with BackendConfig, FrontendConfig and ManagedCertificate', () => {
  const { objects } = synthService({
    exposure: Exposure.PUBLIC,
    ingress: { host, tls: TlsCertificate.googleManaged() },
    profile: CloudProfile.gke({ staticIpName: 'shop-api-ip' }),
  });
  const ing = find(objects, 'Ingress');

  test('the gce class by annotation (GKE ignores ingressClassName), static IP, managed certificate, HTTPS redirect', () => {
    expect(ing.spec.ingressClassName).toBeUndefined();
    expect(ing.metadata.annotations).toEqual({
      'kubernetes.io/ingress.class': 'gce',
      'kubernetes.io/ingress.global-static-ip-name': 'shop-api-ip',
      'networking.gke.io/managed-certificates': 'orders-api',
      'networking.gke.io/v1beta1.FrontendConfig': 'orders-api',
    });
    expect(find(objects, 'ManagedCertificate').spec.domains).toEqual([host]);
    expect(find(objects, 'FrontendConfig').spec.redirectToHttps).toEqual({ enabled: true, responseCodeName: 'MOVED_PERMANENTLY_DEFAULT' });
  });

  test('the BackendConfig health check is the readiness probe on the container port', () => {
    const pod = find(objects, 'Deployment').spec.template.spec;
    const readiness = pod.containers[0].readinessProbe;
    expect(find(objects, 'BackendConfig').spec).toEqual({
      healthCheck: {
        type: 'HTTP',
        requestPath: readiness.httpGet.path,
        port: 8000,
        checkIntervalSec: readiness.periodSeconds,
        timeoutSec: readiness.timeoutSeconds,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      connectionDraining: { drainingTimeoutSec: pod.terminationGracePeriodSeconds },
    });
    expect(find(objects, 'Service').metadata.annotations).toEqual({
      'cloud.google.com/neg': '{"ingress": true}',
      'cloud.google.com/backend-config': '{"default":"orders-api"}',
    });
  });

  test("the NetworkPolicy admits Google's load balancer and health check ranges", () => {
    const from = find(objects, 'NetworkPolicy').spec.ingress.flatMap((r: any) => r.from);
    expect(from).toEqual(expect.arrayContaining([{ ipBlock: { cidr: '35.191.0.0/16' } }, { ipBlock: { cidr: '130.211.0.0/22' } }]));
    expect(from).not.toContainEqual({ ipBlock: { cidr: '0.0.0.0/0' } });
  });

  test('every object validates (GKE kinds against schemas derived from ingress-gce types)', () => {
    expect(validateAll(objects)).toEqual([]);
  });

  test('internal: gce-internal class, no Google-managed certificate', () => {
    const internal = find(synthService({ exposure: Exposure.INTERNAL, ingress: { host }, profile: CloudProfile.gke() }).objects, 'Ingress');
    expect(internal.metadata.annotations['kubernetes.io/ingress.class']).toBe('gce-internal');
    expect(
      synthError({ exposure: Exposure.INTERNAL, ingress: { host, tls: TlsCertificate.googleManaged() }, profile: CloudProfile.gke() }),
    ).toContain("'ingress.tls' cannot be Google-managed on an internal Ingress");
  });
});

describe('AKS: application routing and AGIC', () => {
  test('application routing: its IngressClass, Key Vault certificate, traffic from its namespace', () => {
    const { objects } = synthService({
      exposure: Exposure.PUBLIC,
      ingress: { host, tls: TlsCertificate.keyVault(KV) },
      profile: CloudProfile.aks(),
    });
    const ing = find(objects, 'Ingress');
    expect(ing.spec.ingressClassName).toBe('webapprouting.kubernetes.azure.com');
    expect(ing.metadata.annotations).toEqual({ 'kubernetes.azure.com/tls-cert-keyvault-uri': KV });
    expect(ing.spec.tls).toEqual([{ hosts: [host], secretName: 'keyvault-orders-api' }]);
    const from = find(objects, 'NetworkPolicy').spec.ingress.flatMap((r: any) => r.from);
    expect(from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'app-routing-system' } } });
  });

  test('application routing, internal: the internal NGINX class', () => {
    const ing = find(
      synthService({
        exposure: Exposure.INTERNAL,
        ingress: { host },
        profile: CloudProfile.aks({ internalIngressClassName: 'nginx-private' }),
      }).objects,
      'Ingress',
    );
    expect(ing.spec.ingressClassName).toBe('nginx-private');
  });

  test('AGIC: the probe is the readiness endpoint, draining covers the shutdown, private IP when internal', () => {
    const { objects } = synthService({
      exposure: Exposure.INTERNAL,
      ingress: { host, tls: TlsCertificate.appGateway('api-cert') },
      profile: CloudProfile.aks({ ingressController: 'agic' }),
    });
    const ing = find(objects, 'Ingress');
    const grace = find(objects, 'Deployment').spec.template.spec.terminationGracePeriodSeconds;
    expect(ing.spec.ingressClassName).toBe('azure-application-gateway');
    expect(ing.metadata.annotations).toEqual({
      'appgw.ingress.kubernetes.io/health-probe-path': '/readyz',
      'appgw.ingress.kubernetes.io/health-probe-port': '8000',
      'appgw.ingress.kubernetes.io/health-probe-interval': '10',
      'appgw.ingress.kubernetes.io/health-probe-timeout': '3',
      'appgw.ingress.kubernetes.io/health-probe-unhealthy-threshold': '3',
      'appgw.ingress.kubernetes.io/health-probe-status-codes': '200-399',
      'appgw.ingress.kubernetes.io/connection-draining': 'true',
      'appgw.ingress.kubernetes.io/connection-draining-timeout': String(grace),
      'appgw.ingress.kubernetes.io/use-private-ip': 'true',
      'appgw.ingress.kubernetes.io/appgw-ssl-certificate': 'api-cert',
      'appgw.ingress.kubernetes.io/ssl-redirect': 'true',
    });
  });
});

describe('Gateway API', () => {
  test.each([
    ['eks', CloudProfile.eks()],
    ['gke', CloudProfile.gke()],
    ['aks', CloudProfile.aks()],
  ])('%s: an HTTPRoute to the named Gateway, valid against the v1.6 CRD', (_cloud, profile) => {
    const { objects } = synthService({
      exposure: Exposure.PUBLIC,
      ingress: { host, path: '/api', gateway: { name: 'public', namespace: 'gateways', sectionName: 'https' } },
      profile,
    });
    const route = find(objects, 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'public', namespace: 'gateways', sectionName: 'https' }],
      hostnames: [host],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'orders-api', port: 80 }] }],
    });
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    expect(validateAll(objects)).toEqual([]);
  });

  test("GKE: the example's inventory, routed through the internal Gateway, admits the proxy-only subnet and the health checkers", () => {
    // GIVEN the example's internal inventory service, routed through the 'internal' Gateway on GKE,
    // with the region's proxy-only subnet named in its profile
    const objects = objectsOf(renderExample(), 'prod/gke');
    // WHEN its NetworkPolicy is read
    const from = find(objects, 'NetworkPolicy', 'inventory').spec.ingress[0].from;
    // THEN the Envoy proxies of the proxy-only subnet reach the pods, and so do Google's health checkers
    expect(from.filter((p: any) => p.ipBlock)).toEqual(
      ['10.129.0.0/23', '35.191.0.0/16', '130.211.0.0/22'].map((cidr) => ({ ipBlock: { cidr } })),
    );
  });

  test("GKE: an internal Gateway admits the proxy-only subnet named in the profile; an external one only Google's front ends", () => {
    const sources = (exposure: Exposure, profile: ReturnType<typeof CloudProfile.gke>) =>
      find(
        synthService({ exposure, ingress: { host, gateway: { name: 'gw' } }, profile }).objects,
        'NetworkPolicy',
      ).spec.ingress[0].from.filter((p: any) => p.ipBlock);
    const cidrs = (...c: string[]) => c.map((cidr) => ({ ipBlock: { cidr } }));
    expect(sources(Exposure.INTERNAL, CloudProfile.gke({ loadBalancerSourceRanges: ['10.129.0.0/23'] }))).toEqual(
      cidrs('10.129.0.0/23', '35.191.0.0/16', '130.211.0.0/22'),
    );
    expect(sources(Exposure.PUBLIC, CloudProfile.gke({ loadBalancerSourceRanges: ['10.129.0.0/23'] }))).toEqual(
      cidrs('35.191.0.0/16', '130.211.0.0/22'),
    );
  });

  test("GKE: a HealthCheckPolicy carries the readiness check to the Gateway's load balancer", () => {
    const { objects } = synthService({
      exposure: Exposure.PUBLIC,
      ingress: { host, gateway: { name: 'public' } },
      profile: CloudProfile.gke(),
    });
    expect(find(objects, 'HealthCheckPolicy').spec).toEqual({
      default: {
        checkIntervalSec: 10,
        timeoutSec: 3,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        config: { type: 'HTTP', httpHealthCheck: { portSpecification: 'USE_FIXED_PORT', port: 8000, requestPath: '/readyz' } },
      },
      targetRef: { group: '', kind: 'Service', name: 'orders-api' },
    });
  });
});

describe('ingress errors', () => {
  test.each([
    [
      'TLS without a host',
      { exposure: Exposure.PUBLIC, ingress: { host: '', tls: TlsCertificate.acm(ACM) } },
      '\'ingress.host\' must be a fully qualified lowercase host name; received "". TLS needs the host the certificate is for',
    ],
    [
      'an ingress on a cluster-only service',
      { ingress: { host } },
      "'exposure' must be Exposure.INTERNAL or Exposure.PUBLIC when 'ingress' is set",
    ],
    [
      'a malformed ACM ARN',
      { exposure: Exposure.PUBLIC, ingress: { host, tls: TlsCertificate.acm('arn:aws:acm:cert') } },
      "'ingress.tls' must be an ACM certificate ARN",
    ],
    [
      "another cloud's certificate",
      { exposure: Exposure.PUBLIC, ingress: { host, tls: TlsCertificate.googleManaged() } },
      '\'ingress.tls\' must be a certificate the AWS Load Balancer Controller can use; received "google-managed"',
    ],
    [
      'TLS with a gateway',
      { exposure: Exposure.PUBLIC, ingress: { host, tls: TlsCertificate.acm(ACM), gateway: { name: 'gw' } } },
      "'ingress.tls' must not be set with a gateway",
    ],
    [
      'a path without /',
      { exposure: Exposure.PUBLIC, ingress: { host, path: 'api' } },
      "'ingress.path' must be a path prefix starting with '/'",
    ],
  ])('%s', (_name, overrides, message) => {
    expect(synthError(overrides as any)).toContain(message);
  });

  test('a malformed Key Vault URI on AKS', () => {
    expect(
      synthError({
        exposure: Exposure.PUBLIC,
        ingress: { host, tls: TlsCertificate.keyVault('acme-kv/api') },
        profile: CloudProfile.aks(),
      }),
    ).toContain("'ingress.tls' must be a Key Vault certificate URI");
  });
});
