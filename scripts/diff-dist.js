#!/usr/bin/env node
// Shows what a synth would change in dist/ compared with a git revision,
// object by object, without touching dist/: the app is synthesized into a
// temporary folder (PYSERVICE_DIST) and compared with `git show <rev>:dist/...`.
//
//   node scripts/diff-dist.js [--base <rev>] [--before <dir>] [--after <dir>]
//
//   --base <rev>    revision to compare with (default HEAD)
//   --before <dir>  compare with this folder instead of the revision
//   --after <dir>   compare this folder instead of a fresh synth
//
// Exit code: 0 identical, 1 different (for pull request checks), 2 error.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { diffTrees, formatReport } = require('./diff-lib');

const ROOT = path.resolve(__dirname, '..');
const DIST = 'dist';

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { base: 'HEAD' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!['--base', '--before', '--after'].includes(flag)) throw new UsageError(`unknown argument '${flag}'`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    args[flag.slice(2)] = value;
    i++;
  }
  return args;
}

/** Every file under `dir`, as relative path (with '/') to text. */
function readTree(dir) {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  const files = new Map();
  const walk = (sub) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) files.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return files;
}

/** dist/ as committed at `rev`, read with one `git cat-file --batch` instead of a process per file. */
function readRevision(rev) {
  const git = (args, input) => execFileSync('git', args, { cwd: ROOT, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  const names = git(['ls-tree', '-r', '-z', '--name-only', rev, '--', `${DIST}/`])
    .toString('utf8')
    .split('\0')
    .filter(Boolean);
  const files = new Map();
  if (names.length === 0) return files;
  const out = git(['cat-file', '--batch'], names.map((n) => `${rev}:${n}\n`).join(''));
  let at = 0;
  for (const name of names) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol).toString('utf8');
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!m) throw new Error(`git cat-file: unexpected answer for ${name}: ${header}`);
    const size = Number(m[1]);
    files.set(name.slice(DIST.length + 1), out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return files;
}

/** Runs the example app with its publish folder redirected to a temporary folder, and reads what it wrote. */
function synthesize() {
  const main = path.join(ROOT, 'examples', 'shop', 'main.ts');
  // Without the redirect the app would replace the real dist/: refuse rather than overwrite it.
  if (!fs.readFileSync(main, 'utf8').includes('PYSERVICE_DIST')) {
    throw new Error('examples/shop/main.ts does not read PYSERVICE_DIST, so a synth would overwrite dist/; nothing was run');
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pyservice-diff-'));
  try {
    const out = path.join(tmp, DIST);
    const env = { ...process.env, PYSERVICE_DIST: out };
    delete env.CDK8S_OUTDIR;
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (run.error) throw run.error;
    if (run.status !== 0) {
      process.stderr.write(run.stderr);
      throw new Error(`the synth failed (exit code ${run.status})`);
    }
    if (run.stderr) process.stderr.write(run.stderr);
    if (!fs.existsSync(out)) throw new Error(`the synth exited 0 but wrote nothing to PYSERVICE_DIST (${out})`);
    return readTree(out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const before = args.before ? readTree(path.resolve(args.before)) : readRevision(args.base);
  const after = args.after ? readTree(path.resolve(args.after)) : synthesize();
  const result = diffTrees(before, after);
  const from = args.before ? path.resolve(args.before) : `${args.base}:${DIST}`;
  const to = args.after ? path.resolve(args.after) : 'a fresh synth';
  process.stdout.write(`Comparing ${from} with ${to}\n`);
  process.stdout.write(formatReport(result, { prefix: `${DIST}/` }));
  return result.identical ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (err) {
  const message = err.stderr ? `${err.message}\n${String(err.stderr).trim()}` : err.message;
  process.stderr.write(`diff-dist: ${message}\n`);
  if (err instanceof UsageError) process.stderr.write('usage: node scripts/diff-dist.js [--base <rev>] [--before <dir>] [--after <dir>]\n');
  process.exitCode = 2;
}
