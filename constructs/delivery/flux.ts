import { ApiObject, Duration } from 'cdk8s';
import { kubeObject } from '../core/objects';
import { Construct } from 'constructs';
import { GitRepository } from '../imports/flux-gitrepository-source.toolkit.fluxcd.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { dnsSubdomainProblem } from '../core/names';
import { IssueCollector } from '../core/validation';
import { dnsLabelIssues, durationIssue, gitSourceIssues, goDuration, normalizeRepoPath } from './source';

/** An object whose readiness Flux waits for, when `wait` is off. */
export interface FluxHealthCheck {
  /** Kind of the object, e.g. `Deployment`. */
  readonly kind: string;
  /** Name of the object. */
  readonly name: string;
  /**
   * Namespace of the object.
   * @default - the Kustomization's namespace
   */
  readonly namespace?: string;
  /**
   * API version of the object.
   * @default - the version the cluster prefers
   */
  readonly apiVersion?: string;
}

/** Props of {@link FluxDelivery}. */
export interface FluxDeliveryProps {
  /** Git URL of the repository that holds the synthesized manifests (https:// or ssh://). */
  readonly repoUrl: string;
  /** Folder of one cloud's manifests, relative to the repository root, e.g. `dist/prod/east`. */
  readonly path: string;
  /**
   * Branch Flux follows.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Name of the GitRepository and of the Kustomization.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace Flux runs in, where both objects live.
   * @default 'flux-system'
   */
  readonly fluxNamespace?: string;
  /**
   * Secret in `fluxNamespace` with the repository's credentials (a deploy key or token).
   * @default - none: the repository is public
   */
  readonly secretName?: string;
  /**
   * Service account in `fluxNamespace` that Flux impersonates to apply the folder
   * (multi-tenancy: the apply can do only what that account's RBAC allows).
   * @default - kustomize-controller's own account, or the cluster's `--default-service-account`
   */
  readonly serviceAccountName?: string;
  /**
   * How often Flux looks for new commits on the branch.
   * @default Duration.minutes(1)
   */
  readonly pollInterval?: Duration;
  /**
   * How often Flux re-applies the folder, which also undoes changes made by hand.
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
  /**
   * Wait before retrying a failed apply.
   * @default Duration.minutes(1)
   */
  readonly retryInterval?: Duration;
  /**
   * How long an apply, including waiting for health, may take before it counts as failed.
   * It must cover the slowest rollout, including the migrations its pods wait for; the app
   * kit derives it per target (`FluxOptions.timeout`). Flux fails fast on an object that
   * reports failure (a failed Job, a Deployment past its progress deadline), so a long
   * timeout does not delay the report of a real failure.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Delete objects that were applied from this folder before and are no longer in it
   * (such as the previous content-hashed ConfigMap).
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Wait until every applied object is ready (Deployments rolled out, Jobs complete).
   * @default true, unless `healthChecks` is given
   */
  readonly wait?: boolean;
  /**
   * Only these objects decide readiness. Flux ignores them when `wait` is on.
   * @default - none
   */
  readonly healthChecks?: FluxHealthCheck[];
  /**
   * Names of Kustomizations in `fluxNamespace` that must be ready first (e.g. cluster add-ons).
   * @default - none
   */
  readonly dependsOn?: string[];
}

/** How often Flux polls, reconciles and retries, and how long it waits for health. */
interface FluxIntervals {
  readonly pollInterval: Duration;
  readonly interval: Duration;
  readonly retryInterval: Duration;
  readonly timeout: Duration;
}

/**
 * Flux delivery of one cloud's synthesized folder: a GitRepository that polls
 * the branch and a Kustomization that applies `./<path>` from it.
 *
 * By default it prunes what left git and waits for every object to be ready,
 * so the Kustomization's Ready condition means "the new version runs", not
 * just "the API server accepted the YAML".
 */
export class FluxDelivery extends Construct {
  /** Name of both objects. */
  public readonly name: string;
  /** The folder Flux applies, as Flux spells it (`./dist/prod/east`). */
  public readonly path: string;
  /** The branch Flux follows. */
  public readonly branch: string;
  /** Whether Flux waits for every applied object. */
  public readonly wait: boolean;
  /** The GitRepository object. */
  public readonly gitRepository: ApiObject;
  /** The Kustomization object. */
  public readonly kustomization: ApiObject;

  private readonly issues: IssueCollector;

