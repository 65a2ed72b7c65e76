/**
 * Behaviour over a release history, which no static check of one rendering can
 * see. Version N and N+1 (a new image, or new config) of every example target
 * are rendered with the real constructs and walked through deploy N, ship N+1,
 * scale and evict mid-rollout, a migration that succeeds or fails, `rollout
 * undo` and a rollback to N, under the rules of each delivery engine as
 * test/support/release-history.ts models them (a model of the documented
 * rules, not the engines). At every step: every pod the controllers can create
 * passes its wait (or waits for its running Job, or names its failed Job),
 * every object it names exists, and no migration runs against a newer schema.
 */
import { Testing } from 'cdk8s';
import { shopApp } from '../examples/shop/shop';
import { analyticsApp } from '../examples/systems/analytics';
import { fastapiApp } from '../examples/systems/fastapi-backend';
import { inventoryApp } from '../examples/systems/inventory-django';
import { Rendering } from '../src/synth';
import { KUBECTL_PRUNE_SELECTOR } from '../constructs/gitops/retention';
import { TARGET_FOLDERS, objectsOf } from './support/example';
import { MigrationCommand, PythonCronJob, PythonMicroservice, PythonMigration, PythonWorker, WorkerCommand, WorkerLiveness } from './support/internals';
import { Engine, ReleaseModel } from './support/release-history';
import { baseProps } from './support/synth';

type Obj = any;

/** Version N and N+1 of one target. */
interface History {
  readonly target: string;
  readonly n: Obj[];
  readonly next: Obj[];
}

const PROD = ['prod/eks', 'prod/gke', 'prod/aks'];

/** Every folder of an app rendered at N and at N+1 (CI's image override of one service). */
function histories(name: string, render: (env: Record<string, string>) => Rendering, next: Record<string, string>, folders: string[]): History[] {
  const [n, n1] = [render({}), render(next)];
  expect([...n.errors, ...n1.errors]).toEqual([]);
  return folders.map((folder) => ({ target: `${name} ${folder}`, n: objectsOf(n, folder), next: objectsOf(n1, folder) }));
}

/** A small app whose N+1 changes only its config: a new content-hashed ConfigMap, a new Job. */
function configApp(level: string): Obj[] {
  const chart = Testing.chart();
  const app = new PythonMicroservice(chart, 'orders-api', baseProps({ config: { LOG_LEVEL: level }, autoscaling: { minReplicas: 2, maxReplicas: 6 } }));
  new PythonWorker(chart, 'orders-worker', { app, command: WorkerCommand.command(['python', '-m', 'orders.worker']), liveness: WorkerLiveness.heartbeatFile('/tmp/beat'), replicas: 2 });
  new PythonMigration(chart, 'orders-migrate', { app, command: MigrationCommand.alembic() });
  new PythonCronJob(chart, 'orders-report', { app, command: ['python', '-m', 'orders.report'], schedule: '@daily' });
  return Testing.synth(chart);
}

const HISTORIES: History[] = [
  ...histories('the example shop', (env) => shopApp({ env }).render(), { IMAGE_ORDERS_API: 'ghcr.io/acme/orders-api:1.5.0' }, TARGET_FOLDERS),
  ...histories('analytics', (env) => analyticsApp(env).render(), { IMAGE_ANALYTICS: 'ghcr.io/acme/analytics:4.2.0' }, PROD),
  ...histories('inventory', (env) => inventoryApp(env).render(), { IMAGE_INVENTORY: 'ghcr.io/acme/inventory:4.2.0' }, PROD),
  ...histories('fastapi', (env) => fastapiApp(env).render(), { IMAGE_BACKEND: 'ghcr.io/acme/backend:0.9.0' }, PROD),
  { target: 'a config change', n: configApp('info'), next: configApp('debug') },
];

/** Each engine as the example and the README configure it: pruning on. */
const ENGINES: Array<[string, Engine, { prune: boolean; pruneSelector?: string }]> = [
  ['Argo CD', 'argocd', { prune: true }],
  ['Flux', 'flux', { prune: true }],
  ['kubectl apply --prune', 'kubectl', { prune: true, pruneSelector: KUBECTL_PRUNE_SELECTOR }],
];

const CASES = HISTORIES.flatMap((h) => ENGINES.map(([label, engine, options]) => [h.target, label, h, engine, options] as const));

