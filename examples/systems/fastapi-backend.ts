/**
 * A FastAPI backend in the shape of the full-stack FastAPI template, whose
 * migrations must finish before it starts. Under plain `kubectl apply` the
 * Job and the new Deployment start together; the backend's pods wait in an
 * init container until this version's migration Job succeeded (with a Role
 * that can read that one Job), so the order holds without Argo CD or Flux.
 * The template's prestart script then creates the first superuser
 * (app/initial_data.py): a setup Job that runs after the migration, with the
 * superuser's credentials that only it reads.
 */
import { Duration } from 'cdk8s';
import {
  Exposure,
  MigrationCommand,
  PyserviceApp,
  PythonBuild,
  PythonMicroservice,
  PythonMigration,
  PythonServer,
  PythonSetupJob,
  SecretEnv,
} from 'pyservice-k8s';
import { CLOUDS, PRIORITY, profile, runIfMain, systemChart } from './common';

export function fastapiApp(env: { readonly [name: string]: string | undefined } = {}): PyserviceApp {
  const app = new PyserviceApp({
    outdir: 'examples/out/fastapi',
    env,
    images: { backend: { image: 'ghcr.io/acme/backend:0.8.0', build: PythonBuild.uv({ pythonVersion: '3.12.7', context: 'backend' }) } },
  });
  for (const cloud of CLOUDS) {
    const target = app.addTarget({ environment: 'prod', cloud });
    const chart = systemChart(target, 'backend');
    const backend = new PythonMicroservice(chart, 'backend', {
      image: target.image('backend'),
      server: PythonServer.command({ command: ['fastapi', 'run', 'app/main.py', '--port', '8000'], concurrency: 'asgi' }),
      resources: { cpu: '500m', memory: '512Mi' },
      health: { readiness: '/api/v1/utils/health-check/', liveness: '/api/v1/utils/health-check/', readinessChecksNoDependency: true },
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
      config: { ENVIRONMENT: 'production', POSTGRES_SERVER: 'db.backend.svc.cluster.local', POSTGRES_DB: 'app' },
      secrets: [SecretEnv.fromExisting('backend-db', { POSTGRES_USER: 'username', POSTGRES_PASSWORD: 'password' })],
      exposure: Exposure.INTERNAL,
      profile: profile(cloud, 'backend'),
      priorityClassName: PRIORITY,
    });
    new PythonMigration(chart, 'backend-prestart', {
      app: backend,
      command: MigrationCommand.alembic(),
      timeout: Duration.minutes(10),
    });
    new PythonSetupJob(chart, 'backend-initial-data', {
      app: backend,
      command: ['python', 'app/initial_data.py'],
      secrets: [SecretEnv.fromExisting('backend-superuser', { FIRST_SUPERUSER: 'email', FIRST_SUPERUSER_PASSWORD: 'password' })],
    });
  }
  return app;
}

runIfMain(module, 'fastapi', () => fastapiApp(process.env));
