import { Testing } from 'cdk8s';
import { MigrationCommand, PythonMicroservice, PythonMigration, PythonWorker, WorkerCommand } from 'pyservice-k8s';
import { airflowApp } from '../../examples/systems/airflow';
import { analyticsApp } from '../../examples/systems/analytics';
import { fastapiApp } from '../../examples/systems/fastapi-backend';
import { inventoryApp } from '../../examples/systems/inventory-django';
import { paperlessApp } from '../../examples/systems/paperless';
import { Rendering } from '../../src/synth';
import { renderExample } from '../support/example';
import { objectKey, references } from '../support/references';
import { baseProps } from '../support/synth';
import { yamlDocuments } from '../support/worker-cache';
import { testChart } from '../support/cdk8s-testing';

const WAVE = 'argocd.argoproj.io/sync-wave';
const HOOK = 'argocd.argoproj.io/hook';

type Obj = any;

/** Every object one target folder of a rendering holds. */
function targets(rendering: Rendering): Map<string, Obj[]> {
  const out = new Map<string, Obj[]>();
  for (const [file, text] of rendering.files) {
    const folder = file.slice(0, file.lastIndexOf('/'));
    if (!file.endsWith('.yaml') || file.endsWith('kustomization.yaml') || /^(container|gitops|ci)\//.test(file)) continue;
    out.set(folder, [...(out.get(folder) ?? []), ...yamlDocuments(text)]);
  }
  return out;
}

const key = objectKey;

const wave = (o: Obj) => Number(o.metadata.annotations?.[WAVE] ?? 0);

/**
 * How Argo CD orders a sync: by phase, then wave, and a wave starts only once the
 * previous one is healthy. Each referenced object must be applied in an earlier
 * wave than the object using it: strictly earlier for hooks, earlier or equal for
 * the rest (within a wave Argo CD applies kinds in dependency order).
 */
function waveViolations(objects: Obj[]): string[] {
  const byKey = new Map(objects.map((o) => [key(o.kind, o.metadata.name, o.metadata.namespace), o]));
  const problems: string[] = [];
  for (const o of objects) {
    const hook = o.metadata.annotations?.[HOOK] !== undefined;
    for (const ref of references(o)) {
      const target = byKey.get(ref) ?? byKey.get(ref.replace(/^(Namespace|PriorityClass)\/[^/]*\//, '$1//'));
      if (!target) continue;
      const ok = hook ? wave(target) < wave(o) : wave(target) <= wave(o);
      if (!ok) problems.push(`${o.kind}/${o.metadata.name} (wave ${wave(o)}) uses ${ref} (wave ${wave(target)})`);
    }
  }
  return problems;
}

const RENDERINGS: Record<string, Rendering> = {
  'the example shop': renderExample(),
  analytics: analyticsApp({}).render(),
  inventory: inventoryApp({}).render(),
  fastapi: fastapiApp({}).render(),
  airflow: airflowApp({}).render(),
  paperless: paperlessApp({}).render(),
};

const CASES = Object.entries(RENDERINGS).flatMap(([name, r]) =>
  [...targets(r)].map(([folder, objects]) => [name, folder, objects] as const),
);

describe('Argo CD sync waves: everything an object names is applied first', () => {
  test.each(CASES)('%s, %s', (_name, _folder, objects) => {
    expect(objects.length).toBeGreaterThan(5);
    expect(waveViolations(objects)).toEqual([]);
  });

  test('the walk catches the first-sync deadlock: a migration Job naming a PriorityClass of a later wave', () => {
    const objects: Obj[] = [
      { kind: 'PriorityClass', metadata: { name: 'shop-standard' } },
      {
        kind: 'Job',
        metadata: { name: 'm', namespace: 'shop', annotations: { [WAVE]: '-1' } },
        spec: { template: { spec: { priorityClassName: 'shop-standard', containers: [] } } },
      },
    ];
    expect(waveViolations(objects)).toEqual(['Job/m (wave -1) uses PriorityClass//shop-standard (wave 0)']);
  });

  test('the prerequisites are in the earliest wave, and the migration before the app', () => {
    const [, objects] = [...targets(RENDERINGS['the example shop'])][0];
    const of = (kind: string) => objects.filter((o) => o.kind === kind).map(wave);
    expect(of('Namespace')).toEqual([-3]);
    expect(of('PriorityClass')).toEqual([-3]);
    expect(of('Job')).toEqual([-1]);
    expect(Math.min(...of('Deployment'))).toBe(0);
  });

  test('a setup job comes after the migration it waits for, and the app does not wait for it', () => {
    for (const [, objects] of targets(RENDERINGS.fastapi)) {
      const jobs = objects.filter((o) => o.kind === 'Job');
      const setup = jobs.find((o) => o.metadata.labels['app.kubernetes.io/component'] === 'setup');
      const migration = jobs.find((o) => o.metadata.labels['app.kubernetes.io/component'] === 'migration');
      expect(wave(migration)).toBe(-1);
      expect(wave(setup)).toBe(0);
      expect(references(setup)).toContain(key('Job', migration.metadata.name, migration.metadata.namespace));
      const deployment = objects.find((o) => o.kind === 'Deployment');
      expect(references(deployment)).not.toContain(key('Job', setup.metadata.name, setup.metadata.namespace));
    }
  });

  test("a workload's own ServiceAccount is applied before the migration wait's RoleBinding that names it", () => {
    // GIVEN an app with a migration and a worker that runs as a ServiceAccount of its own
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps());
    new PythonMigration(chart, 'orders-migrate', { app, command: MigrationCommand.alembic() });
    new PythonWorker(chart, 'orders-worker', {
      app,
      command: WorkerCommand.celery({ app: 'orders.celery:app' }),
      serviceAccount: { name: 'orders-worker' },
    });

    // WHEN
    const objects = Testing.synth(chart);

    // THEN the wait's RoleBinding admits the account, and the account is in the same early wave
    const binding = objects.find((o) => o.kind === 'RoleBinding' && o.metadata.name.endsWith('-wait'));
    expect(binding.subjects.map((s: Obj) => s.name)).toEqual(['orders-api', 'orders-worker']);
    expect(wave(objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'orders-worker'))).toBe(wave(binding));
    expect(waveViolations(objects)).toEqual([]);
  });

  test("no object of any engine's folder is a hook or expires: one folder serves Argo CD, Flux and kubectl apply", () => {
    for (const [, , objects] of CASES) {
      for (const o of objects) {
        expect(o.metadata.annotations?.[HOOK]).toBeUndefined();
        expect(o.spec?.ttlSecondsAfterFinished).toBeUndefined();
      }
    }
  });
});
