import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Alert, AlertSpecEventSeverity, AlertSpecEventSourcesKind } from '../imports/flux-alert-notification.toolkit.fluxcd.io';
import { Provider, ProviderSpecType } from '../imports/flux-provider-notification.toolkit.fluxcd.io';
import { dnsSubdomainProblem } from '../core/names';
import { kubeObject } from '../core/objects';
import { IssueCollector } from '../core/validation';
import { dnsLabelIssues, redactUrl, repoUrlProblem } from './source';

/**
 * Prefix of the commit status a GitOps tool posts once a target runs a
 * revision: the label Argo CD's GitHub notification template uses in its
 * documentation (argo-cd docs/operator-manual/notifications/services/github.md).
 */
export const COMMIT_STATUS_PREFIX = 'continuous-delivery/';

/** Props of {@link FluxCommitStatus}. */
export interface FluxCommitStatusProps {
  /** Git URL of the GitHub repository whose commits get the status (https:// or ssh://). */
  readonly repoUrl: string;
  /** Name of the Kustomization whose readiness is reported. */
  readonly kustomization: string;
  /**
   * Secret in `fluxNamespace` with a GitHub token (key `token`) or GitHub App
   * that may write commit statuses on the repository.
   */
  readonly secretName: string;
  /**
   * Namespace of the Kustomization, where the Provider and Alert live too.
   * @default 'flux-system'
   */
  readonly fluxNamespace?: string;
  /**
   * Name of the Provider and the Alert.
   * @default - '<kustomization>-status'
   */
  readonly name?: string;
}

/**
 * Makes Flux post a GitHub commit status on each revision of the deploy
 * branch a Kustomization applies: `success` once it is applied and healthy
 * (with `wait`), `failure` when it is not. A notification Provider of type
 * `github` and an Alert on the Kustomization (notification-controller
 * docs/spec/v1beta3/providers.md, "Git Commit Status Updates"); the status's
 * context is `continuous-delivery/<kustomization>` (`commitStatusExpr`,
 * notification-controller v1.6 / Flux 2.6 and later), the same as Argo CD's.
 */
export class FluxCommitStatus extends Construct {
  /** Context of the commit status. */
  public readonly context: string;
  /** The Provider object. */
  public readonly provider: ApiObject;
  /** The Alert object. */
  public readonly alert: ApiObject;

  public constructor(scope: Construct, id: string, props: FluxCommitStatusProps) {
    super(scope, id);
    const issues = IssueCollector.of(this);
    const namespace = props.fluxNamespace ?? 'flux-system';
    const name = props.name ?? `${props.kustomization}-status`;
    this.context = `${COMMIT_STATUS_PREFIX}${props.kustomization}`;

    const urlProblem = repoUrlProblem(props.repoUrl, { allowScpForm: false });
    if (urlProblem) issues.add({ prop: 'repoUrl', ...urlProblem, received: redactUrl(props.repoUrl) });
    issues.addAll(
      dnsLabelIssues([
        ['kustomization', props.kustomization],
        ['fluxNamespace', namespace],
        ['name', name],
      ]),
    );
    const secretProblem = dnsSubdomainProblem(props.secretName);
    if (secretProblem)
      issues.add({
        prop: 'secretName',
        rule: secretProblem.rule,
        received: props.secretName,
        fix: "Use the name of the Secret holding the GitHub token, e.g. 'github-commit-status'.",
      });
    this.provider = this.renderProvider(props, name, namespace);
    this.alert = this.renderAlert(props, name, namespace);
  }

  private renderProvider(props: FluxCommitStatusProps, name: string, namespace: string): ApiObject {
    return kubeObject(this, 'Provider', Provider, {
      metadata: { name, namespace },
      spec: {
        type: ProviderSpecType.GITHUB,
        address: props.repoUrl,
        secretRef: { name: props.secretName },
        // A CEL string literal: the Kustomization's name is a DNS label, so no quote can end it early.
        commitStatusExpr: `'${this.context}'`,
      },
    });
  }

  private renderAlert(props: FluxCommitStatusProps, name: string, namespace: string): ApiObject {
    return kubeObject(this, 'Alert', Alert, {
      metadata: { name, namespace },
      spec: {
        providerRef: { name },
        eventSeverity: AlertSpecEventSeverity.INFO,
        eventSources: [{ kind: AlertSpecEventSourcesKind.KUSTOMIZATION, name: props.kustomization }],
      },
    });
  }
}
