/**
 * A small app kit app in two environments, in the versions a release goes
 * through: the diff tests render two of them and compare. It imports the
 * sources by path, so the CLI tests can run it with `cdk8s synth` from a
 * project outside the repository.
 */
import { Chart } from 'cdk8s';
import {
  CloudProfile,
  Exposure,
  MigrationCommand,
  PyserviceApp,
  PythonMicroservice,
  PythonMigration,
  PythonServer,
  PythonWorker,
  RestrictedNamespace,
  WorkerCommand,
} from '../../src/index';

/** What changes between two versions. */
export interface Release {
  /** The tag of the orders image. */
  readonly tag: string;
  /** Replicas of the API in prod (staging runs two). */
  readonly prodReplicas: number;
  /** Whether the mail worker exists. */
  readonly mailer: boolean;
}

/** The version before the change. */
export const V1: Release = { tag: '1.4.2', prodReplicas: 2, mailer: false };

/** The version after: one image tag, one replica count, one added worker. */
export const V2: Release = { tag: '1.4.3', prodReplicas: 3, mailer: true };

/**
 * The app of one version. It reads no image override from the environment:
 * `env` may only pass the cdk8s CLI's output folder (CDK8S_OUTDIR), when the CLI runs it.
 */
export function releaseApp(release: Release, env: { readonly CDK8S_OUTDIR?: string } = {}): PyserviceApp {
  const app = new PyserviceApp({ env: { ...env }, images: { orders: { image: `ghcr.io/acme/orders:${release.tag}` } } });
  for (const environment of ['staging', 'prod']) {
    const target = app.addTarget({ environment });
    const ns = new Chart(target, 'namespace');
    new RestrictedNamespace(ns, 'shop');
    const chart = new Chart(target, 'shop', { namespace: 'shop' });
    chart.addDependency(ns);
    const api = new PythonMicroservice(chart, 'orders-api', {
      image: target.image('orders'),
      server: PythonServer.gunicornUvicorn({ app: 'orders.main:app' }),
      health: { liveness: '/livez', readiness: '/readyz' },
      replicas: environment === 'prod' ? release.prodReplicas : 2,
      exposure: Exposure.INTERNAL,
      profile: CloudProfile.eks(),
    });
    new PythonWorker(chart, 'orders-worker', { app: api, command: WorkerCommand.celery({ app: 'orders.celery:app' }) });
    new PythonMigration(chart, 'orders-migrate', { app: api, command: MigrationCommand.alembic() });
    if (release.mailer)
      new PythonWorker(chart, 'orders-mailer', { app: api, command: WorkerCommand.celery({ app: 'orders.celery:app', queues: ['mail'] }) });
  }
  return app;
}
