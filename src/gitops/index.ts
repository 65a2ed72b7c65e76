/**
 * The delivery files of an app's targets, published beside the manifests:
 *
 * | file (relative to the output folder) | what it is |
 * |---|---|
 * | `gitops/<target>/argocd-application.yaml` | an Argo CD AppProject and an Application following the target's folder on its deploy branch; apply it once to the cluster |
 * | `gitops/<target>/flux.yaml` | the same for Flux: a GitRepository and a Kustomization (and, with the health gate, a notification Provider and Alert) |
 * | `ci/deploy.yml` | the one GitHub Actions workflow: build, scan and push each image once, then deliver the scanned digests to every target; copy it to `.github/workflows/` |
 *
 * GitHub only runs workflows from `.github/workflows/`, and a synth must never
 * write outside its output folder (it replaces that one folder atomically), so
 * the workflow is generated here and copied once by hand. Later synths keep the
 * copy reviewable: `diff dist/ci/deploy.yml .github/workflows/deploy.yml`.
 */
import { App, Chart, Duration, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ArgoCdApplication, ArgoCdProject, FluxCommitStatus, FluxDelivery, SyncRetry } from '../../constructs/delivery';
import { ValidationError } from '../../constructs/core/validation';
import { ActionRefs } from '../ci/actions';
import { ContainerRegistry } from '../ci/registry';
import { DeliveryMode, renderWorkflow, WorkflowService } from '../ci/workflow';
import { TargetScope } from './scope';

/** Argo CD's annotation that subscribes an Application to a trigger of a notification service. */
const SUBSCRIBE_ON_DEPLOYED = 'notifications.argoproj.io/subscribe.on-deployed.github';

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
   * Argo CD project of the Applications, when you manage projects yourself.
   * @default - an AppProject per target, named like its Application, that allows only this
   * repository, the namespaces of the target's objects and its cluster-scoped kinds
   */
  readonly project?: string;
  /**
   * API server URL of the cluster the Applications deploy to, as Argo CD lists it.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in)
   */
  readonly destinationServer?: string;
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
   * Secret in `fluxNamespace` with the repository's credentials (the GitRepository's
   * `secretRef`), for a private repository: `flux create secret git`.
   * @default - none: the repository is public
   */
  readonly secretName?: string;
  /**
   * Service account in `fluxNamespace` the Kustomization applies as (multi-tenancy).
   * @default - kustomize-controller's own account
   */
  readonly serviceAccountName?: string;
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
   * @default - per target: its longest migration wait plus its slowest rollout (see constructs/pod/rollout.ts), at least 5 minutes
   */
  readonly timeout?: Duration;
}

/** The health gate between environments. */
export interface HealthGateOptions {
  /**
   * How long CI waits for a delivered target to be reported healthy.
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
  /**
   * Secret in the Flux namespace holding a GitHub token (key `token`) that may
   * write commit statuses, for the Flux notification Provider.
   * @default 'github-commit-status'
   */
  readonly fluxSecretName?: string;
}

