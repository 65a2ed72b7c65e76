/**
 * The layout rules that are not import rules (those are data in
 * .dependency-cruiser.cjs, checked by `npm run depcruise`): a cloud is named
 * only under constructs/profiles/, docs/architecture.md places every file, and
 * files and constructors stay small.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** TypeScript sources under `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  return (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f).split(path.sep).join('/'))
    .sort();
}

const ALL = [...sources('constructs'), ...sources('src')];
/** Written by tools, not by hand: `cdk8s import` and `npm run generate`. */
const GENERATED = (f: string) => f.startsWith('constructs/imports/') || f.endsWith('/shapes.generated.ts');
const NEUTRAL = ALL.filter((f) => !f.startsWith('constructs/profiles/') && !f.startsWith('constructs/imports/'));

describe('a cloud is one profile', () => {
  test('the walk finds the neutral modules', () => {
    expect(NEUTRAL).toEqual(
      expect.arrayContaining(['constructs/workloads/python-microservice.ts', 'src/kit/app.ts', 'src/ci/registry.ts']),
    );
  });

  test('outside constructs/profiles/, no code or comment names a managed cloud', () => {
    const hits = NEUTRAL.flatMap((f) =>
      fs
        .readFileSync(path.join(ROOT, f), 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${f}:${i + 1}` }))
        .filter(({ line }) => /\b(eks|gke|aks)\b/i.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });
});

describe('docs/architecture.md places every file', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
  /** Each row of the file tables: its folder, and the backticked names in the rest of the row. */
  const rows = doc
    .split('\n')
    .map((line) => /^\| `((?:constructs|src)\/[^`]*\/|src\/)` \|(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ folder: m[1], names: new Set([...m[2].matchAll(/`([^`]+)`/g)].map((n) => n[1])), all: /every file/.test(m[2]) }));

  test('the file tables exist', () => {
    expect(rows.map((r) => r.folder)).toEqual(expect.arrayContaining(['constructs/core/', 'constructs/workloads/', 'src/']));
  });

  test('every source file under constructs/ and src/ is named in the row of its folder', () => {
    const unplaced = ALL.filter((f) => {
      const folder = `${path.posix.dirname(f)}/`;
      const row = rows.find((r) => r.folder === folder);
      return !row || !(row.all || row.names.has(path.posix.basename(f)));
    });
    expect(unplaced).toEqual([]);
  });

  test('every file the tables name exists', () => {
    const missing = rows.flatMap((r) =>
      [...r.names].filter((n) => n.endsWith('.ts') && !n.includes('/')).filter((n) => !fs.existsSync(path.join(ROOT, r.folder, n))),
    );
    expect(missing).toEqual([]);
  });
});

describe('small files and small constructors', () => {
  const handWritten = ALL.filter((f) => !GENERATED(f));

  test('no hand-written file under constructs/ or src/ is over 400 lines', () => {
    const long = handWritten
      .map((f) => ({ f, lines: fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 400)
      .map(({ f, lines }) => `${f}: ${lines}`);
    expect(long).toEqual([]);
  });

  test('no constructor is over 45 lines: behaviour lives in named methods and base classes', () => {
    const long: string[] = [];
    for (const f of handWritten) {
      const sf = ts.createSourceFile(f, fs.readFileSync(path.join(ROOT, f), 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (n: ts.Node): void => {
        if (ts.isConstructorDeclaration(n) && n.body) {
          const lines = sf.getLineAndCharacterOfPosition(n.end).line - sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
          if (lines > 45) long.push(`${f}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${lines} lines`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(long).toEqual([]);
  });
});
