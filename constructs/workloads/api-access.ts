import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { dnsSubdomainProblem } from '../core/names';
import { kubeObject } from '../core/objects';
import { PropIssue } from '../core/validation';

/** A verb of the Kubernetes API, as RBAC rules name it. */
export enum ApiVerb {
  GET = 'get',
  LIST = 'list',
  WATCH = 'watch',
  CREATE = 'create',
  UPDATE = 'update',
  PATCH = 'patch',
  DELETE = 'delete',
  DELETE_COLLECTION = 'deletecollection',
}

/** Options of {@link ApiPermission.of}. */
export interface ApiPermissionOptions {
  /**
   * API group of the resources: `''` for the core group (pods, services,
   * configmaps), `apps`, `batch`, or a custom resource's group.
   * @default '' (the core group)
   */
  readonly apiGroup?: string;
  /** Resources, plural, with subresources as `pods/log`, e.g. `['pods', 'pods/log']`. */
  readonly resources: string[];
  /** What may be done with them. */
  readonly verbs: ApiVerb[];
  /**
   * Only these objects (not for `create` and `deletecollection`, which RBAC cannot
   * restrict by name).
   * @default - every object of the resources in the namespace
   */
  readonly resourceNames?: string[];
}

/** A rule of the Kubernetes API: its RBAC form, and where it applies. */
export interface ApiRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
  /** In every namespace and for cluster-scoped resources (a ClusterRole), not only the app's namespace. */
  readonly clusterWide: boolean;
  /** Wildcards were asked for through the unsafe factory. */
  readonly wildcards: boolean;
}

/**
 * Access to the Kubernetes API for the pods of an application (a task runner
 * that starts pods and reads their logs), through its ServiceAccount: a Role in
 * the app's namespace bound to it, with exactly the verbs on the resources
 * given. No wildcard except through {@link ApiPermission.unsafeWildcard}; a
 * ClusterRole only through {@link ApiPermission.clusterWide}.
 */
export class ApiPermission {
  /** Verbs on resources of one API group, in the app's namespace. */
  public static of(options: ApiPermissionOptions): ApiPermission {
    return new ApiPermission(options, false, false);
  }

  /**
   * The same in every namespace, and for cluster-scoped resources (nodes,
   * namespaces): a ClusterRole and a ClusterRoleBinding. Rarely needed by an app.
   */
  public static clusterWide(options: ApiPermissionOptions): ApiPermission {
    return new ApiPermission(options, true, false);
  }

  /**
   * A rule that may hold `*` in its groups, resources or verbs (every current and
   * future resource or verb, `escalate` and `impersonate` included), and any verb
   * as a string. Only when a tool documents that it needs it.
   */
  public static unsafeWildcard(rule: {
    readonly apiGroups: string[];
    readonly resources: string[];
    readonly verbs: string[];
    readonly resourceNames?: string[];
  }): ApiPermission {
    return new ApiPermission(
      { apiGroup: undefined, resources: rule.resources, verbs: rule.verbs as ApiVerb[], resourceNames: rule.resourceNames },
      false,
      true,
      rule.apiGroups,
    );
  }

  /** Read the pods of the namespace and their logs (get, list, watch): a runner that follows the pods it starts. */
  public static readPodsAndLogs(): ApiPermission {
    return ApiPermission.of({ resources: ['pods', 'pods/log'], verbs: [ApiVerb.GET, ApiVerb.LIST, ApiVerb.WATCH] });
  }

  private constructor(
    private readonly options: ApiPermissionOptions,
    private readonly cluster: boolean,
    private readonly wildcards: boolean,
    private readonly groups?: string[],
  ) {}

