/**
 * Validates synthesized Kubernetes objects against the real upstream schemas kept unmodified in the
 * repository's `schemas/` folder (provenance in schemas/SOURCES.md): the Kubernetes 1.28 OpenAPI v2
 * spec for built-in kinds and the CustomResourceDefinitions under `schemas/crds` for custom resources.
 *
 * Unknown fields are rejected the way the API server does with strict field validation, which the
 * upstream schemas alone would let through (they never say `additionalProperties: false`).
 *
 * Not checked (the API server does these, JSON Schema cannot or they need a cluster):
 * - CEL rules (`x-kubernetes-validations`) and admission webhooks;
 * - list semantics (`x-kubernetes-list-type: set|map` uniqueness, `x-kubernetes-list-map-keys`);
 * - Go-side validation of built-in kinds beyond the OpenAPI spec (DNS-1123 names, label syntax,
 *   selector matching the template, port ranges, ...);
 * - enums of built-in kinds: the 1.28 OpenAPI v2 spec only names the allowed values in descriptions
 *   (`imagePullPolicy: Sometimes` passes); CRD enums are checked;
 * - schema constraints a CRD puts on `metadata.name` / `generateName` (metadata is always ObjectMeta);
 * - formats the API server does not know are accepted as any string (it ignores them too).
 * Stricter than the API server: a JSON `null` in a built-in kind fails its type check, where the
 * server would read it as "unset" (CRD `nullable: true` is honoured).
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { DERIVED_SCHEMAS, GROUP_ALIASES } from './derived-schemas';
import { cachedValidator, hashOf } from './compiled-schemas';
import { parsedYamlFile, workerCached } from './worker-cache';

/** A JSON Schema node as found in swagger.json and CRDs; loosely typed because it is upstream data. */
type Schema = { [keyword: string]: unknown };

/** Either a compiled validator or the reason there is none, cached per apiVersion and kind. */
type Validator = { readonly validate: ValidateFunction } | { readonly problem: string };

/** What one CustomResourceDefinition file offers: its served versions and their schemas. */
interface Crd {
  readonly group: string;
  readonly kind: string;
  readonly servedVersions: ReadonlyMap<string, Schema>;
}

const SCHEMAS_DIR = path.resolve(__dirname, '..', '..', 'schemas');
const SWAGGER_FILE = path.join(SCHEMAS_DIR, 'k8s', 'openapi', 'v1.28', 'swagger.json');
const CRD_DIR = path.join(SCHEMAS_DIR, 'crds');

