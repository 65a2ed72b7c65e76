import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { exampleContainerFiles, exampleGitopsFiles, exampleTargets } from '../../src/example';
import { Rendering, render } from '../../src/synth';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** Renders the example app for every cloud, in memory. */
export function renderExample(): Rendering {
  const targets = exampleTargets();
  const rendering = render(targets);
  if (rendering.errors.length > 0) return rendering;
  return { ...rendering, files: new Map([...rendering.files, ...exampleContainerFiles(targets), ...exampleGitopsFiles()]) };
}

/** Every object of one cloud's rendering, parsed back from its YAML. */
export function objectsOf(rendering: Rendering, cloud: string): any[] {
  return [...rendering.files]
    .filter(([file]) => file.startsWith(`${cloud}/`) && !file.endsWith('kustomization.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJSON()));
}

/** kubectl 1.28 as shipped beside the `kubectl` on PATH by the Google Cloud CLI, or $KUBECTL. */
export function kubectl128(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'kubectl');
    if (!fs.existsSync(candidate)) continue;
    const versioned = path.join(path.dirname(fs.realpathSync(candidate)), 'kubectl.1.28');
    if (fs.existsSync(versioned)) return versioned;
  }
  throw new Error('kubectl 1.28 not found: install the Google Cloud CLI component or set KUBECTL to a kubectl 1.28 binary');
}
