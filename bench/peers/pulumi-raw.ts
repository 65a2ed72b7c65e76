/**
 * Peer: the library's objects (from the template, as in `plain`) registered
 * directly as typed @pulumi/kubernetes resources, as a Pulumi user without
 * this library would, with the same mocked engine. No component, no
 * dependsOn. Not shipped.
 */
import { drain } from '../pulumi-mocks';
import * as k8s from '@pulumi/kubernetes';
import { loadFactories } from '../template';
import { RunResult } from '../types';

type Resource = new (name: string, args: any) => unknown;

const RESOURCES: Record<string, Resource> = {
  ServiceAccount: k8s.core.v1.ServiceAccount,
  ConfigMap: k8s.core.v1.ConfigMap,
  Deployment: k8s.apps.v1.Deployment,
  Service: k8s.core.v1.Service,
  HorizontalPodAutoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler,
  PodDisruptionBudget: k8s.policy.v1.PodDisruptionBudget,
  NetworkPolicy: k8s.networking.v1.NetworkPolicy,
};

const factories = loadFactories();

export async function run(n: number, _outDir: string, iteration: number): Promise<RunResult> {
  const t0 = performance.now();
  for (const [cloud, make] of factories) {
    for (let i = 0; i < n; i++) {
      for (const o of make(i)) new RESOURCES[o.kind](`r${iteration}-${cloud}/${o.metadata.namespace}/${o.kind}/${o.metadata.name}`, o);
    }
  }
  const t1 = performance.now();
  const kinds = await drain();
  return { phases: { construct: t1 - t0, register: performance.now() - t1 }, kinds };
}
