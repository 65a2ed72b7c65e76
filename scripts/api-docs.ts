/**
 * The API reference under docs/api/, generated from the JSDoc of the two entry
 * points by TypeDoc and typedoc-plugin-markdown (typedoc.json):
 *
 *   node --import tsx scripts/api-docs.ts            (npm run docs: regenerates docs/api/)
 *   node --import tsx scripts/api-docs.ts --check    (exits 1 when docs/api/ is stale)
 *
 * The output has no timestamps, absolute paths or source links, so it changes
 * only when the documented API does.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readFolder } from '../src/diff/sources';

const ROOT = path.resolve(__dirname, '..');
const DOCS = path.join(ROOT, 'docs', 'api');
const TYPEDOC = path.join(path.dirname(require.resolve('typedoc/package.json', { paths: [ROOT] })), 'bin', 'typedoc');

function typedoc(out: string): void {
  execFileSync(process.execPath, [TYPEDOC, '--out', out], { cwd: ROOT, stdio: 'inherit' });
}

if (!process.argv.includes('--check')) {
  typedoc(DOCS);
  process.stdout.write(`docs/api/: ${readFolder(DOCS).size} files\n`);
} else {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-api-docs-'));
  try {
    typedoc(tmp);
    const [fresh, committed] = [readFolder(tmp), readFolder(DOCS)];
    const stale = [...new Set([...fresh.keys(), ...committed.keys()])]
      .sort()
      .filter((f) => fresh.get(f) !== committed.get(f))
      .map((f) => `${!committed.has(f) ? 'missing' : !fresh.has(f) ? 'extra' : 'stale'}: docs/api/${f}`);
    if (stale.length > 0) {
      process.stdout.write(`${stale.slice(0, 20).join('\n')}${stale.length > 20 ? `\n... and ${stale.length - 20} more` : ''}\n`);
      process.stdout.write('docs/api/ differs from what the JSDoc generates: run npm run docs and commit docs/api/.\n');
      process.exitCode = 1;
    } else {
      process.stdout.write(`docs/api/ is up to date (${fresh.size} files).\n`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
