import type { ApiObject } from 'cdk8s';
import { formatIssue } from './validation';
import type { Problem, PropIssue } from './validation';

/**
 * Name and reference rules of the Kubernetes API and of container registries,
 * checked at synth time so that a typo fails here and not at `kubectl apply`.
 */

/** RFC 1123 label: what Kubernetes requires of Service, Deployment and most object names. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 subdomain: what Kubernetes requires of ConfigMap and Secret names. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label value (may be empty in Kubernetes, but never here). */
export const LABEL_VALUE = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A C identifier, the portable env var name (what POSIX shells and Python accept). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Keys allowed in a ConfigMap or Secret: alphanumerics, '-', '_' and '.'. */
export const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** Why `name` is not a DNS-1123 label of at most `max` characters, or undefined. */
export function dnsLabelProblem(name: string, max = 63): Problem | undefined {
  const fix = `Use a name like '${suggestDnsLabel(typeof name === 'string' ? name : '').slice(0, max)}'.`;
  if (typeof name !== 'string' || name.length === 0) return { rule: 'must be a non-empty string', fix };
  if (name.length > max) return { rule: `must be at most ${max} characters (it is ${name.length})`, fix };
  if (!DNS1123_LABEL.test(name)) {
    return { rule: "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit", fix };
  }
  return undefined;
}

/** Why `name` is not a DNS-1123 subdomain, or undefined. */
export function dnsSubdomainProblem(name: string): Problem | undefined {
  const fix = "Use lowercase letters, digits, '-' and '.'.";
  if (typeof name !== 'string' || name.length === 0) return { rule: 'must be a non-empty string', fix };
  if (name.length > 253) return { rule: `must be at most 253 characters (it is ${name.length})`, fix };
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return { rule: "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'", fix };
  }
  return undefined;
}

/**
 * The issue with an object name that is not a DNS-1123 label of at most `max`
 * characters, or undefined. 52 leaves room for the suffixes Kubernetes and this
 * library add (`-config-<hash>`, a CronJob's Job suffix).
 */
export function nameIssue(name: string, max = 52): PropIssue | undefined {
  const problem = dnsLabelProblem(name, max);
  if (!problem) return undefined;
  return {
    prop: 'name',
    rule: problem.rule,
    received: name,
    fix: `Use a name like '${suggestDnsLabel(name).slice(0, max)}' (${max} characters at most).`,
  };
}

/**
 * Suggests a valid DNS-1123 label close to `name`. Accented letters are
 * transliterated (`órders-api` -> `orders-api`), not dropped.
 */
export function suggestDnsLabel(name: string): string {
  const ascii = String(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  const s = ascii
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return s.replace(/-+$/, '') || 'my-service';
}

/**
 * RFC 1035 label: a Service name must also start with a letter (the API server
 * rejects `1api`, since the name becomes a DNS name of the cluster).
 */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A container image reference split into its parts. */
export interface ImageReference {
  /** Registry host and repository path, e.g. `ghcr.io/acme/orders-api`. */
  readonly repository: string;
  /** The tag, if any. */
  readonly tag?: string;
  /** The digest (`sha256:...`), if any. */
  readonly digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?';
const IMAGE = new RegExp(`^(${DOMAIN}${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`);

/** Parses a reference in the grammar of the OCI distribution spec, or returns undefined. */
export function parseImage(ref: string): ImageReference | undefined {
  if (typeof ref !== 'string') return undefined;
  const m = IMAGE.exec(ref);
  if (!m) return undefined;
  return { repository: m[1], tag: m[2], digest: m[3] };
}

/**
 * Why `ref` is not a pinned image, or undefined.
 *
 * A pinned image names an exact build: a digest, or a tag other than `latest`.
 * Anything else lets two nodes run two different builds of "the same" version.
 */
export function imagePinProblem(ref: string): Problem | undefined {
  const parsed = parseImage(ref);
  if (!parsed) {
    return {
      rule: `must be a container image reference (registry/repository:tag or @sha256:digest)${imageDetail(ref)}`,
      fix: imageFix(ref),
    };
  }
  if (!parsed.tag && !parsed.digest) {
    return {
      rule: 'must be pinned with a tag or a digest',
      fix: `Add the version you built, e.g. '${ref}:1.0.0' or '${ref}@sha256:<digest>'.`,
    };
  }
  if (parsed.tag === 'latest' && !parsed.digest) {
    return {
      rule: "must not use the mutable tag ':latest'",
      fix: "Tag each build with its version or commit SHA, or pin the digest ('@sha256:...').",
    };
  }
  return undefined;
}

/** Which part of a malformed image reference is wrong, as a clause of the rule. */
function imageDetail(ref: unknown): string {
  if (typeof ref !== 'string') return ` (it is a ${ref === null ? 'null' : typeof ref}, not a string)`;
  if (ref.trim() !== ref) return ' (it has leading or trailing whitespace)';
  if (ref === '') return ' (it is empty)';
  if (/\s/.test(ref)) return ' (it contains whitespace)';
  const at = ref.indexOf('@');
  if (at >= 0) {
    const digest = ref.slice(at + 1);
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) return ` (the digest '${digest}' is not 'sha256:' and 64 lowercase hex characters)`;
  }
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const slash = name.indexOf('/');
  const path = slash >= 0 && /[.:]|^localhost$/.test(name.slice(0, slash)) ? name.slice(slash + 1) : name;
  const repository = path.replace(/:[^/]*$/, '');
  if (/[A-Z]/.test(repository)) return ` (the repository '${repository}' has uppercase letters; only the registry host may)`;
  const tag = /:([^/]*)$/.exec(path)?.[1];
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag))
    return ` (the tag '${tag}' must be letters, digits, '_', '.' and '-', at most 128)`;
  return '';
}

function imageFix(ref: unknown): string {
  if (typeof ref === 'string' && ref.trim() !== ref && parseImage(ref.trim())) return `Remove the whitespace: '${ref.trim()}'.`;
  return "Write it like 'ghcr.io/acme/orders-api:1.4.2'.";
}

/** Label-safe version of an image: its tag when it is a valid label value. */
export function imageVersionLabel(ref: string): string | undefined {
  const parsed = parseImage(ref);
  const tag = parsed?.tag;
  if (tag && LABEL_VALUE.test(tag)) return tag;
  if (parsed?.digest) return parsed.digest.slice('sha256:'.length, 'sha256:'.length + 12);
  return undefined;
}

/** The namespace a chart puts an object in must be one the API server accepts: the problem as a message, or none. */
export function chartNamespaceProblems(obj: ApiObject): string[] {
  const ns = obj.metadata.namespace;
  const problem = ns === undefined ? undefined : dnsLabelProblem(ns);
  return problem
    ? [
        formatIssue({
          prop: 'namespace (of the chart)',
          rule: problem.rule,
          received: ns,
          fix: `Use e.g. new Chart(app, 'shop', { namespace: '${suggestDnsLabel(ns!)}' }).`,
        }),
      ]
    : [];
}
