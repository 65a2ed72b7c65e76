import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { kubeObject } from '../core/objects';
import { ScaledObject } from '../imports/scaledobject-keda.sh';
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
      pollingInterval: 15,
      triggers: [trigger.metadata, ...(trigger.moreMetadata ?? [])].map((metadata) => ({
        type: trigger.type,
        metadata,
        authenticationRef,
      })),
    },
  });
  return { scaledObject, triggerAuthentication };
}
