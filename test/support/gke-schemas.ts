/**
 * Schemas of GKE's load-balancing custom resources, which have no upstream
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
const closed = (properties: Record<string, unknown>, required?: string[]): Schema => ({ type: 'object', properties, ...(required ? { required } : {}) });

const backendConfig = closed({
  apiVersion: str, kind: str, metadata: { type: 'object' },
  spec: closed({
    cdn: open, iap: open, securityPolicy: open, sessionAffinity: open, customRequestHeaders: open, customResponseHeaders: open, logging: open,
    timeoutSec: int,
    connectionDraining: closed({ drainingTimeoutSec: int }),
    healthCheck: closed({
      checkIntervalSec: int, timeoutSec: int, healthyThreshold: int, unhealthyThreshold: int,
      type: { type: 'string', enum: ['HTTP', 'HTTPS', 'HTTP2'] }, requestPath: str, port: int,
    }),
  }),
});

const frontendConfig = closed({
  apiVersion: str, kind: str, metadata: { type: 'object' },
  spec: closed({
    sslPolicy: str,
    redirectToHttps: closed({
      enabled: { type: 'boolean' },
      responseCodeName: { type: 'string', enum: ['MOVED_PERMANENTLY_DEFAULT', 'FOUND', 'TEMPORARY_REDIRECT', 'PERMANENT_REDIRECT'] },
    }),
  }),
});

const healthCheckPolicy = closed({
  apiVersion: str, kind: str, metadata: { type: 'object' },
  spec: closed({
    default: closed({
      checkIntervalSec: int, timeoutSec: int, healthyThreshold: int, unhealthyThreshold: int, logConfig: open,
      config: closed({
        type: { type: 'string', enum: ['HTTP', 'HTTPS', 'HTTP2', 'TCP', 'GRPC'] },
        httpHealthCheck: closed({ port: int, portName: str, portSpecification: { type: 'string', enum: ['USE_FIXED_PORT', 'USE_NAMED_PORT', 'USE_SERVING_PORT'] }, requestPath: str, host: str, response: str, proxyHeader: str }),
        httpsHealthCheck: open, http2HealthCheck: open, tcpHealthCheck: open, grpcHealthCheck: open,
      }, ['type']),
    }),
    targetRef: closed({ group: str, kind: str, name: str, namespace: str }, ['group', 'kind', 'name']),
  }, ['targetRef']),
});

/** Derived schemas by `<group>/<version>/<kind>`. */
export const GKE_SCHEMAS: Record<string, Schema> = {
  'cloud.google.com/v1/BackendConfig': backendConfig,
  'networking.gke.io/v1beta1/FrontendConfig': frontendConfig,
  'networking.gke.io/v1/HealthCheckPolicy': healthCheckPolicy,
};
