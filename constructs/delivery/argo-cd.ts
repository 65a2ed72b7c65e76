import { ApiObject, Duration } from 'cdk8s';
import { kubeObject } from '../core/objects';
import { Construct } from 'constructs';
import { Application, ApplicationSpecSyncPolicy } from '../imports/argo-application-argoproj.io';
import { IssueCollector } from '../core/validation';
import { ARGOCD_SYNC_WAVE } from './hooks';
import { dnsLabelIssues, durationIssue, gitSourceIssues, goDuration, normalizeRepoPath } from './source';

/** How Argo CD retries a sync that failed. */
export interface SyncRetry {
  /**
   * Attempts after the first failure; 0 turns retries off.
   * @default 5
   */
  readonly limit?: number;
  /**
   * Wait before the first retry.
   * @default Duration.seconds(10)
   */
  readonly backoff?: Duration;
  /**
   * Multiplier applied to the wait after each failed retry (a whole number).
   * @default 2
   */
  readonly factor?: number;
  /**
   * Longest wait between two retries.
   * @default Duration.minutes(3)
   */
  readonly maxBackoff?: Duration;
}

/** Props of {@link ArgoCdApplication}. */
export interface ArgoCdApplicationProps {
  /** Git URL of the repository that holds the synthesized manifests (https://, ssh:// or `git@host:path`). */
  readonly repoUrl: string;
  /** Folder of one cloud's manifests, relative to the repository root, e.g. `dist/prod/east`. */
  readonly path: string;
  /**
   * Branch Argo CD follows (`targetRevision`).
   * @default 'main'
   */
  readonly branch?: string;
  /** Namespace the manifests deploy to; Argo CD creates it when missing (`CreateNamespace=true`). */
  readonly namespace: string;
  /**
   * Name of the Application.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace Argo CD is installed in, where the Application object lives.
   * @default 'argocd'
   */
  readonly argoNamespace?: string;
  /**
   * Argo CD project the Application belongs to.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * API server URL of the destination cluster.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in)
   */
  readonly destinationServer?: string;
  /**
   * Sync automatically whenever the branch changes.
   * @default false
   */
  readonly autoSync?: boolean;
  /**
   * During automated sync, delete objects that are no longer in git (such as
   * the previous content-hashed ConfigMap). Requires `autoSync`.
   * @default false
   */
  readonly prune?: boolean;
  /**
   * During automated sync, revert changes made in the cluster by hand. Requires `autoSync`.
   * @default false
   */
  readonly selfHeal?: boolean;
  /**
   * Create the destination namespace before syncing (and before PreSync hooks).
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * How failed syncs are retried.
   * @default - 5 retries, 10 s doubling up to 3 min
   */
  readonly retry?: SyncRetry;
  /**
   * Wave of the Application object itself, when a parent "app of apps" syncs it:
   * lower waves sync first (e.g. cluster add-ons before services).
   * @default - no wave (0)
   */
  readonly syncWave?: number;
}

/**
 * An Argo CD Application that deploys one cloud's synthesized folder from git.
 *
 * Automated sync, pruning and self-heal are opt-in: turning them on means git
 * alone decides what runs, which a team should choose deliberately. Failed
 * syncs are retried with exponential backoff, because the first sync of a new
 * cluster often races add-ons (CRDs, webhooks) still starting.
 */
