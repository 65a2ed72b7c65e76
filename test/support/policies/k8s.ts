/** Minimal Kubernetes object shapes read by the policy checks (only the fields they read; everything optional, as in JSON). */

// ---------------------------------------------------------------------------------------------
// Minimal Kubernetes shapes (only the fields the checks read; everything optional, as in JSON).
// ---------------------------------------------------------------------------------------------

export type Labels = Record<string, string>;

interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Labels;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

interface SeccompProfile {
  type?: string;
}

export interface SELinuxOptions {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}

export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: SeccompProfile;
  seLinuxOptions?: SELinuxOptions;
  windowsOptions?: { hostProcess?: boolean };
}

interface PodSecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  seccompProfile?: SeccompProfile;
  seLinuxOptions?: SELinuxOptions;
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: Array<{ name: string; value?: string }>;
}

export type PortRef = number | string;

export interface Probe {
  httpGet?: { path?: string; port?: PortRef };
  tcpSocket?: { port?: PortRef };
  grpc?: { port?: number };
  exec?: { command?: string[] };
}

interface ContainerPort {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  ports?: ContainerPort[];
  env?: EnvVar[];
  resources?: { requests?: Record<string, PortRef>; limits?: Record<string, PortRef> };
  securityContext?: SecurityContext;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: Array<{ name: string; mountPath?: string }>;
}

interface Volume {
  name: string;
  hostPath?: { path?: string };
  [volumeType: string]: unknown;
}

interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  topologyKey?: string;
}

interface TopologySpreadConstraint {
  maxSkew?: number;
  minDomains?: number;
  topologyKey?: string;
  whenUnsatisfiable?: string;
  labelSelector?: LabelSelector;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: PodSecurityContext;
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  priorityClassName?: string;
  restartPolicy?: string;
  os?: { name?: string };
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
      preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight?: number; podAffinityTerm?: PodAffinityTerm }>;
    };
  };
  topologySpreadConstraints?: TopologySpreadConstraint[];
}

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

/** Any Kubernetes object; `spec` is read through the narrower accessors below. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: any;
  data?: Record<string, string>;
  automountServiceAccountToken?: boolean;
  template?: unknown;
}
