/**
 * Paperless-ngx, the document archive (Django, Celery, OCR), with its processes in
 * pods of their own and its image built from the repository.
 *
 * Upstream: github.com/paperless-ngx/paperless-ngx at tag v3.0.5:
 * `docker/compose/docker-compose.postgres.yml` (the broker with its own volume, the
 * data, media and consume folders, `PAPERLESS_REDIS`, `PAPERLESS_DBHOST`),
 * `Dockerfile` (a pnpm Angular build in a stage of its own whose output alone reaches
 * the image, the Debian packages OCR needs, uv with the `postgres` and `webserver`
 * extras, user 1000), the s6 services under `docker/rootfs/etc/s6-overlay/s6-rc.d/`
 * (`svc-webserver`: granian with `GRANIAN_WORKERS`; `svc-worker`: `celery --app
 * paperless worker --without-mingle --without-gossip`; `svc-scheduler`: beat;
 * `svc-consumer`: `manage.py document_consumer`; `init-migrations`;
 * `init-superuser`: `manage.py manage_superuser`; `init-search-index`) and
 * `src/paperless/settings/__init__.py` (the `PAPERLESS_*` variables).
 *
 * Upstream runs every process in one container under s6. Here each is a workload:
 * the web server (granian does not read WEB_CONCURRENCY: the derived worker count
 * is its `--workers` argument), the Celery worker, beat and the consumer (one each:
 * two would schedule every task twice, or queue every file twice), the migration
 * and two setup jobs after it. The folders all of them read and write are file shares
 * (ReadWriteMany: the profile's file class); the broker keeps its disk (ReadWriteOnce)
 * and, as a singleton, stops before its next version starts.
 *
 * What the generated Dockerfile does not do that upstream's does: `collectstatic`
 * (the Angular bundle is copied straight into the static root, which the app serves
 * through WhiteNoise; Django admin's own static files are not collected),
 * `compilemessages` (the server's messages stay in English), the NLTK data download
 * (so `PAPERLESS_ENABLE_NLTK` is off) and the jbig2enc package from upstream's builder.
 */
