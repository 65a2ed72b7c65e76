/**
 * The committed API reference (docs/api/, `npm run docs`) covers the public API.
 * Whether it is up to date is checked in CI by `npm run docs -- --check`, which
 * runs TypeDoc (about 15 seconds).
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const API = path.join(ROOT, 'docs', 'api', 'pyservice-k8s');

/** The pages of one module: name to relative path, from each folder (classes/, interfaces/, functions/, ...). */
function pages(dir: string): Map<string, string> {
  return new Map(
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'pulumi')
      .flatMap((d) =>
        fs
          .readdirSync(path.join(dir, d.name))
          .filter((f) => f.endsWith('.md'))
          .map((f) => [f.replace(/\.md$/, ''), `${d.name}/${f}`] as const),
      ),
  );
}

describe('the API reference', () => {
  test('every name of the public API (test/packaging/public-api.txt) has a page', () => {
    // GIVEN
    const names = fs
      .readFileSync(path.join(ROOT, 'test', 'packaging', 'public-api.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.replace(/^(type|value) /, ''));
    // WHEN
    const documented = pages(API);
    // THEN
    expect(names.filter((n) => !documented.has(n))).toEqual([]);
  });

  test("a props page shows each prop's JSDoc and its default: a literal as code, prose as prose", () => {
    const page = fs.readFileSync(path.join(API, 'interfaces', 'PyserviceAppProps.md'), 'utf8');
    expect(page).toContain('### outdir?');
    expect(page).toMatch(/### outdir\?[\s\S]*?Folder the synth replaces with its output[\s\S]*?#### Default\n\n`'dist'`\n/);
    expect(page).toMatch(/### delivery\?[\s\S]*?#### Default\n\nno delivery files\n/);
  });

  test('the Pulumi entry point has its own pages', () => {
    expect([...pages(path.join(API, 'pulumi')).keys()]).toEqual(
      expect.arrayContaining(['Cdk8sComponent', 'PythonMicroserviceComponent', 'Cdk8sComponentArgs']),
    );
  });

  test('the pages carry no absolute path, source link or date, so they change only with the API', () => {
    const all = (fs.readdirSync(path.join(ROOT, 'docs', 'api'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.md'))
      .map((f) => fs.readFileSync(path.join(ROOT, 'docs', 'api', f), 'utf8'))
      .join('\n');
    expect(all).not.toContain(ROOT);
    expect(all).not.toMatch(/Defined in:|github\.com\/[^)]*\/blob\/|\b20\d\d-\d\d-\d\d\b/);
  });
});
