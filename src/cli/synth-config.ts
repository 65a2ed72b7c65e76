/**
 * Decides whether `pyservice-k8s synth` can run the app of `cdk8s.yaml` itself,
 * and with which output folder, following `cdk8s synth`'s own rules
 * (cdk8s-cli lib/cli/cmds/synth.js: `--output`, then `output:` of cdk8s.yaml,
 * then `dist`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

/** A synth the app kit runs without the cdk8s CLI. */
export interface DirectSynth {
  /** The shell command that runs the app. */
  readonly app: string;
  /** The folder the app writes, relative to the project. */
  readonly outdir: string;
}

/** Options of `cdk8s synth` the direct run understands; any other sends the synth to the cdk8s CLI. */
const VALUED = new Map([
  ['--app', 'app'],
  ['-a', 'app'],
  ['--output', 'output'],
  ['-o', 'output'],
]);
const FLAGS = new Set(['--validate', '--no-validate']);

/**
 * The direct run for `args` in the project at `cwd`; `undefined` when the
 * cdk8s CLI must run the synth (validation plugins, the Helm format, --stdout
 * or any option not listed above); a message when cdk8s.yaml cannot be read.
 */
export function directSynth(cwd: string, args: readonly string[]): DirectSynth | undefined | string {
  const given: { app?: string; output?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? args[i].split(/=(.*)/s, 2) : [args[i], undefined];
    const key = VALUED.get(flag);
    if (key === 'app' || key === 'output') {
      const value = inline ?? args[++i];
      if (value === undefined) return undefined;
      given[key] = value;
    } else if (!FLAGS.has(flag)) {
      return undefined;
    }
  }
  const config = readConfig(cwd);
  if (typeof config === 'string') return config;
  if (config.validations !== undefined) return undefined;
  const format = (config.synthConfig as { format?: unknown } | undefined)?.format;
  if (format !== undefined && format !== 'plain') return undefined;
  const app = given.app ?? config.app;
  if (typeof app !== 'string' || !app.trim()) {
    return given.app === undefined && config.app === undefined && !fs.existsSync(path.join(cwd, 'cdk8s.yaml'))
      ? undefined
      : `synth: cdk8s.yaml names no app; add one, e.g. "app: node --import tsx main.ts".\n`;
  }
  const output = given.output ?? config.output ?? 'dist';
  if (typeof output !== 'string' || !output.trim())
    return `synth: "output" in cdk8s.yaml must be a folder name; received ${JSON.stringify(output)}.\n`;
  return { app, outdir: output };
}

function readConfig(cwd: string): Record<string, unknown> | string {
  const file = path.join(cwd, 'cdk8s.yaml');
  if (!fs.existsSync(file)) return {};
  try {
    const value: unknown = parse(fs.readFileSync(file, 'utf8'));
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value))
      return 'synth: cdk8s.yaml must be a mapping of settings (app, output, imports).\n';
    return value as Record<string, unknown>;
  } catch (e) {
    return `synth: cdk8s.yaml is not valid YAML: ${(e as Error).message.split('\n')[0]}\n`;
  }
}
