import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { PodSpecJson } from './template';

/** An init container that makes a pod wait (for a migration), with the volumes it needs. */
export interface PodWait {
  readonly container: k8s.Container;
  readonly volumes: k8s.Volume[];
  /** The longest the wait takes before it gives up. */
  readonly deadlineSeconds: number;
}

/** Seconds of every wait of a pod (they run one after the other). */
export function waitSeconds(waits: readonly PodWait[]): number {
  return waits.reduce((sum, w) => sum + w.deadlineSeconds, 0);
}

/** A typed value as plain JSON: Quantity and IntOrString objects become their values. */
function plainJson<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => (v instanceof k8s.Quantity || v instanceof k8s.IntOrString ? v.value : v)));
}

/**
 * Puts the waits in front of a rendered pod's own init containers, so that
 * nothing of the new version starts before them (each wait goes in front of
 * those added before it), and adds the volumes they need, once per name.
 */
export function addWaits(podSpec: PodSpecJson, waits: readonly PodWait[]): void {
  if (waits.length === 0) return;
  podSpec.initContainers = [...[...waits].reverse().map((w) => plainJson(w.container)), ...(podSpec.initContainers ?? [])];
  const added = new Set<string>();
  for (const volume of waits.flatMap((w) => w.volumes)) {
    if (added.has(volume.name)) continue;
    added.add(volume.name);
    (podSpec.volumes ??= []).push(plainJson(volume) as { name: string });
  }
}
