/**
 * A Flask analytics app in the shape of Apache Superset: the web app, Celery
 * workers, Celery beat (which must never run twice), an init job that upgrades
 * the database and loads roles, and a Node websocket server beside the Python
 * services. The image runs as its own user (UID 1000), reads its settings file
 * from a ConfigMap, and its secrets from an existing Secret.
 */
import { Duration } from 'cdk8s';
import {
  EnvFrom,
  Exposure,
  MigrationCommand,
  NetworkPeer,
  PyserviceApp,
  PythonMicroservice,
  PythonMigration,
  PythonServer,
  PythonSingleton,
  PythonWorker,
  QueueScaler,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { CLOUDS, PRIORITY, profile, runIfMain, systemChart } from './common';

const CELERY_APP = 'superset.tasks.celery_app:app';

export function analyticsApp(env: { readonly [name: string]: string | undefined } = {}): PyserviceApp {
  // Built elsewhere; CI promotes a new build with IMAGE_ANALYTICS.
  const app = new PyserviceApp({ outdir: 'examples/out/analytics', env, images: { analytics: { image: 'ghcr.io/acme/analytics:4.1.1' } } });
  for (const cloud of CLOUDS) {
    const target = app.addTarget({ environment: 'prod', cloud });
    const chart = systemChart(target, 'analytics');

    // The settings file and the secrets the image expects; the app's workers and jobs take its mounts over.
    const settings = Volume.configMap('analytics-config', { items: { 'superset_config.py': 'superset_config.py' } });
    const web = new PythonMicroservice(chart, 'analytics', {
      image: target.image('analytics'),
      runAsUser: 1000,
      server: PythonServer.gunicorn({ app: 'superset.app:create_app()', threads: 20, gracefulTimeout: Duration.seconds(60) }),
      port: 8088,
      resources: { cpu: '1', memory: '2Gi' },
      health: { readiness: '/health', liveness: '/health', readinessChecksNoDependency: true, startupBudget: Duration.minutes(3) },
      replicas: 2,
      config: {
        SUPERSET_PORT: '8088',
        PYTHONPATH: '/app/pythonpath',
        REDIS_HOST: 'redis.analytics.svc.cluster.local',
        REDIS_PORT: '6379',
        REDIS_ADDRESS: 'redis.analytics.svc.cluster.local:6379',
      },
      envFrom: [EnvFrom.secret('analytics-env')],
      mounts: [{ path: '/app/pythonpath/superset_config.py', volume: settings, subPath: 'superset_config.py' }],
      exposure: Exposure.INTERNAL,
      profile: profile(cloud, 'analytics'),
      priorityClassName: PRIORITY,
    });

    new PythonMigration(chart, 'analytics-init', {
      app: web,
      command: MigrationCommand.command(['sh', '-c', 'superset db upgrade && superset init']),
      timeout: Duration.minutes(15),
    });

    new PythonWorker(chart, 'analytics-worker', {
      app: web,
      command: WorkerCommand.celery({ app: CELERY_APP, queues: ['celery'] }),
      resources: { cpu: '1', memory: '2Gi' },
      queueAutoscaling: {
        queue: QueueScaler.redis({ addressFromEnv: 'REDIS_ADDRESS', listName: 'celery' }),
        minReplicas: 1,
        maxReplicas: 8,
      },
    });

    // Beat schedules the periodic tasks: two of them would schedule every task twice.
    new PythonSingleton(chart, 'analytics-beat', {
      app: web,
      command: WorkerCommand.command([
        'celery',
        '--app',
        CELERY_APP,
        'beat',
        '--pidfile',
        '/tmp/celerybeat.pid',
        '--schedule',
        '/tmp/celerybeat-schedule',
      ]),
      resources: { cpu: '250m', memory: '512Mi' },
      liveness: WorkerLiveness.command(['python3', '-c', 'import os, sys; sys.exit(0 if os.path.exists("/tmp/celerybeat.pid") else 1)']),
    });

    // The websocket server is Node: no Python env, no python3 preStop hook.
    new PythonMicroservice(chart, 'analytics-websocket', {
      image: 'ghcr.io/acme/analytics-websocket:4.1.1',
      python: false,
      runAsUser: 1000,
      server: PythonServer.command({ command: ['node', 'dist/index.js'] }),
      port: 8080,
      resources: { cpu: '250m', memory: '256Mi' },
      health: { readiness: '/health', liveness: '/health', readinessChecksNoDependency: true },
      replicas: 2,
      envFrom: [EnvFrom.secret('analytics-websocket-env')],
      allowFrom: [NetworkPeer.sameNamespace()],
      profile: profile(cloud, 'analytics-websocket'),
      priorityClassName: PRIORITY,
    });
  }
  return app;
}

runIfMain(module, 'analytics', () => analyticsApp(process.env));
