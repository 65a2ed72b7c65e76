import { Duration } from 'cdk8s';
import { CloudProfile, Exposure, ICloudProfile, PythonServer } from './support/internals';
import { appContainer, find, synthError, synthService } from './support/synth';

// The shutdown budget: a terminating pod keeps serving for the drain delay
// (endpoint removal reaching kube-proxy and the load balancer), then the server
// drains in-flight requests for its graceful timeout; the grace period covers both.
describe('shutdown budget', () => {
  const table: Array<[string, PythonServer, ICloudProfile, Exposure, boolean, number, number, number]> = [
    // name, server, profile, exposure, via ingress, preStop, graceful, terminationGracePeriodSeconds
    ['gunicorn, in-cluster', PythonServer.gunicorn({ app: 'a:app' }), CloudProfile.eks(), Exposure.CLUSTER, false, 5, 30, 40],
    ['gunicorn, EKS NLB', PythonServer.gunicorn({ app: 'a:app' }), CloudProfile.eks(), Exposure.PUBLIC, false, 20, 30, 55],
    [
      'uvicorn 60 s, EKS ALB',
      PythonServer.uvicorn({ app: 'a:app', gracefulTimeout: Duration.seconds(60) }),
      CloudProfile.eks(),
      Exposure.PUBLIC,
      true,
      20,
      60,
      85,
    ],
    [
      'gunicorn+uvicorn, GKE Ingress',
      PythonServer.gunicornUvicorn({ app: 'a:app' }),
      CloudProfile.gke(),
      Exposure.PUBLIC,
      true,
      15,
      30,
      50,
    ],
    [
      'django 20 s, AKS internal LB',
      PythonServer.django({ project: 'shop', gracefulTimeout: Duration.seconds(20) }),
      CloudProfile.aks(),
      Exposure.INTERNAL,
      false,
      15,
      20,
      40,
    ],
    [
      'command 10 s, in-cluster',
      PythonServer.command({ command: ['python', '-m', 'srv'], gracefulTimeout: Duration.seconds(10) }),
      CloudProfile.aks(),
      Exposure.CLUSTER,
      false,
      5,
      10,
      20,
    ],
  ];

  test.each(table)('%s', (_name, server, profile, exposure, viaIngress, preStop, graceful, grace) => {
    const { objects, service } = synthService({ server, profile, exposure, ingress: viaIngress ? { host: 'api.example.com' } : undefined });
    const pod = find(objects, 'Deployment').spec.template.spec;
    expect(pod.containers[0].lifecycle.preStop.exec.command).toEqual(['python3', '-c', `import time; time.sleep(${preStop})`]);
    expect(service.container.gracefulTimeoutSeconds).toBe(graceful);
    expect(pod.terminationGracePeriodSeconds).toBe(grace);
    // The relation between the objects' own numbers: the grace period is the pod's sleep plus the server's timeout plus 5 s of slack.
    const sleep = Number(/time\.sleep\((\d+)\)/.exec(pod.containers[0].lifecycle.preStop.exec.command[2])![1]);
    expect(pod.terminationGracePeriodSeconds).toBe(sleep + service.container.gracefulTimeoutSeconds + 5);
  });

  test('the server is told its graceful timeout', () => {
    expect(
      appContainer(
        find(
          synthService({ server: PythonServer.gunicorn({ app: 'a:app', gracefulTimeout: Duration.seconds(45) }) }).objects,
          'Deployment',
        ),
      ).command,
    ).toEqual(expect.arrayContaining(['--graceful-timeout', '45']));
    expect(
      appContainer(
        find(synthService({ server: PythonServer.uvicorn({ app: 'a:app', gracefulTimeout: Duration.seconds(45) }) }).objects, 'Deployment'),
      ).command,
    ).toEqual(expect.arrayContaining(['--timeout-graceful-shutdown', '45']));
  });

  test('an explicit grace period that covers the budget is kept', () => {
    expect(
      find(synthService({ terminationGracePeriod: Duration.seconds(120) }).objects, 'Deployment').spec.template.spec
        .terminationGracePeriodSeconds,
    ).toBe(120);
  });

  test.each([
    [
      { terminationGracePeriod: Duration.seconds(30) },
      "'terminationGracePeriod' must cover the drain delay (5s) plus the server's graceful timeout (30s), or pods are killed mid-request; received 30. Set it to Duration.seconds(40) or more",
    ],
    [
      { exposure: Exposure.PUBLIC, terminationGracePeriod: Duration.seconds(45) },
      "'terminationGracePeriod' must cover the drain delay (20s) plus the server's graceful timeout (30s)",
    ],
    [{ drainDelay: Duration.seconds(600) }, "'drainDelay' must be a whole number of seconds from 0 to 300"],
    [
      { server: PythonServer.gunicorn({ app: 'a:app', gracefulTimeout: Duration.hours(2) }) },
      "'server.gracefulTimeout' must be a whole number of seconds from 1 to 3600",
    ],
  ])('error %#', (props, message) => {
    expect(synthError(props)).toContain(message);
  });

  test('a drain delay shorter than the load balancer needs is allowed with a warning', () => {
    const { chart, service } = synthService({ exposure: Exposure.PUBLIC, drainDelay: Duration.seconds(3) });
    expect(service.drainSeconds).toBe(3);
    const warnings = chart.node.findAll().flatMap((c) => c.node.metadata.map((m) => String(m.data)));
    expect(warnings).toContain(
      'drainDelay 3s is shorter than the 20s the profile allows for the load balancer to stop sending traffic; some requests may fail during rollouts.',
    );
  });
});
