/**
 * The example shop, written the way a team writes its own repository: it uses
 * only the public API of `pyservice-k8s`.
 *
 * Four targets: `staging` on EKS, and `prod` on EKS, GKE and AKS. What differs
 * between environments (replicas, resources, hosts, identities, secret names,
 * exposure) is plain data in `ENVIRONMENTS`; the services are described once,
 * in `defineShop`.
 */
import { Chart, Duration } from 'cdk8s';
// The generated class only: the package's index also loads every L2 class, which a synth does not use.
import { KubePriorityClass } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  BackingService,
  CloudProfile,
  Exposure,
  ICloudProfile,
  MigrationCommand,
  NetworkPeer,
  PyserviceApp,
  PyserviceAppProps,
  PythonBuild,
  PythonMicroserviceProps,
  PythonCronJob,
  PythonMicroservice,
  PythonMigration,
  PythonServer,
  PythonWorker,
  QueueScaler,
  RestrictedNamespace,
  SecretBackend,
  SecretEnv,
  SecretFile,
  TlsCertificate,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';

/** The namespace the shop runs in. */
export const SHOP_NAMESPACE = 'shop';

/** The PriorityClass of the shop's services. */
export const SHOP_PRIORITY = 'shop-standard';

/** The clouds the shop runs on. */
export type Cloud = 'eks' | 'gke' | 'aks';

/** What one environment changes. */
export interface EnvironmentSettings {
  /** Public host of the orders API. */
  readonly apiHost: string;
  /** Fewest and most replicas of the orders API. */
  readonly apiReplicas: { readonly min: number; readonly max: number };
  /** Fixed replicas of the internal services. */
  readonly replicas: number;
  /** CPU and memory of the orders API. */
  readonly apiResources: { readonly cpu: string; readonly memory: string };
  /** Who reaches the orders API. */
  readonly apiExposure: Exposure;
  /** Prefix of secret names in the cloud's secret manager. */
  readonly secretPrefix: string;
  /** Cloud account (AWS), project (Google) or key vault (Azure) suffix of the environment. */
  readonly account: { readonly aws: string; readonly gcpProject: string; readonly keyVault: string };
}

/** The environments, in promotion order. */
export const ENVIRONMENTS: Record<string, EnvironmentSettings> = {
  staging: {
    apiHost: 'api.staging.shop.example.com',
    apiReplicas: { min: 2, max: 3 },
    replicas: 2,
    apiResources: { cpu: '250m', memory: '384Mi' },
    apiExposure: Exposure.INTERNAL,
    secretPrefix: 'shop-staging',
    account: { aws: '444455556666', gcpProject: 'acme-shop-staging', keyVault: 'acme-shop-staging-kv' },
  },
  prod: {
    apiHost: 'api.shop.example.com',
    apiReplicas: { min: 2, max: 10 },
    replicas: 3,
    apiResources: { cpu: '500m', memory: '512Mi' },
    apiExposure: Exposure.PUBLIC,
    secretPrefix: 'shop-orders',
    account: { aws: '111122223333', gcpProject: 'acme-shop-prod', keyVault: 'acme-shop-kv' },
  },
};

/** The targets: environment × cloud. */
export const TARGETS: ReadonlyArray<{ readonly environment: string; readonly cloud: Cloud }> = [
  { environment: 'staging', cloud: 'eks' },
  { environment: 'prod', cloud: 'eks' },
  { environment: 'prod', cloud: 'gke' },
  { environment: 'prod', cloud: 'aks' },
];

