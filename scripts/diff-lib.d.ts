/** Types of scripts/diff-lib.js, which stays plain JavaScript so `npm run diff` needs no compile. */

/** Relative path to file text. */
export type Tree = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** An object (or a plain file) present on one side only. */
export interface TreeEntry {
  /** `apps/Deployment shop/orders-api` for objects, the path for plain files. */
  readonly id: string;
  /** File the entry was read from. */
  readonly file: string;
  /** Whether the entry is a Kubernetes object (else a plain file). */
  readonly isObject: boolean;
}

/** An object or file present on both sides with different content. */
export interface TreeChange {
  readonly id: string;
  /** Set when only a content hash in the name changed, e.g. a ConfigMap. */
  readonly renamedFrom?: string;
  readonly beforeFile: string;
  readonly afterFile: string;
  /** Unified diff of the object's YAML (or the file's text). */
  readonly diff: string;
}

/** The comparison of one top-level folder, e.g. `eks`. */
export interface FolderDiff {
  readonly name: string;
  readonly added: TreeEntry[];
  readonly removed: TreeEntry[];
  readonly changed: TreeChange[];
  readonly unchanged: number;
}

export interface TreeDiff {
  readonly identical: boolean;
  readonly folders: FolderDiff[];
}

/** Compares two trees folder by folder, Kubernetes objects by identity, other files as text. */
export function diffTrees(before: Tree, after: Tree): TreeDiff;

/** A readable report of a {@link diffTrees} result. */
export function formatReport(result: TreeDiff, options?: { prefix?: string }): string;

/** A unified diff of two texts, '' when equal. */
export function unifiedDiff(before: string, after: string, options?: { context?: number; fromLabel?: string; toLabel?: string }): string;

/** The Kubernetes objects in a YAML text, or null when any document is not one. */
export function parseObjects(text: string): Array<Record<string, any>> | null;

/** `group/Kind namespace/name` of an object. */
export function objectId(obj: Record<string, any>): string;
