/**
 * The service every approach synthesizes, as this library's props: a public
 * web service with config, a database URL from an existing Secret, CPU
 * autoscaling (so a PDB), a NetworkPolicy, and a workload identity per cloud.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CloudProfile, Exposure, ICloudProfile, PythonMicroserviceProps, PythonServer, SecretEnv } from '../src';
import { AZURE_TENANT, Cloud, NAMESPACE, azureClientId, serviceName } from './names';

/** The cloud identity of service `i` on `cloud`. */
export function profileFor(cloud: Cloud, i: number): ICloudProfile {
  const name = serviceName(i);
  switch (cloud) {
    case 'eks': return CloudProfile.eks({ roleArn: `arn:aws:iam::111122223333:role/bench/${name}` });
    case 'gke': return CloudProfile.gke({ serviceAccount: `${name}@acme-bench.iam.gserviceaccount.com` });
    case 'aks': return CloudProfile.aks({ clientId: azureClientId(i), tenantId: AZURE_TENANT });
  }
}

/** Props of service `i` on `cloud`. */
export function serviceProps(cloud: Cloud, i: number): PythonMicroserviceProps {
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
    profile: profileFor(cloud, i),
  };
}

/** The chart every cdk8s approach puts its services in. */
export function benchChart(scope: Construct): Chart {
  return new Chart(scope, NAMESPACE, { namespace: NAMESPACE });
}