const AZURE_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** Azure client IDs of the managed identities, per environment and service. */
const AZURE_CLIENT_IDS: Record<string, Record<string, string>> = {
  staging: { 'orders-api': '0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a', inventory: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' },
  prod: { 'orders-api': '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11', inventory: 'c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f' },
};

/**
 * Where each cloud's load balancers reach the pods from: the subnets of the NLBs and
 * ALBs (EKS), the region's proxy-only subnet (GKE), the Application Gateway's subnet
 * (AKS). Naming them keeps the other pods of the network out of the NetworkPolicies.
 */
const LOAD_BALANCER_SUBNETS: Record<Cloud, string[]> = {
  eks: ['10.0.96.0/20', '10.0.112.0/20', '10.0.128.0/20'],
  gke: ['10.129.0.0/23'],
  aks: ['10.225.0.0/24'],
};

/** The services that have a cloud identity. */
const WITH_IDENTITY = new Set(['orders-api', 'inventory']);

/**
 * The profile of one service in one environment on one cloud: its identity,
 * and the cloud's secret manager (CSI driver on EKS and AKS, External Secrets
 * on GKE, to show both).
 */
export function profileFor(cloud: Cloud, environment: string, service: string): ICloudProfile {
  const env = ENVIRONMENTS[environment];
  const identity = WITH_IDENTITY.has(service);
  switch (cloud) {
    case 'eks':
      return CloudProfile.eks({
        roleArn: identity ? `arn:aws:iam::${env.account.aws}:role/shop/${service}` : undefined,
        // Staging shows EKS Pod Identity (an association, nothing in the manifests); prod uses IRSA.
        identity: environment === 'staging' ? 'pod-identity' : 'irsa',
        secrets: { backend: SecretBackend.CSI_DRIVER, region: 'eu-west-1' },
        nodeProvisioner: 'karpenter',
        loadBalancerSourceRanges: LOAD_BALANCER_SUBNETS.eks,
      });
    case 'gke':
      return CloudProfile.gke({
        serviceAccount: identity ? `${service}@${env.account.gcpProject}.iam.gserviceaccount.com` : undefined,
        autopilot: true,
        secrets: { backend: SecretBackend.EXTERNAL_SECRETS, projectId: env.account.gcpProject },
        // The public API keeps its address across re-creations of the load balancer.
        staticIpName: service === 'orders-api' ? 'shop-api-ip' : undefined,
        loadBalancerSourceRanges: LOAD_BALANCER_SUBNETS.gke,
      });
    case 'aks':
      return CloudProfile.aks({
        clientId: identity ? AZURE_CLIENT_IDS[environment][service] : undefined,
        tenantId: identity ? AZURE_TENANT : undefined,
        secrets: { backend: SecretBackend.CSI_DRIVER, keyVaultName: env.account.keyVault },
        // The internal inventory service sits behind the Application Gateway; the public API behind app routing.
        ingressController: service === 'inventory' ? 'agic' : 'app-routing',
        loadBalancerSourceRanges: LOAD_BALANCER_SUBNETS.aks,
      });
  }
}

/** How the internal inventory service is reached on each cloud: an internal NLB, a Gateway route, the Application Gateway. */
function inventoryIngress(cloud: Cloud): PythonMicroserviceProps['ingress'] {
  switch (cloud) {
    case 'eks':
      return undefined;
    case 'gke':
      return { host: 'inventory.shop.internal.example.com', gateway: { name: 'internal', namespace: 'gateways' } };
    case 'aks':
      return { host: 'inventory.shop.internal.example.com', tls: TlsCertificate.appGateway('inventory-internal') };
  }
}

/** The queue of order events on each cloud. */
function eventsQueue(cloud: Cloud, env: EnvironmentSettings): QueueScaler {
  switch (cloud) {
    case 'eks':
      return QueueScaler.sqs({ queueUrl: `https://sqs.eu-west-1.amazonaws.com/${env.account.aws}/orders-events` });
    case 'gke':
      return QueueScaler.pubsub({ subscription: 'orders-events-worker', project: env.account.gcpProject });
    case 'aks':
      return QueueScaler.serviceBus({ namespace: 'acme-shop-bus', queueName: 'orders-events' });
  }
}

/** The public API's certificate, as each cloud's load balancer references it. */
function apiCertificate(cloud: Cloud, env: EnvironmentSettings): TlsCertificate {
  switch (cloud) {
    case 'eks':
      return TlsCertificate.acm(`arn:aws:acm:eu-west-1:${env.account.aws}:certificate/6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f`);
    case 'gke':
      return TlsCertificate.googleManaged();
    case 'aks':
      return TlsCertificate.keyVault(`https://${env.account.keyVault}.vault.azure.net/certificates/api-shop-example-com`);
  }
}

/** The images the shop deploys, and how this repository builds them. */
export const IMAGES: PyserviceAppProps['images'] = {
  'orders-api': {
    image: 'ghcr.io/acme/orders-api:1.4.2',
    build: PythonBuild.uv({ pythonVersion: '3.12.7', context: 'services/orders-api' }),
  },
  inventory: {
    image: 'ghcr.io/acme/inventory@sha256:9f2c1d0a6b8e4f3c2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f',
    build: PythonBuild.poetry({
      pythonVersion: '3.12.7',
      context: 'services/inventory',
      runtimePackages: ['libpq5'],
      buildPackages: ['libpq-dev', 'gcc'],
    }),
  },
  recommendations: {
    image: 'ghcr.io/acme/recommendations:0.9.0',
    build: PythonBuild.requirements({ pythonVersion: '3.12.7', context: 'services/recommendations' }),
  },
};

/** Where the shop is deployed, and how each image is chosen. */
export interface ShopContext {
  readonly cloud: Cloud;
  readonly environment: string;
  /** The image to deploy for a service of `IMAGES`. */
  image(service: string): string;
}

/**
 * The shop: a FastAPI orders API that autoscales and reads its database URL
 * from the cloud's secret manager, its Celery worker, an event consumer, its
 * migration and nightly report, an internal Django inventory service and a
 * cluster-only recommendations service, in a namespace that enforces the
 * "restricted" Pod Security Standard.
 */
export function defineShop(scope: Construct, ctx: ShopContext): void {
  const env = ENVIRONMENTS[ctx.environment];
  const profile = (service: string) => profileFor(ctx.cloud, ctx.environment, service);

  const ns = new Chart(scope, 'namespace');
  new RestrictedNamespace(ns, SHOP_NAMESPACE);
  new KubePriorityClass(ns, 'priority', {
    metadata: { name: SHOP_PRIORITY },
    value: 100_000,
    description: 'Customer-facing shop services: scheduled before batch work, evicted after it.',
  });

  const shop = new Chart(scope, 'shop', { namespace: SHOP_NAMESPACE });
  shop.addDependency(ns);

  const orders = new PythonMicroservice(shop, 'orders-api', {
    image: ctx.image('orders-api'),
    server: PythonServer.gunicornUvicorn({ app: 'orders.main:app' }),
    resources: env.apiResources,
    health: { liveness: '/livez', readiness: '/readyz', startupBudget: Duration.seconds(90) },
    autoscaling: { minReplicas: env.apiReplicas.min, maxReplicas: env.apiReplicas.max, targetCpuUtilization: 70 },
    config: {
      LOG_LEVEL: 'info',
      ORDERS_PAGE_SIZE: '50',
      INVENTORY_URL: 'http://inventory.shop.svc.cluster.local',
      REDIS_ADDRESS: 'redis.shop.svc.cluster.local:6379',
    },
    secrets: [SecretEnv.fromStore({ DATABASE_URL: `${env.secretPrefix}-database-url` })],
    secretFiles: [SecretFile.fromStore(`${env.secretPrefix}-jwt-signing-key`, 'jwt-signing-key.pem')],
    exposure: env.apiExposure,
    ingress: { host: env.apiHost, tls: apiCertificate(ctx.cloud, env) },
    metrics: { port: 9090 },
    partOf: 'shop',
    priorityClassName: SHOP_PRIORITY,
    profile: profile('orders-api'),
  });

  // Celery on Redis, scaled by KEDA on the length of the lists of its queues (a Celery queue's list has its name).
  new PythonWorker(shop, 'orders-worker', {
    app: orders,
    command: WorkerCommand.celery({ app: 'orders.celery:app', queues: ['celery'] }),
    resources: { cpu: '500m', memory: '768Mi' },
    queueAutoscaling: { queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS' }), minReplicas: 1, maxReplicas: 20 },
    shutdownTimeout: Duration.minutes(9),
    // Celery tasks are retried when a node goes away: the workers run on spot capacity.
    placement: { spot: true },
    metrics: { port: 9090 },
  });

  // Order events from the cloud's own queue, read with the worker's workload identity.
  new PythonWorker(shop, 'orders-events', {
    app: orders,
    command: WorkerCommand.command(['python', '-m', 'orders.events']),
    liveness: WorkerLiveness.heartbeatFile('/tmp/orders-events-heartbeat'),
    queueAutoscaling: { queue: eventsQueue(ctx.cloud, env), minReplicas: 0, maxReplicas: 10 },
  });

  new PythonMigration(shop, 'orders-migrate', { app: orders, command: MigrationCommand.alembic() });

  new PythonCronJob(shop, 'orders-nightly-report', {
    app: orders,
    command: ['python', '-m', 'orders.reports', 'nightly'],
    schedule: '30 2 * * *',
    timeZone: 'Europe/Paris',
  });

  new PythonMicroservice(shop, 'inventory', {
    image: ctx.image('inventory'),
    server: PythonServer.django({ project: 'inventory', threads: 4 }),
    resources: { cpu: '1', memory: '1Gi' },
    // The kubelet's probes send Host: <pod IP>:<port>, which Django refuses (DisallowedHost, 400):
    // they send a host the settings allow instead.
    health: { liveness: '/healthz/live', readiness: '/healthz/ready', httpHeaders: { Host: 'localhost' } },
    replicas: env.replicas,
    config: { DJANGO_ALLOWED_HOSTS: 'inventory,inventory.shop.svc.cluster.local,localhost' },
    secrets: [SecretEnv.fromExisting('inventory-django', { DJANGO_SECRET_KEY: 'secret-key', DATABASE_URL: 'database-url' })],
    exposure: Exposure.INTERNAL,
    ingress: inventoryIngress(ctx.cloud),
    allowFrom: [NetworkPeer.pods({ 'pyservice.dev/workload': 'orders-api' })],
    partOf: 'shop',
    priorityClassName: SHOP_PRIORITY,
    profile: profile('inventory'),
  });

  new PythonMicroservice(shop, 'recommendations', {
    image: ctx.image('recommendations'),
    server: PythonServer.uvicorn({ app: 'recs.app:app' }),
    resources: { cpu: '250m', memory: '384Mi' },
    health: { readiness: '/ready' },
    replicas: 2,
    partOf: 'shop',
    priorityClassName: SHOP_PRIORITY,
    profile: profile('recommendations'),
  });
}

/**
 * The shop's app: every target, the container files, and Argo CD, Flux and CI
 * per target. `env` is where CI's image overrides come from (process.env when
 * synthesizing for real; tests pass their own).
 */
export function shopApp(
  options: { readonly outdir?: string; readonly env?: { readonly [name: string]: string | undefined } } = {},
): PyserviceApp {
  const app = new PyserviceApp({
    outdir: options.outdir,
    env: options.env,
    images: IMAGES,
    containers: { backingServices: [BackingService.postgres(), BackingService.redis()] },
    delivery: {
      repoUrl: 'https://github.com/acme/shop.git',
      namespace: SHOP_NAMESPACE,
      argoCd: { autoSync: true, prune: true, selfHeal: true },
      // Production starts only once every staging target reports healthy on the delivered revision.
      ci: { healthGate: { timeout: Duration.minutes(20) } },
    },
  });
  for (const { environment, cloud } of TARGETS) {
    const target = app.addTarget({ environment, cloud });
    defineShop(target, { cloud, environment, image: (service) => target.image(service) });
  }
  return app;
}
