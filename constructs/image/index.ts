import { PythonBuild } from './build';
import { assertNoIssues, composeFromPlan } from './compose';
import { ComposeOptions, Workload, dockerfilePath, planContainers } from './plan';
import { renderDockerfile, renderDockerignore } from './dockerfile';

export * from './assets';
export * from './backing';
export * from './build';
export * from './compose';
export * from './dockerfile';
export * from './plan';

/** Name of the generated compose file, relative to `outDir`. */
const COMPOSE_FILE = 'compose.yaml';

/**
 * Every container file of an application, as paths relative to `outDir`
 * (default `dist/container`) mapped to their contents:
 * `<image>/Dockerfile` and `<image>/Dockerfile.dockerignore` per distinct image
 * (named after its web workload, else its first workload), and `compose.yaml`.
 *
 * Everything is checked first and every broken rule is reported at once, so a
 * caller never writes a partial set.
 *
 * @param workloads the containers of the application, e.g. `[{ container: api.container }]`
 * @param build how images are built, unless a workload names its own build
 * @param options where the files go, backing services, secrets and host ports
 * @throws Error listing every broken rule
 */
export function containerFiles(workloads: readonly Workload[], build: PythonBuild, options: ComposeOptions = {}): Map<string, string> {
  const plan = planContainers(workloads, build, options);
  assertNoIssues(plan.issues, 'the container files');
  const files = new Map<string, string>();
  files.set(COMPOSE_FILE, composeFromPlan(plan, options));
  for (const group of plan.groups) {
    files.set(dockerfilePath(group.name), renderDockerfile(group.container, group.build));
    files.set(`${dockerfilePath(group.name)}.dockerignore`, renderDockerignore(group.build));
  }
  return files;
}
