/**
 * A fourth cloud, written the way a user would write one: only the public API,
 * no file of the library touched. "Bring your own cluster": MetalLB for load
 * balancers, ingress-nginx with cert-manager, Vault through External Secrets,
 * a self-run Prometheus Operator, preemptible nodes labelled and tainted by the
 * cluster's own convention.
 */
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Exposure,
  ICloudProfile,
  IngressInput,
  IngressOutput,
  KedaIdentityResult,
  MonitorInput,
  MonitorOutput,
  NetworkPeer,
  PRIVATE_RANGES,
  ProfileInput,
  ProfileOutput,
  PythonMicroservice,
  PythonServer,
  PythonWorker,
  QueueScaler,
  ScalerIdentity,
  SecretBackend,
  SecretBackendInput,
  SecretBackendResult,
  SecretEnv,
  TlsCertificate,
  WorkerCommand,
  WorkerLiveness,
  foreignScaler,
  neutralIngress,
  neutralOutput,
  nodePlacement,
  prometheusOperatorMonitor,
  secretBackendOf,
} from 'pyservice-k8s';
import { restrictedViolations } from '../support/policies';
import { validateAll } from '../support/schema';
import { testChart } from '../support/cdk8s-testing';

/** Options of the on-premises profile. */
interface OnPremOptions {
  readonly vaultServer: string;
  readonly vaultRole: string;
}

class OnPremProfile implements ICloudProfile {
  public readonly cloud = 'onprem';

  public constructor(private readonly options: OnPremOptions) {}

  public bind(input: ProfileInput): ProfileOutput {
    const exposed = input.exposure !== Exposure.CLUSTER && !input.viaIngress;
    return {
      ...neutralOutput(input),
      ...nodePlacement(input.placement, {
        spot: { key: 'node.example.com/preemptible', value: 'true' },
        spotTainted: true,
        armTainted: false,
      }),
      serviceAnnotations: exposed ? { 'metallb.universe.tf/address-pool': input.exposure === Exposure.PUBLIC ? 'public' : 'internal' } : {},
      // MetalLB in layer-2 mode keeps client addresses: the internal pool serves the offices only.
      loadBalancerSources: input.exposure === Exposure.INTERNAL ? PRIVATE_RANGES.map((c) => NetworkPeer.cidr(c)) : undefined,
    };
  }

  public secretBackend(input: SecretBackendInput): SecretBackendResult {
    return secretBackendOf(input, {
      options: { backend: SecretBackend.EXTERNAL_SECRETS },
      manager: 'Vault',
      example: 'new OnPremProfile({ vaultServer, vaultRole })',
      checkOptions: () => undefined,
      nameProblem: (remote) =>
        /^[a-z0-9/-]+$/.test(remote) ? undefined : { rule: 'must be a Vault KV path', fix: 'Use lowercase path segments.' },
      csiDriver: () => ({ provider: 'vault', parameters: {} }),
      storeIdentityProblem: () => undefined,
      storeProvider: (_opts, req) => ({
        provider: {
          vault: {
            server: this.options.vaultServer,
            path: 'kv',
            version: 'v2' as never,
            auth: {
              kubernetes: { mountPath: 'kubernetes', role: this.options.vaultRole, serviceAccountRef: { name: req.serviceAccountName } },
            },
          },
        },
      }),
    });
  }

  public ingress(_scope: Construct, input: IngressInput): IngressOutput {
    const tls = input.tls;
    const issues =
      tls && tls.kind !== 'cert-manager'
        ? [
            {
              prop: 'ingress.tls',
              rule: 'must be a cert-manager issuer on this cluster',
              received: tls.kind,
              fix: "Use TlsCertificate.of('cert-manager', '<issuer>').",
            },
          ]
        : [];
    return {
      ...neutralIngress(),
      issues,
      ingressClassName: 'nginx',
      annotations: tls ? { 'cert-manager.io/cluster-issuer': tls.ref } : {},
      tls: tls ? [{ hosts: [input.host], secretName: `${input.name}-tls` }] : undefined,
      allowFrom: [NetworkPeer.namespace('ingress-nginx')],
      sharesHost: true,
    };
  }

  public gatewayRoute(_scope: Construct, _input: IngressInput): IngressOutput {
    return neutralIngress();
  }

  public kedaIdentity(identity: ScalerIdentity): KedaIdentityResult {
    return foreignScaler(identity, this.cloud);
  }

  public metricsMonitor(scope: Construct, input: MonitorInput): MonitorOutput {
    return prometheusOperatorMonitor(scope, input, { prometheusNamespace: 'observability' });
  }
}

const profile = new OnPremProfile({ vaultServer: 'https://vault.example.com', vaultRole: 'shop' });

