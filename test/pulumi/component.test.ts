import * as pulumi from '@pulumi/pulumi';
import { CloudProfile, Exposure, PythonMicroserviceProps, PythonServer, SecretEnv } from '../support/internals';
import { Recorder, installMocks, registered, settle } from './mocks';

// The engine is mocked before the component module (and @pulumi/kubernetes) is loaded.
const engine: Recorder = installMocks();
let lib: typeof import('../../src/pulumi');
let k8s: typeof import('@pulumi/kubernetes');
beforeAll(async () => {
  lib = await import('../../src/pulumi');
  k8s = await import('@pulumi/kubernetes');
});
beforeEach(() => engine.clear());

function props(overrides: Partial<PythonMicroserviceProps> = {}): PythonMicroserviceProps {
  return {
    image: 'ghcr.io/acme/orders-api:1.4.2',
    server: PythonServer.gunicornUvicorn({ app: 'orders.main:app' }),
    health: { liveness: '/livez', readiness: '/readyz' },
    resources: { cpu: '500m', memory: '512Mi' },
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    config: { LOG_LEVEL: 'info' },
    secrets: [SecretEnv.fromExisting('orders-db', { DATABASE_URL: 'url' })],
    exposure: Exposure.PUBLIC,
    profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/orders-api' }),
    ...overrides,
  };
}

/** Deploys one service in namespace `shop` and waits until every child is registered. */
async function deploy(
  name: string,
  overrides: Partial<PythonMicroserviceProps> = {},
  extra: Partial<import('../../src/pulumi').PythonMicroserviceComponentArgs> = {},
  opts: pulumi.ComponentResourceOptions = {},
) {
  const component = new lib.PythonMicroserviceComponent(name, { service: props(overrides), namespace: 'shop', ...extra }, opts);
  await registered([component, ...Object.values(component.resources)]);
  return component;
}

