import { Duration } from 'cdk8s';
import { closest } from './spelling';
import { IssueCollector, PropIssue } from './validation';

/**
 * The shape of a props interface, checked at the construct's boundary for users
 * whom TypeScript does not protect (plain JavaScript, `as any`, Python later):
 * a misspelled prop would otherwise be ignored without a word, and a wrong type
 * would fail deep inside (`x.toSeconds is not a function`).
 *
 * The shapes are generated from the interfaces (`npm run generate`, which
 * `scripts/generate-prop-shapes.ts` runs): each folder's `shapes.generated.ts`
 * holds the ones its code names as `SHAPES.<Interface>`.
 */
export type PropKind = 'string' | 'number' | 'boolean' | 'duration' | 'array' | 'map' | 'object' | 'string|false';

/** A props interface: each key's kind, or the shape of a nested props interface. */
export interface PropShape {
  readonly [key: string]: PropKind | PropShape;
}

const EXPECTED: Record<PropKind, string> = {
  string: 'a string',
  number: 'a finite number',
  boolean: 'true or false',
  duration: 'a Duration (e.g. Duration.seconds(30), from cdk8s)',
  array: 'a list',
  map: 'an object of names to values',
  object: 'an object',
  'string|false': 'a string, or false',
};

function kindOk(kind: PropKind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'duration':
      return v instanceof Duration;
    case 'array':
      return Array.isArray(v);
    case 'map':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'object':
      return (typeof v === 'object' && v !== null) || typeof v === 'function';
    case 'string|false':
      return typeof v === 'string' || v === false;
  }
}

/** `Did you mean 'x'? ` when `value` is a string close to one of `allowed` (a typo, another case, `_` for `-`), else ''. */
export function didYouMean(value: unknown, allowed: readonly string[]): string {
  if (typeof value !== 'string') return '';
  const normal = (v: string) => v.toLowerCase().replace(/[_\s]/g, '-');
  const found = allowed.find((a) => normal(a) === normal(value)) ?? closest(value, allowed);
  return found !== undefined && found !== value ? `Did you mean '${found}'? ` : '';
}

/**
 * Checks `props` against `shape`: every key must be known, every value of its
 * kind. Returns a copy without the values that are of the wrong kind, so that
 * the construct can still resolve the rest (and report every mistake at once)
 * without crashing on them.
 */
export function checkShape<T>(props: T, shape: PropShape, what: string, issues: PropIssue[], prefix = ''): T {
  if (props === undefined || props === null) return props;
  if (typeof props !== 'object' || Array.isArray(props)) {
    issues.push({
      prop: prefix || 'props',
      rule: `must be an object of ${what}`,
      received: props,
      fix: "Pass an object literal, e.g. { image: '...', ... }.",
    });
    return {} as T;
  }
  const known = Object.keys(shape);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(props as object)) {
    const value = (props as Record<string, unknown>)[key];
    const prop = prefix ? `${prefix}.${key}` : key;
    const spec = shape[key];
    if (spec === undefined || !Object.prototype.hasOwnProperty.call(shape, key)) {
      const near = closest(key, known);
      issues.push({
        prop,
        rule: `is not a prop of ${what}, so it would be ignored`,
        received: value,
        fix: near ? `Did you mean '${prefix ? `${prefix}.` : ''}${near}'?` : `Remove it; the props are ${known.join(', ')}.`,
      });
      continue;
    }
    if (value === undefined) {
      out[key] = value;
    } else if (typeof spec === 'string') {
      if (kindOk(spec, value)) out[key] = value;
      else issues.push({ prop, rule: `must be ${EXPECTED[spec]}`, received: value, fix: fixFor(spec, value) });
    } else if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ prop, rule: 'must be an object', received: value, fix: `Pass { ${Object.keys(spec).slice(0, 3).join(', ')}, ... }.` });
    } else {
      out[key] = checkShape(value, spec, `${what}.${key}`, issues, prop);
    }
  }
  return out as T;
}

function fixFor(kind: PropKind, value: unknown): string {
  if (kind === 'duration' && typeof value === 'number') return `Use Duration.seconds(${value}) (import { Duration } from 'cdk8s').`;
  if (kind === 'duration' && typeof value === 'string')
    return "Use Duration.seconds(...), Duration.minutes(...) (import { Duration } from 'cdk8s').";
  if (kind === 'number' && typeof value === 'string' && Number.isFinite(Number(value)))
    return `Write the number without quotes: ${Number(value)}.`;
  if (kind === 'string' && typeof value === 'number') return `Quote it: '${value}'.`;
  return `Pass ${EXPECTED[kind]}.`;
}

/** `props` checked against the shape of its interface (unknown keys, wrong kinds), issues recorded; see {@link checkShape}. */
export function checkedProps<T>(props: T, shape: PropShape, construct: string, issues: IssueCollector): T {
  const found: PropIssue[] = [];
  const checked = checkShape(props, shape, construct, found);
  issues.addAll(found);
  return checked;
}
