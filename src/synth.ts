import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { ARGOCD_SYNC_WAVE, PREREQUISITE_KINDS, PREREQUISITE_WAVE } from '../constructs/delivery/hooks';
import { duplicateObjectProblems, withoutCrossChartChecks } from '../constructs/core/app-index';
import { sortedMap } from '../constructs/core/objects';
import { ValidationError, collectWarnings } from '../constructs/core/validation';
import { chartObjects } from './chart-objects';
import { ManifestWriter } from './yaml';

/** One cloud's app, rendered into its own folder. */
export interface CloudTarget {
  /** Folder name under the output directory, e.g. `prod/east`. */
  readonly cloud: string;
  /** The app holding the cloud's charts. */
  readonly app: App;
}

/** The result of rendering targets in memory. */
export interface Rendering {
  /** Relative path to file content. Empty when there are errors, or when a sink took the files. */
  readonly files: Map<string, string>;
  /** Validation errors, `[cloud] [construct path] message`. */
  readonly errors: string[];
  /** Warnings, `[cloud] [construct path] message`. */
  readonly warnings: string[];
  /** Number of Kubernetes objects rendered. */
  readonly objectCount: number;
}

/** A rendering with the objects of each target, as written, by folder. */
export interface ManifestRendering extends Rendering {
  /** Each target's objects (plain JSON), by its folder; empty when there are errors, or when a sink took the files. */
  readonly objects: ReadonlyMap<string, readonly object[]>;
}

/** What {@link render} produces besides validating. */
export interface RenderOptions {
  /**
   * Called with every object, in the order of the files, for a caller that
   * deploys the objects rather than writing them.
   * @default - none
   */
  readonly onObject?: (cloud: string, apiObject: ApiObject, manifest: Record<string, unknown>) => void;
  /**
   * Write YAML files. Without them, `files` stays empty and `onObject` is the output.
   * @default true
   */
  readonly files?: boolean;
  /**
   * Where each file goes as soon as it is rendered, e.g. a {@link StagedFolders}:
   * then `files` and `objects` stay empty, and a target's objects are held only
   * until `onTarget` has seen them, so memory does not grow with the text of the
   * whole output.
   * @default - every file in `files` and every object in `objects`
   */
  readonly sink?: FileSink;
  /**
   * Called after each target's files, with its objects (plain JSON, as written)
   * and the warnings of the whole rendering, e.g. to write a summary beside them.
   * @default - none
   */
  readonly onTarget?: (cloud: string, objects: readonly object[], warnings: readonly string[]) => void;
}

/** Where rendered files go. */
export interface FileSink {
  /** Takes one file, by its path relative to the output folder. */
  write(relativePath: string, content: string): void;
}

/** A sink that keeps every file in memory. */
export class FileMap implements FileSink {
  /** Relative path to file content, in the order written. */
  public readonly files = new Map<string, string>();

  public write(relativePath: string, content: string): void {
    this.files.set(relativePath, content);
  }
}

/** Characters of rendered files a {@link StagedFolders} holds before it writes them (about 4 MB). */
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Writes files into a staging folder beside each destination (`<dest>.next`)
 * as they come, then swaps every destination at once ({@link commit}) or
 * removes what was staged ({@link discard}): a reader sees the old folder or
 * the new one, never a half-written one.
 *
 * Files are written in batches of about {@link BATCH_BYTES}: writing each file
 * the moment it is rendered made a synthesis of 1000 services on three clouds
 * 15 to 20 % slower than rendering it all and then writing it all (measured in
 * one process, bench/results/CHANGES.md "Synthesis, fourth round"), while the
 * batch keeps what is held to a few megabytes.
 */
export class StagedFolders implements FileSink {
  /** Every file written, by its relative path, in the order written. */
  public readonly written: string[] = [];
  private readonly destinations: readonly string[];
  private readonly made = new Set<string>();
  /** Destinations a link into failed: their files are written. */
  private readonly unlinkable = new Set<string>();
  private pending: Array<readonly [string, string]> = [];
  private pendingBytes = 0;

