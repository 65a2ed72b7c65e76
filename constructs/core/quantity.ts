import { Duration } from 'cdk8s';
import { PropIssue } from './validation';

/**
 * Kubernetes resource quantities, parsed so that requests and limits can be
 * compared and turned into worker counts.
 *
 * The grammar is the API server's (k8s.io/apimachinery `resource.Quantity`):
 * a signed decimal number followed by a binary suffix (Ki, Mi, Gi, Ti, Pi, Ei),
 * a decimal suffix (n, u, m, k, M, G, T, P, E) or a decimal exponent (e3).
 */

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** A parsed quantity: its canonical text and its value in base units. */
export interface ParsedQuantity {
  /** The text as the user wrote it (numbers are turned into strings). */
  readonly text: string;
  /** Value in base units: cores for CPU, bytes for memory. */
  readonly value: number;
  /** The suffix, '' when none. */
  readonly suffix: string;
}

/** Parses a quantity; `undefined` when the text is not a Kubernetes quantity. */
export function parseQuantity(input: string | number): ParsedQuantity | undefined {
  const text = typeof input === 'number' ? String(input) : input;
  if (typeof text !== 'string') return undefined;
  const m = QUANTITY.exec(text.trim() === text ? text : '');
  if (!m) return undefined;
  const num = Number(m[1]);
  const suffix = m[2] ?? '';
  let factor: number;
  if (suffix in BINARY) factor = BINARY[suffix];
  else if (suffix in DECIMAL) factor = DECIMAL[suffix];
  else factor = 10 ** Number(suffix.slice(1));
  return { text, value: num * factor, suffix };
}

/** CPU in millicores, or a reason why the text is not a usable CPU quantity. */
export function parseCpu(input: string | number): { millis: number } | { error: string } {
  const q = parseQuantity(input);
  if (!q) return { error: "must be a Kubernetes CPU quantity such as '250m' or '1.5'" };
  if (q.suffix in BINARY || /^[kMGTPE]$/.test(q.suffix)) {
    return { error: "must be in cores or millicores ('500m', '2'), not a memory-style unit" };
  }
  const millis = q.value * 1000;
  if (millis < 1) return { error: 'must be at least 1m (one millicore)' };
  return { millis: Math.round(millis) };
}

/** Memory in bytes, or a reason why the text is not a usable memory quantity. */
export function parseMemory(input: string | number): { bytes: number } | { error: string } {
  const q = parseQuantity(input);
  if (!q) return { error: "must be a Kubernetes memory quantity such as '512Mi' or '1Gi'" };
  if (q.suffix === 'm' || q.suffix === 'u' || q.suffix === 'n') {
    return { error: `uses the milli suffix '${q.suffix}' (thousandths of a byte); did you mean '${q.text.slice(0, -1)}Mi'?` };
  }
  if (q.value <= 0) return { error: 'must be above zero' };
  if (q.value < 4 * 2 ** 20) {
    return { error: "must be at least 4Mi; a bare number is bytes, so write '512Mi' rather than '512'" };
  }
  return { bytes: Math.round(q.value) };
}

/** Renders millicores the way `kubectl` does: '500m', or whole cores as '2'. */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Renders bytes with the largest binary suffix that divides them exactly. */
export function formatMemory(bytes: number): string {
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const f = BINARY[suffix];
    if (bytes % f === 0) return `${bytes / f}${suffix}`;
  }
  return String(bytes);
}

/** Bytes in one mebibyte. */
export const MiB = 2 ** 20;

/** A Duration as whole seconds in [min, max], or undefined when unset. */
export function wholeSeconds(
  d: Duration | undefined,
  prop: string,
  min: number,
  max: number,
  issues: PropIssue[],
  example?: number,
): number | undefined {
  if (d === undefined) return undefined;
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < min || s > max) {
    issues.push({
      prop,
      rule: `must be a whole number of seconds from ${min} to ${max}`,
      received: s,
      fix: `Use e.g. Duration.seconds(${example ?? Math.max(min, Math.min(max, 60))}).`,
    });
  }
  return s;
}
