/**
 * A sidecar may have checks of its own (git-sync's `--http-bind` endpoint answers
 * `/` once the first sync is done): liveness, readiness and startup probes on that
 * container, valid for Kubernetes and the rules modelled on Polaris and kube-score.
 * An init container runs to completion, and Kubernetes refuses probes on it.
 */
import { App, Chart } from 'cdk8s';
import { ContainerCheck, PythonMicroservice, PythonMicroserviceProps } from 'pyservice-k8s';
import { lintFindings } from '../support/policies';
import { validateAll } from '../support/schema';
import { baseProps, errorOf, find } from '../support/synth';

function synth(overrides: Partial<PythonMicroserviceProps>, kubernetesVersion = '1.28') {
  const app = new App();
  app.node.setContext('pyservice:kubernetesVersion', kubernetesVersion);
  const chart = new Chart(app, 'test', { namespace: 'shop' });
  new PythonMicroservice(chart, 'svc', baseProps(overrides));
  return chart.toJson();
}

const GIT_SYNC = {
  name: 'git-sync',
  image: 'registry.k8s.io/git-sync/git-sync:v4.2.4',
  runAsUser: 65533,
  env: { GITSYNC_HTTP_BIND: ':1234' },
  startup: ContainerCheck.http('/', 1234),
  liveness: ContainerCheck.http('/', 1234),
  readiness: ContainerCheck.tcp(1234),
};

describe('checks of a sidecar', () => {
  test("git-sync's endpoint: startup and liveness GET /, readiness connects; each with its own timing", () => {
    // GIVEN / WHEN
    const objects = synth({ sidecars: [GIT_SYNC] });
    const sidecar = find(objects, 'Deployment', 'svc').spec.template.spec.containers.find((c: any) => c.name === 'git-sync');

    // THEN
    expect(sidecar.startupProbe).toEqual({
      httpGet: { path: '/', port: 1234, scheme: 'HTTP' },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 24,
      successThreshold: 1,
    });
    expect(sidecar.livenessProbe).toEqual({ ...sidecar.startupProbe, periodSeconds: 10, failureThreshold: 3 });
    expect(sidecar.readinessProbe).toEqual({
      tcpSocket: { port: 1234 },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
      successThreshold: 1,
    });
    expect(validateAll(objects)).toEqual([]);
    // The probe findings Polaris and kube-score raise on a sidecar without checks are gone.
    const probeFindings = (objs: any[]) =>
      lintFindings(objs)
        .filter((f) => /probe/i.test(f.check) && f.message.includes('git-sync'))
        .map((f) => f.check);
    expect(probeFindings(objects)).toEqual([]);
    expect(probeFindings(synth({ sidecars: [{ ...GIT_SYNC, startup: undefined, liveness: undefined, readiness: undefined }] }))).toEqual([
      'readinessProbeMissing',
      'livenessProbeMissing',
    ]);
  });

  test('a native sidecar (Kubernetes 1.29) keeps its checks', () => {
    const [sidecar] = find(synth({ sidecars: [GIT_SYNC] }, '1.29'), 'Deployment', 'svc').spec.template.spec.initContainers;
    expect(sidecar).toMatchObject({ name: 'git-sync', restartPolicy: 'Always', livenessProbe: { httpGet: { path: '/' } } });
  });

  test('a command check', () => {
    const objects = synth({
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', liveness: ContainerCheck.command(['pgrep', 'envoy']) }],
    });
    const proxy = find(objects, 'Deployment', 'svc').spec.template.spec.containers.find((c: any) => c.name === 'proxy');
    expect(proxy.livenessProbe.exec).toEqual({ command: ['pgrep', 'envoy'] });
  });

  test.each([
    [
      { initContainers: [{ name: 'clone', liveness: ContainerCheck.tcp(1234) }] },
      '[test/svc] \'initContainers[0].liveness\' belongs to sidecars: an init container runs to completion, and Kubernetes refuses probes on it; received "liveness". Move the container to sidecars, or remove the check.',
    ],
    [
      { sidecars: [{ ...GIT_SYNC, liveness: ContainerCheck.http('/', 80) }] },
      "[test/svc] 'sidecars[0].liveness' must check a port from 1024 to 65535 (the container runs without privileges, so it listens on no lower port); received 80.",
    ],
    [
      { sidecars: [{ ...GIT_SYNC, readiness: ContainerCheck.http('healthz', 1234) }] },
      "[test/svc] 'sidecars[0].readiness' must GET an absolute path without spaces; received \"healthz\". Use e.g. '/healthz'.",
    ],
    [
      { sidecars: [{ ...GIT_SYNC, startup: '/healthz' as unknown as ContainerCheck }] },
      '[test/svc] \'sidecars[0].startup\' must be a ContainerCheck; received "/healthz".',
    ],
  ])('refused: %#', (props, message) => {
    expect(errorOf(() => synth(props as Partial<PythonMicroserviceProps>))).toContain(message);
  });
});
