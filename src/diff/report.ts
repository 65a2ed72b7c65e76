/** The comparison of two trees as text that reads like a plan: what is added, replaced, changed or removed. */
import { FieldChange, INLINE_WIDTH, canonical, compact } from './fields';
import { unifiedHunks } from './text';
import { ChangeKind, FolderDiff, ItemChange, TreeDiff } from './tree';

/** Options of {@link formatReport}. */
export interface ReportOptions {
  /** Put before each folder name, e.g. `dist/`. */
  readonly prefix?: string;
}

/** Lines of a text diff shown per field or file; the rest is counted. */
const MAX_TEXT_LINES = 60;

const SYMBOL: Record<ChangeKind, string> = {
  [ChangeKind.ADDED]: '+',
  [ChangeKind.REMOVED]: '-',
  [ChangeKind.CHANGED]: '~',
  [ChangeKind.REPLACED]: '-/+',
};

/** A label or annotation key, as the last segment of a field path: `metadata.labels["app.kubernetes.io/version"]`. */
const METADATA_KEY = /(?:^|\.)(labels|annotations)(?:\[("(?:[^"\\]|\\.)*")\]|\.([A-Za-z_$][\w$-]*))$/;

/**
 * A value on one line, shortened when it is long: a string loses its middle (its
 * ends, a registry and a tag, are what differ); a map or list keeps as many of
 * its first entries as fit, each shortened the same way, and counts the rest.
 */
export function shown(value: unknown, width = INLINE_WIDTH): string {
  const text = compact(value);
  if (text.length <= width) return text;
  if (typeof value !== 'object' || value === null) {
    const half = Math.max(1, Math.floor((width - 3) / 2));
    return `${text.slice(0, half)} … ${text.slice(-half)}`;
  }
  const entries: Array<[string | undefined, unknown]> = Array.isArray(value) ? value.map((v) => [undefined, v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  // Room kept for the brackets and ", … N more".
  let room = width - 16;
  const parts: string[] = [];
  for (const [key, v] of entries) {
    const prefix = key === undefined ? '' : `${compact(key)}: `;
    const budget = room - prefix.length - (parts.length > 0 ? 2 : 0);
    if (budget < 8) break;
    let inner = shown(v, budget);
    if (inner.length > budget) inner = Array.isArray(v) ? '[…]' : typeof v === 'object' && v !== null ? '{…}' : inner.slice(0, budget);
    parts.push(`${prefix}${inner}`);
    room -= prefix.length + inner.length + (parts.length > 1 ? 2 : 0);
  }
  const rest = entries.length - parts.length;
  return `${open} ${[...parts, ...(rest > 0 ? [`… ${rest} more`] : [])].join(', ')} ${close}`;
}

const isText = (v: unknown) => typeof v === 'string' || v === undefined;

function fieldLines(f: FieldChange, indent: string): string[] {
  const name = f.path === '' ? '' : `${f.path}: `;
  if (f.reordered) return [`${indent}${name}order ${shown(f.before)} → ${shown(f.after)}`];
  const multiline = [f.before, f.after].some((v) => typeof v === 'string' && v.includes('\n'));
  if (multiline && isText(f.before) && isText(f.after)) {
    const hunks = unifiedHunks((f.before as string | undefined) ?? '', (f.after as string | undefined) ?? '', 2);
    const head =
      f.path === '' ? [] : [`${indent}${f.path}: text ${f.before === undefined ? 'added' : f.after === undefined ? 'removed' : 'changed'}`];
    const inner = f.path === '' ? indent : `${indent}  `;
    const body = hunks.slice(0, MAX_TEXT_LINES).map((l) => `${inner}${l}`);
    if (hunks.length > MAX_TEXT_LINES) body.push(`${inner}… ${hunks.length - MAX_TEXT_LINES} more lines`);
    return [...head, ...body];
  }
  return [`${indent}${name}${shown(f.before)} → ${shown(f.after)}`];
}

function itemLines(c: ItemChange): string[] {
  const fields = c.fields.flatMap((f) => fieldLines(f, '      '));
  if (c.kind === ChangeKind.REPLACED) {
    const space = c.label.indexOf(' ');
    const old = c.kept ? 'kept as release history' : 'removed';
    return [
      `  ${SYMBOL[c.kind]} ${c.replaces} → ${c.label.slice(space + 1)} (replaced: the name holds a hash of the content, so a new ${c.label.slice(0, space)} is created and the old one ${old})`,
      ...fields,
    ];
  }
  const kept = c.kept ? '; kept in the cluster as release history' : '';
  const where = c.isObject && c.kind !== ChangeKind.CHANGED ? `  (${c.file.slice(c.file.lastIndexOf('/') + 1)}${kept})` : '';
  return [`  ${SYMBOL[c.kind]} ${c.label}${where}`, ...fields, ...(c.refused ? [`      ! ${c.refused}`] : [])];
}

const count = (n: number, what: string) => `${n} ${what}`;
const objects = (n: number) => count(n, n === 1 ? 'object' : 'objects');

/** `1 added, 2 changed, 35 unchanged`: the counts that are not zero, and the unchanged ones. */
function tally(changes: readonly ItemChange[], unchanged?: number): string {
  const parts = [ChangeKind.ADDED, ChangeKind.REPLACED, ChangeKind.CHANGED, ChangeKind.REMOVED]
    .map((k) => [k, changes.filter((c) => c.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => count(n, k));
  if (unchanged !== undefined) parts.push(count(unchanged, 'unchanged'));
  return parts.join(', ');
}

/**
 * A label or annotation that moved the same way on several objects (the version
 * label of every object of a service whose image changed) is said once for the
 * folder; objects with no other change are then only counted.
 */
function foldShared(changes: readonly ItemChange[]): { shared: string[]; changes: ItemChange[]; onlyShared: number } {
  const groups = new Map<string, { line: string; items: Set<ItemChange> }>();
  const keyOf = (f: FieldChange): string | undefined => {
    const m = METADATA_KEY.exec(f.path);
    if (!m || f.reordered) return undefined;
    const key = m[2] !== undefined ? (JSON.parse(m[2]) as string) : m[3];
    return JSON.stringify([m[1], key, canonical(f.before), canonical(f.after)]);
  };
  for (const c of changes) {
    for (const f of c.fields) {
      const key = keyOf(f);
      if (key === undefined) continue;
      const [which, name] = JSON.parse(key) as string[];
      const group = groups.get(key) ?? {
        line: `${which === 'labels' ? 'label' : 'annotation'} ${name}: ${shown(f.before)} → ${shown(f.after)}`,
        items: new Set(),
      };
      group.items.add(c);
      groups.set(key, group);
    }
  }
  const folded = new Set([...groups].filter(([, g]) => g.items.size > 1).map(([key]) => key));
  if (folded.size === 0) return { shared: [], changes: [...changes], onlyShared: 0 };
  const shared = [...folded].map((key) => `  ~ ${groups.get(key)!.line}, on ${objects(groups.get(key)!.items.size)}`);
  const rest = changes.map((c) => ({ ...c, fields: c.fields.filter((f) => !folded.has(keyOf(f) ?? '')) }));
  const kept = rest.filter((c) => c.fields.length > 0 || c.kind !== ChangeKind.CHANGED);
  return { shared, changes: kept, onlyShared: rest.length - kept.length };
}

/** The report of one folder. */
export function formatFolder(f: FolderDiff, label: string): string[] {
  if (f.changes.length === 0) return [`${label}: no changes (${count(f.unchanged, 'unchanged')})`];
  const { shared, changes, onlyShared } = foldShared(f.changes);
  const lines = [`${label}: ${tally(f.changes, f.unchanged)}`, ...shared];
  if (onlyShared > 0) lines.push(`    (for ${onlyShared} of them, the only change)`);
  return [...lines, ...changes.flatMap(itemLines)];
}

/** The report of a comparison: each folder, then one summary line. */
export function formatReport(result: TreeDiff, options: ReportOptions = {}): string {
  const prefix = options.prefix ?? '';
  const lines = result.folders.flatMap((f) => formatFolder(f, f.name === '.' ? prefix.replace(/\/$/, '') || '.' : `${prefix}${f.name}`));
  const all = result.folders.flatMap((f) => f.changes);
  const differing = result.folders.filter((f) => f.changes.length > 0).length;
  const folders = count(result.folders.length, result.folders.length === 1 ? 'folder' : 'folders');
  lines.push(result.identical ? `No differences in ${folders}.` : `Differences: ${tally(all)}, in ${differing} of ${folders}.`);
  return `${lines.join('\n')}\n`;
}
