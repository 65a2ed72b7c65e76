import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { collectWarnings } from '../constructs/core/validation';
import {
  CloudProfile,
  Exposure,
  PythonBuild,
  PythonMicroservice,
  PythonMicroserviceProps,
  PythonServer,
  PythonWorker,
  QueueScaler,
  RestrictedNamespace,
  TlsCertificate,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { renderDockerfile } from '../constructs/image/dockerfile';
import { appContainer, baseProps, envMap, errorOf, find, synthService } from './support/synth';
import { testChart } from './support/cdk8s-testing';

function synth(overrides: Partial<PythonMicroserviceProps>) {
  const chart = testChart();
  const service = new PythonMicroservice(chart, 'api', baseProps(overrides));
  return { service, chart, objects: Testing.synth(chart) };
}

const argv = (objects: any[]) => appContainer(find(objects, 'Deployment')).command as string[];
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe("HTTP keep-alive above the layer-7 load balancer's idle timeout", () => {
  test.each([
    [
      'EKS (ALB, 60 s idle)',
      CloudProfile.eks(),
      TlsCertificate.acm('arn:aws:acm:eu-west-1:111122223333:certificate/6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f'),
      '65',
    ],
    ['GKE (Google front ends, 600 s)', CloudProfile.gke(), TlsCertificate.googleManaged(), '605'],
    [
      'AKS (app routing NGINX, 60 s)',
      CloudProfile.aks(),
      TlsCertificate.keyVault('https://acme-kv.vault.azure.net/certificates/api'),
      '65',
    ],
  ])('%s', (_name, profile, tls, keepAlive) => {
    const command = argv(synth({ profile, exposure: Exposure.PUBLIC, ingress: { host: 'api.example.com', tls } }).objects);
    expect(after(command, '--keep-alive')).toBe(keepAlive);
  });

  test('uvicorn gets --timeout-keep-alive', () => {
    const command = argv(
      synth({ server: PythonServer.uvicorn({ app: 'a:app' }), exposure: Exposure.PUBLIC, ingress: { host: 'api.example.com' } }).objects,
    );
    expect(after(command, '--timeout-keep-alive')).toBe('65');
  });

  test('without a layer-7 load balancer the server keeps its default', () => {
    expect(argv(synth({ exposure: Exposure.PUBLIC }).objects)).not.toContain('--keep-alive');
  });

  test('the uvicorn-worker package replaces the deprecated uvicorn.workers class when asked', () => {
    expect(after(argv(synth({}).objects), '--worker-class')).toBe('uvicorn.workers.UvicornWorker');
    expect(
      after(argv(synth({ server: PythonServer.gunicornUvicorn({ app: 'a:app', uvicornWorkerPackage: true }) }).objects), '--worker-class'),
    ).toBe('uvicorn_worker.UvicornWorker');
  });
});

describe('EKS: the NLB drains as long as the pod lives', () => {
  test("a LoadBalancer Service sets the target group's deregistration delay to the grace period", () => {
    const { objects, service } = synth({ profile: CloudProfile.eks(), exposure: Exposure.INTERNAL });
    expect(find(objects, 'Service').metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes']).toBe(
      `deregistration_delay.timeout_seconds=${service.terminationGracePeriodSeconds}`,
    );
  });
});

describe("KEDA reads cloud queues as KEDA: the workload's identity must trust KEDA's operator too", () => {
  function worker(profile: ReturnType<typeof CloudProfile.aks>, queue: QueueScaler) {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'api', baseProps({ profile, config: { REDIS_ADDRESS: 'redis:6379' } }));
    new PythonWorker(chart, 'events', {
      app,
      command: WorkerCommand.command(['python', '-m', 'events']),
      liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
      queueAutoscaling: { queue, minReplicas: 0, maxReplicas: 5 },
    });
    return { app, objects: Testing.synth(chart) };
  }

  test.each([
    [
      'AKS',
      CloudProfile.aks({ clientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11' }),
      QueueScaler.serviceBus({ namespace: 'acme-bus', queueName: 'events' }),
    ],
    [
      'EKS (IRSA)',
      CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/api' }),
      QueueScaler.sqs({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/events' }),
    ],
  ])("%s: the binding and the ServiceAccount name KEDA's operator subject", (_name, profile, queue) => {
    const { app, objects } = worker(profile, queue);
    expect(app.identityBinding!.alsoTrustedSubjects).toEqual(['system:serviceaccount:keda:keda-operator']);
    // The construct says so; the ServiceAccount carries no annotation for it (the Pulumi adapter reads the construct).
    expect(Object.keys(find(objects, 'ServiceAccount').metadata.annotations).filter((k) => k.startsWith('pyservice.dev/'))).toEqual([]);
  });

  test("KEDA's namespace and ServiceAccount are configurable", () => {
    const { app } = worker(
      CloudProfile.aks({ clientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11', keda: { namespace: 'autoscaling', serviceAccount: 'keda' } }),
      QueueScaler.serviceBus({ namespace: 'acme-bus', queueName: 'events' }),
    );
    expect(app.identityBinding!.alsoTrustedSubjects).toEqual(['system:serviceaccount:autoscaling:keda']);
  });

  test('without a cloud queue nothing extra is trusted', () => {
    // The command says nothing of its lists, so the Redis scaler names the one it watches.
    const { app } = worker(
      CloudProfile.aks({ clientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11' }),
      QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS', listName: 'events' }),
    );
    expect(app.identityBinding!.alsoTrustedSubjects).toEqual([]);
  });
});

describe('GKE Pub/Sub scaling', () => {
  test('the subscription carries its project; the deprecation is a warning', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'api', baseProps({ profile: CloudProfile.gke(), config: {} }));
    new PythonWorker(chart, 'events', {
      app,
      command: WorkerCommand.command(['python', '-m', 'events']),
      liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
      queueAutoscaling: { queue: QueueScaler.pubsub({ subscription: 'events-worker', project: 'acme-prod' }), maxReplicas: 5 },
    });
    const scaled = find(Testing.synth(chart), 'ScaledObject');
    expect(scaled.spec.triggers[0].metadata.subscriptionName).toBe('projects/acme-prod/subscriptions/events-worker');
    const warnings = chart.node
      .findAll()
      .flatMap((n) => n.node.metadata.filter((m) => m.type === 'pyservice:warning').map((m) => String(m.data)));
    expect(warnings.some((w) => w.includes('deprecates the gcp-pubsub scaler'))).toBe(true);
  });

  test('a bare subscription without a project is refused', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'api', baseProps({ profile: CloudProfile.gke() }));
    new PythonWorker(chart, 'events', {
      app,
      command: WorkerCommand.command(['python', '-m', 'events']),
      liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
      queueAutoscaling: { queue: QueueScaler.pubsub({ subscription: 'events-worker' }), maxReplicas: 5 },
    });
    expect(errorOf(() => Testing.synth(chart))).toContain(
      "'queueAutoscaling.queue.project' is required unless the subscription is a full name: KEDA resolves a bare subscription in its own project",
    );
  });
});

describe('the container agrees with the pod', () => {
  test('the metrics port is exposed by the Dockerfile too', () => {
    const { service } = synth({ metrics: { port: 9090 } });
    expect(renderDockerfile(service.container, PythonBuild.uv({ pythonVersion: '3.12.7' }))).toContain('EXPOSE 8000 9090');
  });

  test("HOME is the image's unless 'home' sets it (gunicorn 25.1+ puts its control socket under $HOME/.gunicorn)", () => {
    // GIVEN a service without 'home', and one with a writable home
    const bare = appContainer(find(synth({}).objects, 'Deployment')).env;
    const set = appContainer(find(synth({ home: '/tmp' }).objects, 'Deployment')).env;
    // THEN only the second sets HOME
    expect(bare.map((e: { name: string }) => e.name)).not.toContain('HOME');
    expect(set).toContainEqual({ name: 'HOME', value: '/tmp' });
  });

  test('the metrics prelude (real python3) runs without PROMETHEUS_MULTIPROC_DIR, as a bare docker run of the image', () => {
    const command = argv(synth({ metrics: { port: 9090 } }).objects);
    expect(command.slice(0, 2)).toEqual(['python3', '-c']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multiproc-'));
    try {
      fs.writeFileSync(path.join(dir, 'counter_1.db'), 'stale');
      const run = (env: Record<string, string>) =>
        spawnSync('python3', ['-c', command[2], 'python3', '-c', 'print("started")'], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH!, ...env },
        });
      const bare = run({});
      expect([bare.status, bare.stdout.trim()]).toEqual([0, 'started']);
      const withDir = run({ PROMETHEUS_MULTIPROC_DIR: dir });
      expect([withDir.status, withDir.stdout.trim()]).toEqual([0, 'started']);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('grace periods the platform will not honour', () => {
  const warningsOf = (chart: any) =>
    chart.node
      .findAll()
      .flatMap((n: any) => n.node.metadata.filter((m: any) => m.type === 'pyservice:warning').map((m: any) => String(m.data)));

  test.each([
    ['GKE', CloudProfile.gke(), 'extended-duration pods'],
    ['AKS', CloudProfile.aks(), 'cluster-autoscaler.kubernetes.io/safe-to-evict'],
    ['EKS with Karpenter', CloudProfile.eks({ nodeProvisioner: 'karpenter' }), 'karpenter.sh/do-not-disrupt'],
  ])('%s: a worker allowed 20 minutes is warned about, with the way out', (_name, profile, way) => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'api', baseProps({ profile }));
    new PythonWorker(chart, 'reports', {
      app,
      command: WorkerCommand.celery({ app: 'a.celery:app' }),
      shutdownTimeout: Duration.minutes(20),
    });
    Testing.synth(chart);
    const warning = warningsOf(chart).find((w: string) => w.includes('terminationGracePeriodSeconds 1205'));
    expect(warning).toContain(way);
  });

  test('10 minutes or less: no warning', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'api', baseProps({ profile: CloudProfile.gke() }));
    new PythonWorker(chart, 'w', { app, command: WorkerCommand.celery({ app: 'a.celery:app' }) });
    Testing.synth(chart);
    expect(warningsOf(chart).filter((w: string) => w.includes('terminationGracePeriodSeconds'))).toEqual([]);
  });
});

describe("EKS: rollouts wait for the load balancer's target health", () => {
  test('the namespace of an exposed service is labelled for pod readiness gate injection', () => {
    const chart = testChart();
    new RestrictedNamespace(chart, 'shop');
    const shop = new Chart(chart, 'shop-app', { namespace: 'shop' });
    new PythonMicroservice(shop, 'api', baseProps({ profile: CloudProfile.eks(), exposure: Exposure.INTERNAL }));
    const objects = Testing.synth(chart);
    expect(find(objects, 'Namespace', 'shop').metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
  });

  test('a service defined before its RestrictedNamespace gets the label too, and synthesis leaves the tree as it was', () => {
    const chart = testChart();
    const shop = new Chart(chart, 'shop-app', { namespace: 'shop' });
    new PythonMicroservice(shop, 'api', baseProps({ profile: CloudProfile.eks(), exposure: Exposure.INTERNAL }));
    const ns = new RestrictedNamespace(chart, 'shop');
    const objects = Testing.synth(chart);
    expect(find(objects, 'Namespace', 'shop').metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
    // The label is rendered, not written into the construct's metadata by a validation.
    expect(ns.namespace.metadata.toJson().labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBeUndefined();
  });

  test('a Namespace object the library does not own is left as written, and a warning names the label to add', () => {
    const chart = testChart();
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    const shop = new Chart(chart, 'shop-app', { namespace: 'shop' });
    new PythonMicroservice(shop, 'api', baseProps({ profile: CloudProfile.eks(), exposure: Exposure.INTERNAL }));
    const objects = Testing.synth(chart);
    expect(find(objects, 'Namespace', 'shop').metadata).toEqual({ name: 'shop' });
    expect(collectWarnings(chart)).toEqual([
      expect.stringContaining(
        "namespace 'shop' needs the label(s) elbv2.k8s.aws/pod-readiness-gate-inject=enabled, and its Namespace object is not a RestrictedNamespace",
      ),
    ]);
  });

  test('without a Namespace in the app, a warning says which label to set', () => {
    const chart = testChart();
    new PythonMicroservice(chart, 'api', baseProps({ profile: CloudProfile.eks(), exposure: Exposure.PUBLIC }));
    Testing.synth(chart);
    const warnings = chart.node
      .findAll()
      .flatMap((n) => n.node.metadata.filter((m) => m.type === 'pyservice:warning').map((m) => String(m.data)));
    expect(warnings.some((w) => w.includes('elbv2.k8s.aws/pod-readiness-gate-inject=enabled'))).toBe(true);
  });
});

describe('values only the golden files guarded before', () => {
  test.each([
    [
      'SQS',
      QueueScaler.sqs({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders', messagesPerReplica: 5 }),
      {
        type: 'aws-sqs-queue',
        metadata: { queueURL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders', awsRegion: 'eu-west-1', queueLength: '5' },
      },
    ],
    [
      'Pub/Sub',
      QueueScaler.pubsub({ subscription: 'orders', project: 'acme-prod' }),
      {
        type: 'gcp-pubsub',
        metadata: { subscriptionName: 'projects/acme-prod/subscriptions/orders', mode: 'SubscriptionSize', value: '10' },
      },
    ],
    [
      'Service Bus',
      QueueScaler.serviceBus({ namespace: 'acme-bus', queueName: 'orders', messagesPerReplica: 20 }),
      { type: 'azure-servicebus', metadata: { namespace: 'acme-bus', queueName: 'orders', messageCount: '20' } },
    ],
  ])('the KEDA trigger of %s carries exactly the metadata KEDA reads', (_name, queue, expected) => {
    const trigger = queue.bind();
    expect(trigger.issues).toEqual([]);
    expect({ type: trigger.type, metadata: trigger.metadata }).toEqual(expected);
  });

  test.each([
    ['250m', '1'],
    ['500m', '1'],
    ['1', '1'],
    ['1500m', '2'],
    ['2', '2'],
    ['2500m', '3'],
  ])('ASGI workers: one per CPU, rounded (%s CPU -> %s)', (cpu, workers) => {
    const { objects } = synthService({ resources: { cpu, memory: '4Gi' }, server: PythonServer.uvicorn({ app: 'a:app' }) });
    expect(envMap(appContainer(find(objects, 'Deployment'))).WEB_CONCURRENCY).toBe(workers);
  });

  test('RestrictedNamespace enforces, audits and warns at the restricted level, at the version given', () => {
    const chart = testChart();
    const ns = new RestrictedNamespace(chart, 'shop', { podSecurityVersion: 'v1.29' });
    expect(ns.namespace.metadata.toJson().labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.29',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.29',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.29',
    });
  });
});
