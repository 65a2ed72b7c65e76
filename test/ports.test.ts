/**
 * Declared ports (`ports`, `sidecars[].ports`): each gets its container port,
 * its Service port and a NetworkPolicy rule from its own peers; the names and
 * numbers follow Kubernetes' rules, and compose publishes them.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import {
  Exposure,
  NetworkPeer,
  PortProtocol,
  PythonBuild,
  MigrationCommand,
  PythonMicroservice,
  PythonMigration,
  PythonSingleton,
  PythonWorker,
  WorkerCommand,
  WorkerLiveness,
  containerFiles,
  isPortName,
} from './support/internals';
import { restrictedViolations } from './support/policies';
import { validateAll } from './support/schema';
import { appContainer, baseProps, chartError, find, synthService } from './support/synth';
import { testChart } from './support/cdk8s-testing';

const STATSD = { name: 'statsd', port: 8125, protocol: PortProtocol.UDP };

describe('declared ports', () => {
  test('a UDP StatsD port on a web service: container port, Service port, NetworkPolicy rule from the same namespace', () => {
    // GIVEN / WHEN
    const { objects } = synthService({ ports: [STATSD] });

    // THEN
    const d = find(objects, 'Deployment');
    expect(appContainer(d).ports).toEqual([
      { name: 'http', containerPort: 8000, protocol: 'TCP' },
      { name: 'statsd', containerPort: 8125, protocol: 'UDP' },
    ]);
    expect(find(objects, 'Service').spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
      { name: 'statsd', port: 8125, targetPort: 'statsd', protocol: 'UDP' },
    ]);
    expect(find(objects, 'NetworkPolicy').spec.ingress).toContainEqual({
      from: [{ podSelector: {} }],
      ports: [{ port: 8125, protocol: 'UDP' }],
    });
    expect(validateAll(objects)).toEqual([]);
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test('allowFrom names the peers of one port; [] admits no one; expose: false keeps it off the Service', () => {
    const peer = NetworkPeer.pods({ 'app.kubernetes.io/name': 'scheduler' });
    const { objects } = synthService({
      ports: [
        { name: 'admin', port: 9001, allowFrom: [peer] },
        { name: 'debug', port: 9002, allowFrom: [], expose: false },
      ],
    });
    const ingress = find(objects, 'NetworkPolicy').spec.ingress;
    expect(ingress).toContainEqual({ from: [peer.peer], ports: [{ port: 9001, protocol: 'TCP' }] });
    expect(ingress.some((r: any) => r.ports.some((p: any) => p.port === 9002))).toBe(false);
    expect(find(objects, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['http', 'admin']);
  });

  test('a worker with an exposed port gets a ClusterIP Service named after it; its NetworkPolicy admits the port only', () => {
    // GIVEN
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps());
    new PythonWorker(chart, 'orders-worker', {
      app,
      command: WorkerCommand.command(['python', '-m', 'orders.worker']),
      liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
      ports: [{ name: 'log-server', port: 8793 }],
    });

    // WHEN
    const objects = Testing.synth(chart);

    // THEN
    const svc = find(objects, 'Service', 'orders-worker');
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: find(objects, 'Deployment', 'orders-worker').spec.selector.matchLabels,
      ports: [{ name: 'log-server', port: 8793, targetPort: 'log-server', protocol: 'TCP' }],
    });
    expect(find(objects, 'NetworkPolicy', 'orders-worker').spec.ingress).toEqual([
      { from: [{ podSelector: {} }], ports: [{ port: 8793, protocol: 'TCP' }] },
    ]);
    expect(validateAll(objects)).toEqual([]);
  });

  test('a worker or singleton whose Service carries a TCP port is ready once it listens there; the rollout waits for it', () => {
    // GIVEN a worker with a log server (a UDP port before it) and one whose port stays off the Service, each after a migration
    const make = (expose: boolean) => {
      const chart = testChart();
      const app = new PythonMicroservice(chart, 'orders-api', baseProps());
      new PythonMigration(chart, 'orders-migrate', { app, command: MigrationCommand.alembic() });
      new PythonWorker(chart, 'orders-worker', {
        app,
        command: WorkerCommand.command(['python', '-m', 'orders.worker']),
        liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
        ports: [STATSD, { name: 'log-server', port: 8793, expose }],
      });
      return find(Testing.synth(chart), 'Deployment', 'orders-worker');
    };

    // WHEN
    const [worker, hidden] = [make(true), make(false)];

    // THEN the pod is ready once the first TCP port of its Service accepts connections
    expect(appContainer(worker).readinessProbe).toEqual({
      tcpSocket: { port: 'log-server' },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
      successThreshold: 1,
    });
    // ...and the progress deadline counts its first success (10 s); without a Service there is nothing to gate
    expect(appContainer(hidden).readinessProbe).toBeUndefined();
    expect(worker.spec.progressDeadlineSeconds - hidden.spec.progressDeadlineSeconds).toBe(10);
  });

  test('a singleton behind the Service of its port (a broker) is ready once it listens', () => {
    const chart = testChart();
    new PythonSingleton(chart, 'orders-broker', {
      image: 'redis:7.4.1',
      python: false,
      profile: baseProps().profile,
      command: WorkerCommand.command(['redis-server']),
      ports: [{ name: 'redis', port: 6379 }],
    });
    const objects = Testing.synth(chart);
    expect(appContainer(find(objects, 'Deployment', 'orders-broker')).readinessProbe.tcpSocket).toEqual({ port: 'redis' });
    expect(validateAll(objects)).toEqual([]);
  });

  test('readiness of a process is the user’s; a UDP-only Service gets none by default', () => {
    const chart = testChart();
    const statsd = (id: string, readiness?: WorkerLiveness) =>
      new PythonSingleton(chart, id, {
        image: 'prom/statsd-exporter:v0.26.1',
        python: false,
        profile: baseProps().profile,
        command: WorkerCommand.fromImage(),
        ports: [STATSD],
        readiness,
      });
    statsd('udp-only');
    statsd('checked', WorkerLiveness.command(['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9102/metrics']));
    const objects = Testing.synth(chart);
    expect(appContainer(find(objects, 'Deployment', 'udp-only')).readinessProbe).toBeUndefined();
    expect(appContainer(find(objects, 'Deployment', 'checked')).readinessProbe).toMatchObject({
      exec: { command: ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9102/metrics'] },
      periodSeconds: 10,
    });
  });

  test('a sidecar port (an exporter) is on the Service and the NetworkPolicy like the app container’s', () => {
    const { objects } = synthService({
      sidecars: [{ name: 'exporter', image: 'prom/statsd-exporter:v0.26.1', ports: [{ name: 'exporter', port: 9102 }] }],
    });
    const d = find(objects, 'Deployment');
    const sidecar = [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers].find(
      (c: any) => c.name === 'exporter',
    );
    expect(sidecar.ports).toEqual([{ name: 'exporter', containerPort: 9102, protocol: 'TCP' }]);
    expect(find(objects, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['http', 'exporter']);
    expect(validateAll(objects)).toEqual([]);
  });

  test('an exposed web service keeps its load balancer to its serving port; declared ports go on <name>-cluster', () => {
    const { objects } = synthService({ exposure: Exposure.PUBLIC, ports: [STATSD] });
    const lb = find(objects, 'Service', 'orders-api');
    expect(lb.spec.type).toBe('LoadBalancer');
    expect(lb.spec.ports.map((p: any) => p.name)).toEqual(['http']);
    const inCluster = find(objects, 'Service', 'orders-api-cluster');
    expect(inCluster.spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'statsd', port: 8125, protocol: 'UDP' }] });
    expect(inCluster.metadata.annotations).toBeUndefined();
  });

  test.each([
    ['stats_d', false],
    ['statsd', true],
    ['a-very-long-port-name', false],
    ['8125', false],
    ['log--server', false],
    ['-log', false],
    ['log-server', true],
  ])('port name %s is an IANA service name: %s', (name, ok) => {
    expect(isPortName(name)).toBe(ok);
  });

  test.each([
    [
      { ports: [{ name: 'stats_d', port: 8125 }] },
      "'ports[0].name' must be an IANA service name: at most 15 lowercase letters, digits and '-', with a letter, without '--' or a '-' at either end; received \"stats_d\"",
    ],
    [
      { ports: [{ name: 'http', port: 9001 }] },
      "'ports[0].name' must be unique in the pod; the workload's http port has it; received \"http\"",
    ],
    [
      { ports: [{ name: 'alt', port: 8000 }] },
      "'ports[0].port' must not be a port and protocol another port of the pod has (its containers share one network); the workload's http port listens on 8000/TCP; received 8000",
    ],
    [
      { ports: [STATSD], sidecars: [{ name: 'statsd', image: 'prom/statsd-exporter:v0.26.1', ports: [{ ...STATSD, name: 'statsd-in' }] }] },
      "'sidecars[0].ports[0].port' must not be a port and protocol another port of the pod has (its containers share one network); ports[0] listens on 8125/UDP; received 8125",
    ],
    [
      { ports: [{ name: 'low', port: 80 }] },
      "'ports[0].port' must be a whole number from 1024 to 65535 (the container has no privilege to bind lower ports); received 80",
    ],
    [
      { ports: [{ name: 'alt', port: 8080, servicePort: 80 }] },
      "'ports[0].servicePort' must differ from the Service port of the service (80/TCP): a Service takes each port and protocol once; received 80",
    ],
    [
      { ports: [STATSD], health: { readiness: '/readyz', port: 8125 } },
      "'health.port' must be a TCP port: no probe can check a UDP port (probes are HTTP, gRPC, TCP or a command), nor can a load balancer; received 8125",
    ],
    [
      { initContainers: [{ name: 'setup', ports: [STATSD] }] },
      "'initContainers[0].ports' belong to sidecars: an init container exits before the app starts, so nothing could reach them",
    ],
  ])('refused: %j', (overrides, message) => {
    expect(chartError((chart) => new PythonMicroservice(chart, 'orders-api', baseProps(overrides as any)))).toContain(message);
  });

  test('the same number over TCP and UDP is two ports (DNS-like listeners)', () => {
    const { objects } = synthService({
      ports: [
        { name: 'dns-tcp', port: 5353 },
        { name: 'dns-udp', port: 5353, protocol: PortProtocol.UDP },
      ],
    });
    expect(find(objects, 'Service').spec.ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual(['80/TCP', '5353/TCP', '5353/UDP']);
    expect(validateAll(objects)).toEqual([]);
  });

  test('compose publishes the declared ports on 127.0.0.1, UDP as udp', () => {
    const { service } = synthService({ ports: [STATSD] });
    const files = containerFiles([{ container: service.container }], PythonBuild.requirements({ pythonVersion: '3.12.7' }));
    const compose = parse(files.get('compose.yaml')!);
    expect(compose.services['orders-api'].ports).toEqual([
      { target: 8000, published: 8000, host_ip: '127.0.0.1', protocol: 'tcp' },
      { target: 8125, published: 8125, host_ip: '127.0.0.1', protocol: 'udp' },
    ]);
  });
});