import { Duration } from 'cdk8s';
import {
  AccessMode,
  AssetStage,
  Exposure,
  MigrationCommand,
  Mount,
  NetworkPeer,
  NodePackageManager,
  PyserviceApp,
  PythonBuild,
  PythonMicroservice,
  PythonMigration,
  PythonServer,
  PythonSetupJob,
  PythonSingleton,
  PythonWorker,
  SecretEnv,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from 'pyservice-k8s';
import { CLOUDS, PRIORITY, profile, runIfMain, systemChart } from './common';

/** Where upstream's image keeps the folders; the settings are told so, since the code runs from /app here. */
const ROOT = '/usr/src/paperless';

/** The image, built from the repository root as upstream's Dockerfile builds it. */
const BUILD = PythonBuild.uv({
  pythonVersion: '3.13.7',
  // pyproject.toml requires uv 0.9.0 or later; upstream's Dockerfile uses this one.
  uvVersion: '0.11.28',
  // Django's project (manage.py, paperless/, documents/) runs from src/; it is not an installable package.
  sourceDir: 'src',
  // granian is the `webserver` extra, psycopg the `postgres` one.
  extras: ['postgres', 'webserver'],
  buildPackages: ['build-essential', 'libpq-dev', 'pkg-config'],
  runtimePackages: [
    'libpq5',
    'tesseract-ocr',
    'tesseract-ocr-eng',
    'ghostscript',
    'imagemagick',
    'qpdf',
    'unpaper',
    'pngquant',
    'jbig2dec',
    'poppler-utils',
    'libmagic1',
    'file',
    'media-types',
    'fonts-liberation',
    'icc-profiles-free',
    'libxml2',
    'libxslt1.1',
  ],
  // src-ui's angular.json writes the production build to ../src/documents/static/frontend/.
  assets: AssetStage.node({
    nodeVersion: '24.11.1',
    context: 'src-ui',
    packageManager: NodePackageManager.PNPM,
    build: 'pnpm exec ng build --configuration production',
    output: 'src/documents/static/frontend',
    into: '/app/static/frontend',
  }),
});

export function paperlessApp(env: { readonly [name: string]: string | undefined } = {}): PyserviceApp {
  const app = new PyserviceApp({
    outdir: 'examples/out/paperless',
    env,
    images: { paperless: { image: 'ghcr.io/acme/paperless-ngx:3.0.5', build: BUILD } },
  });
  for (const cloud of CLOUDS) {
    const target = app.addTarget({ environment: 'prod', cloud });
    const chart = systemChart(target, 'paperless');

    // Every process reads and writes these: file shares (EFS, Filestore, Azure Files), not disks.
    // The consume share is also where scanners and people drop documents, from outside the cluster.
    const share = (name: string, storage: string): Volume =>
      Volume.newClaim(`paperless-${name}`, { storage, accessMode: AccessMode.READ_WRITE_MANY });
    const folders: Mount[] = [
      { path: `${ROOT}/data`, volume: share('data', '10Gi') },
      { path: `${ROOT}/media`, volume: share('media', '100Gi') },
      { path: `${ROOT}/consume`, volume: share('consume', '10Gi') },
    ];

    const web = new PythonMicroservice(chart, 'paperless', {
      image: target.image('paperless'),
      runAsUser: 1000,
      server: PythonServer.command({
        command: [
          'granian',
          '--interface',
          'asginl',
          '--ws',
          '--loop',
          'uvloop',
          '--host',
          '0.0.0.0',
          '--port',
          '8000',
          'paperless.asgi:application',
        ],
        concurrency: 'asgi',
        workersFlag: '--workers',
        memoryPerWorker: '512Mi',
      }),
      resources: { cpu: '2', memory: '2Gi', ephemeralStorage: '2Gi' },
      tmpSize: '1Gi',
      // The login page needs the database; liveness stays the default TCP check. PAPERLESS_ALLOWED_HOSTS
      // adds localhost by itself, so the probes send it as Host.
      health: { readiness: '/accounts/login/', httpHeaders: { Host: 'localhost' }, startupBudget: Duration.minutes(3) },
      replicas: 2,
      partOf: 'paperless',
      config: {
        PAPERLESS_URL: 'https://paperless.example.com',
        PAPERLESS_ALLOWED_HOSTS: 'paperless.example.com',
        PAPERLESS_TIME_ZONE: 'UTC',
        PAPERLESS_OCR_LANGUAGE: 'eng',
        PAPERLESS_DBENGINE: 'postgresql',
        PAPERLESS_DBHOST: 'postgres.paperless.svc.cluster.local',
        PAPERLESS_DBNAME: 'paperless',
        PAPERLESS_DATA_DIR: `${ROOT}/data`,
        PAPERLESS_MEDIA_ROOT: `${ROOT}/media`,
        PAPERLESS_CONSUMPTION_DIR: `${ROOT}/consume`,
        PAPERLESS_STATICDIR: '/app/static',
        PAPERLESS_ENABLE_NLTK: 'false',
      },
      secrets: [
        SecretEnv.fromExisting('paperless-secret-key', { PAPERLESS_SECRET_KEY: 'secret-key' }),
        SecretEnv.fromExisting('paperless-db', { PAPERLESS_DBUSER: 'username', PAPERLESS_DBPASS: 'password' }),
        SecretEnv.fromExisting('paperless-broker', { BROKER_PASSWORD: 'password' }),
      ],
      // The broker URL names the password variable; Kubernetes expands it, after the secret's variable.
      env: { PAPERLESS_REDIS: 'redis://:$(BROKER_PASSWORD)@paperless-broker:6379' },
      // The workers, beat, the consumer and the jobs take these over.
      mounts: folders,
      exposure: Exposure.INTERNAL,
      profile: profile(cloud, 'paperless'),
      priorityClassName: PRIORITY,
    });

    // init-migrations: the compatibility check, then the migrations.
    new PythonMigration(chart, 'paperless-migrate', {
      app: web,
      command: MigrationCommand.command([
        'sh',
        '-c',
        'python3 manage.py check --tag compatibility paperless && exec python3 manage.py migrate --skip-checks --no-input',
      ]),
      timeout: Duration.minutes(30),
    });

    // init-superuser: the first admin, from a Secret only this job reads; it does nothing once a superuser exists.
    new PythonSetupJob(chart, 'paperless-superuser', {
      app: web,
      command: ['python3', 'manage.py', 'manage_superuser'],
      secrets: [
        SecretEnv.fromExisting('paperless-admin', {
          PAPERLESS_ADMIN_USER: 'username',
          PAPERLESS_ADMIN_MAIL: 'email',
          PAPERLESS_ADMIN_PASSWORD: 'password',
        }),
      ],
    });

    // init-search-index: rebuilds the search index when a new version changed its format.
    new PythonSetupJob(chart, 'paperless-index', {
      app: web,
      command: ['python3', 'manage.py', 'document_index', 'reindex', '--if-needed', '--no-progress-bar'],
      timeout: Duration.hours(1),
    });

    // svc-worker: OCR runs here. A task uses one thread, not one per core of the node.
    new PythonWorker(chart, 'paperless-worker', {
      app: web,
      command: WorkerCommand.celery({ app: 'paperless', queues: ['celery'], concurrency: 2 }),
      replicas: 2,
      resources: { cpu: '2', memory: '4Gi', ephemeralStorage: '5Gi' },
      tmpSize: '4Gi',
      shutdownTimeout: Duration.minutes(9),
      env: { PAPERLESS_THREADS_PER_WORKER: '1' },
    });

    // svc-scheduler: Celery beat.
    new PythonSingleton(chart, 'paperless-beat', {
      app: web,
      command: WorkerCommand.command(['celery', '--app', 'paperless', 'beat', '--loglevel', 'INFO']),
      resources: { cpu: '100m', memory: '256Mi' },
    });

    // svc-consumer: watches the consume share. inotify sees no file written by another machine
    // on a network share, so it polls.
    new PythonSingleton(chart, 'paperless-consumer', {
      app: web,
      command: WorkerCommand.command(['python3', 'manage.py', 'document_consumer']),
      resources: { cpu: '250m', memory: '512Mi' },
      env: { PAPERLESS_CONSUMER_POLLING_INTERVAL: '10' },
    });

    // The broker: Valkey with its own disk. One replica on a ReadWriteOnce claim: as a singleton it
    // is replaced with Recreate, so the next pod attaches the disk once the old one let it go.
    new PythonSingleton(chart, 'paperless-broker', {
      image: 'valkey/valkey:9.0.0-alpine',
      python: false,
      runAsUser: 999,
      runAsGroup: 1000,
      profile: profile(cloud, 'paperless-broker'),
      priorityClassName: PRIORITY,
      partOf: 'paperless',
      command: WorkerCommand.command(['valkey-server', '--requirepass', '$(BROKER_PASSWORD)', '--save', '60', '1']),
      secrets: [SecretEnv.fromExisting('paperless-broker', { BROKER_PASSWORD: 'password' })],
      liveness: WorkerLiveness.command(['sh', '-c', 'valkey-cli -a "$BROKER_PASSWORD" --no-auth-warning ping | grep -q PONG']),
      resources: { cpu: '250m', memory: '512Mi' },
      mounts: [{ path: '/data', volume: Volume.newClaim('paperless-broker-data', { storage: '1Gi' }) }],
      ports: [{ name: 'redis', port: 6379, allowFrom: [NetworkPeer.pods({ 'app.kubernetes.io/part-of': 'paperless' })] }],
    });
  }
  return app;
}

runIfMain(module, 'paperless', () => paperlessApp(process.env));
