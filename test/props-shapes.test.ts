/**
 * The runtime shapes of the props are generated from the interfaces
 * (scripts/generate-prop-shapes.ts): the committed modules must be what the
 * generator writes now, and the generator must map each kind of type as
 * `checkShape` expects.
 */
import { Testing } from 'cdk8s';
import { GeneratedModule, generatePropShapes, run } from '../scripts/generate-prop-shapes';
import { SHAPES } from '../constructs/workloads/shapes.generated';
import { SHAPES as PROFILE_SHAPES } from '../constructs/profiles/shapes.generated';
import { PythonMicroservice, PythonSingleton, WorkerCommand } from '../src';
import { baseProps, errorOf } from './support/synth';

describe('the committed shapes', () => {
  test('are what `npm run generate` writes from the interfaces now', () => {
    // GIVEN the interfaces as they are WHEN the generator runs without writing
    const stale = run(true);
    // THEN nothing differs (a new prop without regenerating fails here)
    expect({ stale, fix: stale.length > 0 ? 'run `npm run generate` and commit the result' : undefined }).toEqual({
      stale: [],
      fix: undefined,
    });
  });

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

describe('the generator', () => {
  const FIXTURE = 'test/fixtures/shapes';
  const generate = (props: string, use = 'SHAPES.FixtureProps'): GeneratedModule[] =>
    generatePropShapes({
      entry: `${FIXTURE}/index.ts`,
      sources: {
        [`${FIXTURE}/index.ts`]: "export * from './props';\nexport * from './use';\n",
        [`${FIXTURE}/props.ts`]: `import { Duration } from 'cdk8s';\n${props}`,
        [`${FIXTURE}/use.ts`]: `import { SHAPES } from './shapes.generated';\nexport const used = ${use};\n`,
      },
    });

  test('maps each kind of type, nested interfaces first, in declaration order', () => {
    // GIVEN an interface with every kind of prop
    const props = `
      export enum Mode { A = 'a', B = 'b' }
      export class Thing { private constructor() {} }
      export interface IThing { readonly id: string }
      export interface Nested { readonly depth?: number; readonly inner?: { readonly on: boolean } }
      export interface BaseProps { readonly inherited?: string }
      export interface FixtureProps extends BaseProps {
        readonly text?: string; readonly choice?: 'x' | 'y'; readonly mode?: Mode; readonly count: number; readonly flag?: boolean;
        readonly wait?: Duration; readonly list?: string[]; readonly frozen?: readonly Thing[]; readonly labels?: Record<string, string>;
        readonly headers?: { readonly [name: string]: string }; readonly thing?: Thing; readonly ithing?: IThing; readonly nested?: Nested;
        readonly limit?: string | false;
      }`;
    // WHEN the generator runs
    const [module] = generate(props);
    // THEN one module, next to the file that names SHAPES, with every kind mapped
    expect(module.file).toBe(`${FIXTURE}/shapes.generated.ts`);
    expect(module.text).toContain("import type { PropShape } from '../../../constructs/core/props';");
    expect(module.text).toContain(
      [
        'const Nested: PropShape = {',
        "  depth: 'number',",
        '  inner: {',
        "    on: 'boolean',",
        '  },',
        '};',
        '',
        'const FixtureProps: PropShape = {',
        "  text: 'string',",
        "  choice: 'string',",
        "  mode: 'string',",
        "  count: 'number',",
        "  flag: 'boolean',",
        "  wait: 'duration',",
        "  list: 'array',",
        "  frozen: 'array',",
        "  labels: 'map',",
        "  headers: 'map',",
        "  thing: 'object',",
        "  ithing: 'object',",
        '  nested: Nested,',
        "  limit: 'string|false',",
        "  inherited: 'string',",
        '};',
      ].join('\n'),
    );
    expect(module.text).toMatch(/export const SHAPES = \{\n {2}FixtureProps,\n\} as const;\n$/);
  });

  test('stops at a type it has no kind for, naming the prop', () => {
    expect(() => generate('export interface FixtureProps { readonly port?: number | string }')).toThrow(
      "FixtureProps.port: no prop kind for the union 'string | number'",
    );
    expect(() => generate('export interface FixtureProps { readonly hook?: () => void }')).toThrow(
      'FixtureProps.hook: a function-valued prop has no runtime shape',
    );
  });

  test('stops at a name no exported interface has, naming where it is used', () => {
    expect(() => generate('export interface FixtureProps { readonly a?: string }', 'SHAPES.FixturePrps')).toThrow(
      `${FIXTURE}/use.ts:2: SHAPES.FixturePrps names no interface exported by ${FIXTURE}/index.ts`,
    );
  });
});

describe('a singleton refuses the props of a worker with the reason', () => {
  const singletonError = (props: object): string => {
    const chart = Testing.chart();
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
