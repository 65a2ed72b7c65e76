/**
 * The third-party GitHub Actions the generated workflow uses, each pinned to
 * the full commit SHA of a release, in one table.
 *
 * A tag can be moved to other code; a commit SHA cannot. In March 2026
 * (CVE-2026-33634) the version tags of aquasecurity/trivy-action were
 * force-pushed to code that stole CI secrets, and every workflow using them by
 * tag ran it. Organisations that enforce SHA pinning refuse a workflow with a
 * tag in any `uses:`.
 *
 * Where each SHA comes from: a snapshot of the action's own GitHub repository,
 * `git rev-parse <tag>^{commit}`, the newest release tag in that snapshot; its
 * `runs.using` read from `action.yml` at that commit (every JavaScript action
 * here runs on node24; the others are composite). The snapshots were taken in
 * 2026 (newest commit of each noted below); a newer release may exist since.
 */
import { PropIssue } from '../../constructs/core/validation';

/** The actions the workflow uses, by role: each `owner/repo@<40-hex commit SHA>`. */
export interface ActionRefs {
  /** Checks out the repository. */
  readonly checkout: string;
  /** Installs Node.js and caches npm. */
  readonly setupNode: string;
  /** Installs Go, to build the image-copy tool from a checksum-verified module. */
  readonly setupGo: string;
  /** Creates the BuildKit builder. */
  readonly setupBuildx: string;
  /** Builds an image. */
  readonly buildPush: string;
  /** Hands the built images to the scan and push jobs. */
  readonly uploadArtifact: string;
  /** Receives the built images. */
  readonly downloadArtifact: string;
  /** Installs the Trivy scanner. */
  readonly setupTrivy: string;
  /** Logs Docker in to a registry with a token. */
  readonly dockerLogin: string;
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

/** One pinned action: its repository, the commit of a release, and that release. */
export interface ActionPin {
  /** `owner/repo`. */
  readonly repository: string;
  /** Full commit SHA the release tag points to. */
  readonly sha: string;
  /** The release tag, written as a comment beside the SHA. */
  readonly version: string;
  /** `runs.using` of the action at that commit. */
  readonly runtime: string;
  /** Where the SHA was read. */
  readonly source: string;
}

const pin = (repository: string, sha: string, version: string, runtime: string, newest: string): ActionPin => ({
  repository,
  sha,
  version,
  runtime,
  source: `git rev-parse ${version}^{commit} in a snapshot of github.com/${repository} (newest commit ${newest})`,
});

/** The pinned default of every role. */
export const ACTION_PINS: { readonly [role in keyof ActionRefs]: ActionPin } = {
  checkout: pin('actions/checkout', '3d3c42e5aac5ba805825da76410c181273ba90b1', 'v7.0.1', 'node24', '2026-07-22'),
  setupNode: pin('actions/setup-node', '820762786026740c76f36085b0efc47a31fe5020', 'v7.0.0', 'node24', '2026-08-18'),
  setupGo: pin('actions/setup-go', 'b7ad1dad31e06c5925ef5d2fc7ad053ef454303e', 'v7.0.0', 'node24', '2026-08-20'),
  setupBuildx: pin('docker/setup-buildx-action', '37fe631027851001ddb9b187196cc803df7f5f0e', 'v4.3.0', 'node24', '2026-08-18'),
  buildPush: pin('docker/build-push-action', '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a', 'v7.3.0', 'node24', '2026-07-23'),
  uploadArtifact: pin('actions/upload-artifact', 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', 'v7.0.0', 'node24', '2026-03-01'),
  downloadArtifact: pin('actions/download-artifact', '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', 'v8.0.1', 'node24', '2026-05-04'),
  // Composite; it pins its own checkout of Trivy's install script by SHA, and the script
  // checks the release tarball against the release's checksums. v0.3.x is the release made
  // after the March 2026 incident (script injection fixes, no inputs interpolated into shell).
  setupTrivy: pin('aquasecurity/setup-trivy', '81e514348e19b6112ce2a7e3ecbafe19c1e1f567', 'v0.3.1', 'composite', '2026-06-03'),
  dockerLogin: pin('docker/login-action', '4907a6ddec9925e35a0a9e82d7399ccc52663121', 'v4.1.0', 'node24', '2026-04-30'),
  awsCredentials: pin(
    'aws-actions/configure-aws-credentials',
    'e6de054238d6b7531b4efff3b6587d9aade6a06c',
    'v6.2.3',
    'node24',
    '2026-08-18',
  ),
  ecrLogin: pin('aws-actions/amazon-ecr-login', '03f1aad4c6c7ffd436567f42f9384779290529bd', 'v2.1.7', 'node24', '2026-08-21'),
  googleAuth: pin('google-github-actions/auth', '7c6bc770dae815cd3e89ee6cdf493a5fab2cc093', 'v3.0.0', 'node24', '2025-09-03'),
  azureLogin: pin('azure/login', 'f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca', 'v3.0.1', 'node24', '2026-08-06'),
  createPullRequest: pin('peter-evans/create-pull-request', '5f6978faf089d4d20b00c7766989d076bb2fc7f1', 'v8.1.1', 'node24', '2026-07-01'),
};

/** The default reference of each action, as written in `uses:`. */
export const DEFAULT_ACTIONS: ActionRefs = Object.fromEntries(
  Object.entries(ACTION_PINS).map(([role, p]) => [role, `${p.repository}@${p.sha}`]),
) as unknown as ActionRefs;

/**
 * Version of the Trivy scanner setup-trivy installs. v0.69.4 (and images
 * v0.69.5/6) were the malicious releases of the March 2026 incident; v0.69.3 predates it.
 */
export const DEFAULT_TRIVY_VERSION = 'v0.69.3';

/**
 * Version of crane (github.com/google/go-containerregistry), built with
 * `go install`: the Go checksum database verifies the module, so no unverified
 * binary is downloaded into the jobs that hold registry credentials.
 */
export const DEFAULT_CRANE_VERSION = 'v0.21.9';

/** `owner/repo[/path]@<40-hex>` with an optional ` # <version>` after it. */
const PINNED_REF = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_./-]+)?@([0-9a-f]{40}))(?:\s+#\s*(\S+))?$/;

/** The actions to use: `uses:` per role, and the version comment of each SHA. */
export interface ResolvedActions {
  readonly refs: ActionRefs;
  /** Release of each SHA in `refs`, written beside it. */
  readonly versions: ReadonlyMap<string, string>;
}

/**
 * The default table with `overrides` applied, and an issue for each override
 * that is not pinned to a commit SHA with its release, e.g.
 * `'docker/build-push-action@<40-hex> # v7.2.0'`.
 */
export function resolveActions(overrides: Partial<ActionRefs> = {}): { actions: ResolvedActions; issues: PropIssue[] } {
  const refs: Record<string, string> = { ...DEFAULT_ACTIONS };
  const versions = new Map(Object.values(ACTION_PINS).map((p) => [p.sha, p.version]));
  const issues: PropIssue[] = [];
  for (const [role, ref] of Object.entries(overrides)) {
    if (ref === undefined) continue;
    const known = Object.hasOwn(ACTION_PINS, role) ? ACTION_PINS[role as keyof ActionRefs] : undefined;
    const example = known ? `'${known.repository}@${known.sha} # ${known.version}'` : "'owner/repo@<40-hex commit SHA> # v1.2.3'";
    if (!known) {
      issues.push({
        prop: `actions.${role}`,
        rule: `must be one of the roles ${Object.keys(ACTION_PINS).join(', ')}`,
        received: role,
        fix: 'Remove it or fix its name.',
      });
      continue;
    }
    const m = typeof ref === 'string' ? PINNED_REF.exec(ref.trim()) : null;
    const version = m?.[3] ?? (m ? versions.get(m[2]) : undefined);
    if (!m || !version) {
      issues.push({
        prop: `actions.${role}`,
        rule: "must be 'owner/repo@<40-hex commit SHA> # <release>' (a tag or branch can be moved to other code)",
        received: ref,
        fix: `Pin the commit of a release you reviewed, e.g. ${example}.`,
      });
      continue;
    }
    refs[role] = m[1];
    versions.set(m[2], version);
  }
  return { actions: { refs: refs as unknown as ActionRefs, versions }, issues };
}
