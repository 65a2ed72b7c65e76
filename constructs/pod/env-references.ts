import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { PropIssue } from '../core/validation';

/**
 * Dependent env vars, as Kubernetes resolves them: the kubelet expands a
 * `$(NAME)` in an env var's `value` with the variables defined EARLIER in the
 * container's `env` list, or by its `envFrom` sources (which are read first);
 * a reference it cannot resolve stays as the literal text, and `$$` is a literal
 * `$` (so `$$(NAME)` is the text `$(NAME)`). `valueFrom` values and `envFrom`
 * values are never expanded.
 * (https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/;
 * kubelet `makeEnvironmentVariables` and `third_party/forked/golang/expansion/expand.go`.)
 *
 * So the list is ordered here: every variable after the ones its value names,
 * the order otherwise unchanged.
 */

/** Variables of the `kubernetes` Service the kubelet sets in every container, even without service links. */
const SERVICE_ENV = /^KUBERNETES_(SERVICE|PORT)/;

/** The names `$(NAME)` references in `value`, in order, as Kubernetes' expansion reads them (`$$` escapes). */
export function envReferences(value: string): string[] {
  const names: string[] = [];
  for (let i = 0; i < value.length - 1; i++) {
    if (value[i] !== '$') continue;
    const next = value[i + 1];
    if (next === '$') {
      i++;
    } else if (next === '(') {
      const close = value.indexOf(')', i + 2);
      if (close < 0) return names;
      names.push(value.slice(i + 2, close));
      i = close;
    }
  }
  return names;
}

/** What a container reads besides its `env` list. */
export interface EnvSources {
  /** Names its `envFrom` sources are known to define (the app's ConfigMap). */
  readonly known: readonly string[];
  /** It has `envFrom` sources whose keys are not known here (an existing ConfigMap or Secret). */
  readonly opaque: boolean;
  /**
   * Prop path of a variable, for messages, e.g. `env.DATABASE_URL`; undefined
   * for a variable whose references were checked where it was defined (the app's
   * settings, checked once for all its workloads).
   */
  readonly propOf: (name: string) => string | undefined;
}

/**
 * The env list in an order where every reference resolves: each variable after
 * those its value names, otherwise as given (so a list without references is
 * returned as it is). A reference to itself, a cycle, or a name nothing defines
 * is an issue.
 */
export function orderEnv(env: readonly k8s.EnvVar[], sources: EnvSources, issues: PropIssue[]): k8s.EnvVar[] {
  const byName = new Map<string, k8s.EnvVar>();
  for (const e of env) if (!byName.has(e.name)) byName.set(e.name, e);
  const refs = new Map(env.map((e) => [e.name, e.value === undefined ? [] : envReferences(e.value)]));
  if ([...refs.values()].every((r) => r.length === 0)) return [...env];

  const known = new Set(sources.known);
  for (const [name, names] of refs) {
    const prop = sources.propOf(name);
    for (const ref of new Set(names)) {
      if (prop === undefined || byName.has(ref) || known.has(ref) || SERVICE_ENV.test(ref) || sources.opaque) continue;
      issues.push({
        prop,
        rule: `refers to $(${ref}), which no env var of the container defines (Kubernetes would keep the text '$(${ref})')`,
        received: byName.get(name)?.value,
        fix: `Define ${ref} (env, config or secrets), or write $$(${ref}) for the literal text.`,
      });
    }
  }

  const ordered: k8s.EnvVar[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const st = state.get(name);
    if (st === 'done') return;
    if (st === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const prop = sources.propOf(name);
      if (prop === undefined) return;
      issues.push({
        prop,
        rule: `must not refer to itself through other env vars (${cycle.join(' -> ')}): Kubernetes resolves each from the ones defined before it`,
        received: byName.get(name)?.value,
        fix: 'Break the cycle: give one of them a value without references.',
      });
      return;
    }
    state.set(name, 'visiting');
    // A variable an envFrom source defines is read first whatever the order; only the env list is ordered.
    for (const ref of refs.get(name) ?? []) if (byName.has(ref) && !(known.has(ref) && ref === name)) visit(ref, [...path, name]);
    state.set(name, 'done');
    ordered.push(byName.get(name)!);
  };
  for (const e of env) visit(e.name, []);
  // Duplicates keep their places after the first (the checks of the settings refuse them before this).
  return env.length === ordered.length ? ordered : [...ordered, ...env.filter((e, i) => env.findIndex((x) => x.name === e.name) !== i)];
}
