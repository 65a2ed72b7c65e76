/**
 * The runtime shapes of the props are generated from the interfaces
 * (scripts/generate-prop-shapes.ts, the TypeScript compiler over the sources):
 * the committed modules must be what the generator writes now, and the
 * generator must map each kind of type as `checkShape` expects. Integration: each
 * test builds a compiler program; props-shapes.test.ts checks the committed shapes.
 */
import { GeneratedModule, generatePropShapes, run } from '../scripts/generate-prop-shapes';

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
