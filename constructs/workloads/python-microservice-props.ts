import { Duration } from 'cdk8s';
import { PythonServer } from '../pod/server';
import { HealthProps } from '../pod/health';
import { WorkloadIdentity } from '../profiles/profile';
import { MetricsProps } from '../scaling/metrics';
import { PortProps } from '../pod/ports';
import { AutoscalingProps } from '../scaling/scaling';
import { Exposure, NetworkPeer, Protocol } from '../traffic/exposure';
import { IngressProps } from '../traffic/ingress';
import { WorkloadProps } from './workload-props';
import { RolloutStrategy } from './web-rollout';

/** Props of {@link PythonMicroservice}. */
export interface PythonMicroserviceProps extends WorkloadProps {
  /** How the container serves the app: gunicorn, uvicorn, Django, or a command. */
  readonly server: PythonServer;
  /** Health endpoints; they drive the probes and the load balancer's health check. */
  readonly health: HealthProps;
  /**
   * What the service speaks: HTTP, gRPC or another TCP protocol. Names the port,
   * sets the Service's `appProtocol` and picks the kind of health checks.
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;
  /**
   * Port the server listens on inside the container (1024 or above: the container runs without privileges).
   * @default 8000
   */
  readonly port?: number;
  /**
   * Port of the Service and the load balancer.
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * Replicas when there is no autoscaling.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * How the Deployment replaces pods. `RECREATE` stops the old pod before the new
   * one starts, for one replica that holds a ReadWriteOnce claim (a disk attaches
   * to one node); each rollout is then a short outage.
   * @default RolloutStrategy.ROLLING_UPDATE
   */
  readonly strategy?: RolloutStrategy;
  /**
   * Horizontal autoscaling. When set, the HorizontalPodAutoscaler owns the replica count.
   * @default - a fixed number of replicas
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Who can reach the service.
   * @default Exposure.CLUSTER
   */
  readonly exposure?: Exposure;
  /**
   * Route HTTP(S) through the cloud's layer-7 load balancer (an Ingress) or a
   * Gateway API Gateway, instead of a LoadBalancer Service. Needs an internal or public exposure.
   * @default - a LoadBalancer Service when exposed
   */
  readonly ingress?: IngressProps;
  /**
   * In-cluster sources the NetworkPolicy admits to the service port. Load
   * balancer traffic is admitted on top when the exposure is internal or public.
   * @default [NetworkPeer.sameNamespace()]
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * How long a terminating pod keeps serving before the server is told to stop,
   * so that kube-proxy and the load balancer stop sending it requests first.
   * @default - the profile's drain time for the exposure
   */
  readonly drainDelay?: Duration;
  /**
   * Prometheus metrics: a named port, prometheus_client's multi-process
   * directory, and the cloud's scrape configuration.
   * @default - no metrics
   */
  readonly metrics?: MetricsProps;
  /**
   * Ports the app listens on beside `port` (a StatsD listener, an admin port):
   * each on the in-cluster Service and admitted by the NetworkPolicy from its own
   * `allowFrom`. With a LoadBalancer Service (internal or public exposure without
   * `ingress`) they go on a second, in-cluster Service, `<name>-cluster`.
   * @default - none
   */
  readonly ports?: PortProps[];
  /**
   * Hard deadline for the pod to stop. Must cover the drain delay plus the server's graceful timeout.
   * @default - drain delay + graceful timeout + 5 seconds
   */
  readonly terminationGracePeriod?: Duration;
}

/** A workload identity with the Kubernetes side of its binding. */
export interface IdentityBinding extends WorkloadIdentity {
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** Name of the ServiceAccount. */
  readonly serviceAccount: string;
  /** The token subject clouds federate on: `system:serviceaccount:<namespace>:<name>`. */
  readonly subject: string;
  /**
   * Other subjects the identity must trust too: KEDA's operator, when a worker's
   * scaler reads a cloud queue as the workload (AWS `identityOwner: workload`, `azure-workload`).
   */
  readonly alsoTrustedSubjects: string[];
}
