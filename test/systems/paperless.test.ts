/**
 * The Paperless-ngx example (examples/systems/paperless.ts, after upstream's compose
 * files, Dockerfile and s6 services at v3.0.5): its processes as workloads, the
 * shares they read and write, the broker's disk, and the image built from the
 * repository's layout. The schema, restricted PSS and policy checks of every example
 * system are in test/examples.test.ts.
 */
import { paperlessApp } from '../../examples/systems/paperless';
import { SYSTEM_CLOUDS, containerOf, findObject, podOf, systemObjects } from '../support/systems';
import { lintDockerfile } from '../image/dockerfile-lint';
import { argsText, composeErrors, execForm, ofKind, parseDockerfile } from '../image/support';
import { parse } from 'yaml';

const rendering = paperlessApp({}).render();
const CLOUDS = SYSTEM_CLOUDS;
const objectsFor = (cloud: string): any[] => systemObjects(rendering, cloud);
const find = findObject;
const app = (o: any) => containerOf(o, 'app');
const env = (o: any) => Object.fromEntries((app(o).env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
const FOLDERS = ['data', 'media', 'consume'];

describe('Paperless-ngx, on every cloud', () => {
  test('renders without errors or warnings', () => {
    expect([rendering.errors, rendering.warnings]).toEqual([[], []]);
  });

  test.each([
    ['eks', 'efs-sc'],
    ['gke', 'standard-rwx'],
    ['aks', 'azurefile-csi'],
  ])("%s: the folders every process shares are file shares of the profile's class (%s)", (cloud, storageClass) => {
    const objs = objectsFor(cloud);
    for (const folder of FOLDERS) {
      expect(find(objs, 'PersistentVolumeClaim', `paperless-${folder}`).spec).toMatchObject({
        accessModes: ['ReadWriteMany'],
        storageClassName: storageClass,
      });
    }
    // The web server, the worker, beat, the consumer and the jobs take the mounts over from the app
    const workloads = objs.filter((o) => ['Deployment', 'Job'].includes(o.kind) && o.metadata.name !== 'paperless-broker');
    expect(workloads.map((o) => o.metadata.name.replace(/-[0-9a-f]{8}$/, '')).sort()).toEqual([
      'paperless',
      'paperless-beat',
      'paperless-consumer',
      'paperless-index',
      'paperless-migrate',
      'paperless-superuser',
      'paperless-worker',
    ]);
    for (const o of workloads)
      for (const folder of FOLDERS)
        expect(app(o).volumeMounts).toContainEqual({ name: `pvc-paperless-${folder}`, mountPath: `/usr/src/paperless/${folder}` });
  });

  test.each(CLOUDS)('%s: the broker keeps a ReadWriteOnce disk, and as a singleton stops before its next version starts', (cloud) => {
    const objs = objectsFor(cloud);
    const claim = find(objs, 'PersistentVolumeClaim', 'paperless-broker-data');
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim.spec.storageClassName).toBeUndefined();
    const broker = find(objs, 'Deployment', 'paperless-broker');
    expect([broker.spec.replicas, broker.spec.strategy]).toEqual([1, { type: 'Recreate' }]);
    expect(app(broker).volumeMounts).toContainEqual({ name: 'pvc-paperless-broker-data', mountPath: '/data' });
    expect(podOf(broker).securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 1000, fsGroup: 1000 });
    // Its Service carries the port; the pod is ready once it listens; only Paperless's pods may connect
    expect(find(objs, 'Service', 'paperless-broker').spec.ports).toEqual([
      { name: 'redis', port: 6379, protocol: 'TCP', targetPort: 'redis' },
    ]);
    expect(app(broker).readinessProbe.tcpSocket).toEqual({ port: 'redis' });
    expect(find(objs, 'NetworkPolicy', 'paperless-broker').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'paperless' } } }], ports: [{ port: 6379, protocol: 'TCP' }] },
    ]);
  });

  test.each(CLOUDS)('%s: granian gets the derived worker count as --workers; the probes send a Host the settings allow', (cloud) => {
    const web = find(objectsFor(cloud), 'Deployment', 'paperless');
    const c = app(web);
    const workers = env(web).WEB_CONCURRENCY;
    expect(c.command.slice(0, 1)).toEqual(['granian']);
    expect(c.command.slice(-2)).toEqual(['--workers', workers]);
    // ASGI: one worker per CPU (2), which 2Gi holds at 512Mi each
    expect(workers).toBe('2');
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/accounts/login/', httpHeaders: [{ name: 'Host', value: 'localhost' }] });
    expect(c.livenessProbe.tcpSocket).toBeDefined();
  });

  test.each(CLOUDS)('%s: the broker URL names the password variable after the variable is defined', (cloud) => {
    for (const name of ['paperless', 'paperless-worker', 'paperless-consumer']) {
      const names = app(find(objectsFor(cloud), 'Deployment', name)).env.map((e: any) => e.name);
      expect(names.indexOf('BROKER_PASSWORD')).toBeGreaterThanOrEqual(0);
      expect(names.indexOf('BROKER_PASSWORD')).toBeLessThan(names.indexOf('PAPERLESS_REDIS'));
    }
  });

  test.each(CLOUDS)('%s: settings of one process: OCR threads on the worker, polling on the consumer, a larger /tmp for OCR', (cloud) => {
    const objs = objectsFor(cloud);
    const worker = find(objs, 'Deployment', 'paperless-worker');
    const consumer = find(objs, 'Deployment', 'paperless-consumer');
    expect(env(worker).PAPERLESS_THREADS_PER_WORKER).toBe('1');
    expect(env(consumer).PAPERLESS_CONSUMER_POLLING_INTERVAL).toBe('10');
    expect(env(find(objs, 'Deployment', 'paperless'))).not.toHaveProperty('PAPERLESS_CONSUMER_POLLING_INTERVAL');
    expect(env(worker)).not.toHaveProperty('PAPERLESS_CONSUMER_POLLING_INTERVAL');
    expect(podOf(worker).volumes.find((v: any) => v.name === 'tmp').emptyDir.sizeLimit).toBe('4Gi');
    expect(app(worker).command).toEqual(expect.arrayContaining(['--concurrency', '2', '--without-mingle', '--without-gossip']));
    // Beat and the consumer are singletons: two would schedule every task, or queue every file, twice
    for (const o of [find(objs, 'Deployment', 'paperless-beat'), consumer]) expect(o.spec.strategy).toEqual({ type: 'Recreate' });
  });

  test.each(CLOUDS)('%s: the superuser and the search index are setup jobs after the migration; the admin Secret reaches one', (cloud) => {
    const objs = objectsFor(cloud);
    const jobs = objs.filter((o) => o.kind === 'Job');
    const migrate = jobs.find((o) => o.metadata.labels['app.kubernetes.io/component'] === 'migration');
    const setups = jobs.filter((o) => o.metadata.labels['app.kubernetes.io/component'] === 'setup');
    expect(setups.map((o) => app(o).command.slice(2, 3)[0]).sort()).toEqual(['document_index', 'manage_superuser']);
    for (const setup of setups) {
      const wait = podOf(setup).initContainers.find((c: any) => c.name === 'wait-for-paperless-migrate');
      expect(wait.env).toContainEqual({ name: 'MIGRATION_JOB', value: migrate.metadata.name });
    }
    const withAdmin = objs.filter(
      (o) =>
        ['Deployment', 'Job'].includes(o.kind) &&
        (app(o).env ?? []).some((e: any) => e.valueFrom?.secretKeyRef?.name === 'paperless-admin'),
    );
    expect(withAdmin.map((o) => o.metadata.name)).toEqual([expect.stringMatching(/^paperless-superuser-[0-9a-f]{8}$/)]);
  });
});

