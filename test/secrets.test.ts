import { Duration } from 'cdk8s';
import { CloudProfile, SecretBackend, SecretEnv, SecretFile, collectWarnings } from './support/internals';
import { appContainer, envMap, find, synthError, synthService } from './support/synth';
import { validateAll } from './support/schema';

const CLIENT = '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const CSI = {
  eks: CloudProfile.eks({
    roleArn: 'arn:aws:iam::111122223333:role/orders-api',
    secrets: { backend: SecretBackend.CSI_DRIVER, region: 'eu-west-1' },
  }),
  gke: CloudProfile.gke({
    serviceAccount: 'orders-api@acme-prod.iam.gserviceaccount.com',
    secrets: { backend: SecretBackend.CSI_DRIVER, projectId: 'acme-prod' },
  }),
  aks: CloudProfile.aks({
    clientId: CLIENT,
    tenantId: TENANT,
    secrets: { backend: SecretBackend.CSI_DRIVER, keyVaultName: 'acme-prod-kv' },
  }),
};
const ESO = {
  eks: CloudProfile.eks({
    roleArn: 'arn:aws:iam::111122223333:role/orders-api',
    secrets: { backend: SecretBackend.EXTERNAL_SECRETS, region: 'eu-west-1' },
  }),
  gke: CloudProfile.gke({
    serviceAccount: 'orders-api@acme-prod.iam.gserviceaccount.com',
    secrets: { backend: SecretBackend.EXTERNAL_SECRETS, projectId: 'acme-prod' },
  }),
  aks: CloudProfile.aks({
    clientId: CLIENT,
    tenantId: TENANT,
    secrets: { backend: SecretBackend.EXTERNAL_SECRETS, keyVaultName: 'acme-prod-kv' },
  }),
};
const storeProps = {
  secrets: [SecretEnv.fromStore({ DATABASE_URL: 'orders-database-url' })],
  secretFiles: [SecretFile.fromStore('orders-signing-key', 'signing-key.pem')],
};

describe.each(Object.keys(CSI) as Array<keyof typeof CSI>)('%s: secrets through the Secrets Store CSI driver', (cloud) => {
  const { objects } = synthService({ ...storeProps, profile: CSI[cloud] });
  const spc = find(objects, 'SecretProviderClass');
  const pod = find(objects, 'Deployment').spec.template.spec;

  test('a SecretProviderClass syncs env secrets into a Secret the container reads', () => {
    expect(spc.apiVersion).toBe('secrets-store.csi.x-k8s.io/v1');
    expect(spc.spec.provider).toBe({ eks: 'aws', gke: 'gcp', aks: 'azure' }[cloud]);
    expect(spc.spec.secretObjects).toEqual([
      expect.objectContaining({
        secretName: 'orders-api-store',
        type: 'Opaque',
        data: [{ objectName: 'database-url', key: 'database-url' }],
      }),
    ]);
    expect(envMap(appContainer(find(objects, 'Deployment'))).DATABASE_URL).toEqual({
      secretKeyRef: { name: 'orders-api-store', key: 'database-url' },
    });
  });

  test('the CSI volume is mounted read-only; no secret value in any manifest', () => {
    expect(pod.volumes).toContainEqual({
      name: 'store-secrets',
      csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'orders-api' } },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'store-secrets', mountPath: '/var/run/secrets/store', readOnly: true });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('valid against the SecretProviderClass CRD', () => {
    expect(validateAll(objects)).toEqual([]);
  });
});

