// Compares two trees of synthesized files (relative path -> text) object by
// object, so a reviewer sees "Deployment shop/orders-api changed: image" rather
// than a wall of file renames. Plain Node so `npm run diff` needs no compile.
'use strict';
const YAML = require('yaml');

/** `-941618b32d`: the content hash the library appends to ConfigMap names. */
const HASH_SUFFIX = /-[0-9a-f]{6,}$/;

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Kubernetes objects in `text`, or null when any document is not one (a kustomization.yaml, a workflow). */
function parseObjects(text) {
  let docs;
  try {
    docs = YAML.parseAllDocuments(text);
  } catch {
    return null;
  }
  const objects = [];
  for (const doc of docs) {
    if (doc.errors && doc.errors.length > 0) return null;
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    const named =
      isObject(value) &&
      typeof value.apiVersion === 'string' &&
      typeof value.kind === 'string' &&
      isObject(value.metadata) &&
      typeof value.metadata.name === 'string';
    if (!named) return null;
    objects.push(value);
  }
  return objects.length > 0 ? objects : null;
}

/**
 * How Kubernetes tells objects apart: API group (not version, so a version bump
 * reads as a change), kind, namespace and name.
 */
function objectId(obj) {
  const group = obj.apiVersion.includes('/') ? `${obj.apiVersion.split('/')[0]}/` : '';
  const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
  return `${group}${obj.kind} ${ns}${obj.metadata.name}`;
}

/** Key-order-independent serialization, for equality only. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** Splits a tree into folders (`prod/eks`, `staging`, ...: each file's own folder) holding objects and plain files. */
function index(tree) {
  const folders = new Map();
  const entries = tree instanceof Map ? [...tree] : Object.entries(tree);
  for (const [file, text] of entries) {
    const slash = file.lastIndexOf('/');
    const folder = slash < 0 ? '.' : file.slice(0, slash);
    if (!folders.has(folder)) folders.set(folder, new Map());
    const items = folders.get(folder);
    const objects = parseObjects(text);
    if (!objects) {
      items.set(`file ${file}`, { id: file, file, isObject: false, text });
      continue;
    }
    for (const obj of objects) {
      let id = objectId(obj);
      if (items.has(`object ${id}`)) id = `${id} (${file})`;
      items.set(`object ${id}`, { id, file, isObject: true, obj, text: YAML.stringify(obj, { lineWidth: 0 }) });
    }
  }
  return folders;
}

/** Line-level edit script between two arrays of lines (longest common subsequence). */
function editScript(a, b) {
  const n = a.length;
  const m = b.length;
  if (n * m > 25_000_000) {
    // Too big for the table; show a full replacement rather than nothing.
    return [...a.map((line) => ({ op: '-', line })), ...b.map((line) => ({ op: '+', line }))];
  }
  const lcs = new Array(n + 1);
  for (let i = 0; i <= n; i++) lcs[i] = new Int32Array(m + 1);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      ops.push({ op: '-', line: a[i] });
      i++;
    } else {
      ops.push({ op: '+', line: b[j] });
      j++;
    }
  }
  while (i < n) ops.push({ op: '-', line: a[i++] });
  while (j < m) ops.push({ op: '+', line: b[j++] });
  return ops;
}

const splitLines = (text) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/**
 * A unified diff (`---`/`+++` headers, `@@ -a,n +b,m @@` hunks with `context`
 * lines around each change), or '' when the texts are equal.
 */
function unifiedDiff(before, after, options = {}) {
  const context = options.context ?? 3;
  const ops = editScript(splitLines(before), splitLines(after));
  if (ops.every((o) => o.op === ' ')) return '';
  const out = [`--- ${options.fromLabel ?? 'before'}`, `+++ ${options.toLabel ?? 'after'}`];
  // Positions (1-based) of each op in both texts, to label hunks.
  let aLine = 1;
  let bLine = 1;
  const positioned = ops.map((o) => {
    const entry = { ...o, a: aLine, b: bLine };
    if (o.op !== '+') aLine++;
    if (o.op !== '-') bLine++;
    return entry;
  });
  let k = 0;
  while (k < positioned.length) {
    while (k < positioned.length && positioned[k].op === ' ') k++;
    if (k >= positioned.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    // Extend the hunk while the next change is within 2 * context unchanged lines.
    for (;;) {
      while (end < positioned.length && positioned[end].op !== ' ') end++;
      let next = end;
      while (next < positioned.length && positioned[next].op === ' ') next++;
      if (next < positioned.length && next - end <= 2 * context) {
        end = next;
        continue;
      }
      end = Math.min(positioned.length, end + context);
      break;
    }
    const hunk = positioned.slice(start, end);
    const aCount = hunk.filter((o) => o.op !== '+').length;
    const bCount = hunk.filter((o) => o.op !== '-').length;
    const aStart = aCount === 0 ? hunk[0].a - 1 : hunk.find((o) => o.op !== '+').a;
    const bStart = bCount === 0 ? hunk[0].b - 1 : hunk.find((o) => o.op !== '-').b;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const o of hunk) out.push(`${o.op}${o.line}`);
    k = end;
  }
  return `${out.join('\n')}\n`;
}