  public constructor(scope: Construct, id: string, props: FluxDeliveryProps) {
    super(scope, id);
    this.issues = IssueCollector.of(this);
    this.name = props.name ?? id;
    this.branch = props.branch ?? 'main';
    const normalized = normalizeRepoPath(props.path);
    this.path = normalized === '.' ? './' : `./${normalized}`;
    const namespace = props.fluxNamespace ?? 'flux-system';
    const healthChecks = props.healthChecks ?? [];
    this.wait = props.wait ?? healthChecks.length === 0;
    const intervals: FluxIntervals = {
      pollInterval: props.pollInterval ?? Duration.minutes(1),
      interval: props.interval ?? Duration.minutes(10),
      retryInterval: props.retryInterval ?? Duration.minutes(1),
      timeout: props.timeout ?? Duration.minutes(5),
    };
    this.issues.addAll(gitSourceIssues(props, this.branch, { allowScpForm: false }));
    this.checkNames(props, namespace);
    this.checkIntervals(intervals);
    this.checkHealthChecks(props, healthChecks);
    this.gitRepository = this.renderSource(props, namespace, intervals);
    this.kustomization = this.renderKustomization(props, namespace, intervals, healthChecks);
  }

  private checkNames(props: FluxDeliveryProps, namespace: string): void {
    const names: Array<[string, string]> = [
      ['name', this.name],
      ['fluxNamespace', namespace],
    ];
    (props.dependsOn ?? []).forEach((dep, i) => names.push([`dependsOn[${i}]`, dep]));
    this.issues.addAll(dnsLabelIssues(names));
    const subdomain = (prop: string, value: string | undefined, fix: string) => {
      const problem = value === undefined ? undefined : dnsSubdomainProblem(value);
      if (problem) this.issues.add({ prop, rule: problem.rule, received: value, fix });
    };
    subdomain('secretName', props.secretName, "Use the name of the Secret 'flux create secret git' made.");
    subdomain('serviceAccountName', props.serviceAccountName, `Use the name of a ServiceAccount in '${namespace}', e.g. 'shop-deployer'.`);
  }

  private checkIntervals(intervals: FluxIntervals): void {
    const fixes: Record<keyof FluxIntervals, string> = {
      pollInterval: 'Use e.g. Duration.minutes(1).',
      interval: 'Use e.g. Duration.minutes(10).',
      retryInterval: 'Use e.g. Duration.minutes(1).',
      timeout: 'Use e.g. Duration.minutes(5); it must cover the slowest rollout.',
    };
    for (const [prop, fix] of Object.entries(fixes) as Array<[keyof FluxIntervals, string]>) {
      const issue = durationIssue(prop, intervals[prop], Duration.seconds(1), fix);
      if (issue) this.issues.add(issue);
    }
  }

  private checkHealthChecks(props: FluxDeliveryProps, healthChecks: FluxHealthCheck[]): void {
    this.issues.check(!(props.wait === true && healthChecks.length > 0), {
      prop: 'healthChecks',
      rule: "must be empty when 'wait' is true (Flux then checks every object and ignores the list)",
      received: healthChecks.map((h) => `${h.kind}/${h.name}`),
      fix: "Drop 'wait: true' to check only these objects, or drop healthChecks to check everything.",
    });
    healthChecks.forEach((check, i) => {
      const problem = dnsSubdomainProblem(check.name);
      if (problem)
        this.issues.add({
          prop: `healthChecks[${i}].name`,
          rule: problem.rule,
          received: check.name,
          fix: 'Use the metadata.name of the object to watch.',
        });
      this.issues.check(typeof check.kind === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(check.kind), {
        prop: `healthChecks[${i}].kind`,
        rule: 'must be a Kubernetes kind in PascalCase',
        received: check.kind,
        fix: "Use e.g. 'Deployment'.",
      });
    });
  }

  private renderSource(props: FluxDeliveryProps, namespace: string, intervals: FluxIntervals): ApiObject {
    return kubeObject(this, 'Source', GitRepository, {
      metadata: { name: this.name, namespace },
      spec: {
        url: props.repoUrl,
        ref: { branch: this.branch },
        interval: goDuration(intervals.pollInterval),
        secretRef: props.secretName ? { name: props.secretName } : undefined,
      },
    });
  }

  private renderKustomization(
    props: FluxDeliveryProps,
    namespace: string,
    intervals: FluxIntervals,
    healthChecks: FluxHealthCheck[],
  ): ApiObject {
    return kubeObject(this, 'Resource', Kustomization, {
      metadata: { name: this.name, namespace },
      spec: {
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: this.name },
        path: this.path,
        interval: goDuration(intervals.interval),
        retryInterval: goDuration(intervals.retryInterval),
        timeout: goDuration(intervals.timeout),
        prune: props.prune ?? true,
        wait: this.wait,
        healthChecks: healthChecks.length > 0 ? healthChecks.map((h) => ({ ...h })) : undefined,
        dependsOn: props.dependsOn?.map((name) => ({ name })),
        serviceAccountName: props.serviceAccountName,
      },
    });
  }
}