  /** @param destinations the folders to replace; the same folder twice counts once */
  public constructor(destinations: readonly string[]) {
    this.destinations = [...new Set(destinations.map((d) => path.resolve(d)))];
    for (const dest of this.destinations) {
      fs.rmSync(`${dest}.next`, { recursive: true, force: true });
      fs.rmSync(`${dest}.old`, { recursive: true, force: true });
    }
  }

  public write(relativePath: string, content: string): void {
    this.written.push(relativePath);
    this.pending.push([relativePath, content]);
    this.pendingBytes += content.length;
    if (this.pendingBytes >= BATCH_BYTES) this.flush();
  }

  /** Replaces each destination with what was written. */
  public commit(): void {
    try {
      this.flush();
    } catch (e) {
      this.discard();
      throw e;
    }
    for (const dest of this.destinations) {
      const [next, old] = [`${dest}.next`, `${dest}.old`];
      // An empty output still replaces the folder.
      if (this.written.length === 0) fs.mkdirSync(next, { recursive: true });
      if (fs.existsSync(dest)) fs.renameSync(dest, old);
      fs.renameSync(next, dest);
      fs.rmSync(old, { recursive: true, force: true });
    }
  }

  /** Removes what was written; the destinations stay as they were. */
  public discard(): void {
    this.pending = [];
    this.pendingBytes = 0;
    for (const dest of this.destinations) fs.rmSync(`${dest}.next`, { recursive: true, force: true });
  }

  /**
   * Writes the files of the current batch into the first staging folder and
   * links each into the others: creating a file costs far more than linking
   * one (200 new files: 135 ms to write, 3 ms to link, in the benchmark
   * machine's /tmp; bench/results/CHANGES.md "Synthesis, fifth round"), and
   * every synth run by `pyservice-k8s synth` or `cdk8s synth` has two destinations
   * (`CDK8S_OUTDIR` and the app's own folder). A destination that refuses a
   * link (another device, a file system without hard links) gets its copies
   * written from then on. Each synth replaces both folders with new files, so
   * no file of an earlier synth is ever written through a link.
   */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    const [first, ...others] = this.destinations;
    for (const [relativePath, content] of batch) {
      const original = this.stagedFile(first, relativePath);
      fs.writeFileSync(original, content);
      for (const dest of others) {
        const file = this.stagedFile(dest, relativePath);
        if (!this.unlinkable.has(dest)) {
          try {
            fs.linkSync(original, file);
            continue;
          } catch (e) {
            // A path written twice is already a link to `original`: written through just now.
            if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
            this.unlinkable.add(dest);
          }
        }
        fs.writeFileSync(file, content);
      }
    }
  }

  /** Where `relativePath` is staged for `dest`, its folder made. */
  private stagedFile(dest: string, relativePath: string): string {
    const file = path.join(`${dest}.next`, relativePath);
    const dir = path.dirname(file);
    if (!this.made.has(dir)) fs.mkdirSync(dir, { recursive: true });
    this.made.add(dir);
    return file;
  }
}

/**
 * Validates every target, then renders it: in memory, or into `options.sink`
 * as each file is rendered. A synth either produces every file of every cloud,
 * or reports every error before rendering any.
 */
