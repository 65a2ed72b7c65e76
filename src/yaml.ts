import { stringify } from 'yaml';

/** cdk8s's `Yaml.stringify` options: the bytes of dist/ depend on them. */
const OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;
/** Keys written as they are; anything else is checked against `yaml` once. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9._/-]*$/;
/**
 * Strings `yaml` writes as they are, in a key or a value, known without asking it: a lowercase
 * letter first rules out YAML 1.1 timestamps and indicators, and numbers too except an exponent
 * without digits before it (`e1` is a float to `yaml`: excluded); no space, colon or hash rules out
 * quoting inside; what is left are the YAML 1.1 words for booleans and null that start lowercase
 * (`test/yaml.test.ts` compares this with `yaml` over every string of up to three characters of an
 * alphabet that spells them). Most keys and names of a manifest are this shape.
 */
const SURELY_PLAIN = /^(?!e[-+0-9])[a-z][A-Za-z0-9._/-]*$/;
const YAML11_WORDS = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null']);

/** Whether `yaml` writes `s` as it is, without asking it (false: not known, ask). */
export function surelyPlain(s: string): boolean {
  return SURELY_PLAIN.test(s) && !YAML11_WORDS.has(s);
}

/** A value the fast path does not write itself; the whole object then goes through `yaml`. */
class Unhandled extends Error {}

/**
 * Writes Kubernetes objects byte for byte as cdk8s's `Yaml.stringify` does, an
 * order of magnitude faster: block maps and sequences are written directly, and
 * each distinct scalar and key is rendered by `yaml` once and reused. An object
 * with anything else (a multi-line string, a key that needs quotes, a sequence
 * in a sequence, -0, undefined) goes through `yaml` whole.
 *
 * Serialization was over half of a large synthesis; this keeps 1000 services on
 * three clouds within a few seconds (see bench/README.md).
 */
export class ManifestWriter {
  private readonly scalars = new Map<string, string | null>();
  private readonly keys = new Map<string, boolean>();

  /** The YAML document of `obj`, ending in a newline. */
  public stringify(obj: unknown): string {
    if (!isMap(obj) || Object.keys(obj).length === 0) return stringify(obj, OPTIONS);
    try {
      const out: string[] = [];
      this.map(obj, '', out, '');
      return out.join('');
    } catch (e) {
      if (e instanceof Unhandled) return stringify(obj, OPTIONS);
      throw e;
    }
  }

  private map(o: Record<string, unknown>, indent: string, out: string[], first: string): void {
    let prefix = first || indent;
    for (const key of Object.keys(o)) {
      if (!this.plainKey(key)) throw new Unhandled();
      const v = o[key];
      const inline = this.inline(v);
      if (inline !== undefined) {
        out.push(`${prefix}${key}: ${inline}\n`);
      } else {
        out.push(`${prefix}${key}:\n`);
        if (Array.isArray(v)) this.seq(v, `${indent}  `, out);
        else this.map(v as Record<string, unknown>, `${indent}  `, out, '');
      }
      prefix = indent;
    }
  }

  private seq(items: unknown[], indent: string, out: string[]): void {
    for (const v of items) {
      const inline = this.inline(v);
      if (inline !== undefined) out.push(`${indent}- ${inline}\n`);
      else if (Array.isArray(v)) throw new Unhandled();
      else this.map(v as Record<string, unknown>, `${indent}  `, out, `${indent}- `);
    }
  }

  /** The value on one line, or undefined for a non-empty map or sequence (written as a block). */
  private inline(v: unknown): string | undefined {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'string':
        return this.scalar(v);
      case 'boolean':
        return String(v);
      case 'number':
        if (!Number.isFinite(v) || Object.is(v, -0)) throw new Unhandled();
        return String(v);
      case 'object':
        if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
        if (!isMap(v)) throw new Unhandled();
        return Object.keys(v).length === 0 ? '{}' : undefined;
      default:
        throw new Unhandled();
    }
  }

  private scalar(s: string): string {
    if (surelyPlain(s)) return s;
    let r = this.scalars.get(s);
    if (r === undefined) {
      const doc = stringify(s, OPTIONS);
      // One line (plain or quoted) reads the same as a map value or a sequence item.
      r = doc.indexOf('\n') === doc.length - 1 ? doc.slice(0, -1) : null;
      this.scalars.set(s, r);
    }
    if (r === null) throw new Unhandled();
    return r;
  }

  private plainKey(key: string): boolean {
    if (surelyPlain(key)) return true;
    let ok = this.keys.get(key);
    if (ok === undefined) {
      ok = PLAIN_KEY.test(key) && stringify({ [key]: 0 }, OPTIONS) === `${key}: 0\n`;
      this.keys.set(key, ok);
    }
    return ok;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
