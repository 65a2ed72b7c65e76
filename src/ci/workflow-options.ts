/** The options of the CI workflow: the images it builds and the targets it delivers to, in promotion order. */
import { Duration } from 'cdk8s';
import { ActionRefs } from './actions';
import { ContainerRegistry } from './registry';

/** One image the workflow builds. */
export interface WorkflowService {
  /** Service name; names the image repository and the `IMAGE_<NAME>` override. */
  readonly name: string;
  /**
   * Dockerfile, relative to the repository root.
   * @default 'dist/container/<name>/Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * Build context, relative to the repository root.
   * @default '.'
   */
  readonly context?: string;
}

/** One place the workflow delivers to; targets are listed in promotion order. */
export interface WorkflowTarget {
  /** Target name, e.g. `staging` or `prod-east`; names its deliver job. */
  readonly name: string;
  /**
   * GitHub environment of the target's deliver job: required reviewers and
   * wait timers set on it in the repository settings gate the promotion.
   * Environments are promoted in the order their first target is listed.
   */
  readonly environment: string;
  /** Folder of the target's manifests, relative to the repository root, e.g. `dist/prod/east`. */
  readonly manifests: string;
  /**
   * Branch the synthesized manifests are delivered to, the one Argo CD or Flux follows.
   * A branch of its own keeps `branch` free of pipeline commits, so a local
   * `npm run synth` there never reverts a promoted image.
   */
  readonly deployBranch: string;
  /**
   * Registry group of the target, usually its cloud: the key of its registry in `registries`.
   * @default 'default'
   */
  readonly group?: string;
  /**
   * Cloud whose own registry the target pulls from when `registries` has no entry for its group:
   * a profile's `cloud`, whose `registry` names the kind (ECR, Artifact Registry, ACR).
   * @default - `group`
   */
  readonly cloud?: string;
  /**
   * Name of the Argo CD Application or Flux Kustomization that deploys the target;
   * the health gate waits for the commit status `continuous-delivery/<application>`.
   * @default - `name`
   */
  readonly application?: string;
}

/** The health gate between environments. */
export interface WorkflowHealthGate {
  /**
   * How long to wait for the GitOps tool to report a target healthy.
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
}

/** Options of {@link renderWorkflow}. */
export interface WorkflowOptions {
  /**
   * Names the workflow (`deploy-<name>`).
   * @default - the workflow is named `deploy`
   */
  readonly name?: string;
  /** Where the images go, in promotion order (see {@link WorkflowTarget.environment}). */
  readonly targets: readonly WorkflowTarget[];
  /** Every service whose image is built; each gets `IMAGE_<NAME>` at synth time. */
  readonly services: readonly WorkflowService[];
  /**
   * Registry per target group. The first target's registry receives the push; every
   * other registry receives a copy by digest.
   * @default - each group's cloud's own registry (ECR, Artifact Registry or ACR), from repository variables
   */
  readonly registries?: { readonly [group: string]: ContainerRegistry };
  /**
   * Branch whose pushes deploy (and whose pull requests are checked).
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Commit to the deploy branch, or open a pull request against it.
   * @default DeliveryMode.COMMIT
   */
  readonly deliveryMode?: DeliveryMode;
  /**
   * Node.js version for install, test and synth.
   * @default '20'
   */
  readonly nodeVersion?: string;
  /**
   * Platform the images are built for.
   * @default 'linux/amd64'
   */
  readonly platform?: string;
  /**
   * Action references to use instead of the pinned defaults: `'owner/repo@<40-hex SHA> # <release>'`.
   * @default - DEFAULT_ACTIONS
   */
  readonly actions?: Partial<ActionRefs>;
  /**
   * Version of the Trivy scanner.
   * @default DEFAULT_TRIVY_VERSION
   */
  readonly trivyVersion?: string;
  /**
   * Version of crane, which pushes and copies the images by digest.
   * @default DEFAULT_CRANE_VERSION
   */
  readonly craneVersion?: string;
  /**
   * Wait, after delivering each target, until its GitOps tool reports it healthy
   * on the delivered revision, before the next environment's targets start.
   * Needs Argo CD notifications or a Flux notification Provider posting GitHub commit statuses.
   * @default - no health gate: the next environment starts once the previous one is delivered (committed)
   */
  readonly healthGate?: WorkflowHealthGate;
}

/** How synthesized manifests reach the branch GitOps watches. */
export enum DeliveryMode {
  /** Commit and push to the deploy branch. */
  COMMIT = 'commit',
  /** Open (or update) a pull request against the deploy branch. */
  PULL_REQUEST = 'pull-request',
}
