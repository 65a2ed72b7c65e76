/**
 * The runtime shapes of the props are generated from the interfaces
 * (scripts/generate-prop-shapes.ts): the committed modules hold the real
 * interfaces, and a singleton refuses a worker's props with the reason. That
 * they are what the generator writes now, and how the generator maps each kind
 * of type, is in props-shapes-generator.test.ts (integration: it runs the
 * TypeScript compiler over the sources).
 */
import { Testing } from 'cdk8s';
import { SHAPES } from '../constructs/workloads/shapes.generated';
import { SHAPES as PROFILE_SHAPES } from '../constructs/profiles/shapes.generated';
import { PythonMicroservice, PythonSingleton, WorkerCommand } from '../src';
import { baseProps, errorOf } from './support/synth';
import { testChart } from './support/cdk8s-testing';

describe('the committed shapes', () => {
  test('hold the interfaces the constructs and the profiles check, each folder its own', () => {
    expect(Object.keys(SHAPES).sort()).toEqual([
      'PythonCronJobProps',
      'PythonMicroserviceProps',
      'PythonMigrationProps',
      'PythonSetupJobProps',
      'PythonSingletonProps',
      'PythonStatefulSetProps',
      'PythonWorkerProps',
      'RestrictedNamespaceProps',
    ]);
    expect(Object.keys(PROFILE_SHAPES).sort()).toEqual(['AksProfileOptions', 'EksProfileOptions', 'GkeProfileOptions']);
  });

  test('map the props of the real interfaces: nested interfaces, a Duration, string|false, an enum, value objects, maps', () => {
    const service = SHAPES.PythonMicroserviceProps;
    expect(service.resources).toEqual({
      cpu: 'string',
      memory: 'string',
      cpuLimit: 'string|false',
      memoryLimit: 'string',
      ephemeralStorage: 'string',
    });
    expect(service.drainDelay).toBe('duration');
    expect(service.exposure).toBe('string');
    expect(service.profile).toBe('object');
    expect(service.server).toBe('object');
    expect(service.config).toBe('map');
    expect(service.ingress).toEqual({
      host: 'string',
      path: 'string',
      tls: 'object',
      gateway: { name: 'string', namespace: 'string', sectionName: 'string' },
    });
    // inherited from PrometheusOperatorOptions, and a nested options interface
    expect(PROFILE_SHAPES.EksProfileOptions).toMatchObject({
      prometheusNamespace: 'string',
      keda: { namespace: 'string', serviceAccount: 'string' },
    });
  });
});

describe('a singleton refuses the props of a worker with the reason', () => {
  const singletonError = (props: object): string => {
    const chart = testChart();
    const app = new PythonMicroservice(chart, 'svc', baseProps());
    new PythonSingleton(chart, 'beat', { app, command: WorkerCommand.command(['celery', 'beat']), ...props } as never);
    return errorOf(() => Testing.synth(chart));
  };

  test('replicas other than 1, whatever their type', () => {
    // GIVEN replicas as a string WHEN synthesized THEN the singleton's rule, not a type error about a prop it refuses anyway
    const message = singletonError({ replicas: 'two' });
    expect(message).toContain(
      '[test/beat] \'replicas\' must be 1 on a singleton; received "two". Remove it; a singleton always runs one replica.',
    );
    expect(message).not.toContain('finite number');
  });

  test('an autoscaler, even a misspelled one, without remarks on its fields', () => {
    const message = singletonError({ queueAutoscaling: { minReplcas: 0 } });
    expect(message).toContain("[test/beat] 'queueAutoscaling' must not be set on a singleton");
    expect(message).not.toContain("'queueAutoscaling.minReplcas'");
  });

  test('an unknown prop is still unknown, and no refused prop is suggested for it', () => {
    const message = singletonError({ replica: 1 });
    expect(message).toContain(
      "[test/beat] 'replica' is not a prop of PythonSingleton, so it would be ignored; received 1. Remove it; the props are app, command,",
    );
    expect(message).not.toContain("Did you mean 'replicas'");
  });
});