/** The three properties, at one step. */
function expectSound(model: ReleaseModel, step: string): void {
  const blocked = model.creatablePods().filter((p) => p.outcome.state === 'blocked').map((p) => `${step}: ${p.from}: ${'cause' in p.outcome ? p.outcome.cause : ''}`);
  expect(blocked).toEqual([]);
  const againstNewer = model.runs.filter((r) => r.databaseBefore > r.revision).map((r) => `${step}: ${r.job} (revision ${r.revision}) ran against revision ${r.databaseBefore}`);
  expect(againstNewer).toEqual([]);
  expect(model.problems).toEqual([]);
}

/** The Deployments whose pods wait for a migration. */
const waiting = (model: ReleaseModel) => model.deploymentNames().filter((d) => model.waits(d));

/** Deploys N and lets its migration finish. */
function deployN(model: ReleaseModel, h: History): void {
  model.deliver(h.n, 1);
  model.settle();
  model.finishMigrations();
  expectSound(model, 'deploy N');
  expect(model.shortOfCapacity()).toEqual([]);
  expect(waiting(model).length).toBeGreaterThan(0);
}

/** Ships N+1, then scales and evicts while its migration runs. */
function shipWhileMigrating(model: ReleaseModel, h: History, migrationFails = false): void {
  model.deliver(h.next, 2, { migrationFails });
  model.settle();
  expectSound(model, 'ship N+1');
  for (const d of waiting(model)) model.scale(d, model.replicas(d) + 3);
  model.settle();
  expectSound(model, 'scale mid-rollout');
  for (const d of waiting(model)) model.evictOldPod(d);
  model.settle();
  expectSound(model, 'evict an old pod');
}

function rollBackToN(model: ReleaseModel, h: History): void {
  model.deliver(h.n, 1);
  model.settle();
  model.finishMigrations();
  expectSound(model, 'roll back to N');
  expect(model.shortOfCapacity()).toEqual([]);
}

describe('a release history under each delivery engine (rules modelled on Argo CD, Flux, kubectl and the Kubernetes controllers)', () => {
  test.each(CASES)('%s, %s: ship N+1, scale and evict mid-rollout, migrate, rollout undo, roll back to N', (_t, _e, h, engine, options) => {
    const model = new ReleaseModel(engine, options);
    deployN(model, h);
    shipWhileMigrating(model, h);
    model.finishMigrations();
    expectSound(model, 'N+1 migrated');
    expect(model.shortOfCapacity()).toEqual([]);
    expect(model.creatablePods().filter((p) => p.outcome.state !== 'passed')).toEqual([]);
    for (const d of model.deploymentNames()) model.rolloutUndo(d);
    model.settle();
    expectSound(model, 'rollout undo');
    expect(model.shortOfCapacity()).toEqual([]);
    rollBackToN(model, h);
    // N's migration was not run again: one run per version.
    expect(model.runs.map((r) => [r.revision, r.succeeded])).toEqual([[1, true], [2, true]]);
  });

  test.each(CASES)('%s, %s: N+1\'s migration fails, old pods keep starting, the failure names the Job, roll back to N', (_t, _e, h, engine, options) => {
    const model = new ReleaseModel(engine, options);
    deployN(model, h);
    shipWhileMigrating(model, h, true);
    model.finishMigrations();
    expectSound(model, 'the migration failed');
    const failedJob = h.next.find((o) => o.kind === 'Job' && !h.n.some((p) => p.metadata.name === o.metadata.name)).metadata.name;
    // Where the failure shows: Argo CD's sync stops at the Job's wave; Flux's health check names the Job;
    // with kubectl, the new pods' waits exit naming it.
    const status = model.engineStatus();
    if (engine === 'kubectl') expect(status).toBeUndefined();
    else expect(status).toEqual({ state: 'failed', message: expect.stringContaining(failedJob) });
    const failing = model.creatablePods().filter((p) => p.outcome.state === 'job-failed');
    if (engine !== 'argocd') expect(failing.length).toBeGreaterThan(0);
    for (const p of failing) expect(p.outcome).toEqual({ state: 'job-failed', job: failedJob });
    for (const d of waiting(model)) model.evictOldPod(d);
    model.settle();
    expectSound(model, 'evict an old pod after the failed migration');
    rollBackToN(model, h);
    expect(model.runs.map((r) => [r.revision, r.succeeded])).toEqual([[1, true], [2, false]]);
  });
});
