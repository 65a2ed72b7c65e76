import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { kubeObject } from '../core/objects';
import { Construct } from 'constructs';
import { IssueCollector, PropIssue } from '../core/validation';
import { ScalingRules, renderBehavior } from './behavior';

/** Horizontal autoscaling on CPU (and optionally memory) utilization. */
export interface AutoscalingProps {
  /** Fewest replicas; at least 2 keeps the service up through a node drain. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization, in percent of the CPU request.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
  /**
   * Target average memory utilization, in percent of the memory request.
   * @default - memory is not a scaling metric (Python rarely frees memory, so it would only scale up)
   */
  readonly targetMemoryUtilization?: number;
  /**
   * How fast replicas are added (the HorizontalPodAutoscaler's `behavior.scaleUp`).
   * @default - Kubernetes': no stabilization, the larger of 100% and 4 pods per 15 s
   */
  readonly scaleUp?: ScalingRules;
  /**
   * How fast replicas are removed (`behavior.scaleDown`), e.g. `{ stabilizationWindow: Duration.minutes(10) }`
   * so that a short dip in load does not remove pods that are needed again a minute later.
   * @default - Kubernetes': a 5-minute stabilization window, up to 100% per 15 s
   */
  readonly scaleDown?: ScalingRules;
}

/** Replica count or autoscaling range, resolved. */
export interface ResolvedScaling {
  /** `spec.replicas`, undefined when an autoscaler owns it. */
  readonly fixedReplicas?: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** HPA metrics, empty without autoscaling. */
  readonly metrics: k8s.MetricSpecV2[];
  /** HPA behavior, when the props set one. */
  readonly behavior?: k8s.HorizontalPodAutoscalerBehaviorV2;
}

/** Checks `replicas` and `autoscaling` and resolves them. */
export function resolveScaling(replicas: number | undefined, a: AutoscalingProps | undefined, issues: IssueCollector): ResolvedScaling {
  if (!a) {
    const n = replicas ?? 2;
    issues.check(Number.isInteger(n) && n >= 0 && n <= 1000, {
      prop: 'replicas',
      rule: 'must be a whole number from 0 to 1000',
      received: n,
      fix: 'Use 2 or more for a service that must stay up.',
    });
    return { fixedReplicas: n, minReplicas: n, maxReplicas: n, metrics: [] };
  }
  const { minReplicas, maxReplicas } = a;
  // autoscaling/v2 HorizontalPodAutoscalerSpec.minReplicas: "minReplicas is allowed to be 0 if the alpha
  // feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured";
  // this HPA scales on CPU (a Resource metric), so 0 is refused on every cluster.
  issues.check(Number.isInteger(minReplicas) && minReplicas >= 1, {
    prop: 'autoscaling.minReplicas',
    rule: 'must be a whole number of at least 1 (a HorizontalPodAutoscaler scales to 0 only behind the HPAScaleToZero alpha feature gate, and only on Object or External metrics)',
    received: minReplicas,
    fix: 'Use 2 so a node drain never takes the service down; to stop a worker while its queue is empty, use queueAutoscaling (KEDA scales to 0).',
  });
  issues.check(Number.isInteger(maxReplicas) && maxReplicas >= 1 && maxReplicas <= 1000, {
    prop: 'autoscaling.maxReplicas',
    rule: 'must be a whole number from 1 to 1000',
    received: maxReplicas,
    fix: 'Use the most replicas your dependencies (e.g. database connections) can take.',
  });
  issues.check(!(minReplicas > maxReplicas), {
    prop: 'autoscaling.minReplicas',
    rule: `must be less than or equal to 'autoscaling.maxReplicas' (${maxReplicas})`,
    received: minReplicas,
    fix: `Lower minReplicas to ${maxReplicas} or raise maxReplicas to ${minReplicas}.`,
  });
  if (replicas !== undefined) {
    issues.add({
      prop: 'replicas',
      rule: 'must not be set together with autoscaling (the autoscaler owns the replica count)',
      received: replicas,
      fix: 'Remove replicas and set autoscaling.minReplicas instead.',
    });
  }
  const metrics: k8s.MetricSpecV2[] = [];
  const target = (prop: string, value: number | undefined, resource: string) => {
    if (value === undefined) return;
    if (
      issues.check(Number.isInteger(value) && value >= 1 && value <= 100, {
        prop,
        rule: 'must be a whole percentage from 1 to 100',
        received: value,
        fix: 'Use 70 for CPU: headroom for a spike while new pods start.',
      })
    ) {
      metrics.push({ type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization: value } } });
    }
  };
  target('autoscaling.targetCpuUtilization', a.targetCpuUtilization ?? 70, 'cpu');
  target('autoscaling.targetMemoryUtilization', a.targetMemoryUtilization, 'memory');
  const behaviorIssues: PropIssue[] = [];
  const behavior = renderBehavior(a.scaleUp, a.scaleDown, 'autoscaling', behaviorIssues);
  issues.addAll(behaviorIssues);
  return { fixedReplicas: undefined, minReplicas, maxReplicas, metrics, behavior };
}

/** A CPU/memory HorizontalPodAutoscaler for the Deployment called `name`. */
export function cpuAutoscaler(scope: Construct, name: string, labels: Record<string, string>, scaling: ResolvedScaling): ApiObject {
  return kubeObject(scope, 'Autoscaler', k8s.KubeHorizontalPodAutoscalerV2, {
    metadata: { name, labels },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      metrics: scaling.metrics,
      behavior: scaling.behavior,
    },
  });
}

/** A PodDisruptionBudget that lets one pod go at a time. */
export function disruptionBudget(
  scope: Construct,
  name: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
): ApiObject {
  return kubeObject(scope, 'DisruptionBudget', k8s.KubePodDisruptionBudget, {
    metadata: { name, labels },
    spec: {
      // One pod at a time: node drains proceed, capacity never drops by more than one.
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: { ...selector } },
      // A pod that is not ready serves nothing; never let it block a drain.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}
