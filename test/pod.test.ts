import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import {
  AccessMode,
  CloudProfile,
  EnvFrom,
  Exposure,
  HealthCheck,
  KUBERNETES_VERSION_CONTEXT,
  MigrationCommand,
  PodField,
  Protocol,
  PythonBuild,
  PythonCronJob,
  PythonMicroservice,
  PythonMicroserviceProps,
  PythonMigration,
  PythonServer,
  PythonSingleton,
  PythonWorker,
  RolloutStrategy,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { parse } from 'yaml';
import { containerFiles } from '../constructs/image';
import { renderDockerfile } from '../constructs/image/dockerfile';
import { deliberateReason, lintFindings, projectFindings, restrictedViolations } from './support/policies';
import { validateAll } from './support/schema';
import { appContainer, baseProps, envMap, errorOf, find } from './support/synth';
import { testChart } from './support/cdk8s-testing';

/** Synthesizes one service with `overrides`, optionally for a Kubernetes version; returns its objects. */
function synth(overrides: Partial<PythonMicroserviceProps> = {}, kubernetesVersion?: string) {
  const app = new App();
  if (kubernetesVersion) app.node.setContext(KUBERNETES_VERSION_CONTEXT, kubernetesVersion);
  const chart = new Chart(app, 'test', { namespace: 'shop' });
  const service = new PythonMicroservice(chart, 'svc', baseProps(overrides));
  return { service, objects: chart.toJson(), chart, app };
}

function synthError(overrides: Partial<PythonMicroserviceProps>): string {
  const app = new App();
  const chart = new Chart(app, 'test', { namespace: 'shop' });
  new PythonMicroservice(chart, 'svc', baseProps(overrides));
  return errorOf(() => app.synth()).replace(/^Validation failed with the following errors:\n/, '');
}

const podOf = (objects: any[], kind = 'Deployment', name = 'svc') => find(objects, kind, name).spec.template.spec;

describe("the image's own user", () => {
  test('runAsUser 1000 runs every container and the pod as 1000:1000, still restricted, and the Dockerfile follows', () => {
    const { objects, service } = synth({ runAsUser: 1000, initContainers: [{ name: 'prepare', command: ['python3', '-c', 'pass'] }] });
    const pod = podOf(objects);
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true });
    for (const c of [...pod.containers, ...pod.initContainers])
      expect(c.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, readOnlyRootFilesystem: true });
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
    expect(service.container.runAsUser).toBe(1000);
    const dockerfile = renderDockerfile(service.container, PythonBuild.uv({ pythonVersion: '3.12.7' }));
    expect(dockerfile).toContain('USER 1000:1000');
    // The low UID is deliberate: the rule modelled on kube-score's user-group-id check flags it, the project's configuration
    // says why it does not apply, and the manifest carries no opt-out annotation for the user's own linters.
    const uid = lintFindings(objects).filter((f) => f.check === 'container-security-context-user-group-id');
    expect(uid.length).toBeGreaterThan(0);
    expect(uid.map((f) => deliberateReason(f, objects))).toEqual(uid.map(() => expect.stringContaining('runAsUser')));
    expect(JSON.stringify(objects)).not.toContain('kube-score/ignore');
  });

  test('runAsGroup can differ from the user', () => {
    expect(podOf(synth({ runAsUser: 1000, runAsGroup: 2000 }).objects).securityContext).toMatchObject({
      runAsUser: 1000,
      runAsGroup: 2000,
      fsGroup: 2000,
    });
  });

  test.each([
    [0, 'runAsUser'],
    [-1, 'runAsUser'],
    [1.5, 'runAsUser'],
  ])('UID %p is refused', (uid, prop) => {
    expect(synthError({ runAsUser: uid })).toContain(
      `[test/svc] '${prop}' must be a whole number from 1 to 2147483647: the "restricted" Pod Security Standard forbids UID 0 (root); received ${uid}.`,
    );
  });
});

