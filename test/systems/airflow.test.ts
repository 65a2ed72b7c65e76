/**
 * The Airflow example (examples/systems/airflow.ts, after the official Helm chart):
 * what the chart's components need from the pod model, checked on the objects each
 * cloud gets. The schema, restricted PSS and policy checks of every example system
 * are in test/examples.test.ts.
 */
import { airflowApp } from '../../examples/systems/airflow';
import { AIRFLOW_CFG, STATSD_MAPPINGS } from '../../examples/systems/airflow-files';
import { SYSTEM_CLOUDS, containerOf, findObject, podOf, systemObjects } from '../support/systems';

const rendering = airflowApp({}).render();
const CLOUDS = SYSTEM_CLOUDS;
const objectsFor = (cloud: string): any[] => systemObjects(rendering, cloud);
const find = findObject;
const container = containerOf;
const AIRFLOW_PODS = { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'airflow' } } };

describe('Airflow (the official Helm chart), on every cloud', () => {
  test('renders without errors or warnings', () => {
    expect([rendering.errors, rendering.warnings]).toEqual([[], []]);
  });

  test.each(CLOUDS)(
    '%s: Celery workers are a StatefulSet with a logs disk per replica, a headless Service and the log port for the web UI only',
    (cloud) => {
      // GIVEN the objects of one cloud
      const objs = objectsFor(cloud);

      // WHEN
      const sts = find(objs, 'StatefulSet', 'airflow-worker');
      const svc = find(objs, 'Service', 'airflow-worker');

      // THEN each replica has its own ReadWriteOnce claim `logs`, mounted where Airflow writes task logs
      expect(sts.spec.replicas).toBe(2);
      expect(sts.spec.serviceName).toBe('airflow-worker');
      expect(sts.spec.volumeClaimTemplates).toEqual([
        expect.objectContaining({
          metadata: expect.objectContaining({ name: 'logs' }),
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } },
        }),
      ]);
      expect(container(sts, 'app').volumeMounts).toContainEqual({ name: 'logs', mountPath: '/opt/airflow/logs' });
      expect(podOf(sts).volumes.map((v: any) => v.name)).not.toContain('logs');
      // ...a headless Service names each pod (airflow-worker-0.airflow-worker), which the web UI fetches logs from
      expect(svc.spec.clusterIP).toBe('None');
      expect(svc.spec.ports).toEqual([{ name: 'worker-logs', port: 8793, protocol: 'TCP', targetPort: 'worker-logs' }]);
      expect(find(objs, 'NetworkPolicy', 'airflow-worker').spec.ingress).toEqual([
        { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'airflow-web' } } }], ports: [{ port: 8793, protocol: 'TCP' }] },
      ]);
      // ...and the triggerer the same on 8794, with one replica
      const triggerer = find(objs, 'StatefulSet', 'airflow-triggerer');
      expect([triggerer.spec.replicas, triggerer.spec.volumeClaimTemplates[0].metadata.name]).toEqual([1, 'logs']);
      expect(find(objs, 'Service', 'airflow-triggerer').spec.ports[0]).toMatchObject({ name: 'triggerer-logs', port: 8794 });
    },
  );

  test.each(CLOUDS)('%s: Redis is a standalone StatefulSet with its own disk and the password from its Secret', (cloud) => {
    const objs = objectsFor(cloud);
    const redis = find(objs, 'StatefulSet', 'airflow-redis');
    const app = container(redis, 'app');
    expect(redis.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['redis-db']);
    expect(app.command).toEqual(['redis-server', '--requirepass', '$(REDIS_PASSWORD)']);
    expect(app.env).toEqual([{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'airflow-redis-password', key: 'password' } } }]);
    expect(podOf(redis).securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    expect(app.lifecycle).toBeUndefined();
    expect(find(objs, 'NetworkPolicy', 'airflow-redis').spec.ingress).toEqual([
      { from: [AIRFLOW_PODS], ports: [{ port: 6379, protocol: 'TCP' }] },
    ]);
  });

  test.each(CLOUDS)('%s: StatsD ingests on UDP 9125 from the Airflow pods; Prometheus scrapes TCP 9102', (cloud) => {
    const objs = objectsFor(cloud);
    expect(find(objs, 'Service', 'airflow-statsd').spec.ports).toEqual([
      { name: 'statsd-ingest', port: 9125, protocol: 'UDP', targetPort: 'statsd-ingest' },
    ]);
    const ingress = find(objs, 'NetworkPolicy', 'airflow-statsd').spec.ingress;
    expect(ingress).toContainEqual({ from: [AIRFLOW_PODS], ports: [{ port: 9125, protocol: 'UDP' }] });
    expect(ingress.flatMap((r: any) => r.ports)).toContainEqual({ port: 9102, protocol: 'TCP' });
    const statsd = find(objs, 'Deployment', 'airflow-statsd');
    const app = container(statsd, 'app');
    // Not Python and no python3: neither the Python env nor a python3 preStop or metrics prelude
    expect(app.env?.some((e: any) => e.name.startsWith('PYTHON'))).toBeFalsy();
    expect(app.command).toEqual(['/bin/statsd_exporter', '--statsd.mapping-config=/etc/statsd-exporter/mappings.yml']);
    expect(app.ports).toEqual([
      { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
      { name: 'statsd-ingest', containerPort: 9125, protocol: 'UDP' },
    ]);
    expect([statsd.spec.replicas, statsd.spec.strategy.type]).toEqual([1, 'Recreate']);
    // The exporter's mappings are a file of its own ConfigMap
    const files = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('airflow-statsd-files-'));
    expect(files.data['mappings.yml']).toBe(STATSD_MAPPINGS);
  });

  test.each(CLOUDS)(
    '%s: airflow.cfg and webserver_config.py are one immutable, content-named ConfigMap, read-only in every Airflow pod',
    (cloud) => {
      const objs = objectsFor(cloud);
      const files = objs.filter((o) => o.kind === 'ConfigMap' && /^airflow-web-files-[0-9a-f]{10}$/.test(o.metadata.name));
      expect(files).toHaveLength(1);
      expect(files[0].immutable).toBe(true);
      expect(Object.keys(files[0].data).sort()).toEqual(['airflow.cfg', 'webserver_config.py']);
      expect(files[0].data['airflow.cfg']).toBe(AIRFLOW_CFG);
      const pods = objs.filter(
        (o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind) && o.metadata.labels['app.kubernetes.io/part-of'] === 'airflow',
      );
      const airflowPods = pods.filter((o) => container(o, 'app').image.startsWith('apache/airflow:'));
      expect(airflowPods.map((o) => o.metadata.name).sort()).toEqual(
        expect.arrayContaining(['airflow-scheduler', 'airflow-triggerer', 'airflow-web', 'airflow-worker']),
      );
      for (const o of airflowPods) {
        const volume = podOf(o).volumes.find((v: any) => v.configMap?.name === files[0].metadata.name);
        expect(volume).toBeDefined();
        expect(container(o, 'app').volumeMounts).toContainEqual({
          name: volume.name,
          mountPath: '/opt/airflow/airflow.cfg',
          subPath: 'airflow.cfg',
          readOnly: true,
        });
      }
    },
  );

  test.each(CLOUDS)("%s: git-sync runs as 65533 beside Airflow's 50000, in the scheduler, the workers and the triggerer", (cloud) => {
    const objs = objectsFor(cloud);
    for (const [kind, name] of [
      ['Deployment', 'airflow-scheduler'],
      ['StatefulSet', 'airflow-worker'],
      ['StatefulSet', 'airflow-triggerer'],
    ]) {
      const o = find(objs, kind, name);
      for (const c of ['git-sync', 'git-sync-init']) {
        expect(container(o, c).securityContext).toMatchObject({ runAsUser: 65533, runAsGroup: 65533, runAsNonRoot: true });
        expect(container(o, c).volumeMounts).toContainEqual({ name: 'dags', mountPath: '/git' });
      }
      expect(container(o, 'git-sync').livenessProbe.httpGet).toEqual({ path: '/', port: 1234, scheme: 'HTTP' });
      expect(container(o, 'app').securityContext).toMatchObject({ runAsUser: 50000, runAsGroup: 50000 });
      expect(container(o, 'app').volumeMounts).toContainEqual({ name: 'dags', mountPath: '/opt/airflow/dags', readOnly: true });
      expect(podOf(o).securityContext).toMatchObject({ runAsUser: 50000, fsGroup: 50000 });
    }
    // The web UI parses no DAGs (Airflow 2 serializes them to the database)
    expect(container(find(objs, 'Deployment', 'airflow-web'), 'git-sync')).toBeUndefined();
  });

  test.each(CLOUDS)(
    '%s: the workers launch pods as their own ServiceAccount (the pod-launcher role); the web UI and triggerer read pod logs',
    (cloud) => {
      const objs = objectsFor(cloud);
      const launcher = find(objs, 'Role', 'airflow-worker');
      expect(launcher.rules).toEqual([
        { apiGroups: [''], resources: ['pods'], verbs: ['create', 'list', 'get', 'patch', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
        { apiGroups: [''], resources: ['events'], verbs: ['list'] },
      ]);
      const binding = find(objs, 'RoleBinding', 'airflow-worker');
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'airflow-worker' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'airflow-worker' }]);
      expect(podOf(find(objs, 'StatefulSet', 'airflow-worker')).serviceAccountName).toBe('airflow-worker');
      // The log reader is the web UI's, shared with the triggerer as the chart binds it
      expect(find(objs, 'Role', 'airflow-web').rules).toEqual([
        { apiGroups: [''], resources: ['pods'], verbs: ['list', 'get', 'watch'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list'] },
      ]);
      expect(find(objs, 'RoleBinding', 'airflow-web').subjects).toEqual([{ kind: 'ServiceAccount', name: 'airflow-web' }]);
      expect(podOf(find(objs, 'StatefulSet', 'airflow-triggerer')).serviceAccountName).toBe('airflow-web');
      // The scheduler and the create-user job have accounts of their own whose one binding is the migration wait's, and no token
      for (const [kind, prefix] of [
        ['Deployment', 'airflow-scheduler'],
        ['Job', 'airflow-create-user'],
      ]) {
        const o = objs.find((x) => x.kind === kind && x.metadata.name.startsWith(prefix));
        expect(podOf(o).serviceAccountName).toBe(prefix);
        const bindings = objs.filter((x) => x.kind === 'RoleBinding' && x.subjects.some((sub: any) => sub.name === prefix));
        expect(bindings.map((b) => b.metadata.name)).toEqual([expect.stringMatching(/^airflow-migrate-[0-9a-f]{8}-wait$/)]);
        expect(container(o, 'app').volumeMounts.map((m: any) => m.name)).not.toContain('kube-api-access');
      }
      // Only the app container of a worker gets the API token, not git-sync
      const worker = find(objs, 'StatefulSet', 'airflow-worker');
      expect(container(worker, 'app').volumeMounts.map((m: any) => m.name)).toContain('kube-api-access');
      expect(container(worker, 'git-sync').volumeMounts.map((m: any) => m.name)).not.toContain('kube-api-access');
    },
  );

  test.each(CLOUDS)('%s: `airflow users create` is a setup job after `airflow db migrate`, with a Secret only it reads', (cloud) => {
    const objs = objectsFor(cloud);
    const migrate = objs.find((o) => o.kind === 'Job' && o.metadata.labels['app.kubernetes.io/component'] === 'migration');
    const setup = objs.find((o) => o.kind === 'Job' && o.metadata.labels['app.kubernetes.io/component'] === 'setup');
    expect(container(migrate, 'app').args).toEqual(['airflow', 'db', 'migrate']);
    expect(container(setup, 'app').args.slice(0, 3)).toEqual(['airflow', 'users', 'create']);
    // It waits for this version's migration, and comes one Argo CD wave after it
    const wait = podOf(setup).initContainers.find((c: any) => c.name === 'wait-for-airflow-migrate');
    expect(wait.env).toContainEqual({ name: 'MIGRATION_JOB', value: migrate.metadata.name });
    const wave = (o: any) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    expect(wave(setup)).toBeGreaterThan(wave(migrate));
    // The admin's credentials reach this job alone, as $(VAR) arguments Kubernetes expands
    expect(container(setup, 'app').args).toContain('$(ADMIN_PASSWORD)');
    const admin = (o: any) => (container(o, 'app').env ?? []).some((e: any) => e.valueFrom?.secretKeyRef?.name === 'airflow-admin');
    const workloads = objs.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
    expect(workloads.filter(admin).map((o) => o.metadata.name)).toEqual([setup.metadata.name]);
  });

  test.each(CLOUDS)('%s: the broker URL names the password variable after the variable is defined', (cloud) => {
    for (const [kind, name] of [
      ['Deployment', 'airflow-web'],
      ['StatefulSet', 'airflow-worker'],
    ]) {
      const names = container(find(objectsFor(cloud), kind, name), 'app').env.map((e: any) => e.name);
      expect(names.indexOf('REDIS_PASSWORD')).toBeGreaterThanOrEqual(0);
      expect(names.indexOf('REDIS_PASSWORD')).toBeLessThan(names.indexOf('AIRFLOW__CELERY__BROKER_URL'));
    }
  });

  test.each(CLOUDS)("%s: the webserver keeps the image's entrypoint and gets its worker count as --workers", (cloud) => {
    const app = container(find(objectsFor(cloud), 'Deployment', 'airflow-web'), 'app');
    const workers = app.env.find((e: any) => e.name === 'WEB_CONCURRENCY').value;
    expect(app.command).toBeUndefined();
    expect(app.args).toEqual(['airflow', 'webserver', '--pid', '/tmp/airflow-webserver.pid', '--workers', workers]);
    // 1 CPU: 2 x 1 + 1 = 3 sync workers, which 2Gi holds at 512Mi each
    expect(workers).toBe('3');
  });
});
