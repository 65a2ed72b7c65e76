/**
 * Schemas of custom resources with no upstream CRD file in schemas/crds.
 *
 * GKE's load-balancing and monitoring resources have no upstream
 * CRD file (the GKE ingress controller builds its CRDs from Go types at
 * start-up). Written, in the openAPIV3Schema form a CRD would carry, from
 * kubernetes/ingress-gce pkg/apis/backendconfig/v1/types.go and
 * pkg/apis/frontendconfig/v1beta1/types.go, and from GKE's documentation of
 * HealthCheckPolicy. They list every field of the spec's top level, so an
 * unknown field is rejected; nested objects this library never sets are open.
 */
type Schema = Record<string, unknown>;

const int = { type: 'integer' };
const str = { type: 'string' };
const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const closed = (properties: Record<string, unknown>, required?: string[]): Schema => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
});

const backendConfig = closed({
  apiVersion: str,
  kind: str,
  metadata: { type: 'object' },
  spec: closed({
    cdn: open,
    iap: open,
    securityPolicy: open,
    sessionAffinity: open,
    customRequestHeaders: open,
    customResponseHeaders: open,
    logging: open,
    timeoutSec: int,
    connectionDraining: closed({ drainingTimeoutSec: int }),
    healthCheck: closed({
      checkIntervalSec: int,
      timeoutSec: int,
      healthyThreshold: int,
      unhealthyThreshold: int,
      type: { type: 'string', enum: ['HTTP', 'HTTPS', 'HTTP2'] },
      requestPath: str,
      port: int,
    }),
  }),
});

const frontendConfig = closed({
  apiVersion: str,
  kind: str,
  metadata: { type: 'object' },
  spec: closed({
    sslPolicy: str,
    redirectToHttps: closed({
      enabled: { type: 'boolean' },
      responseCodeName: { type: 'string', enum: ['MOVED_PERMANENTLY_DEFAULT', 'FOUND', 'TEMPORARY_REDIRECT', 'PERMANENT_REDIRECT'] },
    }),
  }),
});

const healthCheckPolicy = closed({
  apiVersion: str,
  kind: str,
  metadata: { type: 'object' },
  spec: closed(
    {
      default: closed({
        checkIntervalSec: int,
        timeoutSec: int,
        healthyThreshold: int,
        unhealthyThreshold: int,
        logConfig: open,
        config: closed(
          {
            type: { type: 'string', enum: ['HTTP', 'HTTPS', 'HTTP2', 'TCP', 'GRPC'] },
            httpHealthCheck: closed({
              port: int,
              portName: str,
              portSpecification: { type: 'string', enum: ['USE_FIXED_PORT', 'USE_NAMED_PORT', 'USE_SERVING_PORT'] },
              requestPath: str,
              host: str,
              response: str,
              proxyHeader: str,
            }),
            httpsHealthCheck: open,
            http2HealthCheck: open,
            tcpHealthCheck: open,
            grpcHealthCheck: open,
          },
          ['type'],
        ),
      }),
      targetRef: closed({ group: str, kind: str, name: str, namespace: str }, ['group', 'kind', 'name']),
    },
    ['targetRef'],
  ),
});

// GoogleCloudPlatform/prometheus-engine pkg/operator/apis/monitoring/v1 (PodMonitoringSpec, ScrapeEndpoint).
const podMonitoring = closed({
  apiVersion: str,
  kind: str,
  metadata: { type: 'object' },
  spec: closed(
    {
      selector: closed({ matchLabels: { type: 'object', additionalProperties: str }, matchExpressions: { type: 'array' } }),
      endpoints: {
        type: 'array',
        minItems: 1,
        items: closed(
          {
            port: { type: ['string', 'integer'] },
            path: str,
            interval: str,
            timeout: str,
            scheme: str,
            params: open,
            metricRelabeling: { type: 'array' },
            tls: open,
            authorization: open,
            basicAuth: open,
            oauth2: open,
            proxyUrl: str,
          },
          ['port'],
        ),
      },
      targetLabels: open,
      limits: open,
      filterRunning: { type: 'boolean' },
    },
    ['selector', 'endpoints'],
  ),
});

/** Derived schemas by `<group>/<version>/<kind>`. */
export const DERIVED_SCHEMAS: Record<string, Schema> = {
  'cloud.google.com/v1/BackendConfig': backendConfig,
  'networking.gke.io/v1beta1/FrontendConfig': frontendConfig,
  'networking.gke.io/v1/HealthCheckPolicy': healthCheckPolicy,
  'monitoring.googleapis.com/v1/PodMonitoring': podMonitoring,
};

/**
 * Groups that serve another group's schema. Azure Monitor's managed Prometheus
 * reads Prometheus Operator PodMonitors and ServiceMonitors under its own group
 * (https://learn.microsoft.com/azure/azure-monitor/containers/prometheus-metrics-scrape-crd).
 */
export const GROUP_ALIASES: Record<string, string> = {
  'azmonitoring.coreos.com': 'monitoring.coreos.com',
};