describe('volumes', () => {
  test('a new claim, a ConfigMap key as one file, a Secret as files and extra scratch space; the root stays read-only', () => {
    // GIVEN
    const media = Volume.newClaim('media', { storage: '10Gi', storageClass: 'gp3' });
    // One replica that stops before the next starts: a ReadWriteOnce disk attaches to one node.
    const { objects, service } = synth({
      replicas: 1,
      strategy: RolloutStrategy.RECREATE,
      mounts: [
        { path: '/app/media', volume: media },
        { path: '/etc/app/settings.py', volume: Volume.configMap('app-settings'), subPath: 'settings.py' },
        { path: '/etc/tls', volume: Volume.secret('app-tls') },
        { path: '/var/cache/app', volume: Volume.emptyDir('cache', { sizeLimit: '512Mi' }) },
      ],
    });
    // THEN
    const claim = find(objects, 'PersistentVolumeClaim', 'media');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '10Gi' } } });
    const pod = podOf(objects);
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: 'pvc-media', persistentVolumeClaim: { claimName: 'media' } },
        { name: 'cm-app-settings', configMap: { name: 'app-settings', defaultMode: 0o444 } },
        { name: 'secret-app-tls', secret: { secretName: 'app-tls', defaultMode: 0o440 } },
        { name: 'cache', emptyDir: { sizeLimit: '512Mi' } },
      ]),
    );
    const mounts = appContainer(find(objects, 'Deployment')).volumeMounts;
    expect(mounts).toEqual(
      expect.arrayContaining([
        { name: 'pvc-media', mountPath: '/app/media' },
        { name: 'cm-app-settings', mountPath: '/etc/app/settings.py', subPath: 'settings.py', readOnly: true },
        { name: 'secret-app-tls', mountPath: '/etc/tls', readOnly: true },
        { name: 'cache', mountPath: '/var/cache/app' },
      ]),
    );
    expect(appContainer(find(objects, 'Deployment')).securityContext.readOnlyRootFilesystem).toBe(true);
    // Every writable path is declared, for the Dockerfile and compose too.
    expect(service.container.writablePaths.map((w) => [w.path, w.medium])).toEqual([
      ['/tmp', 'disk'],
      ['/dev/shm', 'memory'],
      ['/app/media', 'persistent'],
      ['/var/cache/app', 'disk'],
    ]);
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test('one claim mounted by two workloads is created once', () => {
    const chart = testChart();
    const shared = Volume.newClaim('media', { storage: '10Gi', accessMode: AccessMode.READ_WRITE_MANY });
    const web = new PythonMicroservice(chart, 'web', baseProps({ mounts: [{ path: '/app/media', volume: shared }] }));
    new PythonWorker(chart, 'worker', {
      app: web,
      command: WorkerCommand.rq({ queues: ['default'] }),
      liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
      mounts: [{ path: '/app/media', volume: shared }],
    });
    const objects = Testing.synth(chart);
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toHaveLength(1);
    expect(appContainer(find(objects, 'Deployment', 'worker')).volumeMounts).toContainEqual({ name: 'pvc-media', mountPath: '/app/media' });
  });

  test.each([
    [
      [
        { path: '/data', volume: Volume.emptyDir('a') },
        { path: '/data/', volume: Volume.emptyDir('b') },
      ],
      '\'mounts[1].path\' must not be a path the container already mounts (mounts[0] is mounted there; one mount would hide the other); received "/data/".',
    ],
    [
      [{ path: '/tmp', volume: Volume.emptyDir('a') }],
      "'mounts[0].path' must not be a path the container already mounts (the built-in /tmp (a disk-backed emptyDir every container gets, sized by 'tmpSize') is mounted there; one mount would hide the other); received \"/tmp\". Set tmpSize (e.g. '2Gi') to resize the built-in /tmp, or mount this volume under another path.",
    ],
    [[{ path: 'data', volume: Volume.emptyDir('a') }], "'mounts[0].path' must be an absolute path"],
    [[{ path: '/', volume: Volume.emptyDir('a') }], "'mounts[0].path' must not be the root folder"],
    [
      [{ path: '/x', volume: Volume.configMap('s'), subPath: '../etc/passwd' }],
      "'mounts[0].subPath' must be a relative path inside the volume",
    ],
    [[{ path: '/x', volume: Volume.newClaim('d', { storage: 'lots' }) }], "'mounts[0].volume.storage' must be a size like '10Gi'"],
    [[{ path: '/x', volume: Volume.emptyDir('tmp') }], "'mounts[0].volume' must not use the name 'tmp', which the pod already has"],
  ])('mount error %#', (mounts, message) => {
    expect(synthError({ mounts })).toContain(message);
  });
});

