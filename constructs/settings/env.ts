import { ENV_NAME } from '../core/names';
import { PropIssue } from '../core/validation';

const SECRET_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PWD',
  'PASS',
  'TOKEN',
  'SECRET',
  'KEY',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATE',
  'DSN',
]);
// scheme://user:password@host: a password embedded in a connection URL.
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^/\s@]+)@/i;
// A password that is only a reference to another env var (a secret's), which Kubernetes expands in the pod.
const REFERENCE_ONLY = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/;

/** Secret words long enough to find inside a name without separators (`dbpassword`); short ones (KEY, PASS) only as words. */
const SECRET_INFIXES = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'PRIVATEKEY'];

/**
 * The words of a name in any case style: `DB_PASSWORD`, `db-password`,
 * `dbPassword` and `DbPassword` all give DB and PASSWORD.
 */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/** Why a plain (non-secret) setting looks like a secret, or undefined. */
function secretLooking(name: string, value: string): string | undefined {
  const words = nameWords(name);
  const word = words.find((w) => SECRET_WORDS.has(w));
  if (word) return `its name contains '${word}'`;
  const joined = words.join('');
  const infix = SECRET_INFIXES.find((w) => joined.includes(w));
  if (infix) return `its name contains '${infix}'`;
  const password = typeof value === 'string' ? URL_WITH_PASSWORD.exec(value)?.[1] : undefined;
  if (password !== undefined && !REFERENCE_ONLY.test(password)) return 'its value is a URL with a password in it';
  return undefined;
}

/** Checks a map of plain settings: valid names, string values, nothing that looks secret. */
export function checkPlainSettings(prop: string, settings: Record<string, string>, notSecret: ReadonlySet<string>): PropIssue[] {
  const issues: PropIssue[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (!ENV_NAME.test(name)) {
      issues.push({
        prop: `${prop}.${name}`,
        rule: 'env var names must match [A-Za-z_][A-Za-z0-9_]*',
        received: name,
        fix: 'Use letters, digits and underscores, e.g. LOG_LEVEL.',
      });
    }
    if (typeof value !== 'string') {
      issues.push({
        prop: `${prop}.${name}`,
        rule: 'must be a string (env vars are strings)',
        received: value,
        fix: `Quote it: ${name}: '${String(value)}'.`,
      });
      continue;
    }
    const why = notSecret.has(name) ? undefined : secretLooking(name, value);
    if (why) {
      issues.push({
        prop: `${prop}.${name}`,
        rule: `looks like a secret (${why}) and plain settings are written into the manifests in git`,
        received: name,
        fix: `Move it to 'secrets' (e.g. SecretEnv.fromExisting('<secret>', { ${name}: '<key>' })), or list '${name}' in 'notSecret' if it is not one.`,
      });
    }
  }
  return issues;
}

/** Reports every env var name that more than one source defines. */
export function checkDuplicateEnv(sources: { prop: string; names: readonly string[] }[]): PropIssue[] {
  const seen = new Map<string, string>();
  const issues: PropIssue[] = [];
  for (const source of sources) {
    for (const name of source.names) {
      const first = seen.get(name);
      if (first !== undefined) {
        issues.push({
          prop: source.prop,
          rule: `must not define an env var that ${first} already defines (one would silently shadow the other)`,
          received: name,
          fix: `Define ${name} in one place only.`,
        });
      } else {
        seen.set(name, source.prop);
      }
    }
  }
  return issues;
}
