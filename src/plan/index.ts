/** The plan of a target: what its folder deploys, as Markdown with a Mermaid picture. */
import { Construct } from 'constructs';
import { planFacts } from './facts';
import { planMarkdown } from './markdown';
import { buildPlan } from './model';
import { K8sObject } from './objects';

export { PLAN_FILE } from './markdown';

/**
 * The plan of the target whose constructs are under `scope` and whose objects
 * were rendered into `<outdir>/<folder>`. `warnings` are the synth's, as
 * `[<folder>] message`; those of this target are listed without the prefix.
 */
export function targetPlan(
  scope: Construct,
  folder: string,
  outdir: string,
  objects: readonly object[],
  warnings: readonly string[],
): string {
  const prefix = `[${folder}] `;
  return planMarkdown(
    buildPlan({
      target: folder,
      outdir,
      objects: objects as K8sObject[],
      facts: planFacts(scope),
      warnings: warnings.filter((w) => w.startsWith(prefix)).map((w) => w.slice(prefix.length)),
    }),
  );
}
