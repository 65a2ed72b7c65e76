/**
 * Compares two trees of synthesized files (relative path → text), folder by
 * folder: files that hold Kubernetes objects object by object, whatever the file
 * names; other YAML files (a kustomization, a workflow) field by field; the rest
 * (a Dockerfile) line by line.
 */
import { parseAllDocuments } from 'yaml';
import { RELEASE_HISTORY_LABEL } from '../../constructs/delivery/retention';
import { PLAN_FILE } from '../plan/markdown';
import { FieldChange, FieldFilter, diffFields } from './fields';
import { refusedUpdate } from './immutable';

/** Relative path ('/'-separated) to file text. */
export type Tree = ReadonlyMap<string, string>;

/** What happened to one object or file. */
export enum ChangeKind {
  /** Present after only. */
  ADDED = 'added',
  /** Present before only. */
  REMOVED = 'removed',
  /** Present on both sides, with different content. */
  CHANGED = 'changed',
  /**
   * A new name that differs from the old one only by a content hash (a
   * ConfigMap, a migration Job, its wait Role `<job>-wait`): the new object
   * replaces the old one.
   */
  REPLACED = 'replaced',
}

/** One object or file that differs. */
export interface ItemChange {
  readonly kind: ChangeKind;
  /** `Deployment shop/orders-api` for an object, the file name otherwise. */
  readonly label: string;
  /** For a replacement, the label of the object it replaces. */
  readonly replaces?: string;
  /** The file the item is in (after; before for a removal), relative to the tree. */
  readonly file: string;
  /** The fields that moved (changed and replaced items); one change with path '' for a text file. */
  readonly fields: FieldChange[];
  /** Whether the item is a Kubernetes object. */
  readonly isObject: boolean;
  /**
   * For a replaced or removed object: the old one is in the release history
   * (labelled `pyservice.dev/release-history`), which Argo CD, Flux and the
   * documented `kubectl apply --prune` leave in the cluster.
   */
  readonly kept?: boolean;
  /** For a changed object: the API server refuses the update, why, and how to deliver it anyway. */
  readonly refused?: string;
}

/** The comparison of one folder. */
export interface FolderDiff {
  /** The folder, relative to the tree; '.' for the top. */
  readonly name: string;
  /** Differences, ordered by label. */
  readonly changes: ItemChange[];
  /** Objects and files that are the same on both sides. */
  readonly unchanged: number;
}

/** The comparison of two trees. */
export interface TreeDiff {
  readonly identical: boolean;
  readonly folders: FolderDiff[];
}

/** Options of a comparison. */
export interface DiffOptions {
  /** Field paths to leave out (see {@link FieldFilter}). */
  readonly ignore?: readonly string[];
}

/** An object or a file, as read from one side. */
interface Item {
  /** Identity: `object <group>/<Kind> <namespace>/<name>`, or `file <name>`. */
  readonly key: string;
  readonly label: string;
  readonly file: string;
  readonly isObject: boolean;
  /** The parsed content; a string for a text file. */
  readonly value: unknown;
  /** For an object whose name holds a content hash, its identity with the hash left out. */
  readonly stem?: string;
}

/**
 * A content hash the library puts in names (a ConfigMap's data, a migration
 * Job's pod template): a dash-separated segment of at least six hex digits with
 * one digit among them.
 */
const HASH_SEGMENT = /^(?=[0-9a-f]*[0-9])[0-9a-f]{6,}$/;

/**
 * `name` with its last content hash replaced by `#`, or undefined: the hash
 * ends the name (`orders-api-config-941618b32d`) or is followed by a fixed
 * suffix (`orders-migrate-6eff90a9-wait`, the Role named after a Job).
 */
function hashStem(name: string): string | undefined {
  const segments = name.split('-');
  for (let i = segments.length - 1; i > 0; i--) {
    if (HASH_SEGMENT.test(segments[i])) return [...segments.slice(0, i), '#', ...segments.slice(i + 1)].join('-');
  }
  return undefined;
}

/** Whether an object is in the release history (see constructs/gitops/retention.ts). */
const isKept = (item: Item): boolean =>
  isPlain(item.value) &&
  isPlain(item.value.metadata) &&
  isPlain(item.value.metadata.labels) &&
  item.value.metadata.labels[RELEASE_HISTORY_LABEL] === 'true';

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `value` is a Kubernetes object: apiVersion, kind and a metadata.name. */
function isKubeObject(value: unknown): value is { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
  return (
    isPlain(value) &&
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    isPlain(value.metadata) &&
    typeof value.metadata.name === 'string'
  );
}

/** The items of one file: its objects, or the file itself. */
function itemsOf(file: string, text: string): Item[] {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const asFile = (value: unknown): Item[] => [{ key: `file ${name}`, label: name, file, isObject: false, value }];
  if (!/\.(ya?ml|json)$/i.test(file)) return asFile(text);
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return asFile(text);
  const values = docs.map((d) => d.toJS({ maxAliasCount: -1 }) as unknown).filter((v) => v !== null && v !== undefined);
  if (values.length === 0 || !values.every(isKubeObject)) return asFile(values.length === 1 ? values[0] : values);
  return values.map((obj) => {
    const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
    const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
    const id = `${group}/${obj.kind} ${ns}`;
    const stem = hashStem(obj.metadata.name);
    return {
      key: `object ${id}${obj.metadata.name}`,
      label: `${obj.kind} ${ns}${obj.metadata.name}`,
      file,
      isObject: true,
      value: obj,
      stem: stem === undefined ? undefined : `${id}${stem}`,
    };
  });
}

