/**
 * The plan's Mermaid pictures, read by Mermaid's own parser (test/support/mermaid.ts:
 * the mermaid package in a child Node process with jsdom, as GitHub's renderer runs
 * it). Integration: one Node process that loads Mermaid, seconds. Every picture of
 * this file is parsed by that one process, in beforeAll.
 */
import { TARGETS } from '../../examples/shop/shop';
import { PLAN_FILE } from '../../src/plan';
import { planFlowchart } from '../../src/plan/mermaid';
import { renderExample } from '../support/example';
import { MermaidResult, mermaidBlocks, parseMermaid } from '../support/mermaid';
import { SPECIAL_CHARACTERS } from './special-plan';

const rendering = renderExample();
const FOLDERS = TARGETS.map((t) => `${t.environment}/${t.cloud}`);
const targetDiagrams = FOLDERS.flatMap((f) => mermaidBlocks(rendering.files.get(`${f}/${PLAN_FILE}`)!));
const specialDiagram = planFlowchart(SPECIAL_CHARACTERS);

let parsed: MermaidResult[];
beforeAll(() => {
  parsed = parseMermaid([...targetDiagrams, specialDiagram]);
});

describe("the plan's pictures parse with Mermaid's own parser", () => {
  test("every target's picture parses as a flowchart", () => {
    expect(targetDiagrams).toHaveLength(FOLDERS.length);
    expect(parsed.slice(0, FOLDERS.length)).toEqual(FOLDERS.map(() => ({ type: 'flowchart-v2' })));
  });

  test('labels with quotes, hashes and angle brackets, escaped, still parse', () => {
    expect(specialDiagram).toContain('say #quot;hi#quot; #35;1 #lt;b#gt;');
    expect(parsed.slice(FOLDERS.length)).toEqual([{ type: 'flowchart-v2' }]);
  });
});
