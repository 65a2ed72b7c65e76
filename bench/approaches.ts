/**
 * Every approach the benchmark measures: one entry each. A worker process
 * imports only its approach's module, so load time and memory are its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Runner } from './types';

export interface Approach {
  /** One line for the table's legend. */
  readonly description: string;
  /** Loads the approach's modules and returns its runner. */
  readonly load: () => Promise<Runner>;
  /** Why it cannot run here, or undefined when it can. */
  readonly unavailable?: () => string | undefined;
  /** Needs the peers' template (bench/template.ts). */
  readonly template?: boolean;
  /** Largest N worth measuring (registration through a mocked engine is slower than synthesis). */
  readonly maxN?: number;
}

const REPO = path.resolve(__dirname, '..');
const pulumiAdapter = () =>
  fs.existsSync(path.join(REPO, 'src', 'pulumi', 'index.ts'))
    ? undefined
    : 'src/pulumi/index.ts does not exist yet: the Pulumi component is not measured';

export const APPROACHES: Record<string, Approach> = {
  library: {
    description: 'PythonMicroservice -> render() into staged folders, as the synth writes: this project, file per object as in dist/',
    load: async () => (await import('./subjects/library')).run,
  },
  'library-lib': {
    description: 'the same, with the library compiled (lib/, as an installed package runs it) instead of transpiled by tsx on load',
    load: async () => (await import('./subjects/library-lib')).run,
    unavailable: () => (fs.existsSync(path.join(REPO, 'lib', 'src', 'index.js')) ? undefined : 'lib/ is not built: run npm run build'),
  },
  'cdk8s-plus': {
    description: 'the same objects by hand with cdk8s-plus-28 (+ KubePodDisruptionBudget), app.synth() file per resource',
    load: async () => (await import('./peers/cdk8s-plus')).run,
  },
  plain: {
    description: "the library's objects as literal JS objects -> yaml.stringify -> files: the floor",
    load: async () => (await import('./peers/plain')).run,
    template: true,
  },
  floor: {
    description: "the same literal objects -> the project's own YAML writer (src/yaml.ts) -> files: the true floor, pure serialization",
    load: async () => (await import('./peers/floor')).run,
    template: true,
  },
  'library-per-target': {
    description: 'bound: library, but each cloud defined only when it is rendered and dropped before the next (targets defined on demand)',
    load: async () => (await import('./subjects/library')).runPerTarget,
  },
  tree: {
    description:
      "bound: only the construct tree of the library's objects (a construct per service, an ApiObject per object with its metadata), not rendered",
    load: async () => (await import('./peers/tree')).run,
    template: true,
  },
  pulumi: {
    description: 'src/pulumi Cdk8sComponent per cloud hosting the construct tree, mocked engine',
    load: async () => (await import('./subjects/pulumi')).run,
    unavailable: pulumiAdapter,
  },
  'pulumi-service': {
    description: 'src/pulumi PythonMicroserviceComponent per service, mocked engine',
    load: async () => (await import('./subjects/pulumi')).runPerService,
    unavailable: pulumiAdapter,
  },
  'pulumi-service-bare': {
    description:
      'bound: PythonMicroserviceComponent without outputs (the same synthesis and registrations, nothing derived or registered as outputs), mocked engine',
    load: async () => (await import('./peers/pulumi-bare')).run,
    unavailable: pulumiAdapter,
  },
  'pulumi-raw': {
    description: "the library's objects as typed @pulumi/kubernetes resources, mocked engine",
    load: async () => (await import('./peers/pulumi-raw')).run,
    template: true,
  },
};
