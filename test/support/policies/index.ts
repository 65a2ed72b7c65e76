/**
 * Static policy checks for synthesized Kubernetes objects (plain JSON, as cdk8s emits them).
 *
 * 1. Pod Security Standards (PSS) as enforced by the PodSecurity admission controller for policy
 *    version 1.28: `podSecurityViolations(obj, level)` / `restrictedViolations(obj)`.
 *    Source read: kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_<id>.go
 *    and https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 *
 * 2. The checks that kube-score, Polaris and kube-linter run WITHOUT any configuration:
 *    `lintFindings(objects)`. Versions read:
 *    - kube-score v1.20.0 (README_CHECKS.md of v1.20.0, score/score.go RegisterAllChecks, score/<area>/<area>.go).
 *      Default flags: --kubernetes-version v1.18, --min-replicas-deployment 2, --min-replicas-hpa 2.
 *    - Polaris 10.x (pkg/config/default.yaml, pkg/config/checks/<id>.yaml, pkg/validator/<file>.go).
 *    - kube-linter main (internal/defaultchecks/default_checks.go, docs/generated/checks.md,
 *      pkg/builtinchecks/yamls/<id>.yaml, pkg/templates/<template>).
 *    The per-object opt-outs each tool honours by default are honoured here too:
 *    `kube-score/ignore: <id>,<id>` (object or pod-template annotation; `container-resources`
 *    implies `container-ephemeral-storage-request-and-limit`), `polaris.fairwinds.com/exempt: "true"`
 *    and `polaris.fairwinds.com/<check>-exempt: "true"`, `ignore-check.kube-linter.io/<check>` and
 *    `kube-linter.io/ignore-all`.
 *
 * Severities: kube-score grades map to `critical` (GradeCritical) and `warning` (GradeWarning and
 * GradeAlmostOK, which kube-score prints as WARNING). Polaris uses its own `danger`/`warning` from
 * pkg/config/default.yaml. kube-linter has no severity levels: every diagnostic of a default check
 * makes `kube-linter lint` exit 1, so they are reported as `critical`.
 *
 * Not evaluated (need a cluster, config, or are outside the object kinds this library emits):
 * - kube-score optional checks (container-seccomp-profile, *-requests-equal-limits,
 *   container-ephemeral-storage-request-equals-limit, container-ports-check); there is no
 *   `service-targetport` check in kube-score.
 * - Polaris RBAC checks (the PodExecAttach and ClusterAdmin families) and Gateway API checks
 *   (gatewayTLSMissing, httpRouteWildcardOrEmptyHost, ...): the library's Roles (migration waits, `permissions`) are
 *   checked for least privilege by the tests of their own (test/pod-model/api-access.test.ts); the
 *   exemptions by controller name shipped in Polaris' default.yaml (e.g. `cert-manager`, `vpa`);
 *   `pdbMinAvailableEqualToHPAMinReplicas` (not in a released default config).
 * - kube-linter checks that are off by default (no-liveness-probe, no-readiness-probe,
 *   dangling-horizontalpodautoscaler, dangling-networkpolicy, dangling-ingress, use-namespace,
 *   default-service-account, writable-host-mount, hpa-minimum-three-replicas, non-isolated-pod, ...).
 */

export type { Finding, PodSecurityLevel, Severity, Tool } from './common';
export { podSecurityViolations, restrictedViolations } from './pss';
export { lintFindings } from './lint';
export { deliberateReason, projectFindings } from './deliberate';
