import { App } from 'cdk8s';
import { KUBERNETES_VERSION_CONTEXT } from '../../constructs/pod/containers';

/** Props of a {@link Target}. */
export interface TargetProps {
  /**
   * Environment the target deploys, e.g. `staging` or `prod` (a DNS label). Names
   * the output folder and the GitHub environment that gates its delivery.
   */
  readonly environment: string;
  /**
   * Cluster group within the environment, usually the cloud (its profile's
   * `cloud`); a second folder level and the CI workflow the target belongs to.
   * @default - one target per environment: the folder is the environment alone
   */
  readonly cloud?: string;
  /**
   * Branch Argo CD or Flux follows for this target.
   * @default 'deploy/<environment>' or 'deploy/<environment>/<cloud>'
   */
  readonly deployBranch?: string;
  /**
   * Kubernetes version of the target's clusters (`'1.29'`): decides native
   * sidecars (1.29+) and the `sleep` preStop action (1.30+).
   * @default '1.28'
   */
  readonly kubernetesVersion?: string;
}

/**
 * One place the services deploy to: an environment, optionally on one of
 * several clouds. A target is the cdk8s `App` its charts are defined in; the
 * app kit renders each target into its own folder with a kustomization.
 */
export class Target extends App {
  /** Environment name, e.g. `prod`. */
  public readonly environment: string;
  /** Cloud (cluster group) within the environment, when there are several. */
  public readonly cloud?: string;
  /** Name of the target: `<environment>` or `<environment>-<cloud>`. */
  public readonly targetName: string;
  /** Folder of the target relative to the output folder: `<environment>` or `<environment>/<cloud>`. */
  public readonly folder: string;
  /** Branch Argo CD or Flux follows. */
  public readonly deployBranch: string;

  /** @internal */
  public constructor(
    props: TargetProps,
    private readonly imageResolver: (service: string) => string,
  ) {
    // The app kit writes the files; cdk8s's own output folder is never used.
    super({ outdir: '.cdk8s.unused' });
    this.environment = props.environment;
    this.cloud = props.cloud;
    this.targetName = props.cloud === undefined ? props.environment : `${props.environment}-${props.cloud}`;
    this.folder = props.cloud === undefined ? props.environment : `${props.environment}/${props.cloud}`;
    this.deployBranch = props.deployBranch ?? `deploy/${this.folder}`;
    if (props.kubernetesVersion !== undefined) this.node.setContext(KUBERNETES_VERSION_CONTEXT, props.kubernetesVersion);
  }

  /**
   * The image to deploy for a service declared in the app kit's `images`: the
   * digest CI pushed (`IMAGE_<SERVICE>`) when set, else the image written in code.
   */
  public image(service: string): string {
    return this.imageResolver(service);
  }
}
