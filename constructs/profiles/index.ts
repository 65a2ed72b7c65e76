import { AksProfile, AksProfileOptions } from './aks';
import { EksProfile, EksProfileOptions } from './eks';
import { GkeProfile, GkeProfileOptions } from './gke';
import { ICloudProfile } from './profile';

export * from './profile';
export * from './eks';
export * from './gke';
export * from './aks';
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
