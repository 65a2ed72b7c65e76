/**
 * The third-party GitHub Actions the generated workflow uses, in one table so
 * a team can pin each to a commit SHA it has reviewed (`actions` option of
 * `renderWorkflow`).
 *
 * Majors are as published in 2026. trivy-action is pinned to a commit: in
 * March 2026 (CVE-2026-33634) its version tags were force-pushed to code that
 * stole CI secrets; 0.35.0, the release with immutable tags, was not affected.
 * A tag can move, a SHA cannot: pin the others the same way once reviewed.
 */
import { PropIssue } from '../../constructs/validation';

/** The actions the workflow uses, by role. */
export interface ActionRefs {
  /** Checks out the repository. */
  readonly checkout: string;
  /** Installs Node.js and caches npm. */
  readonly setupNode: string;
  /** Creates the BuildKit builder. */
  readonly setupBuildx: string;
  /** Computes image tags and OCI labels. */
  readonly metadata: string;
  /** Builds (and pushes) an image. */
  readonly buildPush: string;
  /** Logs Docker in to a registry with a token. */
  readonly dockerLogin: string;
  /** Scans an image for known vulnerabilities. */
  readonly trivy: string;
  /** Assumes an AWS role with the OIDC token. */
  readonly awsCredentials: string;
  /** Logs Docker in to Amazon ECR. */
  readonly ecrLogin: string;
  /** Exchanges the OIDC token for Google Cloud credentials. */
  readonly googleAuth: string;
  /** Signs in to Azure with the OIDC token. */
  readonly azureLogin: string;
  /** Opens or updates a pull request. */
  readonly createPullRequest: string;
}

/** The default reference of each action. */
export const DEFAULT_ACTIONS: ActionRefs = {
  checkout: 'actions/checkout@v6',
  setupNode: 'actions/setup-node@v6',
  setupBuildx: 'docker/setup-buildx-action@v4',
  metadata: 'docker/metadata-action@v6',
  buildPush: 'docker/build-push-action@v7',
  dockerLogin: 'docker/login-action@v4',
  trivy: 'aquasecurity/trivy-action@57a97c7e7821a5776cebc9bb87c984fa69cba8f1',
  awsCredentials: 'aws-actions/configure-aws-credentials@v5',
  ecrLogin: 'aws-actions/amazon-ecr-login@v2',
  googleAuth: 'google-github-actions/auth@v3',
  azureLogin: 'azure/login@v3',
  createPullRequest: 'peter-evans/create-pull-request@v8',
};

/** Versions of the SHA-pinned defaults, written as a comment beside the SHA. */
export const PINNED_VERSIONS: Readonly<Record<string, string>> = {
  '57a97c7e7821a5776cebc9bb87c984fa69cba8f1': 'v0.35.0',
};

/**
 * Version of the Trivy scanner the action installs. v0.69.4 (and images
 * v0.69.5/6) were the malicious releases of the same incident; v0.69.3 predates it.
 */
export const DEFAULT_TRIVY_VERSION = 'v0.69.3';

const ACTION_REF = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_./-]+)?@(?:[0-9a-f]{40}|v\d+(?:\.\d+){0,2}|\d+\.\d+\.\d+)$/;

/** The default table with `overrides` applied, and an issue for each reference that is not pinned. */
export function resolveActions(overrides: Partial<ActionRefs> = {}): { refs: ActionRefs; issues: PropIssue[] } {
  const refs = { ...DEFAULT_ACTIONS, ...overrides };
  const issues: PropIssue[] = [];
  for (const [role, ref] of Object.entries(overrides)) {
    if (typeof ref === 'string' && ACTION_REF.test(ref)) continue;
    issues.push({
      prop: `actions.${role}`,
      rule: 'must be \'owner/repo@<40-hex commit SHA>\' or a version tag like \'@v4\'',
      received: ref,
      fix: `Pin it, e.g. '${DEFAULT_ACTIONS[role as keyof ActionRefs] ?? 'owner/repo@v1'}'; a branch like '@main' runs whatever was pushed last.`,
    });
  }
  return { refs, issues };
}
