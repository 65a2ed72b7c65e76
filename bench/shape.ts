/**
 * The service every approach synthesizes, as this library's props: a public
 * web service with config, a database URL from an existing Secret, CPU
 * autoscaling (so a PDB), a NetworkPolicy, and a workload identity per cloud.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type * as SourceApi from '../src';
import type { ICloudProfile, PythonMicroserviceProps } from '../src';
import { AZURE_TENANT, Cloud, NAMESPACE, azureClientId, serviceName } from './names';

/** The public API the props are made with: the sources, or the compiled lib/ (bench/subjects/library-lib.ts). */
export type Api = typeof SourceApi;

/**
 * The sources, loaded only when no other API is given, so the compiled run never
 * loads them; once, since every `require()` call resolves its path again (tsx's
 * resolver checks the file system each time), which the timed syntheses would pay
 * per service.
 */
let loaded: Api | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sources = (): Api => (loaded ??= require('../src') as Api);

/** The cloud identity of service `i` on `cloud`. */
export function profileFor(cloud: Cloud, i: number, { CloudProfile }: Api = sources()): ICloudProfile {
  const name = serviceName(i);
  switch (cloud) {
    case 'eks':
      return CloudProfile.eks({ roleArn: `arn:aws:iam::111122223333:role/bench/${name}` });
    case 'gke':
      return CloudProfile.gke({ serviceAccount: `${name}@acme-bench.iam.gserviceaccount.com` });
    case 'aks':
      return CloudProfile.aks({ clientId: azureClientId(i), tenantId: AZURE_TENANT });
  }
}

/** Props of service `i` on `cloud`. */
export function serviceProps(cloud: Cloud, i: number, api: Api = sources()): PythonMicroserviceProps {
  const { Exposure, PythonServer, SecretEnv } = api;
  const name = serviceName(i);
  return {
    image: `ghcr.io/acme/${name}:1.4.${i}`,
    server: PythonServer.gunicornUvicorn({ app: 'app.main:app' }),
    resources: { cpu: '500m', memory: '512Mi' },
    health: { liveness: '/livez', readiness: '/readyz' },
    autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 },
    config: { LOG_LEVEL: 'info', PAGE_SIZE: '50', SERVICE_INDEX: String(i) },
    secrets: [SecretEnv.fromExisting(`${name}-db`, { DATABASE_URL: 'url' })],
    exposure: Exposure.PUBLIC,
    partOf: 'bench',
    profile: profileFor(cloud, i, api),
  };
}

/** The chart every cdk8s approach puts its services in. */
export function benchChart(scope: Construct): Chart {
  return new Chart(scope, NAMESPACE, { namespace: NAMESPACE });
}
