import { ENV_NAME, dnsSubdomainProblem, suggestDnsLabel } from '../core/names';
import { EnvFrom } from '../pod/containers';
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

/** How the user changes each env var the library sets. */
const RUNTIME_ENV_CONTROL: Record<string, string> = {
  PYTHONUNBUFFERED: "'python: false' leaves it out",
  PYTHONDONTWRITEBYTECODE: "'python: false' leaves it out",
  HOME: "'home' sets its value",
  WEB_CONCURRENCY: "'server.workers' sets its value",
  PROMETHEUS_MULTIPROC_DIR: "'metrics.multiprocess: false' leaves it out",
  DJANGO_SETTINGS_MODULE: "'server.settingsModule' sets its value",
  FORWARDED_ALLOW_IPS: 'it is set only behind an ingress, whose proxy it trusts',
};

/** Reports every env var name that more than one source defines. */
export function checkDuplicateEnv(sources: { prop: string; names: readonly string[] }[]): PropIssue[] {
  const seen = new Map<string, string>();
  const issues: PropIssue[] = [];
  for (const source of sources) {
    for (const name of source.names) {
      const first = seen.get(name);
      if (first !== undefined) {
        const control = RUNTIME_ENV_CONTROL[name];
        issues.push({
          prop: source.prop,
          rule: `must not define an env var that ${first} already defines (one would silently shadow the other)`,
          received: name,
          fix:
            control && first.startsWith('the runtime')
              ? `Remove ${name} from ${source.prop}: the library sets it, and ${control}.`
              : `Remove ${name} from ${source.prop} or from ${first}.`,
        });
      } else {
        seen.set(name, source.prop);
      }
    }
  }
  return issues;
}

/** An env var name close to `name`: its words, upper case, joined by underscores, not starting with a digit. */
export function suggestEnvName(name: string): string {
  const words = String(name)
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean)
    .join('_');
  return /^[0-9]/.test(words) ? `_${words}` : words || 'NAME';
}

/** The envFrom prefix rule of the API server (core/v1 validation, IsEnvVarName: `[-._a-zA-Z][-._a-zA-Z0-9]*`). */
const ENV_FROM_PREFIX = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Checks the object name and prefix of an envFrom source as the API server will. */
export function envFromIssues(e: EnvFrom, prop: string): PropIssue[] {
  const issues: PropIssue[] = [];
  const kind = e.source.secretRef ? 'Secret' : 'ConfigMap';
  const problem = dnsSubdomainProblem(e.objectName);
  if (problem) {
    issues.push({
      prop: `${prop}.name`,
      rule: `${problem.rule} (the name of a ${kind})`,
      received: e.objectName,
      fix: `Use the ${kind}'s name as the cluster has it, e.g. '${suggestDnsLabel(String(e.objectName))}'.`,
    });
  }
  const prefix = e.source.prefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !ENV_FROM_PREFIX.test(prefix))) {
    issues.push({
      prop: `${prop}.prefix`,
      rule: "must be a valid start of env var names: letters, digits, '_', '-' and '.', not starting with a digit (the API server refuses the pod otherwise)",
      received: prefix,
      fix: `Use e.g. '${suggestEnvName(String(prefix))}_'.`,
    });
  }
  return issues;
}
