/**
 * The delivery files of an app's targets, published beside the manifests:
 *
 * | file (relative to the output folder) | what it is |
 * |---|---|
 * | `gitops/<target>/argocd-application.yaml` | an Argo CD Application following the target's folder on its deploy branch; apply it once to the cluster |
 * | `gitops/<target>/flux.yaml` | the same for Flux: a GitRepository and a Kustomization |
 * | `ci/deploy-<group>.yml` | the GitHub Actions workflow that builds, scans and pushes once, then delivers target after target; copy it to `.github/workflows/` |
 *
 * GitHub only runs workflows from `.github/workflows/`, and a synth must never
 * write outside its output folder (it replaces that one folder atomically), so
 * the workflow is generated here and copied once by hand. Later synths keep the
 * copy reviewable: `diff dist/ci/deploy-<cloud>.yml .github/workflows/deploy-<cloud>.yml`.
 */
import { App, Chart, Duration, Yaml } from 'cdk8s';
import { ArgoCdApplication, FluxDelivery, SyncRetry } from '../../constructs/gitops';
import { ValidationError } from '../../constructs/validation';
import { ActionRefs } from '../ci/actions';
import { ContainerRegistry } from '../ci/registry';
import { DeliveryMode, renderWorkflow, WorkflowService } from '../ci/workflow';

/** Argo CD settings shared by every target's Application. */
export interface ArgoCdOptions {
  /**
   * Sync automatically whenever the deploy branch changes.
   * @default false
   */
  readonly autoSync?: boolean;
  /**
   * During automated sync, delete objects that left git (such as the previous content-hashed ConfigMap).
   * @default false
   */
  readonly prune?: boolean;
  /**
   * During automated sync, revert changes made in the cluster by hand.
   * @default false
   */
  readonly selfHeal?: boolean;
  /**
   * Namespace Argo CD is installed in.
   * @default 'argocd'
   */
  readonly argoNamespace?: string;
  /**
   * Argo CD project of the Applications.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * How failed syncs are retried.
   * @default - 5 retries, 10 s doubling up to 3 min
   */
  readonly retry?: SyncRetry;
}

/** Flux settings shared by every target's GitRepository and Kustomization. */
export interface FluxOptions {
  /**
   * Namespace Flux runs in.
   * @default 'flux-system'
   */
  readonly fluxNamespace?: string;
  /**
   * Secret in `fluxNamespace` with the repository's credentials.
   * @default - none: the repository is public
   */
  readonly secretName?: string;
  /**
   * How often Flux looks for new commits.
   * @default Duration.minutes(1)
   */
  readonly pollInterval?: Duration;
  /**
   * How often Flux re-applies the folder.
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
  /**
   * Names of Kustomizations that must be ready first (e.g. cluster add-ons).
   * @default - none
   */
  readonly dependsOn?: string[];
  /**
   * How long an apply may take until everything is ready, before Flux reports the release as failed.
   * @default - per target: its longest migration wait plus its slowest rollout (see constructs/rollout.ts), at least 5 minutes
   */
  readonly timeout?: Duration;
}

/** The CI workflow's settings. */
export interface CiOptions {
  /**
   * Registry per target group (the targets' `cloud`), when not the cloud's default.
   * Targets without a `cloud` form one group whose key is `default`.
   * @default - the registry the services' profile names (its `registry`: ECR, Artifact Registry or ACR)
   */
  readonly registries?: { readonly [group: string]: ContainerRegistry };
  /**
   * Commit to the deploy branch, or open a pull request against it.
   * @default DeliveryMode.COMMIT
   */
  readonly deliveryMode?: DeliveryMode;
  /**
   * Node.js version of the pipeline.
   * @default '20'
   */
  readonly nodeVersion?: string;
  /**
   * Action references to use instead of the defaults (e.g. reviewed commit SHAs).
   * @default - DEFAULT_ACTIONS
   */
  readonly actions?: Partial<ActionRefs>;
}