/** The items of a list of files, by key; a second object with the same identity keeps its file in the key. */
function index(files: ReadonlyArray<readonly [string, string]>): Map<string, Item> {
  const items = new Map<string, Item>();
  for (const [file, text] of files) {
    for (const item of itemsOf(file, text)) {
      const key = items.has(item.key) ? `${item.key} (${file})` : item.key;
      items.set(key, items.has(item.key) ? { ...item, key, label: `${item.label} (${file})` } : item);
    }
  }
  return items;
}

const byLabel = (a: ItemChange, b: ItemChange) =>
  a.label < b.label ? -1 : a.label > b.label ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;

/**
 * Compares two sets of files as one folder: items are matched by identity, an
 * object whose name changed only by its content hash is a replacement.
 */
export function diffItems(
  before: ReadonlyArray<readonly [string, string]>,
  after: ReadonlyArray<readonly [string, string]>,
  options: DiffOptions = {},
): { changes: ItemChange[]; unchanged: number } {
  const filter = new FieldFilter(options.ignore);
  const was = index(before);
  const now = index(after);
  const changes: ItemChange[] = [];
  let unchanged = 0;
  const compare = (old: Item, item: Item): FieldChange[] => {
    if (typeof old.value === 'string' || typeof item.value === 'string') {
      return old.value === item.value ? [] : [{ path: '', before: old.value, after: item.value }];
    }
    return diffFields(old.value, item.value, filter);
  };
  for (const [key, old] of was) {
    const item = now.get(key);
    if (!item) continue;
    const fields = compare(old, item);
    if (fields.length === 0) unchanged++;
    else {
      const refused = item.isObject ? refusedUpdate(old.value as Parameters<typeof refusedUpdate>[0], fields) : undefined;
      changes.push({
        kind: ChangeKind.CHANGED,
        label: item.label,
        file: item.file,
        fields,
        isObject: item.isObject,
        ...(refused ? { refused } : {}),
      });
    }
  }
  const removed = [...was.values()].filter((i) => !now.has(i.key));
  const added = [...now.values()].filter((i) => !was.has(i.key));
  const pairedOut = new Set<Item>();
  for (const old of removed) {
    if (old.stem === undefined) continue;
    const olds = removed.filter((r) => r.stem === old.stem);
    const news = added.filter((a) => a.stem === old.stem);
    if (olds.length !== 1 || news.length !== 1) continue;
    const item = news[0];
    // The new name is in the label, so a field that only carries the name (a label equal to it) says nothing more.
    const [oldName, newName] = [old, item].map((i) => (i.value as { metadata: { name: string } }).metadata.name);
    const fields = diffFields(old.value, item.value, filter).filter((f) => !(f.before === oldName && f.after === newName));
    changes.push({
      kind: ChangeKind.REPLACED,
      label: item.label,
      replaces: old.label,
      file: item.file,
      fields,
      isObject: true,
      ...(isKept(old) ? { kept: true } : {}),
    });
    pairedOut.add(old).add(item);
  }
  for (const old of removed) {
    if (!pairedOut.has(old))
      changes.push({
        kind: ChangeKind.REMOVED,
        label: old.label,
        file: old.file,
        fields: [],
        isObject: old.isObject,
        ...(isKept(old) ? { kept: true } : {}),
      });
  }
  for (const item of added)
    if (!pairedOut.has(item))
      changes.push({ kind: ChangeKind.ADDED, label: item.label, file: item.file, fields: [], isObject: item.isObject });
  return { changes: changes.sort(byLabel), unchanged };
}

/** The folder of a file: everything before its last '/', or '.'. */
const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.');

/**
 * A tree without the plans of its targets (a `PLAN.md` beside a
 * kustomization.yaml): a plan summarizes the objects the diff compares one by
 * one, and the CI workflow shows it beside the diff.
 */
export function withoutPlans(tree: Tree): Tree {
  return new Map([...tree].filter(([file]) => !(file.endsWith(PLAN_FILE) && isPlan(tree, file))));
}

const isPlan = (tree: Tree, file: string) => {
  const folder = folderOf(file);
  return (
    file === (folder === '.' ? PLAN_FILE : `${folder}/${PLAN_FILE}`) &&
    tree.has(folder === '.' ? 'kustomization.yaml' : `${folder}/kustomization.yaml`)
  );
};

/**
 * Compares two trees folder by folder (each file's own folder: `prod/east`,
 * `container/orders-api`, `ci`), the targets' plans aside.
 */
export function diffTrees(before: Tree, after: Tree, options: DiffOptions = {}): TreeDiff {
  const group = (tree: Tree) => {
    const folders = new Map<string, Array<[string, string]>>();
    for (const [file, text] of withoutPlans(tree)) {
      const folder = folderOf(file);
      folders.set(folder, [...(folders.get(folder) ?? []), [file, text]]);
    }
    return folders;
  };
  const b = group(before);
  const a = group(after);
  const names = [...new Set([...b.keys(), ...a.keys()])].sort();
  const folders = names.map((name) => ({ name, ...diffItems(b.get(name) ?? [], a.get(name) ?? [], options) }));
  return { identical: folders.every((f) => f.changes.length === 0), folders };
}

/** The files directly in `folder` of a tree, with their paths relative to it; a target's plan aside. */
export function filesIn(tree: Tree, folder: string): Array<[string, string]> {
  return [...withoutPlans(tree)].filter(([file]) => folderOf(file) === folder).map(([file, text]) => [file.slice(folder.length + 1), text]);
}

/** The folders of a tree that hold a kustomization.yaml: the targets of an app kit's output. */
export function targetFolders(tree: Tree): string[] {
  return [...tree.keys()]
    .filter((f) => f === 'kustomization.yaml' || f.endsWith('/kustomization.yaml'))
    .map(folderOf)
    .sort();
}
