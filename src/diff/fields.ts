/**
 * Field-level comparison of two parsed documents: which fields moved, each named
 * by a path such as `spec.template.spec.containers[app].image`.
 */
import { stringify } from 'yaml';
import { editScript } from './text';

/** One field that differs. */
export interface FieldChange {
  /** Path of the field, e.g. `spec.replicas`; '' for the whole document. */
  readonly path: string;
  /** The value before; undefined when the field was absent. */
  readonly before: unknown;
  /** The value after; undefined when the field is absent. */
  readonly after: unknown;
  /** Set when only the order of a list's elements changed; `before` and `after` then list their keys. */
  readonly reordered?: boolean;
}

/** Values up to this many characters are shown whole on one line; longer ones are elided. */
export const INLINE_WIDTH = 100;

/**
 * The keys that identify the elements of a list, in the order tried: the first
 * one every element on both sides has, with distinct values, is used. They are
 * the patch merge keys Kubernetes itself uses for these lists (containers, env,
 * volumes: `name`; volumeMounts: `mountPath`; container ports: `containerPort`;
 * Service ports: `port`; topology spread: `topologyKey`; host aliases: `ip`).
 */
const LIST_KEYS = ['name', 'mountPath', 'containerPort', 'port', 'topologyKey', 'ip'];

/** A field added or removed whole is listed field by field up to this many fields. */
const MAX_EXPANDED = 8;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');

/** Key-order-independent serialization, for equality only. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlain(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** A value on one line in YAML's flow style: `3`, `"3"`, `ghcr.io/acme/api:1.4.2`, `{ name: app, image: … }`. */
export function compact(value: unknown): string {
  if (value === undefined) return '(absent)';
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0, defaultStringType: 'PLAIN' }).trimEnd().replace(/\n\s*/g, ' ');
}

/** The path of `key` under `path`: `.key`, or `["app.kubernetes.io/name"]` when the key is not a plain word. */
export function childPath(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/**
 * Paths to leave out, as the user wrote them: `*` stands for one segment (a key
 * or a list element), `**` for any number; a pattern also covers everything
 * under the field it names (`metadata.annotations`).
 */
export class FieldFilter {
  private readonly patterns: RegExp[];

  public constructor(patterns: readonly string[] = []) {
    this.patterns = patterns.map(
      (p) =>
        new RegExp(
          `^(?:${p
            .split(/(\*\*|\*)/)
            .map((part) => {
              if (part === '**') return '.*';
              if (part === '*') return '[^.[\\]]*';
              return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            })
            .join('')})(?=$|[.[])`,
        ),
    );
  }

  /** Whether the field at `path` (and so everything under it) is left out. */
  public ignores(path: string): boolean {
    return path !== '' && this.patterns.some((p) => p.test(path));
  }
}

const NO_FILTER = new FieldFilter();

/** The fields that differ between two documents, in document order. */
export function diffFields(before: unknown, after: unknown, filter: FieldFilter = NO_FILTER): FieldChange[] {
  const out: FieldChange[] = [];
  diffValue(before, after, '', out, filter);
  return out;
}

function diffValue(before: unknown, after: unknown, path: string, out: FieldChange[], filter: FieldFilter): void {
  if (filter.ignores(path) || canonical(before) === canonical(after)) return;
  if (isPlain(before) && isPlain(after)) return diffMaps(before, after, path, out, filter);
  if (Array.isArray(before) && Array.isArray(after)) return diffLists(before, after, path, out, filter);
  // A field added or removed whole: a long map or keyed list of a few fields (annotations) is shown field
  // by field rather than elided; a larger one (a whole new container) on one line.
  const present = before === undefined ? after : after === undefined ? before : undefined;
  if (present !== undefined && compact(present).length > INLINE_WIDTH) {
    const fields: FieldChange[] = [];
    if (isPlain(present)) diffMaps(isPlain(before) ? before : {}, isPlain(after) ? after : {}, path, fields, filter);
    else if (Array.isArray(present) && listKey(present, []) !== undefined)
      diffLists(Array.isArray(before) ? before : [], Array.isArray(after) ? after : [], path, fields, filter);
    if (fields.length > 0 && fields.length <= MAX_EXPANDED) {
      out.push(...fields);
      return;
    }
  }
  out.push({ path, before, after });
}

function diffMaps(before: Plain, after: Plain, path: string, out: FieldChange[], filter: FieldFilter): void {
  const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !Object.prototype.hasOwnProperty.call(before, k))];
  for (const key of keys) diffValue(before[key], after[key], childPath(path, key), out, filter);
}

/** The key that identifies the elements of both lists, if any. */
function listKey(a: readonly unknown[], b: readonly unknown[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0 || !all.every(isPlain)) return undefined;
  return LIST_KEYS.find((key) =>
    [a, b].every((list) => {
      const values = list.map((e) => (e as Plain)[key]);
      return values.every((v) => typeof v === 'string' || typeof v === 'number') && new Set(values).size === values.length;
    }),
  );
}

function diffLists(before: unknown[], after: unknown[], path: string, out: FieldChange[], filter: FieldFilter): void {
  const key = listKey(before, after);
  if (key !== undefined) return diffKeyedLists(before as Plain[], after as Plain[], key, path, out, filter);
  // Short lists of scalars (a command, a host list) read best whole.
  if ([...before, ...after].every(isScalar) && Math.max(compact(before).length, compact(after).length) <= INLINE_WIDTH) {
    out.push({ path, before, after });
    return;
  }
  if (before.length === after.length) {
    before.forEach((b, i) => diffValue(b, after[i], `${path}[${i}]`, out, filter));
    return;
  }
  // Elements inserted or removed: match equal elements, then pair what is left between them.
  const ops = editScript(before.map(canonical), after.map(canonical));
  let i = 0;
  let j = 0;
  let removed: number[] = [];
  let added: number[] = [];
  const flush = () => {
    const paired = Math.min(removed.length, added.length);
    for (let k = 0; k < paired; k++) diffValue(before[removed[k]], after[added[k]], `${path}[${added[k]}]`, out, filter);
    for (const r of removed.slice(paired)) diffValue(before[r], undefined, `${path}[${r}]`, out, filter);
    for (const a of added.slice(paired)) diffValue(undefined, after[a], `${path}[${a}]`, out, filter);
    removed = [];
    added = [];
  };
  for (const op of ops) {
    if (op.op === ' ') {
      flush();
      i++;
      j++;
    } else if (op.op === '-') {
      removed.push(i++);
    } else {
      added.push(j++);
    }
  }
  flush();
}

function diffKeyedLists(before: Plain[], after: Plain[], key: string, path: string, out: FieldChange[], filter: FieldFilter): void {
  const label = (v: unknown) => `${path}[${key === 'name' ? String(v) : `${key}=${String(v)}`}]`;
  const was = new Map(before.map((e) => [e[key], e]));
  const now = new Map(after.map((e) => [e[key], e]));
  const common = (list: Plain[], other: Map<unknown, Plain>) => list.map((e) => e[key]).filter((k) => other.has(k));
  const orderBefore = common(before, now);
  const orderAfter = common(after, was);
  // Order matters in some lists (env vars referring to earlier ones, init containers): say when it changed.
  if (!filter.ignores(path) && orderBefore.some((k, i) => k !== orderAfter[i]))
    out.push({ path, before: orderBefore, after: orderAfter, reordered: true });
  for (const e of before) diffValue(e, now.get(e[key]), label(e[key]), out, filter);
  for (const e of after) if (!was.has(e[key])) diffValue(undefined, e, label(e[key]), out, filter);
}
