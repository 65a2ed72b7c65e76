/**
 * The delivery files of the example, published beside the manifests:
 *
 * | file (relative to dist/) | what it is |
 * |---|---|
 * | `gitops/<cloud>/argocd-application.yaml` | an Argo CD Application following `dist/<cloud>` on the deploy branch; apply it once to the cluster |
 * | `gitops/<cloud>/flux.yaml` | the same for Flux: a GitRepository and a Kustomization |
 * | `ci/deploy-<cloud>.yml` | the GitHub Actions workflow that builds, scans, pushes and delivers; copy it to `.github/workflows/` |
 *
 * GitHub only runs workflows from `.github/workflows/`, and a synth must never
 * write outside `dist/` (it replaces that one folder atomically), so the
 * workflow is generated here and copied once by hand. Later synths keep the
 * copy reviewable: `diff dist/ci/deploy-eks.yml .github/workflows/deploy-eks.yml`.
 */
import { App, Chart, Yaml } from 'cdk8s';
import { ArgoCdApplication, ArgoCdApplicationProps, FluxDelivery, FluxDeliveryProps } from '../../constructs/gitops';
import { ActionRefs } from '../ci/actions';
import { ContainerRegistry } from '../ci/registry';
import { DeliveryMode, renderWorkflow, WorkflowOptionsError, WorkflowService } from '../ci/workflow';
import { formatIssue } from '../../constructs';

/** Delivery settings of one cloud. */
export interface CloudDeliveryOptions {
  /** Services whose images the pipeline builds, by name or with their Dockerfile. */
  readonly services: ReadonlyArray<string | WorkflowService>;
  /**
   * Registry the images are pushed to.
   * @default - the cloud's own registry, configured by repository variables
   */
  readonly registry?: ContainerRegistry;
  /**
   * Branch the pipeline delivers to and the GitOps tool follows.
   * @default 'deploy/<cloud>'
   */
  readonly deployBranch?: string;
}

/** Options of {@link gitopsFiles}. */
export interface GitOpsOptions {
  /** Git URL of this repository, as the cluster reaches it (https:// or ssh://). */
  readonly repoUrl: string;
  /** Namespace the manifests deploy to. */
  readonly namespace: string;
  /** The clouds to deliver to, by folder name under dist/ (e.g. `eks`). */
  readonly clouds: Readonly<Record<string, CloudDeliveryOptions>>;
  /**
   * Branch whose pushes deploy.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Base name of the Application, GitRepository and Kustomization; the cloud is appended.
   * @default - the namespace
   */
  readonly name?: string;
  /**
   * Commit to the deploy branch, or open a pull request against it.
   * @default DeliveryMode.COMMIT
   */
  readonly deliveryMode?: DeliveryMode;
  /**
   * Extra props of every Argo CD Application (e.g. `{ autoSync: true, prune: true, selfHeal: true }`).
   * @default - the construct's defaults: manual sync
   */
  readonly argoCd?: Partial<Omit<ArgoCdApplicationProps, 'repoUrl' | 'path' | 'branch' | 'namespace'>>;
  /**
   * Extra props of every Flux delivery.
   * @default - the construct's defaults
   */
  readonly flux?: Partial<Omit<FluxDeliveryProps, 'repoUrl' | 'path' | 'branch'>>;
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

/** Rejected delivery settings, every one of them, as `[file] [path] message` lines. */
export class GitOpsError extends Error {
  public constructor(public readonly errors: readonly string[]) {
    super(`The GitOps files have ${errors.length} error(s):\n  ${errors.join('\n  ')}`);
    this.name = 'GitOpsError';
  }
}

/**
 * Renders the delivery files of every cloud in memory: paths relative to the
 * `dist/` folder (so they merge into a synth's file map), mapped to contents.
 *
 * @throws GitOpsError listing every broken rule of every cloud
 */
export function gitopsFiles(options: GitOpsOptions): Map<string, string> {
  const files = new Map<string, string>();
  const errors: string[] = [];
  const branch = options.branch ?? 'main';
  const baseName = options.name ?? options.namespace;

  for (const [cloud, settings] of Object.entries(options.clouds)) {
    const deployBranch = settings.deployBranch ?? `deploy/${cloud}`;
    const path = `dist/${cloud}`;
    const app = new App();
    const argo = new Chart(app, 'argocd');
    new ArgoCdApplication(argo, `${baseName}-${cloud}`, {
      ...options.argoCd, repoUrl: options.repoUrl, path, branch: deployBranch, namespace: options.namespace,
    });
    const flux = new Chart(app, 'flux');
    new FluxDelivery(flux, `${baseName}-${cloud}`, { ...options.flux, repoUrl: options.repoUrl, path, branch: deployBranch });

    const cloudErrors = app.node.findAll().flatMap((c) => c.node.validate().map((m) => `[gitops/${cloud}] [${c.node.path}] ${m}`));
    if (cloudErrors.length === 0) {
      files.set(`gitops/${cloud}/argocd-application.yaml`, Yaml.stringify(...argo.toJson()));
      files.set(`gitops/${cloud}/flux.yaml`, Yaml.stringify(...flux.toJson()));
    }
    errors.push(...cloudErrors);

    try {
      files.set(`ci/deploy-${cloud}.yml`, renderWorkflow({
        cloud,
        services: settings.services.map((s) => (typeof s === 'string' ? { name: s } : s)),
        registry: settings.registry,
        branch,
        deployBranch,
        deliveryMode: options.deliveryMode,
        nodeVersion: options.nodeVersion,
        actions: options.actions,
      }));
    } catch (e) {
      if (!(e instanceof WorkflowOptionsError)) throw e;
      errors.push(...e.issues.map((issue) => `[ci/deploy-${cloud}] ${formatIssue(issue)}`));
    }
  }
  if (errors.length > 0) throw new GitOpsError(errors);
  return files;
}