describe('init containers and sidecars', () => {
  test('an init container is hardened like the app and shares its settings and secrets', () => {
    const { objects } = synth({
      config: { DATABASE_HOST: 'db' },
      initContainers: [{ name: 'wait-for-db', command: ['python3', '-m', 'app.wait_for_db'] }],
    });
    const [init] = podOf(objects).initContainers;
    expect(init.name).toBe('wait-for-db');
    expect(init.image).toBe('ghcr.io/acme/orders-api:1.4.2');
    expect(init.securityContext).toEqual(appContainer(find(objects, 'Deployment')).securityContext);
    expect(init.envFrom[0].configMapRef.name).toMatch(/^svc-config-/);
    expect(envMap(init)).toMatchObject({ PYTHONUNBUFFERED: '1' });
    expect(init.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
    });
  });

  test("a container of another image gets neither Python env nor the app's settings unless asked", () => {
    const { objects } = synth({ sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', args: ['-c', '/etc/envoy/envoy.yaml'] }] });
    const proxy = podOf(objects).containers.find((c: any) => c.name === 'proxy');
    expect(proxy.env).toBeUndefined();
    expect(proxy.envFrom).toBeUndefined();
    expect(proxy.args).toEqual(['-c', '/etc/envoy/envoy.yaml']);
  });

  test('Kubernetes 1.28: sidecars are regular containers; 1.29+: native sidecars (init containers that keep running)', () => {
    const sidecars = [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.1.9' }];
    expect(podOf(synth({ sidecars }).objects).containers.map((c: any) => c.name)).toEqual(['app', 'log-shipper']);
    const pod = podOf(synth({ sidecars }, '1.29').objects);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['app']);
    expect(pod.initContainers).toEqual([expect.objectContaining({ name: 'log-shipper', restartPolicy: 'Always' })]);
  });

  test('a Job with a sidecar before Kubernetes 1.29 is refused: it would never complete', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps());
    new PythonCronJob(chart, 'nightly', {
      app,
      command: ['python', '-m', 'x'],
      schedule: '@daily',
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2' }],
    });
    expect(errorOf(() => Testing.synth(chart))).toContain(
      "[test/nightly] 'sidecars' need native sidecars (Kubernetes 1.29 and later) in a Job",
    );
  });

  test.each([
    [{ initContainers: [{ name: 'app' }] }, "'initContainers[0].name' must be unique in the pod"],
    [{ initContainers: [{ name: 'Bad_Name' }] }, "'initContainers[0].name' must be a DNS-1123 label"],
    [{ sidecars: [{ name: 'p', image: 'envoyproxy/envoy:latest' }] }, "'sidecars[0].image' must not use the mutable tag ':latest'"],
    [{ podAnnotations: { 'bad key!': 'x' } }, "'podAnnotations.bad key!' must be an annotation key"],
  ])('error %#', (props, message) => {
    expect(synthError(props as Partial<PythonMicroserviceProps>)).toContain(message);
  });

  test('pod annotations reach the pod template', () => {
    expect(
      find(synth({ podAnnotations: { 'sidecar.istio.io/inject': 'false' } }).objects, 'Deployment').spec.template.metadata.annotations[
        'sidecar.istio.io/inject'
      ],
    ).toBe('false');
  });
});

