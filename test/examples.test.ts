import { PyserviceApp } from 'pyservice-k8s';
import { airflowApp } from '../examples/systems/airflow';
import { analyticsApp } from '../examples/systems/analytics';
import { boutiqueApp } from '../examples/systems/boutique-grpc';
import { fastapiApp } from '../examples/systems/fastapi-backend';
import { inventoryApp } from '../examples/systems/inventory-django';
import { paperlessApp } from '../examples/systems/paperless';
import { projectFindings, restrictedViolations } from './support/policies';
import { validateAll } from './support/schema';
import { yamlDocuments } from './support/worker-cache';

const SYSTEMS: Record<string, () => PyserviceApp> = {
  analytics: () => analyticsApp({}),
  inventory: () => inventoryApp({}),
  boutique: () => boutiqueApp({}),
  fastapi: () => fastapiApp({}),
  airflow: () => airflowApp({}),
  paperless: () => paperlessApp({}),
};

const renderings = Object.fromEntries(Object.entries(SYSTEMS).map(([name, make]) => [name, make().render()]));

function objects(system: string, cloud: string): any[] {
  return [...renderings[system].files]
    .filter(([file]) => file.startsWith(`prod/${cloud}/`) && file.endsWith('.yaml') && !file.endsWith('kustomization.yaml'))
    .flatMap(([, text]) => yamlDocuments(text));
}

const find = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const CASES = Object.keys(SYSTEMS).flatMap((system) => ['eks', 'gke', 'aks'].map((cloud) => [system, cloud]));

describe('the example systems (examples/systems/), without JSON patches', () => {
  test.each(Object.keys(SYSTEMS))('%s synthesizes for EKS, GKE and AKS without errors', (system) => {
    expect(renderings[system].errors).toEqual([]);
  });

  test.each(CASES)('%s on %s: valid against the Kubernetes 1.28 schemas and CRDs', (system, cloud) => {
    const objs = objects(system, cloud);
    expect(objs.length).toBeGreaterThan(5);
    expect(validateAll(objs)).toEqual([]);
  });

  test.each(CASES)('%s on %s: every pod passes the restricted Pod Security Standard', (system, cloud) => {
    expect(objects(system, cloud).flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test.each(CASES)(
    '%s on %s: no finding from the rules modelled on kube-score, Polaris and kube-linter, but the deliberate ones',
    (system, cloud) => {
      expect(projectFindings(objects(system, cloud)).map((f) => `${f.tool} ${f.check} ${f.object}: ${f.message}`)).toEqual([]);
    },
  );

  test("analytics: the image's own user, the settings file, beat as a singleton, the Node websocket server", () => {
    const objs = objects('analytics', 'eks');
    const web = find(objs, 'Deployment', 'analytics');
    expect(web.spec.template.spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000 });
    expect(web.spec.template.spec.containers[0].volumeMounts).toContainEqual({
      name: 'cm-analytics-config',
      mountPath: '/app/pythonpath/superset_config.py',
      subPath: 'superset_config.py',
      readOnly: true,
    });
    expect(web.spec.template.spec.containers[0].envFrom[0]).toEqual({ secretRef: { name: 'analytics-env' } });
    const beat = find(objs, 'Deployment', 'analytics-beat');
    expect([beat.spec.replicas, beat.spec.strategy.type]).toEqual([1, 'Recreate']);
    expect(
      objs.some(
        (o) => o.metadata.name === 'analytics-beat' && ['PodDisruptionBudget', 'ScaledObject', 'HorizontalPodAutoscaler'].includes(o.kind),
      ),
    ).toBe(false);
    const ws = find(objs, 'Deployment', 'analytics-websocket').spec.template.spec.containers[0];
    expect(ws.env?.some((e: any) => e.name.startsWith('PYTHON'))).toBeFalsy();
    expect(ws.lifecycle).toBeUndefined();
    expect(find(objs, 'Job', objs.find((o) => o.kind === 'Job').metadata.name).metadata.name).toMatch(/^analytics-init-[0-9a-f]{8}$/);
    expect(
      renderings.analytics.warnings.some(
        (w) => w.includes('analytics-websocket') && w.includes('the image has no python3 (hasPython3: false)'),
      ),
    ).toBe(true);
  });

  test('inventory: a shared media claim, the pod IP, a Host header the settings allow', () => {
    const objs = objects('inventory', 'gke');
    expect(find(objs, 'PersistentVolumeClaim', 'inventory-media').spec.accessModes).toEqual(['ReadWriteMany']);
    for (const name of ['inventory', 'inventory-worker']) {
      expect(find(objs, 'Deployment', name).spec.template.spec.containers[0].volumeMounts).toContainEqual({
        name: 'pvc-inventory-media',
        mountPath: '/opt/netbox/netbox/media',
      });
    }
    const c = find(objs, 'Deployment', 'inventory').spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    expect(c.readinessProbe.httpGet.httpHeaders).toEqual([{ name: 'Host', value: 'localhost' }]);
    expect(find(objs, 'ConfigMap', objs.find((o) => o.kind === 'ConfigMap').metadata.name).data.ALLOWED_HOSTS.split(' ')).toContain(
      'localhost',
    );
  });

  test("boutique: gRPC probes and ports, and a load generator that is nobody's worker", () => {
    const objs = objects('boutique', 'aks');
    const email = find(objs, 'Deployment', 'emailservice').spec.template.spec.containers[0];
    expect(email.readinessProbe.grpc).toEqual({ port: 8080, service: '' });
    expect(find(objs, 'Service', 'emailservice').spec.ports[0]).toMatchObject({
      name: 'grpc',
      port: 5000,
      appProtocol: 'kubernetes.io/h2c',
    });
    expect(objs.some((o) => o.kind === 'Service' && o.metadata.name === 'loadgenerator')).toBe(false);
    expect(find(objs, 'Deployment', 'loadgenerator').spec.template.spec.serviceAccountName).toBe('loadgenerator');
  });

  test('fastapi: the backend waits for its migration under plain kubectl apply', () => {
    const objs = objects('fastapi', 'eks');
    const job = objs.find((o) => o.kind === 'Job');
    const wait = find(objs, 'Deployment', 'backend').spec.template.spec.initContainers[0];
    expect(wait.env).toContainEqual({ name: 'MIGRATION_JOB', value: job.metadata.name });
    expect(find(objs, 'Role', `${job.metadata.name}-wait`).rules[0].resourceNames).toEqual([job.metadata.name]);
  });
});