describe('PythonMicroserviceComponent', () => {
  test('registers every object as its typed Kubernetes resource, named <component>/<namespace>/<Kind>/<name>', async () => {
    // GIVEN a public, autoscaled service with config
    // WHEN it is deployed
    await deploy('orders-api');
    // THEN each object is a typed resource with a stable, unique name
    const children = engine
      .under('orders-api/')
      .map((r) => [r.type, r.name])
      .sort();
    expect(children).toEqual([
      ['kubernetes:apps/v1:Deployment', 'orders-api/shop/Deployment/orders-api'],
      ['kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'orders-api/shop/HorizontalPodAutoscaler/orders-api'],
      ['kubernetes:core/v1:ConfigMap', expect.stringMatching(/^orders-api\/shop\/ConfigMap\/orders-api-config-[0-9a-f]{10}$/)],
      ['kubernetes:core/v1:Service', 'orders-api/shop/Service/orders-api'],
      ['kubernetes:core/v1:ServiceAccount', 'orders-api/shop/ServiceAccount/orders-api'],
      ['kubernetes:networking.k8s.io/v1:NetworkPolicy', 'orders-api/shop/NetworkPolicy/orders-api'],
      ['kubernetes:policy/v1:PodDisruptionBudget', 'orders-api/shop/PodDisruptionBudget/orders-api'],
    ]);
  });

  test('parents every resource to the component', async () => {
    // GIVEN / WHEN
    await deploy('orders-api');
    // THEN
    const component = engine.named('orders-api');
    expect(component.type).toBe('pyservice:index:PythonMicroservice');
    for (const child of engine.under('orders-api/'))
      expect({ name: child.name, parent: child.parent }).toEqual({ name: child.name, parent: component.urn });
  });

  test('creates the ServiceAccount and ConfigMap before the Deployment, and nothing waits on the Deployment', async () => {
    // GIVEN / WHEN
    await deploy('orders-api');
    // THEN
    const [deployment] = engine.under('orders-api/shop/Deployment/');
    const [configMap] = engine.under('orders-api/shop/ConfigMap/');
    const serviceAccount = engine.named('orders-api/shop/ServiceAccount/orders-api');
    expect(deployment.dependencies).toEqual(expect.arrayContaining([serviceAccount.urn, configMap.urn]));
    expect(serviceAccount.dependencies).toEqual([]);
    expect(engine.under('orders-api/').filter((r) => r.dependencies.includes(deployment.urn))).toEqual([]);
  });

  test('passes the manifest as the inputs, named and namespaced, never auto-named', async () => {
    // GIVEN / WHEN
    await deploy('orders-api');
    // THEN
    const deployment = engine.named('orders-api/shop/Deployment/orders-api').inputs;
    const [configMap] = engine.under('orders-api/shop/ConfigMap/');
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.metadata).toMatchObject({ name: 'orders-api', namespace: 'shop' });
    expect(deployment.spec.replicas).toBeUndefined();
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('orders-api');
    expect(pod.containers[0].envFrom).toEqual([{ configMapRef: { name: configMap.inputs.metadata.name } }]);
    expect(configMap.inputs).toMatchObject({ immutable: true, data: { LOG_LEVEL: 'info' } });
    const serviceAccount = engine.named('orders-api/shop/ServiceAccount/orders-api').inputs;
    expect(serviceAccount.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111122223333:role/orders-api');
    expect(serviceAccount.automountServiceAccountToken).toBe(false);
  });

  test.each(['provider', 'providers'])('passes the Kubernetes provider given as `%s` to every resource', async (option) => {
    // GIVEN a provider for the target cluster
    const provider = new k8s.Provider('eks-cluster', { kubeconfig: 'apiVersion: v1\nkind: Config\n' });
    // WHEN
    await deploy('orders-api', {}, {}, option === 'provider' ? { provider } : { providers: [provider] });
    // THEN
    const providerUrn = await settle(provider.urn);
    for (const child of engine.under('orders-api/'))
      expect({ name: child.name, provider: child.provider }).toEqual({ name: child.name, provider: `${providerUrn}::eks-cluster-id` });
  });

  test('outputs the service name, namespace, ServiceAccount and load balancer hostname', async () => {
    // GIVEN / WHEN a public service whose load balancer reports a hostname (mocked status)
    const c = await deploy('orders-api');
    // THEN
    expect(await settle(pulumi.all([c.serviceName, c.namespace, c.serviceAccountName, c.loadBalancer]))).toEqual([
      'orders-api',
      'shop',
      'orders-api',
      { hostname: 'lb-service-orders-api.example.com' },
    ]);
  });

  test('outputs the address of the Ingress when the service is published through one', async () => {
    // GIVEN / WHEN a public service behind an Ingress (its Service stays ClusterIP)
    const c = await deploy('orders-api', { ingress: { host: 'api.shop.example.com' } });
    // THEN
    expect(engine.named('orders-api/shop/Service/orders-api').inputs.spec.type).toBe('ClusterIP');
    expect(await settle(c.loadBalancer)).toEqual({ hostname: 'lb-ingress-orders-api.example.com' });
    expect((await settle(c.service)).ingresses).toEqual([
      { name: 'orders-api', hosts: ['api.shop.example.com'], loadBalancer: { hostname: 'lb-ingress-orders-api.example.com' } },
    ]);
    expect(engine.named('orders-api/shop/Ingress/orders-api').dependencies).toContain(
      engine.named('orders-api/shop/Service/orders-api').urn,
    );
  });

  test('has no load balancer address for a cluster-only service', async () => {
    // GIVEN / WHEN
    const c = await deploy('recommendations', { exposure: Exposure.CLUSTER });
    // THEN
    expect(await settle(c.loadBalancer)).toBeUndefined();
  });

  test('EKS (IRSA): the binding names the role, the subject and the issuer given', async () => {
    // GIVEN / WHEN
    const c = await deploy('orders-api', {}, { cluster: { oidcIssuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' } });
    // THEN
    expect(await settle(c.identityBinding)).toEqual({
      cloud: 'eks',
      mechanism: 'irsa',
      namespace: 'shop',
      serviceAccount: 'orders-api',
      alsoTrustedSubjects: [],
      subject: 'system:serviceaccount:shop:orders-api',
      roleArn: 'arn:aws:iam::111122223333:role/orders-api',
      audience: 'sts.amazonaws.com',
      issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC',
    });
  });

  test('EKS Pod Identity: the binding comes from the profile, though the manifests carry none', async () => {
    // GIVEN / WHEN
    const c = await deploy('orders-api', {
      profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/orders-api', identity: 'pod-identity' }),
    });
    // THEN
    expect(engine.named('orders-api/shop/ServiceAccount/orders-api').inputs.metadata.annotations).toBeUndefined();
    expect(await settle(c.identityBinding)).toEqual({
      cloud: 'eks',
      mechanism: 'eks-pod-identity',
      namespace: 'shop',
      serviceAccount: 'orders-api',
      alsoTrustedSubjects: [],
      subject: 'system:serviceaccount:shop:orders-api',
      roleArn: 'arn:aws:iam::111122223333:role/orders-api',
    });
  });

  test('GKE: the binding grants roles/iam.workloadIdentityUser to the pool member of the ServiceAccount', async () => {
    // GIVEN / WHEN a Google service account in another project than the cluster
    const c = await deploy(
      'orders-api',
      { profile: CloudProfile.gke({ serviceAccount: 'orders-api@acme-iam.iam.gserviceaccount.com' }) },
      { cluster: { gcpProject: 'acme-prod' } },
    );
    // THEN
    expect(await settle(c.identityBinding)).toEqual({
      cloud: 'gke',
      mechanism: 'gke-workload-identity',
      namespace: 'shop',
      serviceAccount: 'orders-api',
      alsoTrustedSubjects: [],
      subject: 'system:serviceaccount:shop:orders-api',
      googleServiceAccount: 'orders-api@acme-iam.iam.gserviceaccount.com',
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:acme-prod.svc.id.goog[shop/orders-api]',
      workloadPool: 'acme-prod.svc.id.goog',
    });
  });

  test("GKE: without a project, the pool is the service account's project", async () => {
    // GIVEN / WHEN
    const c = await deploy('orders-api', { profile: CloudProfile.gke({ serviceAccount: 'orders-api@acme-prod.iam.gserviceaccount.com' }) });
    // THEN
    expect(((await settle(c.identityBinding)) as any).member).toBe('serviceAccount:acme-prod.svc.id.goog[shop/orders-api]');
  });

  test('AKS: the binding is a federated credential: issuer, subject, audience', async () => {
    // GIVEN / WHEN
    const clientId = '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11';
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const c = await deploy(
      'orders-api',
      { profile: CloudProfile.aks({ clientId, tenantId }) },
      { cluster: { oidcIssuer: pulumi.output('https://eastus.oic.prod-aks.azure.com/tenant/issuer/') } },
    );
    // THEN
    expect(await settle(c.identityBinding)).toEqual({
      cloud: 'aks',
      mechanism: 'azure-workload-identity',
      namespace: 'shop',
      serviceAccount: 'orders-api',
      alsoTrustedSubjects: [],
      subject: 'system:serviceaccount:shop:orders-api',
      clientId,
      tenantId,
      audience: 'api://AzureADTokenExchange',
      issuer: 'https://eastus.oic.prod-aks.azure.com/tenant/issuer/',
    });
  });

  test('has no identity binding when the profile binds no identity', async () => {
    // GIVEN / WHEN
    const c = await deploy('orders-api', { profile: CloudProfile.aks() });
    // THEN
    expect(await settle(c.identityBinding)).toBeUndefined();
  });
});
