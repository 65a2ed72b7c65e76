/** Where the two sides of a comparison come from: a folder on disk, or a folder at a git revision. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Tree } from './tree';

/** Every file under `dir`, by its path relative to it ('/'-separated); empty when `dir` does not exist. */
export function readFolder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(dir)) return files;
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) files.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A git revision that does not name a commit. */
export class UnknownRevisionError extends Error {}

/**
 * The files of `dir` (relative to `cwd`) at git revision `rev`, read with one
 * `git cat-file --batch` rather than a process per file; empty when the folder
 * did not exist at that revision.
 */
export function readRevision(cwd: string, rev: string, dir: string): Tree {
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, { cwd, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  } catch {
    throw new UnknownRevisionError(`"${rev}" is not a commit of the git repository in ${cwd}.`);
  }
  const prefix = `${path.posix.normalize(dir.split(path.sep).join('/')).replace(/\/+$/, '')}/`;
  // ls-tree prints paths relative to cwd; `rev:./path` reads them relative to cwd too.
  const names = git(['ls-tree', '-r', '-z', '--name-only', rev, '--', prefix]).toString('utf8').split('\0').filter(Boolean);
  const files = new Map<string, string>();
  if (names.length === 0) return files;
  const out = git(['cat-file', '--batch'], names.map((n) => `${rev}:./${n}\n`).join(''));
  let at = 0;
  for (const name of names) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol).toString('utf8');
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!m) throw new Error(`git cat-file: unexpected answer for ${name}: ${header}`);
    const size = Number(m[1]);
    files.set(name.slice(prefix.length), out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return files;
}
