/**
 * Peer: the benchmark service written by hand with cdk8s-plus-28, as a user
 * without this library would, and synthesized with cdk8s's own `app.synth()`
 * (one file per object). Not shipped; it exists to measure against.
 *
 * Same kinds and count per service as the library (ServiceAccount, ConfigMap,
 * Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget,
 * NetworkPolicy). Known field-level differences from the library's output:
 * - cdk8s-plus selects pods by its `cdk8s.io/metadata.addr` label, not `pyservice.dev/workload`;
 * - the ConfigMap name has no content hash, and no WEB_CONCURRENCY is derived;
 * - probes and the Service target the port number (8000), not the port name;
 * - spreading is pod anti-affinity per node and zone (cdk8s-plus `spread`), not topologySpreadConstraints;
 * - cdk8s-plus adds its own defaults (hostNetwork, dnsPolicy, restartPolicy, setHostnameAsFQDN, ...).
 */
import * as path from 'path';
import { App, Chart, Duration, Size, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AZURE_TENANT, CLOUDS, Cloud, NAMESPACE, azureClientId, serviceName } from '../names';
import { RunResult } from '../types';

const PORT = 8000;

/** What a user writes per cloud: identity annotations, load balancer annotations, drain time. */
interface CloudSettings {
  readonly serviceAccountAnnotations: (i: number) => Record<string, string>;
  readonly serviceAnnotations: Record<string, string>;
  readonly podLabels: Record<string, string>;
  readonly drainSeconds: number;
}

const CLOUD_SETTINGS: Record<Cloud, CloudSettings> = {
  eks: {
    serviceAccountAnnotations: (i) => ({
      'eks.amazonaws.com/role-arn': `arn:aws:iam::111122223333:role/bench/${serviceName(i)}`,
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
    }),
    serviceAnnotations: {
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-healthy-threshold': '2',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval': '10',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/readyz',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': 'traffic-port',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout': '3',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-unhealthy-threshold': '3',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
    },
    podLabels: {},
    drainSeconds: 20,
  },
  gke: {
    serviceAccountAnnotations: (i) => ({ 'iam.gke.io/gcp-service-account': `${serviceName(i)}@acme-bench.iam.gserviceaccount.com` }),
    serviceAnnotations: { 'cloud.google.com/neg': '{"ingress": true}' },
    podLabels: {},
    drainSeconds: 15,
  },
  aks: {
    serviceAccountAnnotations: (i) => ({
      'azure.workload.identity/client-id': azureClientId(i),
      'azure.workload.identity/tenant-id': AZURE_TENANT,
    }),
    serviceAnnotations: {
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-interval': '10',
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-num-of-probe': '3',
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/readyz',
    },
    podLabels: { 'azure.workload.identity/use': 'true' },
    drainSeconds: 15,
  },
};

