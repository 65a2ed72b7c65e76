/**
 * What `npx pyservice-k8s init --cloud <cloud>` writes for each cloud: the
 * profile call and certificate of each environment. Plain data, free of cdk8s
 * imports, because `init` runs before anything is installed; it sits with the
 * profiles because it speaks their vocabulary.
 */

/** The lines of a starter's `main.ts` that differ per cloud. */
export interface StarterSnippet {
  /** The name the cloud goes by in prose. */
  readonly title: string;
  /** The profile call of an environment (`staging` or `prod`). */
  profile(env: string): string;
  /** The TLS certificate expression, reading `settings.certificate` when the environment has one. */
  readonly tls: string;
  /** The certificate of each environment, in promotion order; empty when the cloud issues its own. */
  readonly certificates: readonly [string, string];
}

/** The starters, by the cloud name `--cloud` takes (the profile's `cloud`). */
export const STARTERS: Readonly<Record<string, StarterSnippet>> = {
  eks: {
    title: 'Amazon EKS',
    profile: (env) => `CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/${env}/api' })`,
    tls: 'TlsCertificate.acm(settings.certificate)',
    certificates: [
      'arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-4000-8000-000000000001',
      'arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-4000-8000-000000000002',
    ],
  },
  gke: {
    title: 'Google GKE',
    // A Google account ID has 6 to 30 characters.
    profile: (env) => `CloudProfile.gke({ serviceAccount: 'api-service@acme-${env}.iam.gserviceaccount.com' })`,
    tls: 'TlsCertificate.googleManaged()',
    certificates: ['', ''],
  },
  aks: {
    title: 'Azure AKS',
    profile: (env) =>
      `CloudProfile.aks({ clientId: '${env === 'prod' ? '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11' : '0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a'}', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' })`,
    tls: 'TlsCertificate.keyVault(settings.certificate)',
    certificates: ['https://acme-staging-kv.vault.azure.net/certificates/api', 'https://acme-prod-kv.vault.azure.net/certificates/api'],
  },
};