const SWAGGER_ID = 'kubernetes-1.28.json';
const OBJECT_META_REF = `${SWAGGER_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;
const QUANTITY_DEFINITION = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** The regex the Kubernetes code generators put on every resource.Quantity in CRDs. */
const QUANTITY_PATTERN =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

/**
 * CRD `format: duration` means a Go duration ("30s", "1h5m"), not ajv-formats' ISO 8601 one; the
 * API server's parser also takes a number with a unit word ("5 days"), so allow that too.
 */
const GO_DURATION_PATTERN = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+|\d+\s*[a-zA-Zµμ]+)$/;

/** Quantity unmarshals from a JSON string or number; a string must be a well-formed quantity. */
const QUANTITY_SCHEMA: Schema = { type: ['string', 'number'], format: 'k8s-quantity' };
const INT_OR_STRING_SCHEMA: Schema = { type: ['integer', 'string'] };

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Expensive loads happen on first use, once per jest worker (not again in every test file). */
const lazy =
  <T>(key: string, factory: () => T): (() => T) =>
  () =>
    workerCached(`schema:${key}`, factory);

// ---------------------------------------------------------------------------------------------
// Schema rewriting
// ---------------------------------------------------------------------------------------------

/**
 * Rebuilds `schema` bottom-up, calling `visit` on every node that declares the shape of data:
 * property values, map values and array items. Combinator branches (allOf/anyOf/oneOf/not) are
 * left alone: in a structural schema they only add constraints and never declare fields, so
 * closing them would reject fields that the main schema declares (Gateway's `addresses` oneOf).
 */
function rewriteShape(schema: Schema, visit: (node: Schema) => Schema): Schema {
  const node: Schema = { ...schema };
  if (isSchema(node.properties)) {
    node.properties = Object.fromEntries(
      Object.entries(node.properties).map(([name, child]) => [name, isSchema(child) ? rewriteShape(child, visit) : child]),
    );
  }
  if (isSchema(node.additionalProperties)) node.additionalProperties = rewriteShape(node.additionalProperties, visit);
  if (isSchema(node.items)) node.items = rewriteShape(node.items, visit);
  return visit(node);
}

/** Built-in types: swagger never closes objects, but the API server rejects unknown fields. */
function closeBuiltinNode(node: Schema): Schema {
  if (node.format === 'int-or-string') return INT_OR_STRING_SCHEMA;
  if (isSchema(node.properties) && node.additionalProperties === undefined) {
    return { ...node, additionalProperties: false };
  }
  return node;
}

/** Applies the structural-schema extensions of one CRD node, then closes it if it prunes. */
function closeCrdNode(node: Schema): Schema {
  let out = node;
  if (out['x-kubernetes-int-or-string'] === true) out = asIntOrString(out);
  if (out['x-kubernetes-embedded-resource'] === true) out = withTypeAndObjectMeta(out);
  return prunesUnknownFields(out) ? { ...out, additionalProperties: false } : out;
}

/**
 * The API server prunes (and in strict mode rejects) every field its schema does not declare,
 * unless the node preserves unknown fields or is a map. That includes `type: object` without any
 * `properties`, which can only be `{}` (e.g. external-secrets' Yandex `fetching.byID` marker).
 */
function prunesUnknownFields(node: Schema): boolean {
  return (
    (node.type === 'object' || isSchema(node.properties)) &&
    node.additionalProperties === undefined &&
    node['x-kubernetes-preserve-unknown-fields'] !== true
  );
}

/**
 * Controller-gen spells int-or-string as `anyOf: [{type: integer}, {type: string}]`; a plain
 * type list says the same and gives one readable error instead of three.
 */
function asIntOrString(node: Schema): Schema {
  const { anyOf, ...rest } = node;
  const plainPair =
    anyOf === undefined ||
    (Array.isArray(anyOf) &&
      anyOf.every(
        (branch) => isSchema(branch) && Object.keys(branch).length === 1 && (branch.type === 'integer' || branch.type === 'string'),
      ));
  return plainPair ? { ...rest, type: ['integer', 'string'] } : node;
}

/** Root objects and embedded resources carry TypeMeta, and their metadata is a real ObjectMeta. */
function withTypeAndObjectMeta(node: Schema): Schema {
  const properties = isSchema(node.properties) ? node.properties : {};
  return {
    ...node,
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, ...properties, metadata: { $ref: OBJECT_META_REF } },
  };
}

// ---------------------------------------------------------------------------------------------
// Ajv and the built-in kinds (swagger.json)
// ---------------------------------------------------------------------------------------------

/** One Ajv instance holds the swagger definitions, so CRD schemas can `$ref` ObjectMeta. */
const builtins = lazy('builtins', () => {
  // strict: false because the schemas carry x-kubernetes-* and `example` keywords Ajv does not know.
  // verbose: true so errors keep the offending value, which the messages echo; code.source for the cached code.
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, code: { source: true } });
  addFormats(ajv);
  ajv.addFormat('k8s-quantity', QUANTITY_PATTERN);
  ajv.addFormat('duration', GO_DURATION_PATTERN);

  if (!fs.existsSync(SWAGGER_FILE)) {
    throw new Error(`Kubernetes OpenAPI spec not found at ${SWAGGER_FILE}; it is part of the repository (see schemas/SOURCES.md)`);
  }
  const swagger = JSON.parse(fs.readFileSync(SWAGGER_FILE, 'utf8')) as { definitions: Record<string, Schema> };
  const definitions: Record<string, Schema> = {};
  const definitionByGvk = new Map<string, string>();
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    definitions[name] = name === QUANTITY_DEFINITION ? QUANTITY_SCHEMA : rewriteShape(definition, closeBuiltinNode);
    for (const gvk of groupVersionKinds(definition)) definitionByGvk.set(gvk, name);
  }
  ajv.addSchema({ $id: SWAGGER_ID, definitions });
  return { ajv, definitionByGvk, standaloneCode };
});

/** The `group/version/kind` keys a swagger definition is registered under. */
function groupVersionKinds(definition: Schema): string[] {
  const entries = definition['x-kubernetes-group-version-kind'];
  if (!Array.isArray(entries)) return [];
  return entries.filter(isSchema).map((e) => gvkKey(String(e.group), String(e.version), String(e.kind)));
}

const gvkKey = (group: string, version: string, kind: string): string => `${group}/${version}/${kind}`;

/** Splits `apps/v1` into group and version; the core group is spelled `v1` and has group ''. */
function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

// ---------------------------------------------------------------------------------------------
// Custom resources (CRD files)
// ---------------------------------------------------------------------------------------------

function listYamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listYamlFiles(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

/** Maps `group/kind` to its CRD file, reading only each file's header so big CRDs stay unparsed. */
const crdFileIndex = lazy('crd-files', () => {
  const index = new Map<string, string>();
  for (const file of listYamlFiles(CRD_DIR)) {
    const { group, kind } = readCrdHeader(file);
    index.set(`${group}/${kind}`, file);
  }
  return index;
});

/**
 * Parses only the text before `spec.versions` (where the schemas live) when that is enough to
 * know the group and kind; falls back to the whole file for CRDs written in another key order.
 */
function readCrdHeader(file: string): { group: string; kind: string } {
  const text = fs.readFileSync(file, 'utf8');
  const versionsAt = text.search(/^ {2}versions:/m);
  const head = versionsAt > 0 ? safeParseYaml(text.slice(0, versionsAt)) : undefined;
  const doc = head && crdNames(head) ? head : parseCrdText(file, text);
  const names = crdNames(doc);
  if (!names) throw new Error(`${file}: CustomResourceDefinition without spec.group / spec.names.kind`);
  return names;
}

function safeParseYaml(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}

function crdNames(doc: unknown): { group: string; kind: string } | undefined {
  const spec = isSchema(doc) && isSchema(doc.spec) ? doc.spec : undefined;
  const names = spec && isSchema(spec.names) ? spec.names : undefined;
  if (typeof spec?.group !== 'string' || typeof names?.kind !== 'string') return undefined;
  return { group: spec.group, kind: names.kind };
}

function parseCrdText(file: string, text: string): Schema {
  const doc: unknown = parseYaml(text);
  if (!isSchema(doc) || doc.kind !== 'CustomResourceDefinition') {
    throw new Error(`${file}: expected one CustomResourceDefinition document`);
  }
  return doc;
}

const crdCache = workerCached('schema:crds', () => new Map<string, Crd>());

/** Parses a CRD file once and keeps its served versions' `openAPIV3Schema`s. */
function loadCrd(file: string): Crd {
  const cached = crdCache.get(file);
  if (cached) return cached;
  const doc = parsedYamlFile(fs.readFileSync(file, 'utf8'), (text) => parseCrdText(file, text));
  const names = crdNames(doc);
  const spec = doc.spec as Schema;
  if (!names || !Array.isArray(spec.versions)) throw new Error(`${file}: CustomResourceDefinition without group, kind or versions`);
  const servedVersions = new Map<string, Schema>();
  for (const version of spec.versions.filter(isSchema)) {
    const schema = isSchema(version.schema) ? version.schema.openAPIV3Schema : undefined;
    if (version.served === true && isSchema(schema)) servedVersions.set(String(version.name), schema);
  }
  const crd = { ...names, servedVersions };
  crdCache.set(file, crd);
  return crd;
}

/** Ajv rejects unknown formats at compile time; the API server ignores them, so accept any string. */
function registerUnknownFormats(ajv: Ajv, node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach((child) => registerUnknownFormats(ajv, child));
  } else if (isSchema(node)) {
    if (typeof node.format === 'string' && !(node.format in ajv.formats)) ajv.addFormat(node.format, true);
    Object.values(node).forEach((child) => registerUnknownFormats(ajv, child));
  }
}

function compileCrdVersion(schema: Schema): ValidateFunction {
  return compile(withTypeAndObjectMeta(rewriteShape(schema, closeCrdNode)), schema);
}

/** What decides the code of every validator besides its schema: the Kubernetes spec and the rules of this file. */
const cacheInputs = lazy('cache-inputs', () =>
  hashOf(...[SWAGGER_FILE, __filename, path.join(__dirname, 'derived-schemas.ts')].map((f) => fs.readFileSync(f, 'utf8'))),
);

/** Compiles once per change of its inputs (kept on disk), with the unknown formats of `raw` accepted. */
function compile(schema: Schema, raw: Schema = schema): ValidateFunction {
  return cachedValidator(cacheInputs(), schema, () => {
    const compiler = builtins();
    registerUnknownFormats(compiler.ajv, raw);
    return compiler;
  });
}

// ---------------------------------------------------------------------------------------------
// Dispatch and messages
// ---------------------------------------------------------------------------------------------

const validatorCache = workerCached('schema:validators', () => new Map<string, Validator>());

function validatorFor(apiVersion: string, kind: string): Validator {
  const key = `${apiVersion} ${kind}`;
  let validator = validatorCache.get(key);
  if (!validator) {
    validator = createValidator(apiVersion, kind);
    validatorCache.set(key, validator);
  }
  return validator;
}

function createValidator(apiVersion: string, kind: string): Validator {
  const { group, version } = parseApiVersion(apiVersion);
  const { definitionByGvk } = builtins();
  const definition = definitionByGvk.get(gvkKey(group, version, kind));
  if (definition) return { validate: compile({ $ref: `${SWAGGER_ID}#/definitions/${definition}` }) };

  const file = crdFileIndex().get(`${GROUP_ALIASES[group] ?? group}/${kind}`);
  const derived = DERIVED_SCHEMAS[`${group}/${version}/${kind}`];
  if (!file && derived) return { validate: compileCrdVersion(derived) };
  if (!file) {
    return { problem: `unknown kind: neither Kubernetes 1.28 nor a CRD in ${CRD_DIR} defines ${apiVersion} ${kind}` };
  }
  const crd = loadCrd(file);
  const schema = crd.servedVersions.get(version);
  if (!schema) {
    const served = [...crd.servedVersions.keys()].join(', ') || 'none';
    return { problem: `${apiVersion} is not a served version of ${kind} (${path.basename(file)} serves: ${served})` };
  }
  return { validate: compileCrdVersion(schema) };
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Echoes a scalar the way it was written, and only the type of objects and arrays. */
function received(data: unknown): string {
  if (Array.isArray(data)) return ' (received an array)';
  if (isSchema(data)) return ' (received an object)';
  return ` (received ${JSON.stringify(data)})`;
}