describe('env sources and probe headers', () => {
  test('envFrom a Secret and a ConfigMap, the pod IP from the downward API, and a Host header on HTTP probes', () => {
    const { objects } = synth({
      envFrom: [EnvFrom.secret('netbox-env'), EnvFrom.configMap('netbox-settings', { prefix: 'NETBOX_' })],
      fieldEnv: { POD_IP: PodField.POD_IP, NODE_NAME: PodField.NODE_NAME },
      health: { liveness: '/livez', readiness: '/readyz', httpHeaders: { Host: 'localhost' } },
      config: { LOG_LEVEL: 'info' },
    });
    const c = appContainer(find(objects, 'Deployment'));
    expect(c.envFrom.slice(0, 2)).toEqual([
      { secretRef: { name: 'netbox-env' } },
      { configMapRef: { name: 'netbox-settings' }, prefix: 'NETBOX_' },
    ]);
    expect(c.envFrom[2].configMapRef.name).toMatch(/^svc-config-/);
    expect(envMap(c).POD_IP).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    expect(c.readinessProbe.httpGet.httpHeaders).toEqual([{ name: 'Host', value: 'localhost' }]);
    expect(c.livenessProbe.httpGet.httpHeaders).toEqual([{ name: 'Host', value: 'localhost' }]);
    expect(validateAll(objects)).toEqual([]);
  });

  test('a fieldEnv name that config also defines is refused', () => {
    expect(synthError({ config: { POD_IP: 'x' }, fieldEnv: { POD_IP: PodField.POD_IP } })).toContain(
      '[test/svc] \'config\' must not define an env var that fieldEnv already defines (one would silently shadow the other); received "POD_IP".',
    );
  });

  test('liveness may equal readiness when the user states the path checks no dependency', () => {
    expect(synthError({ health: { liveness: '/health', readiness: '/health' } })).toContain(
      "'health.liveness' must differ from health.readiness",
    );
    const c = appContainer(
      find(synth({ health: { liveness: '/health', readiness: '/health', readinessChecksNoDependency: true } }).objects, 'Deployment'),
    );
    expect(c.livenessProbe.httpGet.path).toBe('/health');
  });
});

