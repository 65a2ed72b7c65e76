/** What the app kit reads from a target's construct tree: its workloads' containers, its scope, its release time, its cloud. */
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Workload, WorkloadRole } from '../../constructs/image';
import { PythonCronJob } from '../../constructs/workloads/cron-job';
import { PythonMigration } from '../../constructs/workloads/migration';
import { PythonSetupJob } from '../../constructs/workloads/setup-job';
import { PythonMicroservice } from '../../constructs/workloads/python-microservice';
import { releaseSeconds } from '../../constructs/workloads/workload';
import { PythonWorker } from '../../constructs/workloads/worker';
import { PythonStatefulSet } from '../../constructs/workloads/stateful-set';
import { TargetScope, scopeOf } from '../gitops/scope';
import { Target } from './target';

/** The namespaces and cluster-scoped kinds of a target's objects, for its AppProject. */
export function targetScope(target: Target, namespace: string): TargetScope {
  const objects = target.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { namespace: o.metadata.namespace } }));
  return scopeOf(objects, namespace);
}

/** Flux's timeout for a target: its slowest release (migrations and rollouts), never below Flux's own 5 minutes. */
export function releaseTimeout(target: Target): Duration | undefined {
  const seconds = releaseSeconds(target);
  return seconds === undefined ? undefined : Duration.seconds(Math.max(300, seconds));
}

/** The cloud the web services of a target are profiled for, when they agree on one. */
export function profileCloud(target: Target): string | undefined {
  const clouds = new Set(
    target.node
      .findAll()
      .filter((c): c is PythonMicroservice => c instanceof PythonMicroservice)
      .map((s) => s.profile.cloud),
  );
  return clouds.size === 1 ? [...clouds][0] : undefined;
}

/** Every workload of a construct tree whose container the image files describe, with its role. */
export function containerWorkloads(scope: Construct): Workload[] {
  const out: Workload[] = [];
  for (const c of scope.node.findAll()) {
    // A service without an HTTP readiness path (gRPC, TCP) runs in compose without a published, HTTP-checked port.
    if (c instanceof PythonMicroservice)
      out.push({ container: c.container, role: c.container.readinessPath ? WorkloadRole.WEB : WorkloadRole.WORKER });
    else if (c instanceof PythonWorker || c instanceof PythonStatefulSet) out.push({ container: c.container, role: WorkloadRole.WORKER });
    else if (c instanceof PythonMigration) out.push({ container: c.container, role: WorkloadRole.MIGRATION });
    else if (c instanceof PythonCronJob) out.push({ container: c.container, role: WorkloadRole.CRON });
    else if (c instanceof PythonSetupJob) out.push({ container: c.container, role: WorkloadRole.SETUP, after: [...c.after] });
  }
  return out;
}
