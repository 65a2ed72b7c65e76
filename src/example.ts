import { App, Chart, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  CloudProfile, Exposure, ICloudProfile, NetworkPeer, PythonMicroservice, PythonServer, RestrictedNamespace, SecretBackend, SecretEnv,
  SecretFile, TlsCertificate, BackingService, PythonBuild, containerFiles, PythonWorker, WorkerCommand, WorkerLiveness,
  QueueScaler, PythonMigration, MigrationCommand, PythonCronJob, Workload, WorkloadRole,
} from '../constructs';
import { gitopsFiles } from './gitops';
import { imageFor } from './images';
import { CloudTarget } from './synth';

/** The namespace the example shop runs in. */
export const SHOP_NAMESPACE = 'shop';

/** The PriorityClass of the shop's services. */
export const SHOP_PRIORITY = 'shop-standard';

/** The cloud identities of one service of the example, per cloud. */
interface ServiceIdentity {
  readonly awsRole: string;
  readonly gcpServiceAccount: string;
  readonly azureClientId: string;
}

const AZURE_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const IDENTITIES: Record<string, ServiceIdentity> = {
  'orders-api': {
    awsRole: 'arn:aws:iam::111122223333:role/shop/orders-api',
    gcpServiceAccount: 'orders-api@acme-shop-prod.iam.gserviceaccount.com',
    azureClientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11',
  },
  'inventory': {
    awsRole: 'arn:aws:iam::111122223333:role/shop/inventory',
    gcpServiceAccount: 'inventory@acme-shop-prod.iam.gserviceaccount.com',
    azureClientId: 'c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f',
  },
};

/**
 * The clouds the example is synthesized for, each a profile per service: the
 * service's identity, and the cloud's secret manager (CSI driver on EKS and AKS,
 * External Secrets on GKE, to show both).
 */
export const CLOUDS: Record<string, (service: string) => ICloudProfile> = {
  eks: (service) => CloudProfile.eks({
    roleArn: IDENTITIES[service]?.awsRole,
    secrets: { backend: SecretBackend.CSI_DRIVER, region: 'eu-west-1' },
  }),
  gke: (service) => CloudProfile.gke({
    serviceAccount: IDENTITIES[service]?.gcpServiceAccount,
    autopilot: true,
    secrets: { backend: SecretBackend.EXTERNAL_SECRETS, projectId: 'acme-shop-prod' },
  }),
  aks: (service) => CloudProfile.aks({
    clientId: IDENTITIES[service]?.azureClientId,
    tenantId: IDENTITIES[service] && AZURE_TENANT,
    secrets: { backend: SecretBackend.CSI_DRIVER, keyVaultName: 'acme-shop-kv' },
  }),
};