describe('workloads that are not HTTP', () => {
  const grpc = (overrides: Partial<PythonMicroserviceProps> = {}) =>
    synth({
      protocol: Protocol.GRPC,
      port: 8080,
      health: {},
      server: PythonServer.command({ command: ['python', 'email_server.py'] }),
      exposure: Exposure.INTERNAL,
      ...overrides,
    });

  test('gRPC: a port named grpc, appProtocol kubernetes.io/h2c, the native gRPC readiness probe, TCP liveness, and a TCP load balancer check', () => {
    const { objects } = grpc();
    const service = find(objects, 'Service');
    expect(service.spec.ports).toEqual([{ name: 'grpc', port: 80, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }]);
    const c = appContainer(find(objects, 'Deployment'));
    expect(c.ports[0]).toEqual({ name: 'grpc', containerPort: 8080, protocol: 'TCP' });
    expect(c.readinessProbe.grpc).toEqual({ port: 8080, service: '' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'grpc' });
    expect(service.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol']).toBe('tcp');
    expect(service.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-healthcheck-path']).toBeUndefined();
    expect(validateAll(objects)).toEqual([]);
  });

  test('gRPC on AKS: no HTTP probe path on the load balancer', () => {
    const service = find(grpc({ profile: CloudProfile.aks() }).objects, 'Service');
    expect(service.metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path']).toBeUndefined();
  });

  test('TCP and exec checks', () => {
    const tcp = appContainer(find(synth({ protocol: Protocol.TCP, health: {} }).objects, 'Deployment'));
    expect([tcp.readinessProbe.tcpSocket, tcp.livenessProbe.tcpSocket]).toEqual([{ port: 'tcp' }, { port: 'tcp' }]);
    const exec = appContainer(
      find(
        synth({ protocol: Protocol.TCP, health: { check: HealthCheck.EXEC, command: ['python3', '-m', 'app.health'] } }).objects,
        'Deployment',
      ),
    );
    expect(exec.readinessProbe.exec).toEqual({ command: ['python3', '-m', 'app.health'] });
  });

  test.each([
    [
      { health: { port: 9999 } },
      "'health.port' must be a port the container exposes (8080); the kubelet would probe a port nothing listens on; received 9999.",
    ],
    [{ health: { readiness: '/ready' } }, "'health.readiness' is an HTTP path, but the check is grpc"],
    [{ ingress: { host: 'grpc.example.com' } }, "'ingress' routes HTTP only; this service speaks grpc"],
  ])('gRPC error %#', (overrides, message) => {
    expect(
      synthError({
        protocol: Protocol.GRPC,
        port: 8080,
        server: PythonServer.command({ command: ['python', 's.py'] }),
        exposure: Exposure.INTERNAL,
        ...overrides,
      } as Partial<PythonMicroserviceProps>),
    ).toContain(message);
  });

  test('a standalone process with its own image: a Deployment and a ServiceAccount, no Service, no HTTP probe', () => {
    const chart = testChart();
    new PythonWorker(chart, 'loadgenerator', {
      image: 'ghcr.io/acme/loadgenerator:1.0.0',
      profile: CloudProfile.gke(),
      replicas: 1,
      command: WorkerCommand.command(['locust', '--headless', '-u', '10']),
      liveness: WorkerLiveness.command(['python3', '-c', 'pass']),
      config: { FRONTEND_ADDR: 'frontend:80' },
    });
    const objects = Testing.synth(chart);
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'ServiceAccount']);
    const c = appContainer(find(objects, 'Deployment'));
    expect(c.image).toBe('ghcr.io/acme/loadgenerator:1.0.0');
    expect(c.readinessProbe).toBeUndefined();
    expect(c.ports).toBeUndefined();
    expect(find(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe('loadgenerator');
    expect(validateAll(objects)).toEqual([]);
  });

  test('a worker of an app cannot also set its own image', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps());
    new PythonWorker(chart, 'w', { app, image: 'ghcr.io/acme/other:1.0.0', command: WorkerCommand.rq({ queues: ['default'] }) });
    expect(errorOf(() => Testing.synth(chart))).toContain("[test/w] 'image' must not be set together with 'app'");
  });
});

describe('singletons', () => {
  test('Celery beat: one replica, Recreate, no autoscaler, no PodDisruptionBudget, liveness optional', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps());
    new PythonSingleton(chart, 'beat', { app, command: WorkerCommand.command(['celery', '--app', 'x.celery:app', 'beat']) });
    const objects = Testing.synth(chart);
    const beat = find(objects, 'Deployment', 'beat');
    expect(beat.spec.replicas).toBe(1);
    expect(beat.spec.strategy).toEqual({ type: 'Recreate' });
    expect(
      objects.filter(
        (o) => ['PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind) && o.metadata.name === 'beat',
      ),
    ).toEqual([]);
    // The app of this test sets no PriorityClass; that finding is the app's, not the singleton's.
    expect(projectFindings(objects).filter((f) => f.object.includes('beat') && f.check !== 'priorityClassNotSet')).toEqual([]);
    // What a singleton is by design, the tools flag; the manifest carries none of their opt-out annotations.
    expect(
      lintFindings(objects)
        .filter((f) => f.object.includes('beat') && deliberateReason(f, objects)?.includes('singleton'))
        .map((f) => `${f.tool}:${f.check}`)
        .sort(),
    ).toEqual([
      'polaris:deploymentMissingReplicas',
      'polaris:livenessProbeMissing',
      'polaris:missingPodDisruptionBudget',
      'polaris:topologySpreadConstraint',
    ]);
    expect(beat.metadata.annotations).toBeUndefined();
  });

  test('a singleton with an autoscaler is refused', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps());
    new PythonSingleton(chart, 'beat', {
      app,
      command: WorkerCommand.command(['celery', 'beat']),
      autoscaling: { minReplicas: 1, maxReplicas: 3 },
    } as never);
    expect(errorOf(() => Testing.synth(chart))).toContain(
      "[test/beat] 'autoscaling' must not be set on a singleton: it runs exactly one replica with the Recreate strategy",
    );
  });
});

