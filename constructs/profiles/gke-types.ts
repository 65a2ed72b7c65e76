/**
 * Typed shapes of GKE's load-balancing custom resources.
 *
 * No CustomResourceDefinition YAML exists upstream for these: the GKE ingress
 * controller creates the CRDs at start-up from Go types, so `cdk8s import`
 * has nothing to read. The shapes below are the subset this library sets,
 * written from those Go types and GKE's documentation:
 * - BackendConfig, cloud.google.com/v1: kubernetes/ingress-gce
 *   pkg/apis/backendconfig/v1/types.go; https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration
 * - FrontendConfig, networking.gke.io/v1beta1: kubernetes/ingress-gce
 *   pkg/apis/frontendconfig/v1beta1/types.go
 * - HealthCheckPolicy, networking.gke.io/v1: https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#configure_health_check
 * - PodMonitoring, monitoring.googleapis.com/v1: GoogleCloudPlatform/prometheus-engine
 *   pkg/operator/apis/monitoring/v1 (PodMonitoringSpec); https://cloud.google.com/stackdriver/docs/managed-prometheus/setup-managed
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/** BackendConfig `spec.healthCheck`. */
export interface BackendConfigHealthCheck {
  readonly checkIntervalSec?: number;
  readonly timeoutSec?: number;
  readonly healthyThreshold?: number;
  readonly unhealthyThreshold?: number;
  /** HTTP, HTTPS or HTTP2. */
  readonly type?: 'HTTP' | 'HTTPS' | 'HTTP2';
  readonly requestPath?: string;
  /** Setting a port makes the check use that fixed port. */
  readonly port?: number;
}

/** BackendConfig `spec`. */
export interface BackendConfigSpec {
  readonly healthCheck?: BackendConfigHealthCheck;
  readonly connectionDraining?: { readonly drainingTimeoutSec?: number };
  readonly timeoutSec?: number;
}

/** A GKE BackendConfig (cloud.google.com/v1). */
export class BackendConfig extends ApiObject {
  public constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: BackendConfigSpec }) {
    super(scope, id, { apiVersion: 'cloud.google.com/v1', kind: 'BackendConfig', metadata: props.metadata, spec: props.spec });
  }
}

/** FrontendConfig `spec`. */
export interface FrontendConfigSpec {
  readonly redirectToHttps?: {
    readonly enabled: boolean;
    readonly responseCodeName?: 'MOVED_PERMANENTLY_DEFAULT' | 'FOUND' | 'TEMPORARY_REDIRECT' | 'PERMANENT_REDIRECT';
  };
  readonly sslPolicy?: string;
}

/** A GKE FrontendConfig (networking.gke.io/v1beta1). */
export class FrontendConfig extends ApiObject {
  public constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: FrontendConfigSpec }) {
    super(scope, id, { apiVersion: 'networking.gke.io/v1beta1', kind: 'FrontendConfig', metadata: props.metadata, spec: props.spec });
  }
}

/** HealthCheckPolicy `spec`. */
export interface HealthCheckPolicySpec {
  readonly default: {
    readonly checkIntervalSec?: number;
    readonly timeoutSec?: number;
    readonly healthyThreshold?: number;
    readonly unhealthyThreshold?: number;
    readonly config: {
      readonly type: 'HTTP' | 'HTTPS' | 'HTTP2' | 'TCP' | 'GRPC';
      readonly httpHealthCheck?: {
        readonly port?: number;
        readonly portSpecification?: 'USE_FIXED_PORT' | 'USE_SERVING_PORT';
        readonly requestPath?: string;
      };
    };
  };
  readonly targetRef: { readonly group: string; readonly kind: string; readonly name: string };
}

/** A GKE Gateway HealthCheckPolicy (networking.gke.io/v1). */
export class HealthCheckPolicy extends ApiObject {
  public constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: HealthCheckPolicySpec }) {
    super(scope, id, { apiVersion: 'networking.gke.io/v1', kind: 'HealthCheckPolicy', metadata: props.metadata, spec: props.spec });
  }
}

/** PodMonitoring `spec`. */
export interface PodMonitoringSpec {
  readonly selector: { readonly matchLabels: Record<string, string> };
  readonly endpoints: Array<{
    readonly port: string | number;
    readonly path?: string;
    readonly interval?: string;
    readonly timeout?: string;
  }>;
}

/** A Google Cloud Managed Service for Prometheus PodMonitoring (monitoring.googleapis.com/v1). */
export class PodMonitoring extends ApiObject {
  public constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: PodMonitoringSpec }) {
    super(scope, id, { apiVersion: 'monitoring.googleapis.com/v1', kind: 'PodMonitoring', metadata: props.metadata, spec: props.spec });
  }
}