describe('provider parameters', () => {
  test('EKS: ASCP objects with Secrets Manager and Parameter Store types', () => {
    const { objects } = synthService({
      secrets: [SecretEnv.fromStore({ DATABASE_URL: 'orders/db-url', FEATURE_FLAGS: 'ssm:/orders/flags' })],
      profile: CSI.eks,
    });
    const spc = find(objects, 'SecretProviderClass');
    expect(spc.spec.parameters.region).toBe('eu-west-1');
    expect(spc.spec.parameters.objects).toBe(
      [
        '- objectName: orders/db-url',
        '  objectType: secretsmanager',
        '  objectAlias: database-url',
        '- objectName: /orders/flags',
        '  objectType: ssmparameter',
        '  objectAlias: feature-flags',
        '',
      ].join('\n'),
    );
    expect(spc.spec.parameters.usePodIdentity).toBeUndefined();
  });

  test('EKS Pod Identity: the provider is told, and no IRSA annotation is written', () => {
    const profile = CloudProfile.eks({
      roleArn: 'arn:aws:iam::111122223333:role/orders-api',
      identity: 'pod-identity',
      secrets: { backend: SecretBackend.CSI_DRIVER, region: 'eu-west-1' },
    });
    const { objects, service } = synthService({ ...storeProps, profile });
    expect(find(objects, 'SecretProviderClass').spec.parameters.usePodIdentity).toBe('true');
    expect(find(objects, 'ServiceAccount').metadata.annotations).toBeUndefined();
    expect(service.identity).toEqual({
      mechanism: 'eks-pod-identity',
      principal: 'arn:aws:iam::111122223333:role/orders-api',
      details: {},
    });
    // The test chart of synthService() has no namespace.
    expect(service.identityBinding).toEqual({
      mechanism: 'eks-pod-identity',
      principal: 'arn:aws:iam::111122223333:role/orders-api',
      details: {},
      alsoTrustedSubjects: [],
      namespace: 'default',
      serviceAccount: 'orders-api',
      subject: 'system:serviceaccount:default:orders-api',
    });
  });

  test('GKE: Secret Manager resource names with the latest version', () => {
    const spc = find(synthService({ ...storeProps, profile: CSI.gke }).objects, 'SecretProviderClass');
    expect(spc.spec.parameters.secrets).toBe(
      [
        '- resourceName: projects/acme-prod/secrets/orders-database-url/versions/latest',
        '  path: database-url',
        '- resourceName: projects/acme-prod/secrets/orders-signing-key/versions/latest',
        '  path: signing-key.pem',
        '',
      ].join('\n'),
    );
  });

  test('GKE managed add-on: its own driver, files only', () => {
    const profile = CloudProfile.gke({ secrets: { backend: SecretBackend.CSI_DRIVER, projectId: 'acme-prod', csiProvider: 'gke' } });
    const { objects } = synthService({ secretFiles: storeProps.secretFiles, profile });
    expect(find(objects, 'SecretProviderClass').spec.provider).toBe('gke');
    expect(find(objects, 'Deployment').spec.template.spec.volumes).toContainEqual(
      expect.objectContaining({ csi: expect.objectContaining({ driver: 'secrets-store-gke.csi.k8s.io' }) }),
    );
    expect(synthError({ ...storeProps, profile })).toContain("'profile.secrets.csiProvider' must be 'gcp' for env vars");
  });

  test('AKS: Key Vault with the workload identity client and tenant', () => {
    const spc = find(synthService({ ...storeProps, profile: CSI.aks }).objects, 'SecretProviderClass');
    expect(spc.spec.parameters).toEqual({
      usePodIdentity: 'false',
      clientID: CLIENT,
      keyvaultName: 'acme-prod-kv',
      tenantId: TENANT,
      objects: [
        'array:',
        '  - |',
        '    objectName: orders-database-url',
        '    objectType: secret',
        '    objectAlias: database-url',
        '  - |',
        '    objectName: orders-signing-key',
        '    objectType: secret',
        '    objectAlias: signing-key.pem',
        '',
      ].join('\n'),
    });
  });
});

