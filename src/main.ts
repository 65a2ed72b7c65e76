/**
 * The example app: synthesizes the example shop for every cloud into
 * dist/<cloud>/, one file per object plus a kustomization.yaml.
 *
 * `cdk8s synth` runs this file (see cdk8s.yaml). The cdk8s CLI empties its
 * output folder before the app runs, so the CLI's folder is a staging area
 * (.cdk8s.out); dist/ is replaced only when every cloud synthesized cleanly.
 */
import * as path from 'path';
import { exampleContainerFiles, exampleTargets } from './example';
import { synthesize } from './synth';

function main(): number {
  return synthesize(exampleTargets(), {
    // PYSERVICE_DIST redirects the output, e.g. to diff a change against the committed dist/.
    dist: path.resolve(process.env.PYSERVICE_DIST ?? path.join(__dirname, '..', 'dist')),
    staging: process.env.CDK8S_OUTDIR,
    stderr: (text) => process.stderr.write(text),
    extraFiles: exampleContainerFiles,
  });
}

try {
  process.exitCode = main();
} catch (err) {
  // A bug, not bad input: show the message, and the stack only when asked.
  const e = err as Error;
  process.stderr.write(`Synthesis failed: ${e.message}\n`);
  if (process.env.PYSERVICE_DEBUG) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}
