#!/usr/bin/env node
// Runs `cdk8s synth` for the example app. When the app rejects its input it has
// already printed every error with its construct path; the CLI then adds its own
// stack trace ("command ... returned a non-zero exit code"), which says nothing
// new, so it is dropped here. Everything else the CLI prints passes through.
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const cli = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');
const child = spawn(process.execPath, [cli, 'synth', '--no-check-upgrade', ...process.argv.slice(2)], {
  stdio: ['inherit', 'inherit', 'pipe'],
});

let buffered = '';
let dropping = false;
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk) => {
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop();
  for (const line of lines) emit(line);
});
child.on('close', (code) => {
  if (buffered) emit(buffered);
  process.exitCode = code ?? 1;
});

function emit(line) {
  if (/^Error: command ".*" at .* returned a non-zero exit code \d+$/.test(line)) {
    dropping = true;
    return;
  }
  if (dropping && /^\s+at /.test(line)) return;
  dropping = false;
  process.stderr.write(`${line}\n`);
}
