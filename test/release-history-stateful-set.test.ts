/**
 * A StatefulSet over a release history, under the rules of the StatefulSet
 * controller as test/support/stateful-set-model.ts models them (inside the
 * release-history model of test/support/release-history.ts): an eviction
 * mid-rollout, a rollback after a failed migration under each pod management
 * policy, and the cleanup of the kept objects its ControllerRevisions name.
 */
import { JsonPatch, Testing } from 'cdk8s';
import { unneededHistory } from '../src/history';
import { KUBECTL_PRUNE_SELECTOR } from '../constructs/delivery/retention';
import {
  MigrationCommand,
  PodManagementPolicy,
  PythonMicroservice,
  PythonMigration,
  PythonStatefulSet,
  Volume,
  WorkerCommand,
  WorkerLiveness,
} from './support/internals';
import { ReleaseModel } from './support/release-history';
import { baseProps } from './support/synth';
import { testChart } from './support/cdk8s-testing';

type Obj = any;

/** A web service and a StatefulSet of its app, at one config level; the set's policy, and how many ReplicaSets the web keeps. */
function setApp(level: string, policy: PodManagementPolicy, webHistory?: number): Obj[] {
  const chart = testChart();
  const app = new PythonMicroservice(chart, 'orders-api', baseProps({ config: { LOG_LEVEL: level } }));
  if (webHistory !== undefined) app.deployment.addJsonPatch(JsonPatch.replace('/spec/revisionHistoryLimit', webHistory));
  new PythonMigration(chart, 'orders-migrate', { app, command: MigrationCommand.alembic() });
  new PythonStatefulSet(chart, 'orders-ledger', {
    app,
    command: WorkerCommand.command(['python', '-m', 'orders.ledger']),
    liveness: WorkerLiveness.heartbeatFile('/tmp/beat'),
    replicas: 3,
    podManagementPolicy: policy,
    mounts: [{ path: '/data', volume: Volume.perReplicaClaim('data', { storage: '1Gi' }) }],
  });
  return Testing.synth(chart);
}

describe('a StatefulSet over a release history (rules modelled on the StatefulSet controller)', () => {
  test('an old pod evicted mid-rollout comes back from its own template, finds its ConfigMap and Job, and starts', () => {
    // GIVEN N deployed, N+1 shipped with its migration still running
    const model = new ReleaseModel('flux', { prune: true });
    model.deliver(setApp('info', PodManagementPolicy.PARALLEL), 1);
    model.settle();
    model.finishMigrations();
    model.deliver(setApp('debug', PodManagementPolicy.PARALLEL), 2);
    model.settle();

    // WHEN an old pod is evicted
    model.evictOldPod('StatefulSet//orders-ledger');
    model.settle();

    // THEN the set's revision 1 pods start, its revision 2 pod waits for the running Job; nothing is blocked
    const ledger = model.creatablePods().filter((p) => p.from.startsWith('StatefulSet//orders-ledger'));
    expect(ledger.map((p) => [p.from, p.outcome.state])).toEqual([
      ['StatefulSet//orders-ledger revision 1', 'passed'],
      ['StatefulSet//orders-ledger revision 2', 'waiting'],
    ]);
    expect(model.shortOfCapacity()).toEqual(['StatefulSet//orders-ledger: 2 of 3 pods run']);
    model.finishMigrations();
    expect(model.shortOfCapacity()).toEqual([]);
  });

  test("OrderedReady: after a failed migration, the rollback waits for the pod stuck on N+1 until it is deleted (Kubernetes' forced rollback); Parallel needs no hand", () => {
    const walk = (policy: PodManagementPolicy) => {
      const model = new ReleaseModel('kubectl', { prune: true, pruneSelector: KUBECTL_PRUNE_SELECTOR });
      model.deliver(setApp('info', policy), 1);
      model.settle();
      model.finishMigrations();
      model.deliver(setApp('debug', policy), 2, { migrationFails: true });
      model.settle();
      model.finishMigrations();
      model.deliver(setApp('info', policy), 1);
      model.settle();
      return model;
    };
    expect(walk(PodManagementPolicy.PARALLEL).shortOfCapacity()).toEqual([]);
    const ordered = walk(PodManagementPolicy.ORDERED_READY);
    expect(ordered.shortOfCapacity()).toEqual(['StatefulSet//orders-ledger: 2 of 3 pods run']);
    // `kubectl delete pod orders-ledger-2`: the controller creates it again from the good template.
    ordered.deleteUnreadyPods('StatefulSet//orders-ledger');
    ordered.settle();
    expect(ordered.shortOfCapacity()).toEqual([]);
  });

  test('pyservice-k8s history keeps what the ControllerRevisions name, for the set’s rollout undo', () => {
    // GIVEN eight releases, the web keeping one old ReplicaSet: only the set's revisions (5) hold the older versions
    const releases = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => setApp(`v${v}`, PodManagementPolicy.PARALLEL, 1));
    const model = new ReleaseModel('flux', { prune: true });
    releases.forEach((manifests, i) => {
      model.deliver(manifests, i + 1);
      model.settle();
      model.finishMigrations();
    });
    // WHEN what nothing needs is deleted
    model.kubectlDelete(unneededHistory(model.list(), releases[7]));
    // THEN every revision the set keeps still starts its pods
    const ledger = model.creatablePods().filter((p) => p.from.startsWith('StatefulSet//orders-ledger'));
    expect(ledger.length).toBe(6);
    expect(ledger.filter((p) => p.outcome.state !== 'passed')).toEqual([]);
  });
});
