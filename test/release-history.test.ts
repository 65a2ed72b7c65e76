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
import { airflowApp } from '../examples/systems/airflow';
import { analyticsApp } from '../examples/systems/analytics';
import { fastapiApp } from '../examples/systems/fastapi-backend';
import { inventoryApp } from '../examples/systems/inventory-django';
import { paperlessApp } from '../examples/systems/paperless';
import { unneededHistory } from '../src/history';
import { Rendering } from '../src/synth';
import { KUBECTL_PRUNE_SELECTOR, RELEASE_HISTORY_LABEL, RETAINED_ANNOTATIONS } from '../constructs/delivery/retention';
import { TARGET_FOLDERS, objectsOf } from './support/example';
import {
  ConfigFile,
  MigrationCommand,
  PythonCronJob,
  PythonMicroservice,
  PythonMigration,
  PythonStatefulSet,
  PythonWorker,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from './support/internals';
import { Engine, ReleaseModel } from './support/release-history';
import { baseProps } from './support/synth';
import { testChart } from './support/cdk8s-testing';

type Obj = any;

/** Version N and N+1 of one target. */
interface History {
  readonly target: string;
  readonly n: Obj[];
  readonly next: Obj[];
}

const PROD = ['prod/eks', 'prod/gke', 'prod/aks'];

/** Every folder of an app rendered at N and at N+1 (CI's image override of one service). */
function histories(
  name: string,
  render: (env: Record<string, string>) => Rendering,
  next: Record<string, string>,
  folders: string[],
): History[] {
  const [n, n1] = [render({}), render(next)];
  expect([...n.errors, ...n1.errors]).toEqual([]);
  return folders.map((folder) => ({ target: `${name} ${folder}`, n: objectsOf(n, folder), next: objectsOf(n1, folder) }));
}

/**
 * A small app at one config level and image tag, with its settings file when given: content-hashed
 * ConfigMaps (the app's, and a StatefulSet's own), a Job; a StatefulSet among its workloads.
 */
function configApp(level: string, opts: { tag?: string; settings?: string } = {}): Obj[] {
  const { tag = '1.4.2', settings } = opts;
  const chart = testChart();
  const app = new PythonMicroservice(
    chart,
    'orders-api',
    baseProps({
      image: `ghcr.io/acme/orders-api:${tag}`,
      config: { LOG_LEVEL: level },
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
      files: settings === undefined ? undefined : { '/app/orders/settings.py': ConfigFile.fromText(settings) },
    }),
  );
  new PythonWorker(chart, 'orders-worker', {
    app,
    command: WorkerCommand.command(['python', '-m', 'orders.worker']),
    liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
    replicas: 2,
  });
  new PythonMigration(chart, 'orders-migrate', { app, command: MigrationCommand.alembic() });
  new PythonCronJob(chart, 'orders-report', { app, command: ['python', '-m', 'orders.report'], schedule: '@daily' });
  new PythonStatefulSet(chart, 'orders-ledger', {
    app,
    command: WorkerCommand.command(['python', '-m', 'orders.ledger']),
    liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
    replicas: 3,
    mounts: [{ path: '/data', volume: Volume.perReplicaClaim('data', { storage: '1Gi' }) }],
    // Settings of its own: a content-hashed ConfigMap of the set's, which its ControllerRevisions name.
    config: { LEDGER_LOG_LEVEL: level },
  });
  return Testing.synth(chart);
}

const HISTORIES: History[] = [
  ...histories(
    'the example shop',
    (env) => shopApp({ env }).render(),
    { IMAGE_ORDERS_API: 'ghcr.io/acme/orders-api:1.5.0' },
    TARGET_FOLDERS,
  ),
  ...histories('analytics', (env) => analyticsApp(env).render(), { IMAGE_ANALYTICS: 'ghcr.io/acme/analytics:4.2.0' }, PROD),
  ...histories('inventory', (env) => inventoryApp(env).render(), { IMAGE_INVENTORY: 'ghcr.io/acme/inventory:4.2.0' }, PROD),
  ...histories('fastapi', (env) => fastapiApp(env).render(), { IMAGE_BACKEND: 'ghcr.io/acme/backend:0.9.0' }, PROD),
  ...histories('airflow', (env) => airflowApp(env).render(), { IMAGE_AIRFLOW: 'apache/airflow:2.7.4' }, PROD),
  ...histories('paperless', (env) => paperlessApp(env).render(), { IMAGE_PAPERLESS: 'ghcr.io/acme/paperless-ngx:3.0.6' }, PROD),
  { target: 'a config change', n: configApp('info'), next: configApp('debug') },
  { target: 'a new image', n: configApp('info'), next: configApp('info', { tag: '1.5.0' }) },
  {
    target: 'a settings file change',
    n: configApp('info', { settings: 'ROW_LIMIT = 5000\n' }),
    next: configApp('info', { settings: 'ROW_LIMIT = 10000\n' }),
  },
];

/** The runs of the Jobs of one kind (`migration`, `setup`), in order: [revision, succeeded]. */
const runsOf = (model: ReleaseModel, kind: string) => model.runs.filter((r) => r.kind === kind).map((r) => [r.revision, r.succeeded]);

/** Each engine as the example and the README configure it: pruning on. */
const ENGINES: Array<[string, Engine, { prune: boolean; pruneSelector?: string }]> = [
  ['Argo CD', 'argocd', { prune: true }],
  ['Flux', 'flux', { prune: true }],
  ['kubectl apply --prune', 'kubectl', { prune: true, pruneSelector: KUBECTL_PRUNE_SELECTOR }],
];

const CASES = HISTORIES.flatMap((h) => ENGINES.map(([label, engine, options]) => [h.target, label, h, engine, options] as const));

/** What breaks the three properties at one step (and, where `capacity`, what leaves a Deployment short of pods). */
function unsound(model: ReleaseModel, step: string, capacity: boolean): string[] {
  return [
    ...model
      .creatablePods()
      .filter((p) => p.outcome.state === 'blocked')
      .map((p) => `${step}: a pod of ${p.from}: ${'cause' in p.outcome ? p.outcome.cause : ''}`),
    ...model.runs
      .filter((r) => r.databaseBefore > r.revision)
      .map((r) => `${r.job} (revision ${r.revision}) ran against the schema at revision ${r.databaseBefore}`),
    ...model.problems,
    ...(capacity ? model.shortOfCapacity().map((s) => `${step}: short of capacity: ${s}`) : []),
  ];
}

/** The Deployments whose pods wait for a migration. */
const waiting = (model: ReleaseModel) => model.controllerNames().filter((d) => model.waits(d));

/**
 * Walks a history and returns what broke, step by step: deploy N; ship N+1 and,
 * while its migration runs, scale and evict an old pod; then N+1's migration
 * succeeds (`rollout undo` follows) or fails (an old pod is evicted again);
 * then roll back to N.
 */
function walk(model: ReleaseModel, h: History, migrationFails: boolean, checks: (step: string) => void = () => undefined): string[] {
  const problems = new Set<string>();
  const step = (name: string, capacity: boolean, act: () => void) => {
    act();
    model.settle();
    unsound(model, name, capacity).forEach((p) => problems.add(p));
    checks(name);
  };
  step('deploy N', true, () => {
    model.deliver(h.n, 1);
    model.settle();
    model.finishMigrations();
  });
  step('ship N+1', false, () => model.deliver(h.next, 2, { migrationFails }));
  // An autoscaler adds pods to the old and the new ReplicaSet in proportion; during Argo CD's wave -1 only the old one exists.
  step('scale mid-rollout', false, () => waiting(model).forEach((d) => model.scale(d, model.replicas(d) + 3)));
  step('evict an old pod', false, () => waiting(model).forEach((d) => model.evictOldPod(d)));
  if (migrationFails) {
    step('the migration failed', false, () => model.finishMigrations());
    step('evict an old pod after the failed migration', false, () => waiting(model).forEach((d) => model.evictOldPod(d)));
  } else {
    step('N+1 migrated', true, () => model.finishMigrations());
    step('rollout undo', true, () => model.controllerNames().forEach((d) => model.rolloutUndo(d)));
  }
  step('roll back to N', true, () => {
    model.deliver(h.n, 1);
    model.settle();
    model.finishMigrations();
  });
  return [...problems];
}

describe('a release history under each delivery engine (rules modelled on Argo CD, Flux, kubectl and the Kubernetes controllers)', () => {
  test.each(CASES)('%s, %s: ship N+1, scale and evict mid-rollout, migrate, rollout undo, roll back to N', (_t, _e, h, engine, options) => {
    const model = new ReleaseModel(engine, options);
    expect(
      walk(model, h, false, (step) => {
        if (step === 'deploy N') expect(waiting(model).length).toBeGreaterThan(0);
        if (step === 'N+1 migrated') expect(model.creatablePods().filter((p) => p.outcome.state !== 'passed')).toEqual([]);
      }),
    ).toEqual([]);
    // Each version's migration ran once: the rollback re-applied N's finished Job.
    expect(runsOf(model, 'migration')).toEqual([
      [1, true],
      [2, true],
    ]);
    // And each version's setup jobs, after it: once per version, never again on the rollback.
    const setups = h.next.filter((o) => o.kind === 'Job' && o.metadata.labels['app.kubernetes.io/component'] === 'setup').length;
    expect(runsOf(model, 'setup')).toEqual([...Array(setups).fill([1, true]), ...Array(setups).fill([2, true])]);
  });

  test.each(CASES)(
    "%s, %s: N+1's migration fails, old pods keep starting, the failure names the Job, roll back to N",
    (_t, _e, h, engine, options) => {
      const model = new ReleaseModel(engine, options);
      const failedJob = h.next.find((o) => o.kind === 'Job' && !h.n.some((p) => p.metadata.name === o.metadata.name)).metadata.name;
      expect(
        walk(model, h, true, (step) => {
          if (step !== 'the migration failed') return;
          // Where the failure shows: Argo CD's sync stops at the Job's wave; Flux's health check names the Job;
          // with kubectl, the new pods' waits exit naming it.
          const status = model.engineStatus();
          if (engine === 'kubectl') expect(status).toBeUndefined();
          else expect(status).toEqual({ state: 'failed', message: expect.stringContaining(failedJob) });
          const failing = model.creatablePods().filter((p) => p.outcome.state === 'job-failed');
          if (engine !== 'argocd') expect(failing.length).toBeGreaterThan(0);
          for (const p of failing) expect(p.outcome).toEqual({ state: 'job-failed', job: failedJob });
        }),
      ).toEqual([]);
      expect(runsOf(model, 'migration')).toEqual([
        [1, true],
        [2, false],
      ]);
      // N+1's setup jobs never ran: their pods wait for the failed migration.
      expect(runsOf(model, 'setup').filter(([revision]) => revision === 2)).toEqual([]);
    },
  );
});

/** `objects` with the kinds in `kinds` no longer kept in the release history, and, with `sharedRole`, one wait Role per migration. */
function withoutRetention(objects: Obj[], kinds: string[], sharedRole = false): Obj[] {
  return objects.map((o) => {
    const c = JSON.parse(JSON.stringify(o));
    if (kinds.includes(c.kind)) {
      for (const key of Object.keys(RETAINED_ANNOTATIONS)) delete c.metadata.annotations?.[key];
      delete c.metadata.labels?.[RELEASE_HISTORY_LABEL];
    }
    if (sharedRole && ['Role', 'RoleBinding'].includes(c.kind)) c.metadata.name = `${c.metadata.labels['app.kubernetes.io/name']}-wait`;
    if (sharedRole && c.kind === 'RoleBinding') c.roleRef.name = c.metadata.name;
    return c;
  });
}

describe('the walk catches what the previous design did over the same history', () => {
  const shop = HISTORIES.find((h) => h.target === 'the example shop prod/eks')!;
  const config = HISTORIES.find((h) => h.target === 'a config change')!;
  const altered = (h: History, kinds: string[], sharedRole = false): History => ({
    ...h,
    n: withoutRetention(h.n, kinds, sharedRole),
    next: withoutRetention(h.next, kinds, sharedRole),
  });

  test.each(ENGINES)(
    '%s: the previous design (one Role for the latest Job, nothing kept): pods of N get HTTP 403 as soon as N+1 ships',
    (_label, engine, options) => {
      const problems = walk(new ReleaseModel(engine, options), altered(shop, ['Job', 'ConfigMap', 'Role', 'RoleBinding'], true), false);
      expect(problems).toContainEqual(
        expect.stringMatching(/^ship N\+1: a pod of Deployment\/shop\/orders-api revision 1: HTTP 403 reading job orders-migrate-/),
      );
    },
  );

  test.each(ENGINES)(
    "%s: Jobs pruned: old pods get HTTP 404, and the rollback runs N's migration against N+1's schema",
    (_label, engine, options) => {
      const problems = walk(new ReleaseModel(engine, options), altered(shop, ['Job']), false);
      // Flux and kubectl prune as they apply; Argo CD prunes last, once N+1 is healthy.
      const when = engine === 'argocd' ? 'N\\+1 migrated' : 'ship N\\+1';
      expect(problems).toContainEqual(
        expect.stringMatching(new RegExp(`^${when}: a pod of Deployment/shop/orders-api revision 1: HTTP 404 reading job orders-migrate-`)),
      );
      expect(problems).toContainEqual(
        expect.stringMatching(/^orders-migrate-[0-9a-f]{8} \(revision 1\) ran against the schema at revision 2$/),
      );
    },
  );

  test.each(ENGINES)('%s: ConfigMaps pruned: a pod of N no longer finds its settings file', (_label, engine, options) => {
    const files = HISTORIES.find((h) => h.target === 'a settings file change')!;
    const problems = walk(new ReleaseModel(engine, options), altered(files, ['ConfigMap']), false);
    expect(problems).toContainEqual(
      expect.stringMatching(/: a pod of Deployment\/\/orders-api revision 1: ConfigMap\/\/orders-api-files-[0-9a-f]{10} is missing$/),
    );
  });

  test.each(ENGINES)('%s: ConfigMaps pruned: a pod of N no longer finds its config', (_label, engine, options) => {
    const problems = walk(new ReleaseModel(engine, options), altered(config, ['ConfigMap']), false);
    expect(problems).toContainEqual(
      expect.stringMatching(/: a pod of Deployment\/\/orders-api revision 1: ConfigMap\/\/orders-api-config-[0-9a-f]{10} is missing$/),
    );
  });
});

describe('cleaning up the release history (pyservice-k8s history)', () => {
  test('after eight releases, what no ReplicaSet, CronJob or current manifest names goes; every pod the controllers can create still starts', () => {
    // GIVEN eight config releases under Flux, each migrated
    const releases = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => configApp(`v${v}`));
    const model = new ReleaseModel('flux', { prune: true });
    releases.forEach((manifests, i) => {
      model.deliver(manifests, i + 1);
      model.settle();
      model.finishMigrations();
    });
    expect(model.creatablePods().filter((p) => p.outcome.state !== 'passed')).toEqual([]);
    // WHEN the kept objects nothing needs are listed
    const unneeded = unneededHistory(model.list(), releases[7]);
    // THEN they are those of the two releases older than the Deployments' revisionHistoryLimit (5) keeps
    const versioned = (r: Obj[]) =>
      r
        .filter((o) => o.metadata.labels?.['pyservice.dev/release-history'] === 'true' && !o.data?.['wait.py'])
        .map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`);
    expect(unneeded).toEqual([...versioned(releases[0]), ...versioned(releases[1])].sort());
    // (per release: the app's and the StatefulSet's own ConfigMap, the Job, its wait Role and RoleBinding)
    expect(unneeded).toHaveLength(10);
    // AND once deleted, every ReplicaSet kept for `rollout undo` and the CronJob still start their pods
    model.kubectlDelete(unneeded);
    expect(model.creatablePods().filter((p) => p.outcome.state !== 'passed')).toEqual([]);
    expect(model.creatablePods().length).toBeGreaterThan(10);
  });

  test('the Job of the version in git is kept even when no pod waits for it (waitInPods: false)', () => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'orders-api', baseProps());
    new PythonMigration(chart, 'orders-migrate', { app, command: MigrationCommand.alembic(), waitInPods: false });
    const manifests = Testing.synth(chart);
    const job = manifests.find((o) => o.kind === 'Job');
    const live = { items: [...manifests, { ...job, metadata: { ...job.metadata, name: 'orders-migrate-00000000' } }] };
    expect(unneededHistory(live, manifests)).toEqual(['job/orders-migrate-00000000']);
    expect(unneededHistory(live)).toEqual(['job/orders-migrate-00000000', `job/${job.metadata.name}`].sort());
  });
});
