/**
 * gRPC microservices in the shape of Google's Online Boutique: two Python gRPC
 * services with native gRPC probes, a port named `grpc` and `appProtocol:
 * kubernetes.io/h2c`, and a headless load generator with its own image that is
 * nobody's worker and serves nothing.
 */
import { Duration } from 'cdk8s';
import {
  Exposure,
  NetworkPeer,
  Protocol,
  PyserviceApp,
  PythonMicroservice,
  PythonServer,
  PythonSingleton,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { CLOUDS, PRIORITY, profile, runIfMain, systemChart } from './common';

export function boutiqueApp(env: { readonly [name: string]: string | undefined } = {}): PyserviceApp {
  const app = new PyserviceApp({ outdir: 'examples/out/boutique', env });
  for (const cloud of CLOUDS) {
    const target = app.addTarget({ environment: 'prod', cloud });
    const chart = systemChart(target, 'boutique');

    for (const [name, command] of [
      ['emailservice', 'email_server.py'],
      ['recommendationservice', 'recommendation_server.py'],
    ] as const) {
      new PythonMicroservice(chart, name, {
        image: `ghcr.io/acme/${name}:0.10.2`,
        protocol: Protocol.GRPC,
        port: 8080,
        servicePort: 5000,
        server: PythonServer.command({ command: ['python', command], gracefulTimeout: Duration.seconds(10) }),
        resources: { cpu: '100m', memory: '256Mi' },
        health: {},
        replicas: 2,
        config: { PORT: '8080', DISABLE_PROFILER: '1' },
        allowFrom: [NetworkPeer.sameNamespace()],
        exposure: Exposure.CLUSTER,
        profile: profile(cloud, name),
        priorityClassName: PRIORITY,
      });
    }

    // Locust without its web UI: a process of its own, with its own image; two would double the load.
    new PythonSingleton(chart, 'loadgenerator', {
      image: 'ghcr.io/acme/loadgenerator:0.10.2',
      profile: profile(cloud, 'loadgenerator'),
      priorityClassName: PRIORITY,
      command: WorkerCommand.command(['locust', '--host', 'http://frontend:80', '--headless', '-u', '10']),
      liveness: WorkerLiveness.command(['python3', '-c', 'pass']),
      resources: { cpu: '300m', memory: '512Mi' },
      config: { FRONTEND_ADDR: 'frontend:80', USERS: '10' },
    });
  }
  return app;
}

runIfMain(module, 'boutique', () => boutiqueApp(process.env));