describe('the Paperless-ngx image, built from the repository', () => {
  const dockerfile = rendering.files.get('container/paperless/Dockerfile')!;
  const df = parseDockerfile(dockerfile);

  test('the Angular frontend is built with pnpm in a stage of its own; only its output reaches the image', () => {
    const assets = df.stages.find((s) => s.from.getBuildStage() === 'assets')!;
    expect(assets.from.getImage()).toBe('node:24.11.1-bookworm-slim');
    expect(ofKind(assets.instructions, 'RUN').map(argsText)).toEqual([
      'corepack enable pnpm && pnpm install --frozen-lockfile',
      'pnpm exec ng build --configuration production',
    ]);
    expect(ofKind(df.final, 'COPY').map(argsText)).toEqual([
      '--from=builder /opt/venv /opt/venv',
      'src/ /app/',
      '--from=assets /assets/src/documents/static/frontend /app/static/frontend',
    ]);
    expect(rendering.files.get('container/paperless/Dockerfile.dockerignore')).toContain('\nsrc/documents/static/frontend\n');
  });

  test('the locked dependencies with the server and database extras; the OCR tools in the runtime stage only', () => {
    const builderRuns = ofKind(df.stages[0].instructions, 'RUN').map(argsText).join('\n');
    expect(builderRuns).toContain('uv sync --locked --no-install-project --extra postgres --extra webserver --no-dev');
    const runtimeRuns = ofKind(df.final, 'RUN').map(argsText).join('\n');
    expect(runtimeRuns).toMatch(/--no-install-recommends libpq5 tesseract-ocr tesseract-ocr-eng ghostscript/);
    expect(runtimeRuns).not.toMatch(/build-essential|libpq-dev/);
    expect(argsText(ofKind(df.final, 'USER')[0])).toBe('1000:1000');
    expect(execForm(ofKind(df.final, 'CMD')[0])).toEqual(app(find(objectsFor('eks'), 'Deployment', 'paperless')).command);
    expect(lintDockerfile(dockerfile)).toEqual([]);
  });

  test('compose runs the same processes and is valid against the Compose Specification', () => {
    const compose = parse(rendering.files.get('container/compose.yaml')!);
    expect(composeErrors(compose)).toEqual([]);
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['paperless', 'paperless-worker', 'paperless-beat', 'paperless-consumer']),
    );
  });
});