/** The CI workflow's settings. */
export interface CiOptions {
  /**
   * Registry per target group (the targets' `cloud`), when not the cloud's default.
   * Targets without a `cloud` form one group whose key is `default`. The first
   * target's registry receives the push; each other one a copy by digest.
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
   * Action references to use instead of the pinned defaults: `'owner/repo@<40-hex SHA> # <release>'`.
   * @default - DEFAULT_ACTIONS
   */
  readonly actions?: Partial<ActionRefs>;
  /**
   * Before the next environment's targets start, wait until Argo CD or Flux reports
   * each target of the previous one healthy on the delivered revision, through a GitHub
   * commit status (`continuous-delivery/<application>`). The Flux file then carries the
   * notification Provider and Alert that post it, and the Argo CD Application subscribes
   * to the `on-deployed` trigger of Argo CD notifications' GitHub service.
   * @default - no health gate: the next environment starts once the previous one is delivered,
   * and the approval on its GitHub environment is the only gate
   */
  readonly healthGate?: HealthGateOptions;
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
   * Namespaces and cluster-scoped kinds of the target's objects, which its AppProject allows.
   * @default - the delivery namespace and no cluster-scoped kind but Namespace
   */
  readonly scope?: TargetScope;
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
 * @param targets in promotion order: environments are delivered in the order of their first target
 * @param services the images the pipeline builds
 * @throws ValidationError listing every broken rule
 */
export function deliveryFiles(
  targets: readonly DeliveryTarget[],
  services: readonly WorkflowService[],
  options: DeliveryOptions,
): Map<string, string> {
  const files = new Map<string, string>();
  const errors: string[] = [];
  const baseName = options.name ?? options.namespace;
  const gate = options.ci?.healthGate;

  for (const target of targets) {
    const app = new App();
    const name = `${baseName}-${target.name}`;
    const argo = new Chart(app, 'argocd');
    const argoCd = options.argoCd ?? {};
    let project = argoCd.project;
    if (project === undefined) {
      const scope = target.scope ?? { namespaces: [], clusterKinds: [] };
      project = new ArgoCdProject(argo, `${name}-project`, {
        name,
        repoUrl: options.repoUrl,
        namespaces: [...new Set([options.namespace, ...scope.namespaces])],
        // CreateNamespace=true creates the destination namespace through the sync, as the project allows.
        clusterResources: [{ group: '', kind: 'Namespace' }, ...scope.clusterKinds],
        argoNamespace: argoCd.argoNamespace,
        destinationServer: argoCd.destinationServer,
        description: `${target.manifests} from ${target.deployBranch}`,
      }).name;
    }
    const application = new ArgoCdApplication(argo, name, {
      ...argoCd,
      project,
      repoUrl: options.repoUrl,
      path: target.manifests,
      branch: target.deployBranch,
      namespace: options.namespace,
    });
    if (gate) application.application.metadata.addAnnotation(SUBSCRIBE_ON_DEPLOYED, '');
    const flux = new Chart(app, 'flux');
    new FluxDelivery(flux, name, {
      ...options.flux,
      repoUrl: options.repoUrl,
      path: target.manifests,
      branch: target.deployBranch,
      timeout: options.flux?.timeout ?? target.releaseTimeout,
    });
    if (gate) {
      new FluxCommitStatus(flux, `${name}-status`, {
        repoUrl: options.repoUrl,
        kustomization: name,
        fluxNamespace: options.flux?.fluxNamespace,
        secretName: gate.fluxSecretName ?? 'github-commit-status',
      });
    }

    const targetErrors = app.node
      .findAll()
      .flatMap((c) => c.node.validate().map((m) => `[gitops/${target.folder}] [${c.node.path}] ${asOption(c, m, options)}`));
    if (targetErrors.length === 0) {
      files.set(`gitops/${target.folder}/argocd-application.yaml`, Yaml.stringify(...argo.toJson()));
      files.set(`gitops/${target.folder}/flux.yaml`, Yaml.stringify(...flux.toJson()));
    }
    errors.push(...targetErrors);
  }

  if (services.length > 0) {
    try {
      files.set(
        'ci/deploy.yml',
        renderWorkflow({
          targets: targets.map((t) => ({
            name: t.name,
            environment: t.environment,
            manifests: t.manifests,
            deployBranch: t.deployBranch,
            group: t.group ?? 'default',
            cloud: t.cloud ?? t.group,
            application: `${baseName}-${t.name}`,
          })),
          services,
          registries: options.ci?.registries,
          branch: options.branch,
          deliveryMode: options.ci?.deliveryMode,
          nodeVersion: options.ci?.nodeVersion,
          actions: options.ci?.actions,
          healthGate: gate ? { timeout: gate.timeout } : undefined,
        }),
      );
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      // Props the user set under delivery.ci (or delivery.branch) are named as written there.
      errors.push(
        ...e.errors.map((line) =>
          line
            .replace(/^\[ci\/deploy\] '(registries|deliveryMode|nodeVersion|actions|healthGate)\b/, "[ci/deploy] 'delivery.ci.$1")
            .replace(/^\[ci\/deploy\] 'branch'/, "[ci/deploy] 'delivery.branch'"),
        ),
      );
    }
  }
  if (errors.length > 0) throw new ValidationError(`The delivery files have ${errors.length} error(s):`, errors);
  return files;
}

/**
 * A construct's message with its prop renamed to the delivery option it came
 * from (`'secretName'` of the Flux objects is `'delivery.flux.secretName'`), so the
 * error names what the user wrote.
 */
function asOption(c: IConstruct, message: string, options: DeliveryOptions): string {
  return message.replace(/^'([^']+)'/, (all, prop: string) => {
    const top = prop.split(/[.[]/)[0];
    const given = (o: object | undefined) => o !== undefined && Object.hasOwn(o, top);
    if (top === 'repoUrl') return "'delivery.repoUrl'";
    if (c instanceof ArgoCdApplication && top === 'namespace') return "'delivery.namespace'";
    if ((c instanceof ArgoCdApplication || c instanceof ArgoCdProject) && given(options.argoCd)) return `'delivery.argoCd.${prop}'`;
    if (c instanceof FluxDelivery && given(options.flux)) return `'delivery.flux.${prop}'`;
    if (c instanceof FluxCommitStatus && top === 'secretName') return "'delivery.ci.healthGate.fluxSecretName'";
    return all;
  });
}
