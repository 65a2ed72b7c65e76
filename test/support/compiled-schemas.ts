/**
 * Ajv validators kept as standalone code (`ajv/dist/standalone`) under
 * node_modules/.cache/pyservice-k8s/ajv, each named by the hash of everything that
 * decides its code: the schema compiled, the inputs the caller names (the upstream
 * files it may `$ref`, the rules that rewrote it) and the versions of ajv and
 * ajv-formats. A miss compiles with Ajv and writes the code; hit or miss, the
 * validator is that code, loaded, so both paths run the same function. Compiling
 * a CRD's schema takes a second; loading its code, milliseconds.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { default as Ajv, ValidateFunction } from 'ajv';
import type standaloneCode from 'ajv/dist/standalone';

const DIR = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'pyservice-k8s', 'ajv');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed versions, part of every name
const VERSIONS = `ajv@${require('ajv/package.json').version} ajv-formats@${require('ajv-formats/package.json').version}`;

/** The SHA-256 of some texts, in order. */
export function hashOf(...texts: string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(text).update('\0');
  return hash.digest('hex');
}

/** An Ajv instance (with `code.source`) and the `standaloneCode` of the same copy of Ajv's modules. */
export interface Compiler {
  readonly ajv: Ajv;
  /**
   * Jest gives each test file its own copy of Ajv's modules, and an instance kept for the worker
   * comes from the first file's: standaloneCode of another copy fails its `instanceof` checks.
   */
  readonly standaloneCode: typeof standaloneCode;
}

/**
 * The validator of `schema`, from the cache or compiled by the compiler `compiler()` returns.
 *
 * @param inputs the hash of what else decides the code (see {@link hashOf})
 */
export function cachedValidator(inputs: string, schema: object, compiler: () => Compiler): ValidateFunction {
  const file = path.join(DIR, `${hashOf(VERSIONS, inputs, JSON.stringify(schema))}.js`);
  let code: string;
  try {
    code = fs.readFileSync(file, 'utf8');
  } catch {
    const { ajv, standaloneCode: generate } = compiler();
    code = generate(ajv, ajv.compile(schema));
    fs.mkdirSync(DIR, { recursive: true });
    const scratch = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(scratch, code);
    fs.renameSync(scratch, file); // atomic: a parallel worker reads the whole file or none
  }
  const module = { exports: {} as { default?: ValidateFunction } };
  // The standalone module requires Ajv's runtime helpers and ajv-formats' formats by their package names.
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  return module.exports.default ?? (module.exports as unknown as ValidateFunction);
}
