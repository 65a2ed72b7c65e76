/**
 * The diff says when the API server will refuse an update (rules modelled on
 * ValidateStatefulSetUpdate and ValidatePersistentVolumeClaimUpdate), with what
 * to do instead, so a reviewer sees it before the sync fails.
 */
import { Chart, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { formatReport } from '../../src/diff/report';
import { diffTrees } from '../../src/diff/tree';
import { CloudProfile, PythonStatefulSet, Volume, WorkerCommand } from '../support/internals';
import { testApp } from '../support/cdk8s-testing';

/** The folder `eks` of a cache: its image tag, the size of its per-replica claim, an extra claim per replica. */
function cache(tag: string, storage = '5Gi', logs = false): Map<string, string> {
  const chart = new Chart(testApp(), 'cache', { namespace: 'cache' });
  new PythonStatefulSet(chart, 'redis', {
    image: `redis:${tag}`,
    python: false,
    profile: CloudProfile.eks(),
    command: WorkerCommand.command(['redis-server']),
    replicas: 2,
    ports: [{ name: 'redis', port: 6379 }],
    mounts: [
      { path: '/data', volume: Volume.perReplicaClaim('data', { storage }) },
      ...(logs ? [{ path: '/logs', volume: Volume.perReplicaClaim('logs', { storage: '1Gi' }) }] : []),
    ],
  });
  return new Map(Testing.synth(chart).map((o) => [`eks/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`, stringify(o)]));
}

const claim = (storage: string, storageClassName?: string) =>
  stringify({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'media', namespace: 'shop' },
    spec: { accessModes: ['ReadWriteMany'], storageClassName, resources: { requests: { storage } } },
  });

const refusals = (report: string) => report.split('\n').filter((l) => l.trimStart().startsWith('!'));

describe('updates the API server refuses', () => {
  test('a StatefulSet whose claim templates change: the diff names the fields and the orphaning delete that delivers them', () => {
    // GIVEN a cache whose claim grows and gains a second claim
    const before = cache('7.4.1');
    const after = cache('7.4.1', '10Gi', true);
    // WHEN
    const report = formatReport(diffTrees(before, after));
    // THEN
    expect(report).toContain('      spec.volumeClaimTemplates[0].spec.resources.requests.storage: 5Gi → 10Gi\n');
    expect(refusals(report)).toEqual([
      '      ! the API server refuses to change spec.volumeClaimTemplates of an existing StatefulSet, so the sync fails. ' +
        'Before the sync, run `kubectl delete statefulset redis --namespace cache --cascade=orphan`: its pods and claims stay, ' +
        'and the set the sync creates adopts them. Claims made from a changed template keep their old spec: grow each with ' +
        '`kubectl edit pvc` (its StorageClass must allow volume expansion).',
    ]);
  });

  test('a new release of a StatefulSet changes its template only: nothing refused', () => {
    const report = formatReport(diffTrees(cache('7.4.1'), cache('7.4.2')));
    expect(report).toContain('spec.template.spec.containers[app].image: redis:7.4.1 → redis:7.4.2');
    expect(refusals(report)).toEqual([]);
  });

  test('a claim: its size may grow, its StorageClass may not change', () => {
    const tree = (text: string) => new Map([['prod/pvc.yaml', text]]);
    expect(refusals(formatReport(diffTrees(tree(claim('10Gi')), tree(claim('20Gi')))))).toEqual([]);
    expect(refusals(formatReport(diffTrees(tree(claim('10Gi')), tree(claim('10Gi', 'efs-sc')))))).toEqual([
      '      ! the API server refuses to change spec.storageClassName of an existing PersistentVolumeClaim, so the sync fails. ' +
        'Keep the claim as it is and give the new one another name (its data stays in the old one), or copy the data yourself.',
    ]);
  });
});
