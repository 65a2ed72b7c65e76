import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AppProject } from '../imports/argo-appproject-argoproj.io';
import { kubeObject } from '../core/objects';
import { IssueCollector, PropIssue } from '../core/validation';
import { dnsLabelIssues, redactUrl, repoUrlProblem } from './source';

/** A kind of object, by API group (`''` for the core group) and kind. */
export interface GroupKind {
  /** API group, `''` for the core group (Namespace), e.g. `scheduling.k8s.io`. */
  readonly group: string;
  /** Kind, e.g. `PriorityClass`. */
  readonly kind: string;
}

/** Props of {@link ArgoCdProject}. */
export interface ArgoCdProjectProps {
  /** The only repository its Applications may read from. */
  readonly repoUrl: string;
  /** Namespaces its Applications may deploy to. */
  readonly namespaces: string[];
  /**
   * Cluster-scoped kinds its Applications may create, e.g. Namespace and PriorityClass.
   * @default - none
   */
  readonly clusterResources?: GroupKind[];
  /**
   * Name of the AppProject.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace Argo CD is installed in, where the AppProject lives.
   * @default 'argocd'
   */
  readonly argoNamespace?: string;
  /**
   * API server URL of the cluster its Applications may deploy to.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in)
   */
  readonly destinationServer?: string;
  /**
   * What the project is for, shown by Argo CD.
   * @default - none
   */
  readonly description?: string;
}

/**
 * An Argo CD AppProject that lets its Applications read one repository and
 * deploy only to the given namespaces of one cluster, and create no
 * cluster-scoped object but the listed kinds: on a shared Argo CD, a mistake
 * or a compromised deploy branch cannot reach other teams' namespaces or
 * cluster-wide RBAC. The `default` project allows everything
 * (argo-cd docs/user-guide/projects.md, "The Default Project").
 *
 * Cluster-scoped kinds are allowed by kind, not by name: naming them
 * (`clusterResourceWhitelist[].name`) needs Argo CD 3.3 or later, whose CRD an
 * older Argo CD rejects under strict field validation.
 */
export class ArgoCdProject extends Construct {
  /** Name of the AppProject, for the Applications' `project`. */
  public readonly name: string;
  /** The AppProject object. */
  public readonly project: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id);
    const issues = IssueCollector.of(this);
    this.name = props.name ?? id;
    const argoNamespace = props.argoNamespace ?? 'argocd';
    const server = props.destinationServer ?? 'https://kubernetes.default.svc';
    const namespaces = [...new Set(props.namespaces ?? [])].sort();
    const kinds = [...new Map((props.clusterResources ?? []).map((k) => [`${k.group}/${k.kind}`, k])).values()].sort((a, b) =>
      `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`),
    );
    const urlProblem = repoUrlProblem(props.repoUrl, { allowScpForm: true });
    if (urlProblem) issues.add({ prop: 'repoUrl', ...urlProblem, received: redactUrl(props.repoUrl) });
    issues.addAll(
      dnsLabelIssues([
        ['name', this.name],
        ['argoNamespace', argoNamespace],
        ...namespaces.map((n, i): [string, string] => [`namespaces[${i}]`, n]),
      ]),
    );
    issues.addAll(destinationIssues(namespaces, server, kinds));
    this.project = kubeObject(this, 'Resource', AppProject, {
      metadata: { name: this.name, namespace: argoNamespace },
      spec: {
        description: props.description,
        sourceRepos: [props.repoUrl],
        destinations: namespaces.map((namespace) => ({ server, namespace })),
        // Without a whitelist an AppProject allows no cluster-scoped object at all.
        clusterResourceWhitelist: kinds.map((k) => ({ group: k.group, kind: k.kind })),
      },
    });
  }
}

/** The problems of a project's destinations: its namespaces, API server and cluster-scoped kinds. */
function destinationIssues(namespaces: string[], server: string, kinds: GroupKind[]): PropIssue[] {
  const issues: PropIssue[] = [];
  const check = (ok: boolean, issue: PropIssue) => (ok ? undefined : issues.push(issue));
  check(namespaces.length > 0, {
    prop: 'namespaces',
    rule: 'must list at least one namespace',
    received: [],
    fix: "Pass the namespace the Applications deploy to, e.g. ['shop'].",
  });
  check(/^https:\/\/\S+$/.test(server), {
    prop: 'destinationServer',
    rule: 'must be an https:// API server URL',
    received: server,
    fix: "Use the URL Argo CD lists for the cluster, e.g. 'https://kubernetes.default.svc'.",
  });
  kinds.forEach((k, i) => {
    check(typeof k.kind === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(k.kind), {
      prop: `clusterResources[${i}].kind`,
      rule: 'must be a Kubernetes kind in PascalCase',
      received: k.kind,
      fix: "Use e.g. 'Namespace'.",
    });
    check(typeof k.group === 'string' && /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/.test(k.group), {
      prop: `clusterResources[${i}].group`,
      rule: "must be an API group ('' for the core group)",
      received: k.group,
      fix: "Use e.g. 'scheduling.k8s.io'.",
    });
  });
  return issues;
}
