import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { workerCached } from '../support/worker-cache';

export { chartError as synthError, find } from '../support/synth';

/**
 * Validates a workflow against SchemaStore's github-workflow.json, kept
 * unmodified in schemas/github. `strictTypes: false` because the upstream
 * schema does not compile in Ajv's strict mode (see schemas/SOURCES.md);
 * `strictTuples: false` silences the same schema's tuple warnings.
 */
export function validateWorkflow(workflow: unknown): string[] {
  // compiled once per jest worker, not once per test file
  const workflowValidator = workerCached('github-workflow', (): ValidateFunction => {
    const ajv = new Ajv({ strictTypes: false, strictTuples: false, allErrors: true });
    addFormats(ajv);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require(path.resolve(__dirname, '..', '..', 'schemas', 'github', 'github-workflow.json'));
    return ajv.compile(schema);
  });
  if (workflowValidator(workflow)) return [];
  return (workflowValidator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}
