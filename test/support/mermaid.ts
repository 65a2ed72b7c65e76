/**
 * Mermaid's own parser, as GitHub's renderer runs it: `mermaid.parse` of the
 * mermaid package (its flowchart grammar), in a child Node process because the
 * package is ESM-only. DOMPurify, which mermaid calls while parsing, needs a
 * DOM: jsdom provides the window a browser would.
 */
import { execFileSync } from 'child_process';

const SCRIPT = `
import { JSDOM } from 'jsdom';
const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ type: parsed.diagramType });
  } catch (e) {
    results.push({ error: String(e.message ?? e) });
  }
}
process.stdout.write(JSON.stringify(results));
`;

/** The result of parsing one diagram: its type, or the parser's error. */
export interface MermaidResult {
  readonly type?: string;
  readonly error?: string;
}

/** Parses each diagram (the text inside a ```mermaid fence) with Mermaid's parser. */
export function parseMermaid(diagrams: readonly string[]): MermaidResult[] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: __dirname,
    input: JSON.stringify(diagrams),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as MermaidResult[];
}

/** The diagrams of the ```mermaid fences of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}
