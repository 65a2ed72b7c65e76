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
  /** Relative path to file content. Empty when there are errors. */
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
  /** Each target's objects (plain JSON), by its folder; empty when there are errors. */
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
}

/**
 * Validates and renders every target in memory. Nothing is written: a synth
 * either produces every file of every cloud, or reports every error.
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
        files.set(`${cloud}/${file}`, yaml.stringify(obj));
      }
    }
    if (writeFiles) files.set(`${cloud}/kustomization.yaml`, yaml.stringify(kustomization([...names])));
    objects.set(cloud, rendered);
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
export function publish(files: Map<string, string>, dest: string): void {
  const next = `${dest}.next`;
  const old = `${dest}.old`;
  fs.rmSync(next, { recursive: true, force: true });
  fs.rmSync(old, { recursive: true, force: true });
  const made = new Set<string>();
  for (const [rel, content] of files) {
    const file = path.join(next, rel);
    const dir = path.dirname(file);
    if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true });
    made.add(dir);
    fs.writeFileSync(file, content);
  }
  if (fs.existsSync(dest)) fs.renameSync(dest, old);
  fs.renameSync(next, dest);
  fs.rmSync(old, { recursive: true, force: true });
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
