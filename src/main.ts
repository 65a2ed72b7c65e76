/**
 * The example app: synthesizes the example shop for every cloud into
 * dist/<cloud>/, one file per object plus a kustomization.yaml.
 *
 * `cdk8s synth` runs this file (see cdk8s.yaml). The cdk8s CLI empties its
 * output folder before the app runs, so the CLI's folder is a staging area
 * (.cdk8s.out); dist/ is replaced only when every cloud synthesized cleanly.
 */
import * as path from 'path';
import { SHOP_SERVICES, exampleContainerFiles, exampleGitopsFiles, exampleTargets } from './example';
import { imageOverrideProblems } from './images';
import { synthesize } from './synth';

function main(): number {
  // Report every bad IMAGE_* override (and every one that names no service) before synthesizing.
  const imageProblems = imageOverrideProblems(SHOP_SERVICES);
  if (imageProblems.length > 0) {
    process.stderr.write(`\nSynthesis failed with ${imageProblems.length} error(s); dist/ was not changed:\n${imageProblems.map((p) => `  ${p}\n`).join('')}`);
    return 1;
  }
  return synthesize(exampleTargets(), {
    // PYSERVICE_DIST redirects the output, e.g. to diff a change against the committed dist/.
    dist: path.resolve(process.env.PYSERVICE_DIST ?? path.join(__dirname, '..', 'dist')),
    staging: process.env.CDK8S_OUTDIR,
    stderr: (text) => process.stderr.write(text),
    extraFiles: (targets) => new Map([...exampleContainerFiles(targets), ...exampleGitopsFiles()]),
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