export class ArgoCdApplication extends Construct {
  /** Name of the Application. */
  public readonly name: string;
  /** The folder Argo CD reads, normalized (`dist/prod/east`). */
  public readonly path: string;
  /** The branch Argo CD follows. */
  public readonly branch: string;
  /** The Application object. */
  public readonly application: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const issues = IssueCollector.of(this);
    this.name = props.name ?? id;
    this.branch = props.branch ?? 'main';
    this.path = normalizeRepoPath(props.path);
    const argoNamespace = props.argoNamespace ?? 'argocd';
    const retry = {
      limit: props.retry?.limit ?? 5,
      backoff: props.retry?.backoff ?? Duration.seconds(10),
      factor: props.retry?.factor ?? 2,
      maxBackoff: props.retry?.maxBackoff ?? Duration.minutes(3),
    };
    issues.addAll(gitSourceIssues(props, this.branch, { allowScpForm: true }));
    issues.addAll(
      dnsLabelIssues([
        ['name', this.name, 63],
        ['namespace', props.namespace, 63],
        ['argoNamespace', argoNamespace, 63],
      ]),
    );
    this.checkSyncOptions(issues, props);
    this.checkRetry(issues, retry);
    this.application = kubeObject(this, 'Resource', Application, {
      metadata: {
        name: this.name,
        namespace: argoNamespace,
        annotations: props.syncWave !== undefined ? { [ARGOCD_SYNC_WAVE]: String(props.syncWave) } : undefined,
      },
      spec: {
        project: props.project ?? 'default',
        source: { repoUrl: props.repoUrl, targetRevision: this.branch, path: this.path },
        destination: { server: props.destinationServer ?? 'https://kubernetes.default.svc', namespace: props.namespace },
        syncPolicy: syncPolicy(props, retry),
      },
    });
  }

  private checkSyncOptions(issues: IssueCollector, props: ArgoCdApplicationProps): void {
    for (const [prop, on] of [
      ['prune', props.prune ?? false],
      ['selfHeal', props.selfHeal ?? false],
    ] as const) {
      issues.check((props.autoSync ?? false) || !on, {
        prop,
        rule: 'applies only to automated sync',
        received: on,
        fix: 'Set autoSync: true as well, or leave it out (a manual sync chooses what to prune each time).',
      });
    }
    if (props.syncWave !== undefined) {
      issues.check(Number.isInteger(props.syncWave), {
        prop: 'syncWave',
        rule: 'must be a whole number',
        received: props.syncWave,
        fix: 'Use e.g. -1 to sync before the default wave 0.',
      });
    }
  }

  private checkRetry(issues: IssueCollector, retry: Required<SyncRetry>): void {
    issues.check(Number.isInteger(retry.limit) && retry.limit >= 0, {
      prop: 'retry.limit',
      rule: 'must be a whole number of at least 0',
      received: retry.limit,
      fix: 'Use e.g. 5; 0 turns retries off.',
    });
    issues.check(Number.isInteger(retry.factor) && retry.factor >= 1, {
      prop: 'retry.factor',
      rule: 'must be a whole number of at least 1 (Argo CD reads it as an integer)',
      received: retry.factor,
      fix: 'Use 2 to double the wait after each failure.',
    });
    const backoffIssue = durationIssue('retry.backoff', retry.backoff, Duration.seconds(1), 'Use e.g. Duration.seconds(10).');
    if (backoffIssue) issues.add(backoffIssue);
    const maxIssue = durationIssue('retry.maxBackoff', retry.maxBackoff, Duration.seconds(1), 'Use e.g. Duration.minutes(3).');
    if (maxIssue) issues.add(maxIssue);
    if (!backoffIssue && !maxIssue) {
      issues.check(retry.maxBackoff.toMilliseconds() >= retry.backoff.toMilliseconds(), {
        prop: 'retry.maxBackoff',
        rule: `must be at least 'retry.backoff' (${retry.backoff.toHumanString()})`,
        received: retry.maxBackoff.toHumanString(),
        fix: 'Raise maxBackoff or lower backoff.',
      });
    }
  }
}

/** The Application's sync policy: automated only when asked, PruneLast, retries with backoff. */
function syncPolicy(props: ArgoCdApplicationProps, retry: Required<SyncRetry>): ApplicationSpecSyncPolicy {
  const syncOptions = [
    ...((props.createNamespace ?? true) ? ['CreateNamespace=true'] : []),
    // Whenever a sync prunes (automated or chosen by hand), the previous
    // content-hashed ConfigMap goes only after the new pods are healthy, so
    // old pods that restart during the rollout still find it.
    'PruneLast=true',
  ];
  return {
    // `automated: {}` is how every Argo CD version reads "on"; the newer `enabled`
    // field would be rejected by older CRDs under strict field validation.
    automated: (props.autoSync ?? false) ? { prune: props.prune ?? false, selfHeal: props.selfHeal ?? false } : undefined,
    syncOptions,
    retry: {
      limit: retry.limit,
      backoff: { duration: goDuration(retry.backoff), factor: retry.factor, maxDuration: goDuration(retry.maxBackoff) },
    },
  };
}