/** The queue of order events on each cloud. */
const EVENTS_QUEUE: Record<string, QueueScaler> = {
  eks: QueueScaler.sqs({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders-events' }),
  gke: QueueScaler.pubsub({ subscription: 'orders-events-worker' }),
  aks: QueueScaler.serviceBus({ namespace: 'acme-shop-bus', queueName: 'orders-events' }),
};

/** The public API's certificate, as each cloud's load balancer references it. */
const API_CERTIFICATE: Record<string, TlsCertificate> = {
  eks: TlsCertificate.acm('arn:aws:acm:eu-west-1:111122223333:certificate/6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f'),
  gke: TlsCertificate.googleManaged(),
  aks: TlsCertificate.keyVault('https://acme-shop-kv.vault.azure.net/certificates/api-shop-example-com'),
};

/**
 * The example shop: a public FastAPI orders API that autoscales and reads its
 * database URL from a Secret, an internal Django inventory service, and a
 * cluster-only recommendations service, in a namespace that enforces the
 * "restricted" Pod Security Standard.
 */
export function defineShop(scope: Construct, profileFor: (service: string) => ICloudProfile): void {
  const ns = new Chart(scope, 'namespace');
  new RestrictedNamespace(ns, SHOP_NAMESPACE);
  new k8s.KubePriorityClass(ns, 'priority', {
    metadata: { name: SHOP_PRIORITY },
    value: 100_000,
    description: 'Customer-facing shop services: scheduled before batch work, evicted after it.',
  });

  const shop = new Chart(scope, 'shop', { namespace: SHOP_NAMESPACE });
  shop.addDependency(ns);

  const ordersProfile = profileFor('orders-api');
  const orders = new PythonMicroservice(shop, 'orders-api', {
    // The pipeline pins the digest it built through IMAGE_ORDERS_API (src/images.ts).
    image: imageFor('orders-api', 'ghcr.io/acme/orders-api:1.4.2'),
    server: PythonServer.gunicornUvicorn({ app: 'orders.main:app' }),
    resources: { cpu: '500m', memory: '512Mi' },
    health: { liveness: '/livez', readiness: '/readyz', startupBudget: Duration.seconds(90) },
    autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 },
    config: {
      LOG_LEVEL: 'info', ORDERS_PAGE_SIZE: '50', INVENTORY_URL: 'http://inventory.shop.svc.cluster.local',
      REDIS_ADDRESS: 'redis.shop.svc.cluster.local:6379',
    },
    secrets: [SecretEnv.fromStore({ DATABASE_URL: 'shop-orders-database-url' })],
    secretFiles: [SecretFile.fromStore('shop-orders-jwt-signing-key', 'jwt-signing-key.pem')],
    exposure: Exposure.PUBLIC,
    ingress: { host: 'api.shop.example.com', tls: API_CERTIFICATE[ordersProfile.cloud] },
    metrics: { port: 9090 },
    partOf: 'shop',
    priorityClassName: SHOP_PRIORITY,
    profile: ordersProfile,
  });

  // Celery on Redis, scaled by KEDA on the length of the 'celery' list.
  new PythonWorker(shop, 'orders-worker', {
    app: orders,
    command: WorkerCommand.celery({ app: 'orders.celery:app', queues: ['celery'] }),
    resources: { cpu: '500m', memory: '768Mi' },
    queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS', listName: 'celery' }), minReplicas: 1, maxReplicas: 20 },
    shutdownTimeout: Duration.minutes(10),
    metrics: { port: 9090 },
  });

  // Order events from the cloud's own queue, read with the worker's workload identity.
  new PythonWorker(shop, 'orders-events', {
    app: orders,
    command: WorkerCommand.command(['python', '-m', 'orders.events']),
    liveness: WorkerLiveness.heartbeatFile('/tmp/orders-events-heartbeat'),
    queueAutoscaling: { queue: EVENTS_QUEUE[ordersProfile.cloud], minReplicas: 0, maxReplicas: 10 },
  });

  new PythonMigration(shop, 'orders-migrate', { app: orders, command: MigrationCommand.alembic() });

  new PythonCronJob(shop, 'orders-nightly-report', {
    app: orders,
    command: ['python', '-m', 'orders.reports', 'nightly'],
    schedule: '30 2 * * *',
    timeZone: 'Europe/Paris',
  });

  new PythonMicroservice(shop, 'inventory', {
    image: imageFor('inventory', 'ghcr.io/acme/inventory@sha256:9f2c1d0a6b8e4f3c2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f'),
    server: PythonServer.django({ project: 'inventory', threads: 4 }),
    resources: { cpu: '1', memory: '1Gi' },
    health: { liveness: '/healthz/live', readiness: '/healthz/ready' },
    replicas: 3,
    config: { DJANGO_ALLOWED_HOSTS: 'inventory,inventory.shop.svc.cluster.local' },
    secrets: [SecretEnv.fromExisting('inventory-django', { DJANGO_SECRET_KEY: 'secret-key', DATABASE_URL: 'database-url' })],
    exposure: Exposure.INTERNAL,
    allowFrom: [NetworkPeer.pods({ 'pyservice.dev/workload': 'orders-api' })],
    partOf: 'shop',
    priorityClassName: SHOP_PRIORITY,
    profile: profileFor('inventory'),
  });

  new PythonMicroservice(shop, 'recommendations', {
    image: imageFor('recommendations', 'ghcr.io/acme/recommendations:0.9.0'),
    server: PythonServer.uvicorn({ app: 'recs.app:app' }),
    resources: { cpu: '250m', memory: '384Mi' },
    health: { readiness: '/ready' },
    replicas: 2,
    partOf: 'shop',
    priorityClassName: SHOP_PRIORITY,
    profile: profileFor('recommendations'),
  });
}

/** The example for every cloud: one cdk8s App per cloud, defined but not synthesized. */
export function exampleTargets(): CloudTarget[] {
  return Object.entries(CLOUDS).map(([cloud, profileFor]) => {
    const app = new App();
    defineShop(app, profileFor);
    return { cloud, app };
  });
}

/** How each service's image is built; the Dockerfiles are generated from it. */
const BUILDS: Record<string, PythonBuild> = {
  'orders-api': PythonBuild.uv({ pythonVersion: '3.12.7', context: 'services/orders-api' }),
  'inventory': PythonBuild.poetry({ pythonVersion: '3.12.7', context: 'services/inventory', runtimePackages: ['libpq5'], buildPackages: ['libpq-dev', 'gcc'] }),
  'recommendations': PythonBuild.requirements({ pythonVersion: '3.12.7', context: 'services/recommendations' }),
};

/** The services whose images the pipeline builds and promotes through IMAGE_<SERVICE>. */
export const SHOP_SERVICES = Object.keys(BUILDS);

/** Delivery files of the example (Argo CD, Flux, GitHub Actions per cloud), under dist/gitops/ and dist/ci/. */
export function exampleGitopsFiles(): Map<string, string> {
  const services = Object.entries(BUILDS).map(([name, build]) => ({ name, context: build.context }));
  return gitopsFiles({
    repoUrl: 'https://github.com/acme/shop.git',
    namespace: SHOP_NAMESPACE,
    clouds: Object.fromEntries(Object.keys(CLOUDS).map((cloud) => [cloud, { services }])),
    argoCd: { autoSync: true, prune: true, selfHeal: true },
  });
}

/**
 * The container side of the example (Dockerfiles, their ignore files and a
 * compose file for local development), from the same service descriptions.
 * Written under dist/container/; the pods they must agree with are the EKS
 * ones (resources differ only where a profile applies platform rules).
 */
export function exampleContainerFiles(targets: readonly CloudTarget[]): Map<string, string> {
  const all = targets[0].app.node.findAll();
  const of = <T extends Construct>(type: abstract new (...args: never[]) => T): T[] => all.filter((c): c is T => c instanceof type);
  const workloads: Workload[] = [
    ...of(PythonMicroservice).map((s) => ({ container: s.container, role: WorkloadRole.WEB, build: BUILDS[s.name] })),
    ...of(PythonWorker).map((w) => ({ container: w.container, role: WorkloadRole.WORKER })),
    ...of(PythonMigration).map((m) => ({ container: m.container, role: WorkloadRole.MIGRATION })),
    ...of(PythonCronJob).map((c) => ({ container: c.container, role: WorkloadRole.CRON })),
  ];
  const files = containerFiles(
    workloads,
    BUILDS['orders-api'],
    { outDir: 'dist/container', backingServices: [BackingService.postgres(), BackingService.redis()] },
  );
  return new Map([...files].map(([file, text]) => [`container/${file}`, text]));
}
