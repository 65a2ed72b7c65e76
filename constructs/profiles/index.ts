import { AksProfile } from './aks';
import { AKS_IDENTITY_MECHANISMS, AksIdentityBinding, AksProfileOptions } from './aks-options';
import { EksProfile } from './eks';
import { EKS_IDENTITY_MECHANISMS, EksIdentityBinding, EksProfileOptions } from './eks-options';
import { GkeProfile } from './gke';
import { GKE_IDENTITY_MECHANISMS, GkeIdentityBinding, GkeProfileOptions } from './gke-options';
import { ICloudProfile, IdentityMechanism } from './profile';

export * from './profile';
export * from './shared';
export * from './eks';
export * from './eks-options';
export * from './gke';
export * from './gke-options';
export * from './aks';
export * from './aks-options';
export * from './gke-types';

/** The cloud profiles. */
export class CloudProfile {
  /** Amazon EKS with IRSA and the AWS Load Balancer Controller. */
  public static eks(options: EksProfileOptions = {}): ICloudProfile {
    return new EksProfile(options);
  }

  /** Google GKE with Workload Identity Federation and container-native load balancing. */
  public static gke(options: GkeProfileOptions = {}): ICloudProfile {
    return new GkeProfile(options);
  }

  /** Azure AKS with Azure Workload Identity and cloud-provider-azure load balancers. */
  public static aks(options: AksProfileOptions = {}): ICloudProfile {
    return new AksProfile(options);
  }

  private constructor() {}
}

/** The fix for a missing profile: the factories {@link CloudProfile} has, by name. */
export function profileFix(): string {
  const factories = Object.getOwnPropertyNames(CloudProfile)
    .filter(
      (k) => typeof (CloudProfile as unknown as Record<string, unknown>)[k] === 'function' && !['length', 'name', 'prototype'].includes(k),
    )
    .map((k) => `CloudProfile.${k}()`);
  return `Pass ${factories.slice(0, -1).join(', ')}${factories.length > 1 ? ' or ' : ''}${factories.at(-1)}, or your own ICloudProfile.`;
}

/** The cloud side of a workload identity of a built-in profile, as plain values to wire into that cloud's provider. */
export type CloudIdentityBinding = EksIdentityBinding | GkeIdentityBinding | AksIdentityBinding;

/** The identity mechanisms of the built-in profiles, by the name their profiles report. */
export const IDENTITY_MECHANISMS: Readonly<Record<string, IdentityMechanism>> = {
  ...EKS_IDENTITY_MECHANISMS,
  ...GKE_IDENTITY_MECHANISMS,
  ...AKS_IDENTITY_MECHANISMS,
};

/** The container registry kind of a built-in profile's cloud, by the profile's `cloud`. */
export function defaultRegistryOf(cloud: string): string | undefined {
  const builtIn: ICloudProfile[] = [new EksProfile(), new GkeProfile(), new AksProfile()];
  return builtIn.find((p) => p.cloud === cloud)?.registry;
}
