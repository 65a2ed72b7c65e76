import { Construct, IValidation } from 'constructs';

/**
 * One broken rule about one prop.
 *
 * Rendered as `'<prop>' <rule>; received <value>. <fix>` so that every
 * message a user sees has the same four parts, in the same order.
 */
export interface PropIssue {
  /** Dotted path of the prop, e.g. `resources.cpu` or `profile.roleArn`. */
  readonly prop: string;
  /** The rule the value breaks, phrased as what must hold. */
  readonly rule: string;
  /** The offending value, echoed back. */
  readonly received: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/** Formats an issue in the project's one error shape. */
export function formatIssue(issue: PropIssue): string {
  return `'${issue.prop}' ${issue.rule}; received ${show(issue.received)}. ${issue.fix}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  // JSON would print them as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  // A value object or a construct: its class, never its private fields.
  const kind = classOf(value);
  if (kind) return kind;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** `a SecretEnv`, `the construct shop/orders-api`: what an object of a class is, or undefined for plain data. */
function classOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const path = (value as { node?: { path?: unknown } }).node?.path;
  if (typeof path === 'string') return `the construct ${path}`;
  let proto = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return undefined;
  // The base class below Object is the public one (SecretEnv, not its private ExistingSecretEnv).
  while (Object.getPrototypeOf(proto) !== null && Object.getPrototypeOf(proto) !== Object.prototype) proto = Object.getPrototypeOf(proto);
  const name = proto.constructor?.name;
  return name ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : undefined;
}

/**
 * Collects the issues a construct finds while it resolves its props, and
 * reports them all at synthesis through `node.addValidation`.
 *
 * Collecting instead of throwing lets one synth report every mistake of
 * every service at once; cdk8s prefixes each message with the construct path.
 */
export class IssueCollector implements IValidation {
  /** Attaches a collector to `scope`. */
  public static of(scope: Construct): IssueCollector {
    const collector = new IssueCollector();
    scope.node.addValidation(collector);
    return collector;
  }

  private readonly issues: PropIssue[] = [];

  private constructor() {}

  /** Records an issue. */
  public add(issue: PropIssue): void {
    this.issues.push(issue);
  }

  /** Records an issue unless `ok` holds; returns `ok`. */
  public check(ok: boolean, issue: PropIssue): boolean {
    if (!ok) this.add(issue);
    return ok;
  }

  /** Records every issue of a list. */
  public addAll(issues: readonly PropIssue[]): void {
    for (const issue of issues) this.add(issue);
  }

  /** True when nothing was recorded. */
  public get isEmpty(): boolean {
    return this.issues.length === 0;
  }

  public validate(): string[] {
    return this.issues.map(formatIssue);
  }
}

/** Records a non-fatal message that the synth output shows to the user. */
export function addWarning(scope: Construct, message: string): void {
  scope.node.addMetadata(WARNING_METADATA, message);
}

/** Metadata type under which warnings are recorded. */
const WARNING_METADATA = 'pyservice:warning';

/** Every warning recorded under `scope`, prefixed with the construct path. */
export function collectWarnings(scope: Construct): string[] {
  const out: string[] = [];
  for (const c of scope.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type === WARNING_METADATA) out.push(`[${c.node.path}] ${entry.data}`);
    }
  }
  return out;
}

/**
 * The one error type of the library and the app kit: every broken rule found in
 * the user's input, each on its own line, with the construct path it is about.
 * Callers make one `instanceof ValidationError` check; `errors` holds the lines
 * without the summary.
 */
/**
 * A rule a value breaks, and how to fix it, without the prop (the caller knows
 * it): what every `...Problem(value)` helper returns. Callers that know a better
 * fix for their prop give their own.
 */
export interface Problem {
  readonly rule: string;
  readonly fix: string;
}

export class ValidationError extends Error {
  /** Formats issues of one construct (or one named input) as error lines. */
  public static fromIssues(summary: string, issues: readonly PropIssue[], where?: Construct | string): ValidationError {
    const path = typeof where === 'string' ? where : where?.node.path;
    return new ValidationError(
      summary,
      issues.map((i) => (path ? `[${path}] ` : '') + formatIssue(i)),
      path,
    );
  }

  /** Each broken rule, as `[path] '<prop>' <rule>; received <value>. <fix>`. */
  public readonly errors: readonly string[];
  /** The construct path (or input name) the error is about, when it is about one. */
  public readonly path?: string;

  public constructor(summary: string, errors: readonly string[], path?: string) {
    super(errors.length > 0 ? `${summary}\n${errors.map((e) => `  ${e}`).join('\n')}` : summary);
    this.name = 'ValidationError';
    this.errors = [...errors];
    this.path = path;
  }
}