  /** The rule, and its problems; `prop` names it in messages (`permissions[0]`). */
  public bind(prop: string): { rule: ApiRule; issues: PropIssue[] } {
    const o = this.options ?? ({} as ApiPermissionOptions);
    const rule: ApiRule = {
      apiGroups: this.groups ?? [o.apiGroup ?? ''],
      resources: [...(o.resources ?? [])],
      verbs: [...(o.verbs ?? [])],
      resourceNames: o.resourceNames ? [...o.resourceNames] : undefined,
      clusterWide: this.cluster,
      wildcards: this.wildcards,
    };
    return { rule, issues: ruleIssues(rule, prop) };
  }
}

const RESOURCE = /^[a-z][a-z0-9.-]*(\/[a-z]+)?$/;

function ruleIssues(r: ApiRule, prop: string): PropIssue[] {
  const issues: PropIssue[] = [];
  const wild = (field: string, list: string[], fix: string) => {
    if (!r.wildcards && list.includes('*'))
      issues.push({
        prop: `${prop}.${field}`,
        rule: "must not hold '*': it grants every current and future one, against least privilege",
        received: list,
        fix,
      });
  };
  wild('apiGroup', r.apiGroups, "Name the group, e.g. 'batch' ('' is the core group).");
  wild('resources', r.resources, "Name the resources, e.g. ['pods', 'pods/log'].");
  wild('verbs', r.verbs, 'List the verbs, e.g. [ApiVerb.GET, ApiVerb.LIST, ApiVerb.WATCH].');
  for (const g of r.apiGroups)
    if (g !== '' && g !== '*' && dnsSubdomainProblem(g))
      issues.push({
        prop: `${prop}.apiGroup`,
        rule: "must be an API group ('' for the core group)",
        received: g,
        fix: "Use e.g. 'apps' or 'batch'.",
      });
  if (r.resources.length === 0 || r.resources.some((x) => x !== '*' && !RESOURCE.test(x)))
    issues.push({
      prop: `${prop}.resources`,
      rule: "must list resources, plural and lowercase, subresources as 'pods/log'",
      received: r.resources,
      fix: "Use e.g. ['pods', 'pods/log'] (`kubectl api-resources` lists them).",
    });
  const verbs = Object.values(ApiVerb) as string[];
  if (r.verbs.length === 0 || (!r.wildcards && r.verbs.some((v) => v !== '*' && !verbs.includes(v))))
    issues.push({
      prop: `${prop}.verbs`,
      rule: `must list verbs among ${verbs.join(', ')}`,
      received: r.verbs,
      fix: 'Use ApiVerb, e.g. [ApiVerb.GET, ApiVerb.LIST]; escalate, bind and impersonate only through ApiPermission.unsafeWildcard.',
    });
  const unnamed = r.verbs.filter((v) => v === ApiVerb.CREATE || v === ApiVerb.DELETE_COLLECTION);
  if (r.resourceNames && unnamed.length > 0)
    issues.push({
      prop: `${prop}.resourceNames`,
      rule: `cannot restrict ${unnamed.join(' and ')} (RBAC has no object name for them, so the rule would never allow them)`,
      received: r.resourceNames,
      fix: `Give ${unnamed.join(' and ')} a rule of their own, without resourceNames.`,
    });
  return issues;
}

/** Warnings about rules that are allowed but broad. */
export function broadRuleWarnings(r: ApiRule, prop: string): string[] {
  const reads = r.verbs.filter((v) => ['get', 'list', 'watch', '*'].includes(v));
  if (r.apiGroups.includes('') && r.resources.includes('secrets') && reads.length > 0 && !r.resourceNames)
    return [`${prop} lets the pods read every Secret of the namespace; name the ones they need in resourceNames.`];
  return [];
}

/** What the app's Kubernetes API access renders. */
export interface ApiAccessObjects {
  readonly role?: ApiObject;
  readonly roleBinding?: ApiObject;
  readonly clusterRole?: ApiObject;
  readonly clusterRoleBinding?: ApiObject;
  /** The rules are non-empty: the pods need a token. */
  readonly any: boolean;
  readonly issues: PropIssue[];
  readonly warnings: string[];
}

