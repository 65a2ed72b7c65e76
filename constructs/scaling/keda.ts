import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { kubeObject } from '../core/objects';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ScaledObject, ScaledObjectSpecAdvancedHorizontalPodAutoscalerConfigBehavior } from '../imports/scaledobject-keda.sh';
import { PropIssue } from '../core/validation';
import { ScalingRules, renderBehavior } from './behavior';
import { wholeSeconds } from '../core/quantity';
import { TriggerAuthentication, TriggerAuthenticationSpecPodIdentity } from '../imports/triggerauthentication-keda.sh';
import { APP_CONTAINER } from '../pod/template';
import { ScalerTrigger } from './queue-scaler';

/** What KEDA needs to scale a worker's Deployment on its queue. */
export interface QueueScalingInput {
  /** Name of the Deployment, and of the KEDA objects. */
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly trigger: ScalerTrigger;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Seconds after the last activity before scaling to `minReplicas`. */
  readonly cooldownSeconds: number;
  /** Seconds between two reads of the queue. */
  readonly pollingIntervalSeconds: number;
  /** The behavior of the autoscaler KEDA creates, when set. */
  readonly behavior?: k8s.HorizontalPodAutoscalerBehaviorV2;
  /** The pod identity KEDA authenticates with, when the queue is a cloud's. */
  readonly podIdentity?: TriggerAuthenticationSpecPodIdentity;
}

/** KEDA's objects for a worker: the ScaledObject, and a TriggerAuthentication when KEDA reads the queue with a cloud identity. */
export interface QueueScaling {
  readonly scaledObject: ApiObject;
  readonly triggerAuthentication?: ApiObject;
}

/** Renders the ScaledObject (and its TriggerAuthentication) that scale a worker on its queue. */
export function renderQueueScaling(scope: Construct, input: QueueScalingInput): QueueScaling {
  const { name, labels, trigger } = input;
  const triggerAuthentication = input.podIdentity
    ? kubeObject(scope, 'TriggerAuthentication', TriggerAuthentication, {
        metadata: { name, labels },
        spec: { podIdentity: input.podIdentity },
      })
    : undefined;
  const authenticationRef = triggerAuthentication ? { name: triggerAuthentication.name } : undefined;
  const scaledObject = kubeObject(scope, 'ScaledObject', ScaledObject, {
    metadata: { name, labels },
    spec: {
      scaleTargetRef: { name, envSourceContainerName: APP_CONTAINER },
      minReplicaCount: input.minReplicas,
      maxReplicaCount: input.maxReplicas,
      cooldownPeriod: input.cooldownSeconds,
      pollingInterval: input.pollingIntervalSeconds,
      advanced: input.behavior
        ? { horizontalPodAutoscalerConfig: { behavior: input.behavior as ScaledObjectSpecAdvancedHorizontalPodAutoscalerConfigBehavior } }
        : undefined,
      triggers: [trigger.metadata, ...(trigger.moreMetadata ?? [])].map((metadata) => ({
        type: trigger.type,
        metadata,
        authenticationRef,
      })),
    },
  });
  return { scaledObject, triggerAuthentication };
}

/** The timing props of queue autoscaling, as KEDA reads them. */
export interface QueueTimingProps {
  readonly cooldownSeconds?: number;
  readonly cooldown?: Duration;
  readonly pollingInterval?: Duration;
  readonly scaleUp?: ScalingRules;
  readonly scaleDown?: ScalingRules;
}

/** Checks KEDA's cooldown and polling interval (the ScaledObject CRD: cooldownPeriod >= 0, pollingInterval >= 1) and the autoscaler's behavior. */
export function resolveQueueTiming(
  q: QueueTimingProps,
  issues: PropIssue[],
): Pick<QueueScalingInput, 'cooldownSeconds' | 'pollingIntervalSeconds' | 'behavior'> {
  if (q.cooldown !== undefined && q.cooldownSeconds !== undefined) {
    issues.push({
      prop: 'queueAutoscaling.cooldownSeconds',
      rule: "must not be set together with 'queueAutoscaling.cooldown'",
      received: q.cooldownSeconds,
      fix: `Keep cooldown: Duration.seconds(${q.cooldownSeconds}) only.`,
    });
  }
  const cooldown = wholeSeconds(q.cooldown, 'queueAutoscaling.cooldown', 0, 86400, issues) ?? q.cooldownSeconds ?? 300;
  if (q.cooldown === undefined && (!Number.isInteger(cooldown) || cooldown < 0 || cooldown > 86400)) {
    issues.push({
      prop: 'queueAutoscaling.cooldownSeconds',
      rule: 'must be a whole number of seconds from 0 to 86400',
      received: cooldown,
      fix: 'Use cooldown: Duration.minutes(5).',
    });
  }
  const polling = wholeSeconds(q.pollingInterval, 'queueAutoscaling.pollingInterval', 1, 3600, issues) ?? 15;
  const behavior = renderBehavior(q.scaleUp, q.scaleDown, 'queueAutoscaling', issues);
  return { cooldownSeconds: cooldown, pollingIntervalSeconds: polling, behavior };
}
