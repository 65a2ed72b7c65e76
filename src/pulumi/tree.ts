import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError } from '../../constructs/core/validation';
import { render } from '../synth';
import { inferDependencies, topologicalOrder } from './dependencies';
import { Manifest } from './kinds';

/** One object of a synthesized construct tree. */
export interface TreeObject {
  /** The object exactly as `cdk8s synth` writes it. */
  readonly manifest: Manifest;
  /** Path of the construct that made it, e.g. `shop/orders-api/Deployment`. */
  readonly path: string;
  /** Stable identity: `<namespace>/<Kind>/<name>`, or `<Kind>/<name>` when the manifest has no namespace. */
  readonly id: string;
  /** Ids of the objects that must be created before this one. */
  readonly dependsOn: readonly string[];
}

/** A construct tree, synthesized in memory and validated. */
export interface SynthesizedTree {
  /** The app that holds the tree: the escape hatch to its constructs. */
  readonly app: App;
  /** Every object, each after the objects it depends on. */
  readonly objects: readonly TreeObject[];
  /** Warnings, `[label] [construct path] message`. */
  readonly warnings: readonly string[];
}

/**
 * Builds the construct tree `define` makes under a fresh cdk8s `App`,
 * validates it with the same code as `cdk8s synth` (so errors read the same,
 * prefixed with `label` where the synth names the cloud) and returns every
 * object in dependency order. Nothing is written to disk.
 *
 * @throws ValidationError listing every validation error at once
 */
export function synthesizeTree(define: (scope: Construct) => void, label: string): SynthesizedTree {
  const app = new App();
  define(app);
  // The objects as the synth renders them (validated once), without writing YAML.
  const made: Array<{ manifest: Manifest; apiObject: ApiObject }> = [];
  const rendering = render([{ cloud: label, app }], {
    files: false,
    onObject: (_cloud, apiObject, manifest) => made.push({ manifest: manifest as unknown as Manifest, apiObject }),
  });
  if (rendering.errors.length > 0) {
    throw new ValidationError(`Synthesis failed with ${rendering.errors.length} error(s); no resources were registered:`, rendering.errors);
  }

  const ids = made.map(({ manifest }) => objectId(manifest));
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first !== undefined) {
      throw ValidationError.fromIssues('The objects cannot be deployed:', [
        {
          prop: 'metadata.name',
          rule: `must differ between two objects that are both ${id}`,
          received: [made[first].manifest.apiVersion, made[i].manifest.apiVersion],
          fix: 'Give them different names.',
        },
      ]);
    }
    seen.set(id, i);
  });

  // Dependencies declared in cdk8s (chart.addDependency, node.addDependency) plus those the manifests imply.
  const deps = inferDependencies(made.map((m) => m.manifest));
  const indexOf = new Map(made.map((m, i) => [m.apiObject, i] as const));
  made.forEach(({ apiObject }, i) => {
    for (const d of apiObject.node.dependencies) {
      const j = indexOf.get(d as ApiObject);
      if (j !== undefined && j !== i) deps[i].add(j);
    }
  });

  const objects = topologicalOrder(deps, (i) => ids[i]).map((i): TreeObject => ({
    manifest: made[i].manifest,
    path: made[i].apiObject.node.path,
    id: ids[i],
    dependsOn: [...deps[i]].sort((a, b) => a - b).map((j) => ids[j]),
  }));
  return { app, objects, warnings: rendering.warnings };
}

/** `<namespace>/<Kind>/<name>`, or `<Kind>/<name>` for objects without a namespace. */
export function objectId(manifest: Manifest): string {
  const { kind, metadata } = manifest;
  return metadata.namespace ? `${metadata.namespace}/${kind}/${metadata.name}` : `${kind}/${metadata.name}`;
}
