/**
 * Reading the objects of an example system (examples/systems/): one rendering,
 * its prod target of each cloud, objects by kind and name, pods and containers.
 */
import { Rendering } from '../../src/synth';
import { objectsOf } from './example';

/** The clouds every example system is rendered for. */
export const SYSTEM_CLOUDS = ['eks', 'gke', 'aks'] as const;

/** The objects of a system's prod target on one cloud. */
export function systemObjects(rendering: Rendering, cloud: string): any[] {
  return objectsOf(rendering, `prod/${cloud}`);
}

/** The object of `kind` called `name`; fails when it is missing. */
export function findObject(objects: any[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
}

/** The pod spec of a Deployment, StatefulSet or Job. */
export function podOf(workload: any): any {
  return workload.spec.template.spec;
}

/** A container of a workload's pod by name, among its containers and init containers (native sidecars). */
export function containerOf(workload: any, name: string): any {
  return [...podOf(workload).containers, ...(podOf(workload).initContainers ?? [])].find((c: any) => c.name === name);
}