describe.each(Object.keys(ESO) as Array<keyof typeof ESO>)('%s: secrets through External Secrets Operator', (cloud) => {
  const { objects } = synthService({ ...storeProps, profile: ESO[cloud] });

  test('a SecretStore authenticated as the service, and an ExternalSecret owning the target Secret', () => {
    const store = find(objects, 'SecretStore');
    const provider = Object.keys(store.spec.provider)[0];
    expect(provider).toBe({ eks: 'aws', gke: 'gcpsm', aks: 'azurekv' }[cloud]);
    expect(JSON.stringify(store.spec.provider)).toContain('"serviceAccountRef":{"name":"orders-api"}');
    const es = find(objects, 'ExternalSecret');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'orders-api' });
    expect(es.spec.target).toEqual({ name: 'orders-api-store', creationPolicy: 'Owner' });
    expect(es.spec.data).toEqual([
      { secretKey: 'database-url', remoteRef: { key: 'orders-database-url' } },
      { secretKey: 'signing-key.pem', remoteRef: { key: 'orders-signing-key' } },
    ]);
  });

  test('files come from the target Secret, env from its keys', () => {
    const pod = find(objects, 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({
      name: 'store-secrets',
      secret: { secretName: 'orders-api-store', items: [{ key: 'signing-key.pem', path: 'signing-key.pem' }] },
    });
    expect(envMap(pod.containers[0]).DATABASE_URL).toEqual({ secretKeyRef: { name: 'orders-api-store', key: 'database-url' } });
  });

  test('valid against the External Secrets CRDs', () => {
    expect(validateAll(objects)).toEqual([]);
  });
});

