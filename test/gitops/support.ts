import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import addFormats from 'ajv-formats';
import { cachedValidator, hashOf } from '../support/compiled-schemas';
import { workerCached } from '../support/worker-cache';

export { chartError as synthError, find } from '../support/synth';

/**
 * Validates a workflow against SchemaStore's github-workflow.json, kept
 * unmodified in schemas/github. `strictTypes: false` because the upstream
 * schema does not compile in Ajv's strict mode (see schemas/SOURCES.md);
 * `strictTuples: false` silences the same schema's tuple warnings.
 */
export function validateWorkflow(workflow: unknown): string[] {
  // loaded once per jest worker, compiled once per change of the schema (compiled-schemas.ts)
  const workflowValidator = workerCached('github-workflow', (): ValidateFunction => {
    const file = path.resolve(__dirname, '..', '..', 'schemas', 'github', 'github-workflow.json');
    const text = fs.readFileSync(file, 'utf8');
    return cachedValidator(hashOf('github-workflow', text), JSON.parse(text), () => {
      const ajv = new Ajv({ strictTypes: false, strictTuples: false, allErrors: true, code: { source: true } });
      addFormats(ajv);
      return { ajv, standaloneCode };
    });
  });
  if (workflowValidator(workflow)) return [];
  return (workflowValidator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}
