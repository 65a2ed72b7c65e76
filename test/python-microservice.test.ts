import { Duration } from 'cdk8s';
import { CloudProfile, Exposure, ICloudProfile, NetworkPeer, PythonServer, SecretEnv, collectWarnings } from './support/internals';
import { appContainer, envMap, find, synthError, synthService } from './support/synth';

describe('PythonMicroservice: Deployment', () => {
  test('runs the server command with requests, limits and Python runtime env', () => {
    // GIVEN / WHEN
    const { objects } = synthService({ resources: { cpu: '500m', memory: '512Mi' } });

    // THEN
    const c = appContainer(find(objects, 'Deployment', 'orders-api'));
    expect(c.image).toBe('ghcr.io/acme/orders-api:1.4.2');
    expect(c.command.slice(0, 4)).toEqual(['gunicorn', 'orders.main:app', '--bind', '0.0.0.0:8000']);
    expect(c.command).toEqual(expect.arrayContaining(['--worker-class', 'uvicorn.workers.UvicornWorker']));
    expect(c.resources).toEqual({
      requests: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' },
    });
    expect(envMap(c)).toMatchObject({ PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', WEB_CONCURRENCY: '1' });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
  });

  test("defaults to 250m CPU and 512Mi, not cdk8s-plus's 1 CPU / 2GiB", () => {
    const { objects } = synthService();
    const c = appContainer(find(objects, 'Deployment'));
    expect(c.resources.requests.cpu).toBe('250m');
    expect(c.resources.limits.memory).toBe('512Mi');
  });

  test('a CPU limit can be removed; workers then follow the request', () => {
    const { objects, service } = synthService({ resources: { cpu: '2', memory: '2Gi', cpuLimit: false } });
    const c = appContainer(find(objects, 'Deployment'));
    expect(c.resources.limits.cpu).toBeUndefined();
    expect(service.workers).toBe(2);
  });

  test('readiness, liveness and startup probes differ and use the named port', () => {
    const { objects } = synthService({ health: { liveness: '/livez', readiness: '/readyz', startupBudget: Duration.seconds(90) } });
    const c = appContainer(find(objects, 'Deployment'));
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http', scheme: 'HTTP' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http', scheme: 'HTTP' });
    expect(c.startupProbe.httpGet.path).toBe('/livez');
    // 90 s budget at a 5 s period.
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(90);
    expect(c.livenessProbe.initialDelaySeconds).toBeUndefined();
  });

  test('without a liveness path, liveness is a TCP check', () => {
    const { objects } = synthService({ health: { readiness: '/ready' } });
    const c = appContainer(find(objects, 'Deployment'));
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(c.livenessProbe.httpGet).toBeUndefined();
  });

  test('pod passes the restricted standard: non-root fixed UID/GID, no escalation, caps dropped, seccomp, read-only root', () => {
    const { objects } = synthService();
    const pod = find(objects, 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    const tmp = pod.containers[0].volumeMounts.find((m: any) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v: any) => v.name === tmp.name).emptyDir).toBeDefined();
  });

  test('gunicorn gets a memory-backed worker tmp dir', () => {
    const { objects } = synthService();
    const pod = find(objects, 'Deployment').spec.template.spec;
    expect(pod.containers[0].command).toEqual(expect.arrayContaining(['--worker-tmp-dir', '/dev/shm']));
    expect(pod.volumes.find((v: any) => v.name === 'shm').emptyDir.medium).toBe('Memory');
  });

  test('preStop delay plus graceful timeout fit in terminationGracePeriodSeconds', () => {
    const { objects, service } = synthService({ server: PythonServer.gunicorn({ app: 'app:app', gracefulTimeout: Duration.seconds(45) }) });
    const pod = find(objects, 'Deployment').spec.template.spec;
    expect(pod.containers[0].lifecycle.preStop.exec.command).toEqual(['python3', '-c', 'import time; time.sleep(5)']);
    expect(pod.containers[0].command).toEqual(expect.arrayContaining(['--graceful-timeout', '45']));
    expect(pod.terminationGracePeriodSeconds).toBe(5 + 45 + 5);
    expect(service.terminationGracePeriodSeconds).toBe(55);
  });

  test('no replicas field when an HPA owns scaling; selector uses only the stable label', () => {
    const { objects } = synthService({ autoscaling: { minReplicas: 2, maxReplicas: 10 } });
    const d = find(objects, 'Deployment');
    expect(d.spec.replicas).toBeUndefined();
    expect(d.spec.selector.matchLabels).toEqual({ 'pyservice.dev/workload': 'orders-api' });
    expect(d.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'orders-api',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
  });

  test('rolling update keeps capacity and replicas spread over zones and nodes', () => {
    const { objects } = synthService({ replicas: 3 });
    const d = find(objects, 'Deployment');
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: 0 });
    const keys = d.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey);
    expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });

  test('a single replica gets no topology spread and no PodDisruptionBudget', () => {
    const { objects } = synthService({ replicas: 1 });
    expect(find(objects, 'Deployment').spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
  });
});

