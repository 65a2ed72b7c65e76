import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import addFormats from 'ajv-formats';
import { DockerfileParser, From, Instruction, JSONInstruction } from 'dockerfile-ast';
import { parseMemory } from '../support/internals';
import { cachedValidator, hashOf } from '../support/compiled-schemas';
import { workerCached } from '../support/worker-cache';

/** The Compose Specification's JSON Schema, kept unmodified in schemas/compose (see schemas/SOURCES.md). */
const COMPOSE_SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'schemas', 'compose', 'compose-spec.json');

/**
 * A validator of compose files. The schema is draft-07 (`$schema:
 * https://json-schema.org/draft-07/schema`), which Ajv's default class implements;
 * Ajv registers that meta-schema under its `http://...#` id only, so it is added
 * under the https id too, and the schema itself is still checked against it.
 * `strict: false` because the schema uses annotations (`deprecated`) that
 * draft-07 does not define. Compiled once per jest worker, not once per test file.
 */
export function composeValidator(): ValidateFunction {
  return workerCached('compose-spec', compileComposeSchema);
}

/** Compiled once per change of the schema, kept as code (compiled-schemas.ts). */
function compileComposeSchema(): ValidateFunction {
  const draft7Text = fs.readFileSync(require.resolve('ajv/dist/refs/json-schema-draft-07.json'), 'utf8');
  const text = fs.readFileSync(COMPOSE_SCHEMA_FILE, 'utf8');
  const schema = JSON.parse(text);
  return cachedValidator(hashOf('compose-spec', draft7Text, text), schema, () => {
    const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true } });
    ajv.addMetaSchema({ ...JSON.parse(draft7Text), $id: schema.$schema });
    addFormats(ajv);
    return { ajv, standaloneCode };
  });
}

/** Schema errors of a compose document, readable in a failed expectation. */
export function composeErrors(doc: unknown): string[] {
  const validate = composeValidator();
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** A parsed Dockerfile split into stages. */
export interface ParsedDockerfile {
  readonly stages: { readonly from: From; readonly instructions: Instruction[] }[];
  /** The final stage's instructions. */
  readonly final: Instruction[];
}

/** Parses with dockerfile-ast and splits the instructions by FROM. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const stages: { from: From; instructions: Instruction[] }[] = [];
  for (const ins of DockerfileParser.parse(text).getInstructions()) {
    if (ins instanceof From) stages.push({ from: ins, instructions: [] });
    else stages[stages.length - 1].instructions.push(ins);
  }
  return { stages, final: stages[stages.length - 1].instructions };
}

/** The instructions of `keyword` among `instructions`. */
export function ofKind(instructions: Instruction[], keyword: string): Instruction[] {
  return instructions.filter((i) => i.getKeyword() === keyword);
}

/** What follows the keyword, flags included (`getArgumentsContent` leaves out flags like `--from`). */
export function argsText(ins: Instruction): string {
  return ins
    .getTextContent()
    .replace(/\\\r?\n\s*/g, ' ')
    .replace(/^\s*\S+\s+/, '')
    .trim();
}

/** The exec-form argv of a CMD or ENTRYPOINT, decoded from JSON. */
export function execForm(ins: Instruction): string[] {
  if (!(ins instanceof JSONInstruction) || ins.getOpeningBracket() === null) throw new Error(`${ins.getKeyword()} is not in exec form`);
  return ins.getJSONStrings().map((s) => s.getJSONValue());
}

/** A Kubernetes memory quantity in bytes. */
export function quantityBytes(q: string): number {
  const parsed = parseMemory(q);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.bytes;
}

/** A compose byte value (`512m`, `1g`, or a number) in bytes; compose units are powers of 1024. */
export function composeBytes(v: string | number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)([kmg]?)$/.exec(v);
  if (!m) throw new Error(`not a byte value: ${v}`);
  return Number(m[1]) * ({ '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 } as Record<string, number>)[m[2]];
}
