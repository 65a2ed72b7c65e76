/**
 * A value kept for the life of the jest worker process, shared by the test files it runs. Jest
 * gives every test file fresh modules and globals, so a cache in a module is rebuilt in every file;
 * only Node's core modules are the same objects in all of them, so the cache hangs off one, under
 * a symbol of the global registry. Only for values that are pure functions of files the run does
 * not change (compiled schemas, parsed upstream files), never for objects a test mutates.
 */
import os from 'os';

/** The holder: one core module object, the same in every test file of this worker. */
const holder = os as unknown as Record<symbol, Map<string, unknown> | undefined>;
const KEY = Symbol.for('pyservice-k8s.test.worker-cache');

/** The value under `key`, made by `create` on the first call in this worker. */
export function workerCached<T>(key: string, create: () => T): T {
  const values = (holder[KEY] ??= new Map<string, unknown>());
  if (!values.has(key)) values.set(key, create());
  return values.get(key) as T;
}
