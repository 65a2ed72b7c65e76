/**
 * A container of the pod may run as its own user (a git-sync sidecar as 65533),
 * while the pod keeps the app's user, group and fsGroup, and the restricted
 * Pod Security Standard still holds.
 */
import { App, Chart } from 'cdk8s';
import { PythonMicroservice, PythonMicroserviceProps } from 'pyservice-k8s';
import { restrictedViolations } from '../support/policies';
import { baseProps, errorOf, find } from '../support/synth';

function synth(overrides: Partial<PythonMicroserviceProps>, kubernetesVersion = '1.28') {
  const app = new App();
  app.node.setContext('pyservice:kubernetesVersion', kubernetesVersion);
  const chart = new Chart(app, 'test', { namespace: 'shop' });
  new PythonMicroservice(chart, 'svc', baseProps(overrides));
  return chart.toJson();
}

const GIT_SYNC = { name: 'git-sync', image: 'registry.k8s.io/git-sync/git-sync:v4.2.4', runAsUser: 65533 };

describe('a container with its own user', () => {
  test('a sidecar runs as 65533:65533; the app, the pod and its fsGroup keep the workload user; still restricted', () => {
    // GIVEN a sidecar with its own UID, next to an app running as 1000
    const objects = synth({ runAsUser: 1000, sidecars: [GIT_SYNC] });

    // WHEN
    const pod = find(objects, 'Deployment', 'svc').spec.template.spec;
    const byName = (name: string) => pod.containers.find((c: any) => c.name === name);

    // THEN
    expect(byName('git-sync').securityContext).toMatchObject({ runAsUser: 65533, runAsGroup: 65533, runAsNonRoot: true });
    expect(byName('git-sync').securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(byName('app').securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000 });
    // fsGroup is a supplemental group of every container: the sidecar's files on shared volumes stay readable by the app.
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(objects.flatMap((o) => restrictedViolations(o))).toEqual([]);
  });

  test('an init container may set its group alone; a native sidecar keeps its own user', () => {
    const objects = synth({ initContainers: [{ name: 'prepare', command: ['true'], runAsGroup: 3000 }], sidecars: [GIT_SYNC] }, '1.29');
    const [prepare, sidecar] = find(objects, 'Deployment', 'svc').spec.template.spec.initContainers;
    expect(prepare.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 3000 });
    expect(sidecar).toMatchObject({ name: 'git-sync', restartPolicy: 'Always', securityContext: { runAsUser: 65533 } });
  });

  test.each([
    [{ runAsUser: 0 }, "[test/svc] 'sidecars[0].runAsUser' must be a whole number from 1 to 2147483647"],
    [{ runAsUser: 65533, runAsGroup: 0 }, "[test/svc] 'sidecars[0].runAsGroup' must be a whole number from 1 to 2147483647"],
  ])('root is refused: %j', (user, message) => {
    const error = errorOf(() => synth({ sidecars: [{ ...GIT_SYNC, ...user }] }));
    expect(error).toContain(message);
    expect(error).toContain('received 0');
  });
});
