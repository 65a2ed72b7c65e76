import { Duration } from 'cdk8s';
import { CloudProfile, NetworkPeer } from './support/internals';
import { validateAll } from './support/schema';
import { appContainer, find, synthError, synthService } from './support/synth';

describe('metrics', () => {
  const { objects, service } = synthService({ metrics: {}, profile: CloudProfile.eks() });
  const d = find(objects, 'Deployment');
  const c = appContainer(d);

  test("a named metrics port and prometheus_client's multi-process directory on memory", () => {
    expect(c.ports).toContainEqual({ name: 'metrics', containerPort: 9090, protocol: 'TCP' });
    expect(c.env).toContainEqual({ name: 'PROMETHEUS_MULTIPROC_DIR', value: '/run/prometheus' });
    expect(c.volumeMounts).toContainEqual({ name: 'prometheus', mountPath: '/run/prometheus' });
    expect(d.spec.template.spec.volumes).toContainEqual({ name: 'prometheus', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } });
  });

  test("the directory is emptied every time the container starts, then the server is exec'd", () => {
    expect(c.command.slice(0, 2)).toEqual(['python3', '-c']);
    expect(c.command[2]).toContain('os.environ.get("PROMETHEUS_MULTIPROC_DIR")');
    expect(c.command[2]).toContain('os.execvp(sys.argv[1], sys.argv[1:])');
    expect(c.command.slice(3, 5)).toEqual(['gunicorn', 'orders.main:app']);
    // The image's CMD is generated from the same description.
    expect(service.container.command).toEqual(c.command);
  });

  test('EKS: a Prometheus Operator PodMonitor, scraped from the monitoring namespace', () => {
    const pm = find(objects, 'PodMonitor');
    expect(pm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(pm.spec).toEqual({
      selector: { matchLabels: { 'pyservice.dev/workload': 'orders-api' } },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
    });
    expect(find(objects, 'NetworkPolicy').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    });
    expect(validateAll(objects)).toEqual([]);
  });

  test('GKE: Managed Service for Prometheus PodMonitoring, scraped from gmp-system', () => {
    const gke = synthService({ metrics: { interval: Duration.seconds(15) }, profile: CloudProfile.gke() }).objects;
    expect(find(gke, 'PodMonitoring').spec).toEqual({
      selector: { matchLabels: { 'pyservice.dev/workload': 'orders-api' } },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s' }],
    });
    expect(JSON.stringify(find(gke, 'NetworkPolicy').spec.ingress)).toContain('gmp-system');
    expect(validateAll(gke)).toEqual([]);
  });

  test('AKS: Azure Monitor managed Prometheus reads PodMonitors in its own group', () => {
    const aks = synthService({ metrics: {}, profile: CloudProfile.aks() }).objects;
    expect(find(aks, 'PodMonitor').apiVersion).toBe('azmonitoring.coreos.com/v1');
    expect(JSON.stringify(find(aks, 'NetworkPolicy').spec.ingress)).toContain('kube-system');
    expect(validateAll(aks)).toEqual([]);
  });

  test('Prometheus Operator on GKE or AKS when asked; scrapers can be named', () => {
    const gke = synthService({
      metrics: { scrapeFrom: [NetworkPeer.namespace('observability')] },
      profile: CloudProfile.gke({ managedPrometheus: false }),
    }).objects;
    expect(find(gke, 'PodMonitor').apiVersion).toBe('monitoring.coreos.com/v1');
    expect(JSON.stringify(find(gke, 'NetworkPolicy').spec.ingress)).toContain('observability');
  });

  test.each([
    ['EKS', CloudProfile.eks({ prometheusNamespace: 'observability', prometheusRelease: 'kps' })],
    ['GKE', CloudProfile.gke({ managedPrometheus: false, prometheusNamespace: 'observability', prometheusRelease: 'kps' })],
    ['AKS', CloudProfile.aks({ managedPrometheus: false, prometheusNamespace: 'observability', prometheusRelease: 'kps' })],
  ])(
    '%s: a self-run Prometheus Operator is found the same way on every cloud (namespace admitted, release label set)',
    (_cloud, profile) => {
      const objects = synthService({ metrics: {}, profile }).objects;
      expect(find(objects, 'PodMonitor').metadata.labels.release).toBe('kps');
      const metricsRule = find(objects, 'NetworkPolicy').spec.ingress.find((r: any) => r.ports[0].port === 9090);
      expect(metricsRule.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }]);
    },
  );

  test('single-process servers can turn multi-process mode off', () => {
    const c2 = appContainer(find(synthService({ metrics: { multiprocess: false } }).objects, 'Deployment'));
    expect(c2.command[0]).toBe('gunicorn');
    expect(c2.env.map((e: any) => e.name)).not.toContain('PROMETHEUS_MULTIPROC_DIR');
  });

  test.each([
    [{ port: 8000 }, "'metrics.port' must be a whole number from 1024 to 65535, different from the serving port; received 8000"],
    [{ path: 'metrics' }, "'metrics.path' must be a path starting with '/'"],
    [{ interval: Duration.seconds(1) }, "'metrics.interval' must be a whole number of seconds from 5 to 3600"],
  ])('error %#', (metrics, message) => {
    expect(synthError({ metrics })).toContain(message);
  });
});