describe('PythonMicroservice: config and secrets', () => {
  test('config becomes an immutable ConfigMap named by its content hash', () => {
    const a = synthService({ config: { LOG_LEVEL: 'info' } }).objects;
    const b = synthService({ config: { LOG_LEVEL: 'debug' } }).objects;
    const cmA = find(a, 'ConfigMap');
    const cmB = find(b, 'ConfigMap');
    expect(cmA.data).toEqual({ LOG_LEVEL: 'info' });
    expect(cmA.immutable).toBe(true);
    expect(cmA.metadata.name).toMatch(/^orders-api-config-[0-9a-f]{10}$/);
    expect(cmA.metadata.name).not.toBe(cmB.metadata.name);
    expect(appContainer(find(a, 'Deployment')).envFrom).toEqual([{ configMapRef: { name: cmA.metadata.name } }]);
  });

  test('secrets are references only; no value is ever written', () => {
    const { objects } = synthService({ secrets: [SecretEnv.fromExisting('orders-db', { DATABASE_URL: 'url' })] });
    expect(envMap(appContainer(find(objects, 'Deployment'))).DATABASE_URL).toEqual({ secretKeyRef: { name: 'orders-db', key: 'url' } });
    expect(objects.filter((o) => o.kind === 'Secret')).toHaveLength(0);
  });
});

