/**
 * The example app: synthesizes the example shop for every cloud into
 * dist/<cloud>/, one file per object plus a kustomization.yaml.
 *
 * `cdk8s synth` runs this file (see cdk8s.yaml). The cdk8s CLI empties its
 * output folder before the app runs, so the CLI's folder is a staging area
 * (.cdk8s.out); dist/ is replaced only when every cloud synthesized cleanly.
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { CLOUDS, defineShop } from './example';
import { CloudTarget, synthesize } from './synth';

function main(): number {
  const targets: CloudTarget[] = Object.entries(CLOUDS).map(([cloud, profileFor]) => {
    const app = new App();
    defineShop(app, profileFor);
    return { cloud, app };
  });
  return synthesize(targets, {
    dist: path.resolve(__dirname, '..', 'dist'),
    staging: process.env.CDK8S_OUTDIR,
    stderr: (text) => process.stderr.write(text),
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
