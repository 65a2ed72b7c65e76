import * as path from 'path';
import { CLUSTER_SCOPED_KINDS, scopeOf } from '../../src/gitops/scope';

describe('scopeOf', () => {
  test('the built-in cluster-scoped kinds are those whose create path in the Kubernetes 1.28 API has no namespace', () => {
    // GIVEN: the OpenAPI spec in schemas/
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const swagger = require(path.resolve(__dirname, '..', '..', 'schemas', 'k8s', 'openapi', 'v1.28', 'swagger.json'));
    // WHEN
    const clusterScoped = new Set<string>();
    for (const [route, operations] of Object.entries<any>(swagger.paths)) {
      for (const op of Object.values<any>(operations)) {
        const gvk = op?.['x-kubernetes-group-version-kind'];
        if (gvk && op['x-kubernetes-action'] === 'post' && !route.includes('{namespace}')) clusterScoped.add(`${gvk.group}/${gvk.kind}`);
      }
    }
    // THEN
    expect([...CLUSTER_SCOPED_KINDS].sort()).toEqual([...clusterScoped].sort());
  });

  test('namespaces of namespaced objects, kinds of cluster-scoped ones, whatever namespace the chart gave them', () => {
    const scope = scopeOf(
      [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'shop-standard', namespace: 'shop' } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } },
        { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'shop-jobs' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-namespace' } },
        { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'w', namespace: 'shop' } },
        { apiVersion: 'keda.sh/v1alpha1', kind: 'ClusterTriggerAuthentication', metadata: { name: 'shared' } },
      ],
      'shop',
    );
    expect(scope).toEqual({
      namespaces: ['shop', 'shop-jobs'],
      clusterKinds: [
        { group: '', kind: 'Namespace' },
        { group: 'keda.sh', kind: 'ClusterTriggerAuthentication' },
        { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
      ],
    });
  });
});
