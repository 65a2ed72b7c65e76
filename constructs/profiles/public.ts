/**
 * Each built-in cloud's public types, for the package's entry point: adding a
 * cloud adds its lines here, inside the profiles folder.
 */
export type { EksProfileOptions, EksSecretsOptions } from './eks-options';
export type { GkeProfileOptions, GkeSecretsOptions } from './gke-options';
export type { AksProfileOptions, AksSecretsOptions } from './aks-options';
