/** Line diffs of texts: plain files (a Dockerfile) and multi-line values (a script in a ConfigMap). */

/** One line of an edit script: kept (' '), removed ('-') or added ('+'). */
interface Edit {
  readonly op: ' ' | '-' | '+';
  readonly line: string;
}

/** Above this many cells the table of the longest common subsequence is not built: the texts are shown replaced. */
const MAX_CELLS = 25_000_000;

/** The edit script between two lists (longest common subsequence), items compared with `===`. */
export function editScript<T>(a: readonly T[], b: readonly T[]): Array<{ op: ' ' | '-' | '+'; item: T }> {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) return [...a.map((item) => ({ op: '-' as const, item })), ...b.map((item) => ({ op: '+' as const, item }))];
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: Array<{ op: ' ' | '-' | '+'; item: T }> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: ' ', item: a[i++] });
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      ops.push({ op: '-', item: a[i++] });
    } else {
      ops.push({ op: '+', item: b[j++] });
    }
  }
  while (i < n) ops.push({ op: '-', item: a[i++] });
  while (j < m) ops.push({ op: '+', item: b[j++] });
  return ops;
}

const splitLines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/**
 * The hunks of a unified diff (`@@ -a,n +b,m @@` and its lines, `context` lines
 * around each change), without the file header; empty when the texts are equal.
 */
export function unifiedHunks(before: string, after: string, context = 3): string[] {
  const ops: Edit[] = editScript(splitLines(before), splitLines(after)).map((o) => ({ op: o.op, line: o.item }));
  if (ops.every((o) => o.op === ' ')) return [];
  let aLine = 1;
  let bLine = 1;
  const positioned = ops.map((o) => {
    const entry = { ...o, a: aLine, b: bLine };
    if (o.op !== '+') aLine++;
    if (o.op !== '-') bLine++;
    return entry;
  });
  const out: string[] = [];
  let k = 0;
  while (k < positioned.length) {
    while (k < positioned.length && positioned[k].op === ' ') k++;
    if (k >= positioned.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    // One hunk while the next change is within 2 * context unchanged lines.
    for (;;) {
      while (end < positioned.length && positioned[end].op !== ' ') end++;
      let next = end;
      while (next < positioned.length && positioned[next].op === ' ') next++;
      if (next < positioned.length && next - end <= 2 * context) {
        end = next;
        continue;
      }
      end = Math.min(positioned.length, end + context);
      break;
    }
    const hunk = positioned.slice(start, end);
    const aCount = hunk.filter((o) => o.op !== '+').length;
    const bCount = hunk.filter((o) => o.op !== '-').length;
    const aStart = aCount === 0 ? hunk[0].a - 1 : hunk.find((o) => o.op !== '+')!.a;
    const bStart = bCount === 0 ? hunk[0].b - 1 : hunk.find((o) => o.op !== '-')!.b;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const o of hunk) out.push(`${o.op}${o.line}`);
    k = end;
  }
  return out;
}
