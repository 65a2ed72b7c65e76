/**
 * What the plan takes from the constructs because the manifests do not say it:
 * the cloud identity the profile bound (some mechanisms leave nothing in the
 * manifests), the names of the secrets in the cloud's secret manager (the
 * secret backends write them in each provider's own format), and the exposure
 * a service asked for (internal or public, which only the cloud's annotations
 * tell). Everything else is read from the rendered objects.
 */
import { Construct } from 'constructs';
import { Exposure } from '../../constructs/traffic/exposure';
import type { WorkloadIdentity } from '../../constructs/profiles/profile';
import { PythonMicroservice } from '../../constructs/workloads/python-microservice';
import { StoreSecretRequest } from '../../constructs/settings/secret-store';
import { PythonWorker } from '../../constructs/workloads/worker';
import { PythonStatefulSet } from '../../constructs/workloads/stateful-set';
import { PythonWorkload } from '../../constructs/workloads/workload';

/** An application: the ServiceAccount its workloads run as, and what it binds. */
export interface AppFacts {
  /** Namespace of the ServiceAccount, when known. */
  readonly namespace?: string;
  /** Name of the ServiceAccount every workload of the application runs as. */
  readonly serviceAccount: string;
  /** The cloud identity bound to it. */
  readonly identity?: WorkloadIdentity;
  /** Secrets from the cloud's secret manager, by name (never by value). */
  readonly storeSecrets: readonly StoreSecretRequest[];
}

/** A web service's exposure, by the name of its Deployment. */
export interface ServiceFacts {
  readonly namespace?: string;
  readonly name: string;
  readonly exposure: Exposure;
}

/** A worker that states it has no liveness check, and why. */
export interface NoLivenessFacts {
  readonly namespace?: string;
  readonly name: string;
  readonly reason: string;
}

/** The facts of one target. */
export interface PlanFacts {
  readonly apps: readonly AppFacts[];
  readonly services: readonly ServiceFacts[];
  /** Workers and StatefulSets without a liveness check, by the name of their Deployment or StatefulSet. */
  readonly noLiveness?: readonly NoLivenessFacts[];
}

/** The facts of the constructs under `scope`, in construct order. */
export function planFacts(scope: Construct): PlanFacts {
  const apps = new Map<string, AppFacts>();
  const services: ServiceFacts[] = [];
  const noLiveness: NoLivenessFacts[] = [];
  for (const c of scope.node.findAll()) {
    const own = c instanceof PythonWorkload ? c.ownServiceAccount : undefined;
    if (own) {
      const namespace = own.serviceAccount.metadata.namespace;
      apps.set(`${namespace ?? ''}/${own.name}`, { namespace, serviceAccount: own.name, identity: own.identity, storeSecrets: [] });
    }
    if (!(c instanceof PythonMicroservice) && !(c instanceof PythonWorker) && !(c instanceof PythonStatefulSet)) continue;
    const namespace = (c instanceof PythonStatefulSet ? c.statefulSet : c.deployment).metadata.namespace;
    const rt = c.runtime;
    const key = `${namespace ?? ''}/${rt.serviceAccountName}`;
    if (!apps.has(key))
      apps.set(key, { namespace, serviceAccount: rt.serviceAccountName, identity: rt.identity, storeSecrets: rt.appEnv.storeSecrets });
    if (c instanceof PythonMicroservice) services.push({ namespace, name: c.name, exposure: c.exposure });
    if (!(c instanceof PythonMicroservice) && c.noLivenessReason !== undefined)
      noLiveness.push({ namespace, name: c.name, reason: c.noLivenessReason });
  }
  return { apps: [...apps.values()], services, noLiveness };
}