function defineService(scope: Construct, cloud: Cloud, i: number): void {
  const name = serviceName(i);
  const settings = CLOUD_SETTINGS[cloud];
  const s = new Construct(scope, name);
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': 'web',
    'app.kubernetes.io/managed-by': 'cdk8s',
    'app.kubernetes.io/part-of': 'bench',
    'app.kubernetes.io/version': `1.4.${i}`,
  };

  const serviceAccount = new kplus.ServiceAccount(s, 'ServiceAccount', {
    metadata: { name, labels, annotations: settings.serviceAccountAnnotations(i) },
    automountToken: false,
  });
  const config = new kplus.ConfigMap(s, 'ConfigMap', {
    metadata: { name: `${name}-config`, labels },
    data: { LOG_LEVEL: 'info', PAGE_SIZE: '50', SERVICE_INDEX: String(i) },
    immutable: true,
  });
  const database = kplus.Secret.fromSecretName(s, 'Database', `${name}-db`);
  const tmp = kplus.Volume.fromEmptyDir(s, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(256) });
  const shm = kplus.Volume.fromEmptyDir(s, 'shm', 'shm', { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(64) });
  const probe = (p: string, failureThreshold: number, period: number) =>
    kplus.Probe.fromHttpGet(p, {
      port: PORT,
      failureThreshold,
      periodSeconds: Duration.seconds(period),
      timeoutSeconds: Duration.seconds(3),
      successThreshold: 1,
    });

  const deployment = new kplus.Deployment(s, 'Deployment', {
    metadata: { name, labels },
    podMetadata: { labels: { ...labels, ...settings.podLabels } },
    strategy: kplus.DeploymentStrategy.rollingUpdate({
      maxSurge: kplus.PercentOrAbsolute.percent(25),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
    }),
    serviceAccount,
    automountServiceAccountToken: false,
    terminationGracePeriod: Duration.seconds(settings.drainSeconds + 30 + 5),
    securityContext: {
      user: 10001,
      group: 10001,
      fsGroup: 10001,
      ensureNonRoot: true,
      fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
    },
    spread: true,
    volumes: [tmp, shm],
    containers: [
      {
        name: 'app',
        image: `ghcr.io/acme/${name}:1.4.${i}`,
        imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
        command: [
          'gunicorn',
          'app.main:app',
          '--bind',
          `0.0.0.0:${PORT}`,
          '--worker-tmp-dir',
          '/dev/shm',
          '--graceful-timeout',
          '30',
          '--access-logfile',
          '-',
          '--worker-class',
          'uvicorn.workers.UvicornWorker',
        ],
        ports: [{ number: PORT, name: 'http', protocol: kplus.Protocol.TCP }],
        envVariables: {
          PYTHONUNBUFFERED: kplus.EnvValue.fromValue('1'),
          PYTHONDONTWRITEBYTECODE: kplus.EnvValue.fromValue('1'),
          WEB_CONCURRENCY: kplus.EnvValue.fromValue('1'),
          DATABASE_URL: kplus.EnvValue.fromSecretValue({ secret: database, key: 'url' }),
        },
        envFrom: [kplus.Env.fromConfigMap(config)],
        volumeMounts: [
          { volume: tmp, path: '/tmp' },
          { volume: shm, path: '/dev/shm' },
        ],
        liveness: probe('/livez', 3, 10),
        readiness: probe('/readyz', 3, 10),
        startup: probe('/livez', 24, 5),
        lifecycle: { preStop: kplus.Handler.fromCommand(['python3', '-c', `import time; time.sleep(${settings.drainSeconds})`]) },
        resources: {
          cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(512), limit: Size.mebibytes(512) },
          ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
        },
        securityContext: {
          user: 10001,
          group: 10001,
          ensureNonRoot: true,
          privileged: false,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: [kplus.Capability.ALL] },
          seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
        },
      },
    ],
  });
  deployment.scheduling.spread({ topology: kplus.Topology.ZONE });

  new kplus.Service(s, 'Service', {
    metadata: { name, labels, annotations: settings.serviceAnnotations },
    type: kplus.ServiceType.LOAD_BALANCER,
    selector: deployment,
    ports: [{ name: 'http', port: 80, targetPort: PORT, protocol: kplus.Protocol.TCP }],
  });

  new kplus.HorizontalPodAutoscaler(s, 'HorizontalPodAutoscaler', {
    metadata: { name, labels },
    target: deployment,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
  });

  new k8s.KubePodDisruptionBudget(s, 'PodDisruptionBudget', {
    metadata: { name, labels },
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: deployment.matchLabels },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });

  const port = kplus.NetworkPolicyPort.tcp(PORT);
  new kplus.NetworkPolicy(s, 'NetworkPolicy', {
    metadata: { name, labels },
    selector: deployment,
    ingress: {
      default: kplus.NetworkPolicyTrafficDefault.DENY,
      rules: [
        { peer: kplus.Pods.all(s, 'SameNamespace'), ports: [port] },
        { peer: kplus.NetworkPolicyIpBlock.anyIpv4(s, 'LoadBalancer'), ports: [port] },
      ],
    },
    egress: { default: kplus.NetworkPolicyTrafficDefault.ALLOW },
  });
}

/** Defines `n` services per cloud, one App per cloud, and writes each with `app.synth()` into `<outDir>/<cloud>/`. */
export function run(n: number, outDir: string): RunResult {
  const t0 = performance.now();
  const apps = CLOUDS.map((cloud) => {
    const app = new App({
      outdir: path.join(outDir, cloud),
      yamlOutputType: YamlOutputType.FILE_PER_RESOURCE,
      outputFileExtension: '.yaml',
    });
    const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
    for (let i = 0; i < n; i++) defineService(chart, cloud, i);
    return app;
  });
  const t1 = performance.now();
  for (const app of apps) app.synth();
  const t2 = performance.now();
  return { phases: { define: t1 - t0, synth: t2 - t1 } };
}

/** The objects of service `i` on `cloud`, for the parity check. */
export function objectsOf(cloud: Cloud, i: number): any[] {
  const app = new App();
  const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
  defineService(chart, cloud, i);
  return chart.toJson();
}
