/**
 * A Django app in the shape of NetBox: gunicorn, an RQ worker, a nightly
 * housekeeping job, uploaded media on a PersistentVolumeClaim, a settings
 * file from a ConfigMap, its secrets from an existing Secret, and the pod IP in
 * the environment. Django refuses requests whose Host is not in ALLOWED_HOSTS,
 * and the kubelet's probes send the pod IP as Host, so the probes send
 * `Host: localhost`, which the settings allow.
 */
import { Duration } from 'cdk8s';
import {
  AccessMode,
  EnvFrom,
  Exposure,
  MigrationCommand,
  PodField,
  PyserviceApp,
  PythonCronJob,
  PythonMicroservice,
  PythonMigration,
  PythonServer,
  PythonWorker,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { CLOUDS, PRIORITY, profile, runIfMain, systemChart } from './common';

export function inventoryApp(env: { readonly [name: string]: string | undefined } = {}): PyserviceApp {
  // Built elsewhere; CI promotes a new build with IMAGE_INVENTORY.
  const app = new PyserviceApp({ outdir: 'examples/out/inventory', env, images: { inventory: { image: 'ghcr.io/acme/inventory:4.1.7' } } });
  for (const cloud of CLOUDS) {
    const target = app.addTarget({ environment: 'prod', cloud });
    const chart = systemChart(target, 'inventory');

    // Uploads are shared by every replica: a file share (EFS, Filestore, Azure Files), not a disk.
    const media = Volume.newClaim('inventory-media', { storage: '20Gi', accessMode: AccessMode.READ_WRITE_MANY });
    const settings = Volume.configMap('inventory-settings');
    const web = new PythonMicroservice(chart, 'inventory', {
      image: target.image('inventory'),
      runAsUser: 1000,
      server: PythonServer.django({ project: 'netbox', threads: 4 }),
      port: 8080,
      resources: { cpu: '1', memory: '1Gi' },
      health: {
        readiness: '/login/',
        liveness: '/login/',
        readinessChecksNoDependency: true,
        httpHeaders: { Host: 'localhost' },
        startupBudget: Duration.minutes(5),
      },
      replicas: 2,
      config: { ALLOWED_HOSTS: 'inventory.example.com localhost', MEDIA_ROOT: '/opt/netbox/netbox/media' },
      envFrom: [EnvFrom.secret('inventory-env')],
      fieldEnv: { POD_IP: PodField.POD_IP },
      mounts: [
        { path: '/opt/netbox/netbox/media', volume: media },
        { path: '/etc/netbox/config/extra.py', volume: settings, subPath: 'extra.py' },
      ],
      exposure: Exposure.INTERNAL,
      profile: profile(cloud, 'inventory'),
      priorityClassName: PRIORITY,
    });

    new PythonMigration(chart, 'inventory-migrate', { app: web, command: MigrationCommand.django() });

    new PythonWorker(chart, 'inventory-worker', {
      app: web,
      command: WorkerCommand.command(['python', 'manage.py', 'rqworker', 'high', 'default', 'low']),
      liveness: WorkerLiveness.command(['python3', '-c', 'import os, sys; sys.exit(0)']),
      replicas: 2,
    });

    new PythonCronJob(chart, 'inventory-housekeeping', {
      app: web,
      command: ['python', 'manage.py', 'housekeeping'],
      schedule: '@daily',
      timeZone: 'Etc/UTC',
    });
  }
  return app;
}

runIfMain(module, 'inventory', () => inventoryApp(process.env));