/** How the synthesized targets reach their clusters. */
export interface DeliveryOptions {
  /** Git URL of this repository, as the cluster reaches it (https:// or ssh://). */
  readonly repoUrl: string;
  /** Namespace the manifests deploy to (Argo CD's destination namespace). */
  readonly namespace: string;
  /**
   * Branch whose pushes deploy.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Base name of the Applications, GitRepositories and Kustomizations; the target's name is appended.
   * @default - the namespace
   */
  readonly name?: string;
  /**
   * Argo CD settings.
   * @default - manual sync
   */
  readonly argoCd?: ArgoCdOptions;
  /**
   * Flux settings.
   * @default - the FluxDelivery construct's defaults
   */
  readonly flux?: FluxOptions;
  /**
   * The CI workflow.
   * @default - each cloud's default registry, commit delivery
   */
  readonly ci?: CiOptions;
}

/** A target as delivery sees it. */
export interface DeliveryTarget {
  /** Target name, e.g. `prod-east`. */
  readonly name: string;
  /** Environment, e.g. `prod`; the GitHub environment of its deliver job. */
  readonly environment: string;
  /** Group of targets that share one workflow and registry (the cloud), or undefined. */
  readonly group?: string;
  /** The cloud the target's services run on, as their profiles name it (the profile's `cloud`), when known. */
  readonly cloud?: string;
  /** Folder of the manifests relative to the output folder, e.g. `prod/east`. */
  readonly folder: string;
  /** Folder of the manifests relative to the repository root, e.g. `dist/prod/east`. */
  readonly manifests: string;
  /** Branch Argo CD or Flux follows. */
  readonly deployBranch: string;
  /**
   * The longest a release of the target takes until every object is ready: Flux's Kustomization `timeout`.
   * @default - FluxDelivery's default
   */
  readonly releaseTimeout?: Duration;
}

/**
 * Renders the delivery files of every target in memory: paths relative to the
 * output folder (so they merge into a synth's file map), mapped to contents.
 *
 * @param targets in promotion order: within a group, each target is delivered after the one before
 * @param services the images the pipeline builds
 * @throws ValidationError listing every broken rule
 */
export function deliveryFiles(targets: readonly DeliveryTarget[], services: readonly WorkflowService[], options: DeliveryOptions): Map<string, string> {
  const files = new Map<string, string>();
  const errors: string[] = [];
  const baseName = options.name ?? options.namespace;

  for (const target of targets) {
    const app = new App();
    const argo = new Chart(app, 'argocd');
    new ArgoCdApplication(argo, `${baseName}-${target.name}`, {
      ...options.argoCd, repoUrl: options.repoUrl, path: target.manifests, branch: target.deployBranch, namespace: options.namespace,
    });
    const flux = new Chart(app, 'flux');
    new FluxDelivery(flux, `${baseName}-${target.name}`, {
      ...options.flux, repoUrl: options.repoUrl, path: target.manifests, branch: target.deployBranch, timeout: options.flux?.timeout ?? target.releaseTimeout,
    });

    const targetErrors = app.node.findAll().flatMap((c) => c.node.validate().map((m) => `[gitops/${target.folder}] [${c.node.path}] ${m}`));
    if (targetErrors.length === 0) {
      files.set(`gitops/${target.folder}/argocd-application.yaml`, Yaml.stringify(...argo.toJson()));
      files.set(`gitops/${target.folder}/flux.yaml`, Yaml.stringify(...flux.toJson()));
    }
    errors.push(...targetErrors);
  }

  if (services.length > 0) {
    const groups = new Map<string | undefined, DeliveryTarget[]>();
    for (const t of targets) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
    for (const [group, members] of groups) {
      try {
        files.set(`ci/${group === undefined ? 'deploy' : `deploy-${group}`}.yml`, renderWorkflow({
          name: group,
          cloud: members.find((t) => t.cloud !== undefined)?.cloud ?? group,
          targets: members.map((t) => ({ name: t.name, environment: t.environment, manifests: t.manifests, deployBranch: t.deployBranch })),
          services,
          registry: options.ci?.registries?.[group ?? 'default'],
          branch: options.branch,
          deliveryMode: options.ci?.deliveryMode,
          nodeVersion: options.ci?.nodeVersion,
          actions: options.ci?.actions,
        }));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors.push(...e.errors);
      }
    }
  }
  if (errors.length > 0) throw new ValidationError(`The delivery files have ${errors.length} error(s):`, errors);
  return files;
}
