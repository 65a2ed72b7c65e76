/**
 * The workflow options once checked and resolved, shared by the job builders,
 * and the names that tie the jobs together (job ids, outputs, the artifact).
 */
import { ActionRefs } from './actions';
import { ContainerRegistry, RegistryBinding, Step } from './registry';
import type { WorkflowTarget } from './workflow-options';
import { DeliveryMode } from './workflow-options';

export { DeliveryMode };

/** A service whose image the workflow builds. */
export interface ResolvedService {
  readonly name: string;
  readonly dockerfile: string;
  readonly context: string;
  /** `orders_api`: the service in step ids and output names. */
  readonly key: string;
  /** `IMAGE_ORDERS_API`: the override the synth reads. */
  readonly variable: string;
}

/** A registry the images end up in, and the job that puts them there. */
export interface RegistryJob {
  /** `publish` for the first target's registry, `copy-<group>` for each other one. */
  readonly job: string;
  /** The registry. */
  readonly registry: ContainerRegistry;
  /** The registry's login steps and repositories, bound to the job's step ids. */
  readonly binding: RegistryBinding;
}

/** A target as the jobs see it. */
export interface ResolvedTarget extends Pick<WorkflowTarget, 'name' | 'environment' | 'manifests' | 'deployBranch'> {
  /** Job id of the target's deliver job. */
  readonly job: string;
  /** Job id of the job that waits until the target is healthy, when the health gate is on. */
  readonly verifyJob?: string;
  /** Context of the commit status the GitOps tool posts once the target runs the delivered revision. */
  readonly statusContext: string;
  /** The job whose outputs name the repositories this target pulls from. */
  readonly registry: RegistryJob;
  /** Place of the target's environment in the promotion order (0 for the first). */
  readonly stage: number;
}

/** Every option of the workflow, checked. */
export interface Resolved {
  /** `deploy` or `deploy-<name>`. */
  readonly workflow: string;
  readonly targets: readonly ResolvedTarget[];
  readonly services: readonly ResolvedService[];
  /** The registry the build is pushed to once; the others are copies of it. */
  readonly primary: RegistryJob;
  /** The other registries, each filled by one copy job. */
  readonly copies: readonly RegistryJob[];
  readonly branch: string;
  readonly deliveryMode: DeliveryMode;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly actions: ActionRefs;
  readonly trivyVersion: string;
  readonly craneVersion: string;
  /** Seconds the verify jobs wait for a healthy target; undefined when the health gate is off. */
  readonly healthGateSeconds?: number;
}

/** Name of the artifact that carries the built images from the build job to the others. */
export const IMAGES_ARTIFACT = 'oci-images';

/** Where the images' OCI layouts are, in a step's `with` (expressions) and in its scripts (shell). */
export const LAYOUTS = { with: '${{ runner.temp }}/oci', shell: '${RUNNER_TEMP}/oci' };

/** The `if` of the jobs that run only for pushes to (and dispatches on) the branch. */
export function onBranch(r: Resolved): string {
  return `github.event_name != 'pull_request' && github.ref == 'refs/heads/${r.branch}'`;
}

/** Checkout without leaving the token in .git/config, where any later script could read it. */
export function checkout(r: Resolved): Step {
  return { uses: r.actions.checkout, with: { 'persist-credentials': false } };
}

/** Checkout and Node.js with the npm cache. */
export function checkoutAndNode(r: Resolved): Step[] {
  return [checkout(r), { uses: r.actions.setupNode, with: { 'node-version': r.nodeVersion, cache: 'npm' } }];
}

/** Output name of a service's digest (build and scan jobs). */
export const digestOutput = (s: ResolvedService): string => `digest_${s.key}`;

/** Output name of a service's repository in a registry (publish and copy jobs). */
export const repositoryOutput = (s: ResolvedService): string => `repository_${s.key}`;

/** `<repository>@<digest>` of a service for a target: the registry's repository, the scanned digest. */
export function scannedImage(target: ResolvedTarget, s: ResolvedService): string {
  return `\${{ needs.${target.registry.job}.outputs.${repositoryOutput(s)} }}@\${{ needs.scan.outputs.${digestOutput(s)} }}`;
}