/** Pairs a removed and an added object that differ only by a content hash in the name. */
function pairRenames(removed, added) {
  const pairs = [];
  const stem = (e) => (e.isObject ? e.id.replace(HASH_SUFFIX, '') : null);
  for (const r of [...removed]) {
    const s = stem(r);
    if (!s) continue;
    const sameStemRemoved = removed.filter((x) => stem(x) === s);
    const sameStemAdded = added.filter((x) => stem(x) === s);
    if (sameStemRemoved.length === 1 && sameStemAdded.length === 1) {
      pairs.push([r, sameStemAdded[0]]);
      removed.splice(removed.indexOf(r), 1);
      added.splice(added.indexOf(sameStemAdded[0]), 1);
    }
  }
  return pairs;
}

/**
 * Compares two trees of files (relative path -> text), folder by folder.
 *
 * Files that hold Kubernetes objects are compared object by object, whatever
 * the file names; other files (kustomization.yaml, workflows, Dockerfiles) as text.
 * @returns `{ identical, folders: [{ name, added, removed, changed, unchanged }] }`
 */
function diffTrees(before, after) {
  const b = index(before);
  const a = index(after);
  const names = [...new Set([...b.keys(), ...a.keys()])].sort();
  const folders = names.map((name) => {
    const old = b.get(name) ?? new Map();
    const now = a.get(name) ?? new Map();
    const removed = [...old].filter(([key]) => !now.has(key)).map(([, e]) => e);
    const added = [...now].filter(([key]) => !old.has(key)).map(([, e]) => e);
    const changed = [];
    let unchanged = 0;
    for (const [key, was] of old) {
      const is = now.get(key);
      if (!is) continue;
      const same = was.isObject ? canonical(was.obj) === canonical(is.obj) : was.text === is.text;
      if (same) {
        unchanged++;
        continue;
      }
      changed.push({
        id: is.id,
        beforeFile: was.file,
        afterFile: is.file,
        diff: unifiedDiff(was.text, is.text, { fromLabel: `a/${was.file}`, toLabel: `b/${is.file}` }),
      });
    }
    for (const [was, is] of pairRenames(removed, added)) {
      changed.push({
        id: is.id,
        renamedFrom: was.id,
        beforeFile: was.file,
        afterFile: is.file,
        diff: unifiedDiff(was.text, is.text, { fromLabel: `a/${was.file}`, toLabel: `b/${is.file}` }),
      });
    }
    const byId = (x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
    return { name, added: added.sort(byId), removed: removed.sort(byId), changed: changed.sort(byId), unchanged };
  });
  const identical = folders.every((f) => f.added.length === 0 && f.removed.length === 0 && f.changed.length === 0);
  return { identical, folders };
}

/** A readable report of {@link diffTrees}' result; `prefix` names the compared folder, e.g. `dist/`. */
function formatReport(result, options = {}) {
  const prefix = options.prefix ?? '';
  const lines = [];
  for (const f of result.folders) {
    const label = `${prefix}${f.name === '.' ? '' : f.name}`;
    if (f.added.length + f.removed.length + f.changed.length === 0) {
      lines.push(`${label}: identical (${f.unchanged} unchanged)`);
      continue;
    }
    lines.push(`${label}: ${f.changed.length} changed, ${f.added.length} added, ${f.removed.length} removed, ${f.unchanged} unchanged`);
    for (const e of f.removed) lines.push(`  - ${e.id}${e.isObject ? `  (${e.file})` : ''}`);
    for (const e of f.added) lines.push(`  + ${e.id}${e.isObject ? `  (${e.file})` : ''}`);
    for (const c of f.changed) {
      lines.push(`  ~ ${c.renamedFrom ? `${c.renamedFrom} -> ${c.id}` : c.id}`);
      lines.push(
        ...c.diff
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `      ${l}`),
      );
    }
  }
  lines.push(result.identical ? 'No differences.' : 'Differences found.');
  return `${lines.join('\n')}\n`;
}

module.exports = { diffTrees, formatReport, unifiedDiff, parseObjects, objectId };
