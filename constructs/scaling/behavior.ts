import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { PropIssue } from '../core/validation';
import { wholeSeconds } from '../core/quantity';

/** How a scaling policy counts the change it allows. */
export enum ScalingPolicyType {
  /** A number of pods per period. */
  PODS = 'Pods',
  /** A percentage of the current replicas per period. */
  PERCENT = 'Percent',
}

/** Which of several policies applies. */
export enum ScalingPolicySelect {
  /** The policy that allows the largest change (Kubernetes' default). */
  MAX = 'Max',
  /** The policy that allows the smallest change. */
  MIN = 'Min',
  /** No scaling in this direction. */
  DISABLED = 'Disabled',
}

/** One limit on how fast the autoscaler changes the replicas. */
export interface ScalingPolicy {
  /** Pods or percent. */
  readonly type: ScalingPolicyType;
  /** Pods, or percent of the current replicas, that may be added or removed per period (above 0). */
  readonly value: number;
  /** The window the value holds for (1 s to 30 min). */
  readonly period: Duration;
}

/** How the autoscaler scales in one direction (the HorizontalPodAutoscaler's `behavior`). */
export interface ScalingRules {
  /**
   * How long past recommendations count before scaling: a scale-down waits this
   * long for the load to stay low, so a short dip does not remove pods (0 to 1 hour).
   * @default - Kubernetes': 5 minutes for scale-down, 0 for scale-up
   */
  readonly stabilizationWindow?: Duration;
  /**
   * Limits on the change per period.
   * @default - Kubernetes': scale-down 100% per 15 s; scale-up the larger of 100% and 4 pods per 15 s
   */
  readonly policies?: ScalingPolicy[];
  /**
   * Which policy applies when there are several.
   * @default ScalingPolicySelect.MAX
   */
  readonly selectPolicy?: ScalingPolicySelect;
}

/**
 * The `behavior` of a HorizontalPodAutoscaler (also under KEDA's
 * `advanced.horizontalPodAutoscalerConfig`), checked against the ranges of
 * autoscaling/v2 HPAScalingRules and HPAScalingPolicy; undefined when neither direction is set.
 */
export function renderBehavior(
  scaleUp: ScalingRules | undefined,
  scaleDown: ScalingRules | undefined,
  prefix: string,
  issues: PropIssue[],
): k8s.HorizontalPodAutoscalerBehaviorV2 | undefined {
  if (scaleUp === undefined && scaleDown === undefined) return undefined;
  return {
    scaleUp: scaleUp === undefined ? undefined : renderRules(scaleUp, `${prefix}.scaleUp`, issues),
    scaleDown: scaleDown === undefined ? undefined : renderRules(scaleDown, `${prefix}.scaleDown`, issues),
  };
}

function renderRules(rules: ScalingRules, prop: string, issues: PropIssue[]): k8s.HpaScalingRulesV2 {
  const window = wholeSeconds(rules.stabilizationWindow, `${prop}.stabilizationWindow`, 0, 3600, issues);
  const select = rules.selectPolicy;
  if (select !== undefined && !Object.values(ScalingPolicySelect).includes(select)) {
    issues.push({
      prop: `${prop}.selectPolicy`,
      rule: `must be one of ${Object.values(ScalingPolicySelect).join(', ')}`,
      received: select,
      fix: 'Use ScalingPolicySelect.MAX, .MIN or .DISABLED.',
    });
  }
  const policies = (rules.policies ?? []).map((p, i) => renderPolicy(p, `${prop}.policies[${i}]`, issues));
  return { stabilizationWindowSeconds: window, selectPolicy: select, policies: policies.length > 0 ? policies : undefined };
}

function renderPolicy(p: ScalingPolicy, prop: string, issues: PropIssue[]): k8s.HpaScalingPolicyV2 {
  if (!Object.values(ScalingPolicyType).includes(p?.type)) {
    issues.push({
      prop: `${prop}.type`,
      rule: 'must be ScalingPolicyType.PODS or .PERCENT',
      received: p?.type,
      fix: 'Use ScalingPolicyType.PODS.',
    });
  }
  issues.push(
    ...(Number.isInteger(p?.value) && p.value > 0
      ? []
      : [{ prop: `${prop}.value`, rule: 'must be a whole number above 0', received: p?.value, fix: 'Use e.g. 1 pod, or 10 percent.' }]),
  );
  const period = wholeSeconds(p?.period, `${prop}.period`, 1, 1800, issues) ?? 60;
  return { type: p?.type, value: p?.value, periodSeconds: period };
}
