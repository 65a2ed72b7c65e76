/**
 * The README is the guide and docs/*.md the hand-written reference pages it links to.
 * Every relative link in them must reach a file, and every #anchor a heading of that
 * file, as GitHub renders them; every page must be reachable from the README.
 * The generated API reference (docs/api/) is checked by api-docs.test.ts and
 * `npm run docs -- --check`; here only the links into it are.
 *
 * Links are read with a small reader, not a Markdown parser: inline links and images
 * (`[text](target)`, `![alt](target)`) outside fenced code blocks and code spans.
 * Anchors follow GitHub's heading ids (github-slugger): the heading's text, lowercased,
 * without punctuation but `-` and `_`, spaces as `-`, and `-1`, `-2` on repeats.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');

/** README.md and the hand-written pages directly under docs/, relative to the root. */
function guidePages(): string[] {
  const pages = fs
    .readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...pages];
}

/** The text outside fenced code blocks, with code spans blanked, one entry per line. */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker !== undefined) {
      fence = marker;
      return '';
    }
    return line.replace(/(`+)[\s\S]*?\1/g, '``');
  });
}

/** GitHub's id for a heading's text (github-slugger, without the repeat suffix). */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or image: its text
    .replace(/<[^>]+>/g, ''); // inline HTML
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every heading id of a Markdown file, repeats suffixed as GitHub does. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const ids = new Set<string>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (marker !== undefined) {
      fence = marker;
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

interface Link {
  /** The page it is on, relative to the root. */
  readonly page: string;
  readonly line: number;
  readonly target: string;
}

/** The inline links and images of a page whose target is not a URL with a scheme. */
function relativeLinks(page: string): Link[] {
  const lines = proseLines(fs.readFileSync(path.join(ROOT, page), 'utf8'));
  return lines.flatMap((text, i) =>
    [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
      .map((m) => m[1])
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => ({ page, line: i + 1, target })),
  );
}

/** What is wrong with one link, or undefined: a missing file, or an anchor no heading has. */
function brokenReason(link: Link): string | undefined {
  const [file, anchor] = link.target.split('#', 2) as [string, string | undefined];
  const resolved = file === '' ? path.join(ROOT, link.page) : path.resolve(ROOT, path.dirname(link.page), decodeURIComponent(file));
  if (!resolved.startsWith(ROOT + path.sep)) return 'leaves the repository';
  if (!fs.existsSync(resolved)) return 'no such file';
  if (anchor === undefined || anchor === '') return undefined;
  if (!resolved.endsWith('.md') || !fs.statSync(resolved).isFile()) return 'an anchor into something that is not a Markdown file';
  return anchorsOf(fs.readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor).toLowerCase()) ? undefined : 'no such heading';
}

describe('the heading ids links point to', () => {
  test("are GitHub's: lowercased, punctuation but '-' and '_' dropped, spaces as '-'", () => {
    expect(slug('A disk per replica: PythonStatefulSet')).toBe('a-disk-per-replica-pythonstatefulset');
    expect(slug('HTTP(S) ingress with one health definition')).toBe('https-ingress-with-one-health-definition');
    expect(slug('What the library injects, and how to change it')).toBe('what-the-library-injects-and-how-to-change-it');
    expect(slug('2. Environments, then `synth`')).toBe('2-environments-then-synth');
    expect(slug('The `WEB_CONCURRENCY` [variable](x.md)')).toBe('the-web_concurrency-variable');
  });

  test('a repeated heading gets -1, -2, as on GitHub', () => {
    expect([...anchorsOf('# EKS\n## EKS\n```\n# not a heading\n```\n### EKS\n')]).toEqual(['eks', 'eks-1', 'eks-2']);
  });
});

describe('the README and docs/*.md', () => {
  const pages = guidePages();
  const links = pages.flatMap(relativeLinks);

  test('are read: the README and at least the architecture page, with links found outside code', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
    expect(relativeLinks('README.md').length).toBeGreaterThan(10);
    // A link-like text inside a code span or a fenced block is code, not a link.
    expect(proseLines('`[a](missing.md)`\n```\n[b](missing.md)\n```\n[c](here.md)').join('\n')).not.toMatch(/missing/);
  });

  test('every relative link reaches a file, and every #anchor a heading of it', () => {
    // GIVEN every relative link of every page
    // WHEN each is resolved from its page
    const broken = links.map((l) => ({ l, why: brokenReason(l) })).filter(({ why }) => why !== undefined);
    // THEN none is broken
    expect(broken.map(({ l, why }) => `${l.page}:${l.line}: ${l.target} (${why})`)).toEqual([]);
  });

  test('a broken link or anchor is reported, not passed over', () => {
    expect(brokenReason({ page: 'README.md', line: 1, target: 'docs/no-such-page.md' })).toBe('no such file');
    expect(brokenReason({ page: 'README.md', line: 1, target: 'docs/workers.md#no-such-heading' })).toBe('no such heading');
    expect(brokenReason({ page: 'docs/cli.md', line: 1, target: '../README.md#install-into-your-repo' })).toBeUndefined();
    expect(brokenReason({ page: 'README.md', line: 1, target: '../outside.md' })).toBe('leaves the repository');
  });

  test('every page under docs/ is linked from the README, and so is the API reference', () => {
    // GIVEN the files the README's links reach
    const fromReadme = new Set(
      relativeLinks('README.md').map((l) =>
        path
          .relative(ROOT, path.resolve(ROOT, l.target.split('#')[0]))
          .split(path.sep)
          .join('/'),
      ),
    );
    // THEN each docs page is among them, and docs/api/ is reached
    expect(pages.filter((p) => p !== 'README.md' && !fromReadme.has(p))).toEqual([]);
    expect(fromReadme).toContain('docs/api/README.md');
  });
});
