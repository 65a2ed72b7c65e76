/**
 * The layout rules of the code base: a cloud is one file under
 * constructs/profiles/ (with its lines in that folder's registries), and the
 * rest of the code speaks of clouds only through the profile contract.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** TypeScript sources under `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  return (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f).split(path.sep).join('/'));
}

const NEUTRAL = [...sources('constructs'), ...sources('src')].filter(
  (f) => !f.startsWith('constructs/profiles/') && !f.startsWith('constructs/imports/'),
);

describe('a cloud is one file', () => {
  test('the neutral modules exist (the walk finds them)', () => {
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

  test("outside constructs/profiles/, nothing imports one cloud's file: only the folder's index and its public types", () => {
    const hits = NEUTRAL.flatMap((f) =>
      [...fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/from '([^']*profiles\/[^']+)'/g)]
        .map((m) => m[1])
        .filter((spec) => !/profiles\/(profile|public|starters)$/.test(spec))
        .map((spec) => `${f}: ${spec}`),
    );
    expect(hits).toEqual([]);
  });
});