/** The Role (and ClusterRole) of `permissions`, bound to the ServiceAccount `serviceAccountName`. */
export function renderApiAccess(
  scope: Construct,
  input: {
    readonly name: string;
    readonly labels: Record<string, string>;
    readonly serviceAccountName: string;
    readonly namespace?: string;
    readonly permissions?: ApiPermission[];
    readonly prop?: string;
  },
): ApiAccessObjects {
  const prop = input.prop ?? 'permissions';
  const issues: PropIssue[] = [];
  const warnings: string[] = [];
  const rules: ApiRule[] = [];
  (input.permissions ?? []).forEach((p, i) => {
    if (!(p instanceof ApiPermission)) {
      issues.push({
        prop: `${prop}[${i}]`,
        rule: 'must be an ApiPermission',
        received: p,
        fix: 'Use ApiPermission.of({ resources, verbs }).',
      });
      return;
    }
    const bound = p.bind(`${prop}[${i}]`);
    issues.push(...bound.issues);
    warnings.push(...broadRuleWarnings(bound.rule, `${prop}[${i}]`));
    rules.push(bound.rule);
  });
  const subjects = [{ kind: 'ServiceAccount', name: input.serviceAccountName, namespace: input.namespace }];
  const toRbac = (r: ApiRule): k8s.PolicyRule => ({
    apiGroups: r.apiGroups,
    resources: r.resources,
    verbs: r.verbs,
    resourceNames: r.resourceNames,
  });
  const local = rules.filter((r) => !r.clusterWide);
  const cluster = rules.filter((r) => r.clusterWide);
  const out: { -readonly [K in keyof ApiAccessObjects]?: ApiAccessObjects[K] } = {};
  if (local.length > 0) {
    out.role = kubeObject(scope, 'ApiRole', k8s.KubeRole, {
      metadata: { name: input.name, labels: input.labels },
      rules: local.map(toRbac),
    });
    out.roleBinding = kubeObject(scope, 'ApiRoleBinding', k8s.KubeRoleBinding, {
      metadata: { name: input.name, labels: input.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: input.name },
      subjects: subjects.map(({ kind, name }) => ({ kind, name })),
    });
  }
  if (cluster.length > 0) {
    if (!input.namespace)
      issues.push({
        prop,
        rule: "needs the chart's namespace for a cluster-wide permission (a ClusterRoleBinding names the ServiceAccount with its namespace)",
        received: undefined,
        fix: "Give the chart a namespace: new Chart(scope, id, { namespace: 'shop' }).",
      });
    // Cluster-scoped names are shared by every namespace: the namespace keeps them apart.
    const name = `${input.namespace ?? 'default'}-${input.name}`;
    out.clusterRole = kubeObject(scope, 'ApiClusterRole', k8s.KubeClusterRole, {
      metadata: { name, labels: input.labels },
      rules: cluster.map(toRbac),
    });
    out.clusterRoleBinding = kubeObject(scope, 'ApiClusterRoleBinding', k8s.KubeClusterRoleBinding, {
      metadata: { name, labels: input.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects,
    });
  }
  return { ...out, any: rules.length > 0, issues, warnings };
}

/** Where the kubelet mounts a ServiceAccount token, and Kubernetes client libraries read it (in-cluster config). */
const TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The projected volume the kubelet would mount with `automountServiceAccountToken`
 * (a short-lived token, the cluster CA, the namespace), here mounted into the app
 * container only, so that sidecars and init containers get no token.
 */
export const API_TOKEN_VOLUME: k8s.Volume = {
  name: 'kube-api-access',
  projected: {
    defaultMode: 0o444,
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  },
};

/** The app container's mount of {@link API_TOKEN_VOLUME}. */
export const API_TOKEN_MOUNT: k8s.VolumeMount = { name: 'kube-api-access', mountPath: TOKEN_DIR, readOnly: true };