describe('PythonMicroservice: Service, HPA, PDB, NetworkPolicy, ServiceAccount', () => {
  test('Service port is named and targets the container port by name', () => {
    const { objects } = synthService();
    const svc = find(objects, 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }]);
    expect(svc.spec.selector).toEqual({ 'pyservice.dev/workload': 'orders-api' });
  });

  test('HPA (autoscaling/v2) targets the Deployment on CPU utilization', () => {
    const { objects } = synthService({ autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 65 } });
    const hpa = find(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-api' },
      minReplicas: 2,
      maxReplicas: 10,
    });
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } } },
    ]);
  });

  test('PDB allows one pod down at a time and never blocks on unhealthy pods', () => {
    const { objects } = synthService({ autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    const pdb = find(objects, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'pyservice.dev/workload': 'orders-api' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('NetworkPolicy admits only the service port from the namespace by default', () => {
    const { objects } = synthService();
    const np = find(objects, 'NetworkPolicy');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'pyservice.dev/workload': 'orders-api' } });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: {} }], ports: [{ port: 8000, protocol: 'TCP' }] }]);
  });

  test('NetworkPolicy: chosen sources, load balancer traffic when exposed, restricted egress', () => {
    const { objects } = synthService({
      exposure: Exposure.PUBLIC,
      allowFrom: [NetworkPeer.namespace('frontend')],
      allowEgressTo: [NetworkPeer.cidr('10.20.0.0/16')],
      profile: CloudProfile.aks(),
    });
    const np = find(objects, 'NetworkPolicy');
    expect(np.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } } }],
        ports: [{ port: 8000, protocol: 'TCP' }],
      },
      // A passthrough load balancer (AKS, GKE) keeps the clients' addresses.
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8000, protocol: 'TCP' }] },
    ]);
    expect(np.spec.egress[0].ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual(['53/UDP', '53/TCP']);
    expect(np.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }] });
  });

  test("EKS: the NLB's traffic comes from its own private addresses, not from anywhere; the subnets can be named", () => {
    const lbRule = (profile: ReturnType<typeof CloudProfile.eks>) =>
      find(synthService({ exposure: Exposure.PUBLIC, profile }).objects, 'NetworkPolicy').spec.ingress.at(-1).from;
    expect(lbRule(CloudProfile.eks())).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((cidr) => ({ ipBlock: { cidr } })));
    expect(lbRule(CloudProfile.eks({ loadBalancerSourceRanges: ['10.0.96.0/20', '10.0.112.0/20'] }))).toEqual([
      { ipBlock: { cidr: '10.0.96.0/20' } },
      { ipBlock: { cidr: '10.0.112.0/20' } },
    ]);
  });

  test('a proxying load balancer in front (ALB, AGIC, GKE internal Ingress) is admitted from its private subnets, never from anywhere', () => {
    const host = 'api.example.com';
    const proxied = (exposure: Exposure, profile: ICloudProfile) =>
      find(synthService({ exposure, ingress: { host }, profile }).objects, 'NetworkPolicy').spec.ingress[0].from;
    const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((cidr) => ({ ipBlock: { cidr } }));
    const same = { podSelector: {} };
    expect(proxied(Exposure.PUBLIC, CloudProfile.eks())).toEqual([same, ...PRIVATE]);
    expect(proxied(Exposure.PUBLIC, CloudProfile.eks({ loadBalancerSourceRanges: ['10.0.96.0/20'] }))).toEqual([
      same,
      { ipBlock: { cidr: '10.0.96.0/20' } },
    ]);
    expect(proxied(Exposure.PUBLIC, CloudProfile.aks({ ingressController: 'agic' }))).toEqual([same, ...PRIVATE]);
    expect(proxied(Exposure.PUBLIC, CloudProfile.aks({ ingressController: 'agic', loadBalancerSourceRanges: ['10.225.0.0/16'] }))).toEqual([
      same,
      { ipBlock: { cidr: '10.225.0.0/16' } },
    ]);
    // GKE's internal load balancer is checked from Google's health check ranges, besides its proxy-only subnet.
    const CHECKERS = ['35.191.0.0/16', '130.211.0.0/22'].map((cidr) => ({ ipBlock: { cidr } }));
    expect(proxied(Exposure.INTERNAL, CloudProfile.gke())).toEqual([same, ...PRIVATE, ...CHECKERS]);
    expect(proxied(Exposure.INTERNAL, CloudProfile.gke({ loadBalancerSourceRanges: ['10.129.0.0/23'] }))).toEqual([
      same,
      { ipBlock: { cidr: '10.129.0.0/23' } },
      ...CHECKERS,
    ]);
  });

  describe('an exposed service that restricts its callers, behind a load balancer admitted from the private ranges', () => {
    const callers = [NetworkPeer.pods({ app: 'frontend' })];
    const warningsOf = (props: Parameters<typeof synthService>[0]) =>
      collectWarnings(synthService({ allowFrom: callers, ...props }).chart).filter((w) => w.includes('allowFrom'));
    const named = ['10.0.96.0/20'];

    test.each([
      ['EKS NLB', { exposure: Exposure.INTERNAL, profile: CloudProfile.eks() }, 'CloudProfile.eks({ loadBalancerSourceRanges'],
      [
        'EKS ALB',
        { exposure: Exposure.PUBLIC, ingress: { host: 'api.example.com' }, profile: CloudProfile.eks() },
        'CloudProfile.eks({ loadBalancerSourceRanges',
      ],
      [
        'AKS Application Gateway',
        { exposure: Exposure.INTERNAL, ingress: { host: 'api.example.com' }, profile: CloudProfile.aks({ ingressController: 'agic' }) },
        'CloudProfile.aks({ loadBalancerSourceRanges',
      ],
      [
        'GKE internal Gateway',
        { exposure: Exposure.INTERNAL, ingress: { host: 'api.example.com', gateway: { name: 'internal' } }, profile: CloudProfile.gke() },
        'CloudProfile.gke({ loadBalancerSourceRanges',
      ],
    ])("%s: a synth warning says every pod is admitted, with the cloud's fix", (_lb, props, fix) => {
      // GIVEN a service that names its callers WHEN its load balancer's sources are the default private ranges
      const [warning] = warningsOf(props as Parameters<typeof synthService>[0]);
      // THEN the synth warns that allowFrom is moot, and how to name the load balancer's subnets
      expect(warning).toContain(
        '[test/orders-api] allowFrom restricts who may call the service, but the NetworkPolicy also admits its load balancer from the private ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
      );
      expect(warning).toContain(fix);
    });

    test.each([
      ['EKS with the subnets named', { exposure: Exposure.INTERNAL, profile: CloudProfile.eks({ loadBalancerSourceRanges: named }) }],
      [
        'AKS app routing (admitted by namespace)',
        { exposure: Exposure.INTERNAL, ingress: { host: 'api.example.com' }, profile: CloudProfile.aks() },
      ],
      [
        'AKS Application Gateway with its subnet named',
        {
          exposure: Exposure.INTERNAL,
          ingress: { host: 'api.example.com' },
          profile: CloudProfile.aks({ ingressController: 'agic', loadBalancerSourceRanges: named }),
        },
      ],
      [
        "GKE external Ingress (Google's front ends)",
        { exposure: Exposure.PUBLIC, ingress: { host: 'api.example.com' }, profile: CloudProfile.gke() },
      ],
      ['a cluster-only service', { profile: CloudProfile.eks() }],
    ])('%s: no warning', (_case, props) => {
      expect(warningsOf(props as Parameters<typeof synthService>[0])).toEqual([]);
    });

    test('without allowFrom there is no restriction to defeat, and no warning', () => {
      expect(
        collectWarnings(synthService({ exposure: Exposure.INTERNAL, profile: CloudProfile.eks() }).chart).filter((w) =>
          w.includes('allowFrom'),
        ),
      ).toEqual([]);
    });
  });

  test("a bad proxy range is the profile's mistake, named as such", () => {
    expect(
      synthError({
        exposure: Exposure.PUBLIC,
        ingress: { host: 'api.example.com' },
        profile: CloudProfile.eks({ loadBalancerSourceRanges: ['10.0.96.0/33'] }),
      }),
    ).toContain("'profile.loadBalancerSourceRanges[0]' must be an IPv4 or IPv6 range in CIDR notation");
  });

  test('ServiceAccount does not mount an API token unless asked', () => {
    expect(find(synthService().objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    const { objects } = synthService({ mountServiceAccountToken: true });
    expect(find(objects, 'ServiceAccount').automountServiceAccountToken).toBe(true);
    expect(find(objects, 'Deployment').spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('every child object is exposed for escape hatches', () => {
    const { service } = synthService({ config: { A: 'b' }, autoscaling: { minReplicas: 2, maxReplicas: 3 } });
    expect(service.deployment.name).toBe('orders-api');
    expect(service.service.name).toBe('orders-api');
    expect(service.serviceAccount.name).toBe('orders-api');
    expect(service.autoscaler?.name).toBe('orders-api');
    expect(service.disruptionBudget?.name).toBe('orders-api');
    expect(service.networkPolicy.name).toBe('orders-api');
    expect(service.configMap?.name).toMatch(/^orders-api-config-/);
  });
});