/** Turns one Ajv error into `<path>: <what is wrong>`, naming the offending field or value. */
function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      return `${error.instancePath}/${escapePointer(field)}: ${error.message} (${field})`;
    }
    case 'required':
      return `${error.instancePath || '/'}: ${error.message}`;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return `${error.instancePath || '/'}: ${error.message}: ${allowed}${received(error.data)}`;
    }
    default:
      return `${error.instancePath || '/'}: ${error.message}${received(error.data)}`;
  }
}

/** `Kind/name` for messages, so a failure among two hundred objects is easy to find. */
function subjectOf(obj: unknown): string {
  const record = isSchema(obj) ? obj : {};
  const metadata = isSchema(record.metadata) ? record.metadata : {};
  const kind = typeof record.kind === 'string' && record.kind ? record.kind : '<no kind>';
  const name = typeof metadata.name === 'string' && metadata.name ? metadata.name : '<no name>';
  return `${kind}/${name}`;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Validates one Kubernetes object (a plain JSON object as synthesized) against its upstream
 * schema: Kubernetes 1.28 for built-in kinds, the matching CRD version for custom resources.
 *
 * @param obj the object, e.g. one entry of `Testing.synth(chart)`.
 * @returns one message per problem, `Kind/name: /json/pointer: what is wrong`; empty when valid.
 *   An object whose apiVersion/kind has no schema is a problem too, never silently accepted.
 */
export function validateObject(obj: unknown): string[] {
  const subject = subjectOf(obj);
  if (!isSchema(obj)) return [`${subject}: /: a Kubernetes object must be a JSON object${received(obj)}`];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || !apiVersion || typeof kind !== 'string' || !kind) {
    return [`${subject}: /: apiVersion and kind must be non-empty strings; received ${JSON.stringify({ apiVersion, kind })}`];
  }
  const validator = validatorFor(apiVersion, kind);
  if ('problem' in validator) return [`${subject}: ${validator.problem}`];
  if (validator.validate(obj)) return [];
  const messages = (validator.validate.errors ?? []).map((error) => `${subject}: ${describeError(error)}`);
  return [...new Set(messages)];
}

/**
 * Validates many objects, e.g. a whole synthesized chart.
 *
 * @returns every problem of every object, in input order; empty when all are valid.
 */
export function validateAll(objs: readonly unknown[]): string[] {
  return objs.flatMap((obj) => validateObject(obj));
}

/**
 * Lists the custom resources that can be validated, as `apiVersion kind`
 * (e.g. `keda.sh/v1alpha1 ScaledObject`), sorted. Parses every CRD file, so it is slow the
 * first time; meant for diagnostics.
 */
export function knownCustomResourceKinds(): string[] {
  const kinds = [...crdFileIndex().values()].flatMap((file) => {
    const crd = loadCrd(file);
    return [...crd.servedVersions.keys()].map((version) => `${crd.group}/${version} ${crd.kind}`);
  });
  return kinds.sort();
}