describe('containers that are not Python', () => {
  test('no Python env and no python3 preStop; a warning names the way out before Kubernetes 1.30', () => {
    const { objects, chart } = synth({
      python: false,
      image: 'ghcr.io/acme/websocket:2.0.0',
      server: PythonServer.command({ command: ['node', 'dist/index.js'] }),
      exposure: Exposure.INTERNAL,
    });
    const c = appContainer(find(objects, 'Deployment'));
    expect(envMap(c).PYTHONUNBUFFERED).toBeUndefined();
    expect(c.lifecycle).toBeUndefined();
    const warnings = chart.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === 'pyservice:warning').map((m) => m.data));
    expect(warnings.join('\n')).toContain(
      'the image has no python3 (hasPython3: false), so there is no 20s preStop delay before Kubernetes 1.30',
    );
  });

  test('Kubernetes 1.30+: the sleep action, for every image', () => {
    const c = appContainer(
      find(synth({ python: false, server: PythonServer.command({ command: ['node', 'x.js'] }) }, '1.30').objects, 'Deployment'),
    );
    expect(c.lifecycle.preStop).toEqual({ sleep: { seconds: 5 } });
  });
});

describe("the image's ENTRYPOINT", () => {
  test('keepEntrypoint passes the command as args, so tini or an entrypoint script still runs', () => {
    const c = appContainer(find(synth({ keepEntrypoint: true }).objects, 'Deployment'));
    expect(c.command).toBeUndefined();
    expect(c.args[0]).toBe('gunicorn');
  });

  test('workers and migrations of the app keep it too', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps({ keepEntrypoint: true }));
    new PythonMigration(chart, 'migrate', { app, command: MigrationCommand.alembic() });
    const job = find(Testing.synth(chart), 'Job');
    expect(job.spec.template.spec.containers[0]).toMatchObject({ args: ['alembic', 'upgrade', 'head'] });
    expect(job.spec.template.spec.containers[0].command).toBeUndefined();
  });
});

