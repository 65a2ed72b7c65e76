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
import { CloudTarget, publish, render } from './synth';

const DIST = path.resolve(__dirname, '..', 'dist');

function main(): number {
  const targets: CloudTarget[] = Object.entries(CLOUDS).map(([cloud, profileFor]) => {
    const app = new App();
    defineShop(app, profileFor);
    return { cloud, app };
  });

  const result = render(targets);
  for (const w of dedupe(result.warnings)) process.stderr.write(`warning: ${w}\n`);
  if (result.errors.length > 0) {
    const errors = dedupe(result.errors);
    process.stderr.write(`\nSynthesis failed with ${errors.length} error(s); dist/ was not changed:\n`);
    for (const e of errors) process.stderr.write(`  ${e}\n`);
    return 1;
  }

  const staging = process.env.CDK8S_OUTDIR;
  if (staging && path.resolve(staging) !== DIST) publish(result.files, path.resolve(staging));
  publish(result.files, DIST);
  process.stdout.write(`Wrote ${result.objectCount} objects for ${targets.map((t) => t.cloud).join(', ')} to ${path.relative(process.cwd(), DIST) || '.'}/\n`);
  return 0;
}

/** Folds messages that are identical on every cloud into one line naming the clouds. */
function dedupe(lines: string[]): string[] {
  const byText = new Map<string, string[]>();
  for (const line of lines) {
    const m = /^\[([^\]]+)\] (.*)$/s.exec(line);
    const [cloud, text] = m ? [m[1], m[2]] : ['', line];
    byText.set(text, [...(byText.get(text) ?? []), cloud]);
  }
  return [...byText].map(([text, clouds]) => `[${clouds.join(', ')}] ${text}`);
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