describe('store secrets: choices and errors', () => {
  test('a ClusterSecretStore is referenced instead of a per-service store', () => {
    const profile = CloudProfile.eks({
      secrets: { backend: SecretBackend.EXTERNAL_SECRETS, region: 'eu-west-1', clusterSecretStore: 'aws-shared' },
    });
    const { objects } = synthService({ ...storeProps, profile });
    expect(objects.filter((o) => o.kind === 'SecretStore')).toEqual([]);
    expect(find(objects, 'ExternalSecret').spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-shared' });
  });

  test.each([
    ['no secrets option in the profile', CloudProfile.gke(), "'profile.secrets' must be set to fetch secrets from Google Secret Manager"],
    [
      'a Key Vault name with illegal characters',
      CloudProfile.aks({
        clientId: CLIENT,
        tenantId: TENANT,
        secrets: { backend: SecretBackend.CSI_DRIVER, keyVaultName: 'acme_prod_kv' },
      }),
      "'profile.secrets.keyVaultName' must be a Key Vault name",
    ],
    [
      'a region that is not a region',
      CloudProfile.eks({ secrets: { backend: SecretBackend.CSI_DRIVER, region: 'Ireland' } }),
      '\'profile.secrets.region\' must be an AWS region code; received "Ireland"',
    ],
    [
      'a project name instead of an ID',
      CloudProfile.gke({ secrets: { backend: SecretBackend.CSI_DRIVER, projectId: 'Acme Prod' } }),
      "'profile.secrets.projectId' must be a Google Cloud project ID",
    ],
    [
      'Key Vault CSI without a tenant',
      CloudProfile.aks({ clientId: CLIENT, secrets: { backend: SecretBackend.CSI_DRIVER, keyVaultName: 'acme-kv' } }),
      "'profile.clientId' and profile.tenantId are needed",
    ],
    [
      'per-service store without an IRSA role',
      CloudProfile.eks({ secrets: { backend: SecretBackend.EXTERNAL_SECRETS, region: 'eu-west-1' } }),
      "'profile.secrets.clusterSecretStore' is needed",
    ],
  ])('%s', (_name, profile, message) => {
    expect(synthError({ ...storeProps, profile })).toContain(message);
  });

  test('a remote name the secret manager cannot hold', () => {
    expect(synthError({ secrets: [SecretEnv.fromStore({ TOKEN_A: 'orders/token' })], profile: CSI.aks })).toContain(
      "'secrets[0].TOKEN_A' must be a Key Vault secret name",
    );
  });

  test('two secrets mapped to one key', () => {
    expect(
      synthError({ secrets: [SecretEnv.fromStore({ DB_URL: 'a' })], secretFiles: [SecretFile.fromStore('b', 'db-url')], profile: CSI.eks }),
    ).toContain("'secretFiles[0]' must not map to the same key as secrets[0].DB_URL ('db-url')");
  });
});

describe('plaintext secrets', () => {
  test('only through an API whose name says it is unsafe, with a warning', () => {
    const { objects, chart } = synthService({ secrets: [SecretEnv.unsafePlaintextInGit({ API_TOKEN: 'dev-only' })] });
    expect(find(objects, 'Secret').stringData).toEqual({ 'api-token': 'dev-only' });
    expect(collectWarnings(chart)[0]).toContain('SecretEnv.unsafePlaintextInGit writes 1 secret value(s) into the manifests in plain text');
  });

  test('a literal in config is refused', () => {
    expect(synthError({ config: { API_TOKEN: 'x' } })).toContain("'config.API_TOKEN' looks like a secret");
  });
});

describe('identity options', () => {
  test("token lifetimes on EKS and AKS, within the webhooks' range", () => {
    const eks = find(
      synthService({ profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/a', tokenExpiration: Duration.hours(2) }) })
        .objects,
      'ServiceAccount',
    );
    expect(eks.metadata.annotations['eks.amazonaws.com/token-expiration']).toBe('7200');
    const aks = find(
      synthService({ profile: CloudProfile.aks({ clientId: CLIENT, tokenExpiration: Duration.hours(3) }) }).objects,
      'ServiceAccount',
    );
    expect(aks.metadata.annotations['azure.workload.identity/service-account-token-expiration']).toBe('10800');
    expect(synthError({ profile: CloudProfile.aks({ clientId: CLIENT, tokenExpiration: Duration.minutes(10) }) })).toContain(
      "'profile.tokenExpiration' must be a whole number of seconds from 3600 to 86400; received 600",
    );
  });

  test('identity is exposed for cloud-side bindings', () => {
    expect(
      synthService({ profile: CloudProfile.gke({ serviceAccount: 'api-svc@acme-prod.iam.gserviceaccount.com' }) }).service.identity,
    ).toEqual({ mechanism: 'gke-workload-identity', principal: 'api-svc@acme-prod.iam.gserviceaccount.com', details: {} });
    expect(synthService({ profile: CloudProfile.aks({ clientId: CLIENT, tenantId: TENANT }) }).service.identity).toEqual({
      mechanism: 'azure-workload-identity',
      principal: CLIENT,
      details: { tenantId: TENANT },
    });
  });
});

describe('placement', () => {
  test.each([
    ['eks', CloudProfile.eks(), { 'eks.amazonaws.com/capacityType': 'SPOT', 'kubernetes.io/arch': 'arm64' }, []],
    [
      'eks with Karpenter',
      CloudProfile.eks({ nodeProvisioner: 'karpenter' }),
      { 'karpenter.sh/capacity-type': 'spot', 'kubernetes.io/arch': 'arm64' },
      [],
    ],
    [
      'gke',
      CloudProfile.gke(),
      { 'cloud.google.com/gke-spot': 'true', 'kubernetes.io/arch': 'arm64' },
      ['cloud.google.com/gke-spot', 'kubernetes.io/arch'],
    ],
    [
      'aks',
      CloudProfile.aks(),
      { 'kubernetes.azure.com/scalesetpriority': 'spot', 'kubernetes.io/arch': 'arm64' },
      ['kubernetes.azure.com/scalesetpriority'],
    ],
  ])('%s: spot and arm64 become node selectors and tolerations', (_cloud, profile, selector, tolerationKeys) => {
    const pod = find(synthService({ profile, placement: { spot: true, arch: 'arm64' } }).objects, 'Deployment').spec.template.spec;
    expect(pod.nodeSelector).toEqual(selector);
    expect((pod.tolerations ?? []).map((t: any) => t.key)).toEqual(tolerationKeys);
  });

  test('no placement, no selectors', () => {
    expect(find(synthService({ profile: CloudProfile.aks() }).objects, 'Deployment').spec.template.spec.nodeSelector).toBeUndefined();
  });
});