function shop(): { chart: Chart; objects: any[] } {
  const chart = testChart();
  const api = new PythonMicroservice(chart, 'orders-api', {
    image: 'registry.example.com/shop/orders-api:1.4.2',
    server: PythonServer.gunicornUvicorn({ app: 'orders.main:app' }),
    health: { readiness: '/readyz', liveness: '/livez' },
    profile,
    exposure: Exposure.PUBLIC,
    ingress: { host: 'api.example.com', tls: TlsCertificate.of('cert-manager', 'letsencrypt') },
    config: { KAFKA_BROKERS: 'kafka.streaming:9092' },
    secrets: [SecretEnv.fromStore({ DATABASE_URL: 'shop/orders-db' })],
    metrics: {},
  });
  new PythonWorker(chart, 'orders-worker', {
    app: api,
    command: WorkerCommand.celery({ app: 'orders.celery:app' }),
    liveness: WorkerLiveness.heartbeatFile('/tmp/worker-heartbeat'),
    placement: { spot: true },
    queueAutoscaling: {
      queue: QueueScaler.keda('kafka', {
        bootstrapServersFromEnv: 'KAFKA_BROKERS',
        consumerGroup: 'orders',
        topic: 'orders',
        lagThreshold: '50',
      }),
      maxReplicas: 10,
    },
  });
  return { chart, objects: Testing.synth(chart) };
}

const byKind = (objects: any[], kind: string, name?: string) =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('a fourth profile, from the public API alone', () => {
  const { objects } = shop();

  test('every object is valid against the Kubernetes and add-on schemas, and every pod passes the restricted standard', () => {
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test("its ingress: ingress-nginx with a cert-manager certificate, admitted from the controller's namespace", () => {
    const ingress = byKind(objects, 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.example.com'], secretName: 'orders-api-tls' }]);
    const servingRule = byKind(objects, 'NetworkPolicy', 'orders-api').spec.ingress[0];
    expect(servingRule.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } });
  });

  test('its secrets: a Vault SecretStore per service through the shared secret-backend algorithm', () => {
    expect(byKind(objects, 'SecretStore').spec.provider.vault).toEqual({
      server: 'https://vault.example.com',
      path: 'kv',
      version: 'v2',
      auth: { kubernetes: { mountPath: 'kubernetes', role: 'shop', serviceAccountRef: { name: 'orders-api' } } },
    });
    expect(byKind(objects, 'ExternalSecret').spec.data).toEqual([{ secretKey: expect.any(String), remoteRef: { key: 'shop/orders-db' } }]);
  });

  test("its placement, metrics and queue: the shared algorithms with this cluster's labels", () => {
    const worker = byKind(objects, 'Deployment', 'orders-worker').spec.template.spec;
    expect(worker.nodeSelector).toEqual({ 'node.example.com/preemptible': 'true' });
    expect(worker.tolerations).toEqual([{ key: 'node.example.com/preemptible', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
    expect(byKind(objects, 'PodMonitor').metadata.name).toBe('orders-api');
    expect(JSON.stringify(byKind(objects, 'NetworkPolicy', 'orders-api').spec.ingress)).toContain('observability');
    expect(byKind(objects, 'ScaledObject').spec.triggers[0].type).toBe('kafka');
  });

  test('its own rules speak through the same errors: a certificate kind it does not know, a queue it cannot authenticate to', () => {
    const chart = testChart();
    new PythonMicroservice(chart, 'orders-api', {
      image: 'registry.example.com/shop/orders-api:1.4.2',
      server: PythonServer.uvicorn({ app: 'orders.main:app' }),
      health: { readiness: '/readyz' },
      profile,
      exposure: Exposure.PUBLIC,
      ingress: {
        host: 'api.example.com',
        tls: TlsCertificate.acm('arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-4000-8000-000000000001'),
      },
    });
    expect(() => Testing.synth(chart)).toThrow(
      /\[test\/orders-api\] 'ingress.tls' must be a cert-manager issuer on this cluster; received "acm"\. Use TlsCertificate\.of\('cert-manager', '<issuer>'\)\./,
    );
    const chart2 = testChart();
    const api = new PythonMicroservice(chart2, 'orders-api', {
      image: 'registry.example.com/shop/orders-api:1.4.2',
      server: PythonServer.uvicorn({ app: 'orders.main:app' }),
      health: { readiness: '/readyz' },
      profile,
    });
    new PythonWorker(chart2, 'orders-worker', {
      app: api,
      command: WorkerCommand.celery({ app: 'orders.celery:app' }),
      liveness: WorkerLiveness.heartbeatFile('/tmp/h'),
      queueAutoscaling: { queue: QueueScaler.sqs({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders' }), maxReplicas: 5 },
    });
    expect(() => Testing.synth(chart2)).toThrow(
      /'queueAutoscaling.queue' must be a queue the cluster's cloud can authenticate to: SQS needs a aws identity, which the onprem profile has not/,
    );
  });
});
