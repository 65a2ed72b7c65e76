import { Chart, Testing } from 'cdk8s';
import { CloudProfile, ICloudProfile, PythonMicroservice, PythonMicroserviceProps, PythonServer } from './internals';
import { testChart } from './cdk8s-testing';

/** Props of a minimal valid service, to override per test. */
export function baseProps(overrides: Partial<PythonMicroserviceProps> = {}): PythonMicroserviceProps {
  return {
    image: 'ghcr.io/acme/orders-api:1.4.2',
    server: PythonServer.gunicornUvicorn({ app: 'orders.main:app' }),
    health: { liveness: '/livez', readiness: '/readyz' },
    profile: CloudProfile.eks(),
    ...overrides,
  };
}

/** A chart holding one service; returns the chart, the construct and its synthesized objects. */
export function synthService(overrides: Partial<PythonMicroserviceProps> = {}, id = 'orders-api') {
  const chart = testChart();
  const service = new PythonMicroservice(chart, id, baseProps(overrides));
  const objects = Testing.synth(chart);
  return { chart, service, objects };
}

/** The message of the error `fn` throws; fails the test when it throws none. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synthesis to fail');
}

/** Builds constructs in a test chart and returns the synth error (cdk8s prefixes each message with the construct path). */
export function chartError(build: (chart: Chart) => void): string {
  const chart = testChart();
  build(chart);
  return errorOf(() => Testing.synth(chart));
}

/** Synthesizes `overrides` and returns the error thrown by validation (or fails). */
export function synthError(overrides: Partial<PythonMicroserviceProps>, id = 'orders-api'): string {
  return chartError((chart) => new PythonMicroservice(chart, id, baseProps(overrides)));
}

/** The object of `kind` called `name` (or the only one of that kind). */
export function find(objects: any[], kind: string, name?: string): any {
  const matches = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (matches.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${matches.length}`);
  }
  return matches[0];
}

/** The app container of a Deployment. */
export function appContainer(deployment: any): any {
  return deployment.spec.template.spec.containers.find((c: any) => c.name === 'app');
}

/** Env of a container as a name -> value-or-ref map. */
export function envMap(container: any): Record<string, any> {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

/** A profile for each cloud, with identities. */
export const PROFILES: Record<string, ICloudProfile> = {
  eks: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/orders-api' }),
  gke: CloudProfile.gke({ serviceAccount: 'orders-api@acme-prod.iam.gserviceaccount.com' }),
  aks: CloudProfile.aks({ clientId: '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11' }),
};
