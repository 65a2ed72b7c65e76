/**
 * A value kept for the life of the jest worker process, shared by the test files it runs. Jest
 * gives every test file fresh modules and globals, so a cache in a module is rebuilt in every file;
 * only Node's core modules are the same objects in all of them, so the cache hangs off one, under
 * a symbol of the global registry. Only for values that are pure functions of files the run does
 * not change (compiled schemas, parsed upstream files), never for objects a test mutates.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { parseAllDocuments } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed version, part of the cache key
const YAML_VERSION: string = require('yaml/package.json').version;

/** The holder: one core module object, the same in every test file of this worker. */
const holder = os as unknown as Record<symbol, Map<string, unknown> | undefined>;
const KEY = Symbol.for('pyservice-k8s.test.worker-cache');

/** The value under `key`, made by `create` on the first call in this worker. */
export function workerCached<T>(key: string, create: () => T): T {
  const values = (holder[KEY] ??= new Map<string, unknown>());
  if (!values.has(key)) values.set(key, create());
  return values.get(key) as T;
}

/**
 * The objects of a multi-document YAML text, as `parseAllDocuments(text).map((d) => d.toJSON())`
 * returns them, parsed once per worker for each distinct text (the same rendering is read by many
 * files and tests). Every call gets its own copy, made in the calling test file's realm.
 */
export function yamlDocuments(text: string): any[] {
  const json = workerCached(`yaml:${createHash('sha256').update(text).digest('hex')}`, () => {
    const parsed = parseAllDocuments(text).map((d) => d.toJSON());
    const copy = JSON.stringify(parsed);
    // a value JSON cannot carry (NaN, Infinity, -0) would not survive the copy: then parse every time
    return isDeepStrictEqual(JSON.parse(copy), parsed) ? copy : undefined;
  });
  return json === undefined ? parseAllDocuments(text).map((d) => d.toJSON()) : JSON.parse(json);
}

const DISK_CACHE = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'pyservice-k8s', 'parsed-yaml');

/**
 * `parse(text)` for a big upstream YAML file (a CRD), kept as JSON under node_modules/.cache,
 * named by the hash of the yaml package's version and the text: the JSON is read in milliseconds
 * where the YAML takes a second. Written atomically, so parallel workers never read half a file.
 */
export function parsedYamlFile<T>(text: string, parse: (text: string) => T): T {
  const name = createHash('sha256').update(`yaml@${YAML_VERSION}\n`).update(text).digest('hex');
  const file = path.join(DISK_CACHE, `${name}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    const value = parse(text);
    fs.mkdirSync(DISK_CACHE, { recursive: true });
    const scratch = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(scratch, JSON.stringify(value));
    fs.renameSync(scratch, file);
    return value;
  }
}
