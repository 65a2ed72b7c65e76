import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Chart, Testing } from 'cdk8s';

/** The chart's synth error (cdk8s prefixes each message with the construct path), or fails. */
export function synthError(build: (chart: Chart) => void): string {
  const chart = Testing.chart();
  build(chart);
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synthesis to fail');
}

/** The object of `kind` (and `name`), failing unless there is exactly one. */
export function find(objects: any[], kind: string, name?: string): any {
  const matches = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (matches.length !== 1) throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${matches.length}`);
  return matches[0];
}

let workflowValidator: ValidateFunction | undefined;

/**
 * Validates a workflow against SchemaStore's github-workflow.json from ../shared.
 * `strictTypes: false` because the upstream schema does not compile in Ajv's
 * strict mode (see shared/gitops/SOURCES.md); `strictTuples: false` silences
 * the same schema's tuple warnings.
 */
export function validateWorkflow(workflow: unknown): string[] {
  if (!workflowValidator) {
    const ajv = new Ajv({ strictTypes: false, strictTuples: false, allErrors: true });
    addFormats(ajv);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require(path.resolve(__dirname, '..', '..', '..', 'shared', 'gitops', 'schemas', 'github-workflow.json'));
    workflowValidator = ajv.compile(schema);
  }
  if (workflowValidator(workflow)) return [];
  return (workflowValidator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}