describe('escape hatches', () => {
  test('a JSON patch on an object means what it says: a plain quantity string stays a string, an unknown field stays', () => {
    // GIVEN
    const { service, chart } = synth();
    // WHEN
    service.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources/limits/cpu', '50m'));
    service.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu', '1'));
    service.service.addJsonPatch(JsonPatch.add('/spec/trafficDistribution', 'PreferClose'));
    // THEN
    const objects = chart.toJson();
    expect(appContainer(find(objects, 'Deployment')).resources.limits).toMatchObject({ cpu: '50m', 'nvidia.com/gpu': '1' });
    expect(find(objects, 'Service').spec.trafficDistribution).toBe('PreferClose');
  });

  test('every object the constructs make is exposed as a plain ApiObject', () => {
    const { service } = synth({ autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    for (const o of [
      service.deployment,
      service.service,
      service.serviceAccount,
      service.networkPolicy,
      service.autoscaler!,
      service.disruptionBudget!,
    ]) {
      expect(o).toBeInstanceOf(ApiObject);
      expect(Object.getPrototypeOf(o.constructor)).toBe(ApiObject);
    }
  });
});

describe('several services behind one host', () => {
  /** A web app on `/` and a websocket server on `/ws` of one host. */
  function twoOnOneHost(profile: () => ReturnType<typeof CloudProfile.eks>, paths: [string, string] = ['/', '/ws'], gateway = false) {
    const chart = testChart();
    for (const [id, path] of [
      ['web', paths[0]],
      ['websocket', paths[1]],
    ]) {
      new PythonMicroservice(
        chart,
        id,
        baseProps({
          exposure: Exposure.PUBLIC,
          profile: profile(),
          ingress: { host: 'analytics.example.com', path, gateway: gateway ? { name: 'public', namespace: 'gateways' } : undefined },
        }),
      );
    }
    return chart;
  }

  test('AKS (managed NGINX) and EKS with an ALB group share one load balancer: one Ingress per service, each its path', () => {
    for (const profile of [() => CloudProfile.aks(), () => CloudProfile.eks({ albGroup: 'analytics' })]) {
      const objects = Testing.synth(twoOnOneHost(profile));
      const paths = objects.filter((o) => o.kind === 'Ingress').map((o) => [o.spec.rules[0].host, o.spec.rules[0].http.paths[0].path]);
      expect(paths).toEqual([
        ['analytics.example.com', '/'],
        ['analytics.example.com', '/ws'],
      ]);
    }
  });

  test('GKE Ingresses would be two load balancers and two certificates: refused, with the Gateway as the fix', () => {
    expect(errorOf(() => Testing.synth(twoOnOneHost(() => CloudProfile.gke())))).toContain(
      '[test/websocket] \'ingress.host\' is also routed by test/web, and on this cloud each Ingress gets its own load balancer and certificate; received "analytics.example.com". Route the services through one Gateway instead',
    );
    const routes = Testing.synth(twoOnOneHost(() => CloudProfile.gke(), ['/', '/ws'], true)).filter((o) => o.kind === 'HTTPRoute');
    expect(routes.map((r) => r.spec.rules[0].matches[0].path.value)).toEqual(['/', '/ws']);
  });

  test('EKS without an ALB group: refused, naming albGroup', () => {
    expect(errorOf(() => Testing.synth(twoOnOneHost(() => CloudProfile.eks())))).toContain('Set CloudProfile.eks({ albGroup:');
  });

  test('two services on the same host and path are refused', () => {
    expect(errorOf(() => Testing.synth(twoOnOneHost(() => CloudProfile.aks(), ['/', '/'])))).toContain(
      "[test/websocket] 'ingress.path' must differ from the path of test/web, which routes the same host",
    );
  });
});

describe('the container files follow the pod', () => {
  test("compose: scratch paths are tmpfs owned by the pod's user; a claim is a named volume", () => {
    const media = Volume.newClaim('media', { storage: '1Gi', accessMode: AccessMode.READ_WRITE_MANY });
    const { service } = synth({ runAsUser: 1000, mounts: [{ path: '/app/media', volume: media }] });
    const files = containerFiles([{ container: service.container }], PythonBuild.uv({ pythonVersion: '3.12.7' }));
    const compose = parse(files.get('compose.yaml')!);
    expect(compose.services.svc.tmpfs).toEqual(['/tmp:size=268435456,uid=1000,gid=1000', '/dev/shm:size=67108864,uid=1000,gid=1000']);
    expect(compose.services.svc.volumes).toEqual([{ type: 'volume', source: 'app-media', target: '/app/media' }]);
    expect(compose.volumes).toEqual({ 'app-media': {} });
    expect(files.get('svc/Dockerfile')).toContain('USER 1000:1000');
  });
});

describe('hooks that need a binary', () => {
  test('a python3 liveness check on a non-Python standalone process is a warning', () => {
    const chart = testChart();
    new PythonWorker(chart, 'relay', {
      image: 'ghcr.io/acme/relay:1.0.0',
      profile: CloudProfile.eks(),
      python: false,
      command: WorkerCommand.command(['/relay']),
      liveness: WorkerLiveness.heartbeatFile('/tmp/hb'),
    });
    Testing.synth(chart);
    const warnings = chart.node
      .findAll()
      .flatMap((n) => n.node.metadata.filter((m) => m.type === 'pyservice:warning').map((m) => String(m.data)));
    expect(warnings).toContain(
      'the liveness check runs python3, but the image has none (hasPython3: false). Use WorkerLiveness.command([...]) with a binary the image has, or set hasPython3: true if it has python3.',
    );
  });
});