export function render(targets: readonly CloudTarget[], options: RenderOptions = {}): ManifestRendering {
  const errors: string[] = [];
  const warnings: string[] = [];
  // Every construct is validated here, so the charts' checks of each other (for plain app.synth()) would only repeat errors.
  withoutCrossChartChecks(() => {
    for (const { cloud, app } of targets) {
      for (const c of app.node.findAll()) {
        for (const message of c.node.validate()) errors.push(`[${cloud}] [${c.node.path}] ${message}`);
      }
      warnings.push(...collectWarnings(app).map((w) => `[${cloud}] ${w}`));
    }
  });
  for (const { cloud, app } of targets) errors.push(...duplicateObjectProblems(app).map((e) => `[${cloud}] ${e}`));
  const files = new Map<string, string>();
  const objects = new Map<string, object[]>();
  if (errors.length > 0) return { files, errors, warnings, objectCount: 0, objects };

  let objectCount = 0;
  const yaml = new ManifestWriter();
  const writeFiles = options.files ?? true;
  const sink: FileSink = options.sink ?? { write: (file, content) => files.set(file, content) };
  for (const { cloud, app } of targets) {
    const names = new Set<string>();
    const rendered: object[] = [];
    // Validated above, once: chart.toJson() would validate the whole app again for every chart.
    for (const { apiObjects } of chartObjects(app)) {
      for (const apiObject of apiObjects) {
        const obj = asWritten(apiObject.toJson());
        options.onObject?.(cloud, apiObject, obj);
        objectCount++;
        rendered.push(obj);
        if (!writeFiles) continue;
        const file = fileName(obj, names);
        names.add(file);
        sink.write(`${cloud}/${file}`, yaml.stringify(obj));
      }
    }
    if (writeFiles) sink.write(`${cloud}/kustomization.yaml`, yaml.stringify(kustomization([...names])));
    options.onTarget?.(cloud, rendered, warnings);
    if (!options.sink) objects.set(cloud, rendered);
  }
  return { files, errors, warnings, objectCount, objects };
}

/** A manifest as the writer reads it. */
type Manifest = {
  readonly kind?: unknown;
  readonly metadata?: { readonly annotations?: Record<string, string> } & Record<string, unknown>;
};

/**
 * A manifest as it is written. Prerequisites other objects name (Namespaces,
 * PriorityClasses, CRDs, StorageClasses) go first in an Argo CD sync unless
 * they say otherwise: a pod naming a missing PriorityClass is rejected. The
 * construct tree is left as it is.
 */
export function asWritten(obj: Manifest): Record<string, unknown> {
  if (!PREREQUISITE_KINDS.includes(String(obj.kind)) || obj.metadata?.annotations?.[ARGOCD_SYNC_WAVE] !== undefined) return obj;
  const annotations = sortedMap({ ...obj.metadata?.annotations, [ARGOCD_SYNC_WAVE]: PREREQUISITE_WAVE });
  // cdk8s writes every map's keys sorted; the added field keeps that order.
  return { ...obj, metadata: sortedMap({ ...obj.metadata, annotations }) };
}

/** `<kind>-<name>.yaml`, with the namespace added when two objects would share a file. */
function fileName(
  obj: { readonly kind?: unknown; readonly metadata?: { readonly name?: string; readonly namespace?: string } },
  taken: ReadonlySet<string>,
): string {
  const base = `${String(obj.kind).toLowerCase()}-${obj.metadata?.name}`;
  const candidate = taken.has(`${base}.yaml`) && obj.metadata?.namespace ? `${base}.${obj.metadata.namespace}` : base;
  if (taken.has(`${candidate}.yaml`)) {
    throw ValidationError.fromIssues('The manifests cannot be written:', [
      {
        prop: 'metadata.name',
        rule: 'must differ between two objects that would share one file',
        received: `${candidate}.yaml`,
        fix: 'Give them different names.',
      },
    ]);
  }
  return `${candidate}.yaml`;
}

function kustomization(resources: string[]): object {
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources].sort() };
}

/**
 * Replaces `dest` with exactly `files`, atomically from a reader's point of
 * view: everything is written beside it first, then swapped in by renames.
 */
export function publish(files: ReadonlyMap<string, string>, dest: string): void {
  const folders = new StagedFolders([dest]);
  for (const [rel, content] of files) folders.write(rel, content);
  folders.commit();
}

/** Folds messages that are identical on several clouds into one line naming the clouds. */
export function foldClouds(lines: string[]): string[] {
  const byText = new Map<string, string[]>();
  for (const line of lines) {
    const m = /^\[([^\]]+)\] (.*)$/s.exec(line);
    const [cloud, text] = m ? [m[1], m[2]] : ['', line];
    byText.set(text, [...(byText.get(text) ?? []), cloud]);
  }
  // Messages about the app as a whole carry no target.
  return [...byText].map(([text, clouds]) =>
    clouds.every((c) => c === '') ? text : `[${clouds.filter((c) => c !== '').join(', ')}] ${text}`,
  );
}
