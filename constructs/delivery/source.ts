import { Duration } from 'cdk8s';
import { PropIssue } from '../core/validation';
import { dnsLabelProblem, suggestDnsLabel } from '../core/names';

/**
 * Rules shared by the GitOps constructs for where manifests come from: the
 * repository URL, the branch and the folder. Checked at synth time because
 * Argo CD and Flux only report these mistakes in the cluster, minutes later,
 * as a sync that never starts.
 */

import type { Problem } from '../core/validation';

const HOST = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*';
const REPO_PATH = '/[^\\s?#]*[^\\s?#/]';
const HTTPS_URL = new RegExp(`^https://${HOST}(?::\\d{1,5})?${REPO_PATH}/?$`);
const SSH_URL = new RegExp(`^ssh://(?:[A-Za-z0-9._-]+@)?${HOST}(?::\\d{1,5})?${REPO_PATH}/?$`);
/** `git@github.com:acme/shop.git`, the form `git clone` prints. */
const SCP_URL = new RegExp(`^(?:([A-Za-z0-9._-]+)@)?(${HOST}):(?!//)([^\\s?#]+)$`);
/** `scheme://user[:password]@` — a credential in the URL ends up in every object that carries it. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/i;

/** Which spellings of a git URL a GitOps tool accepts. */
export interface RepoUrlOptions {
  /**
   * Whether the scp-like `user@host:path` form is accepted. Argo CD accepts it;
   * Flux's GitRepository does not (its CRD requires `^(http|https|ssh)://`).
   */
  readonly allowScpForm: boolean;
}

/** Why `url` is not a usable git repository URL, or undefined. */
export function repoUrlProblem(url: string, options: RepoUrlOptions): Problem | undefined {
  const example = "'https://github.com/acme/shop-deploy.git' or 'ssh://git@github.com/acme/shop-deploy.git'";
  if (typeof url !== 'string' || url.length === 0) {
    return { rule: 'must be the git URL of the repository that holds the manifests', fix: `Write it like ${example}.` };
  }
  const userinfo = USERINFO.exec(url);
  // Over https any user part is a credential (a token often goes in the user slot);
  // over ssh a user like 'git@' is normal and only 'user:password@' is one.
  if (userinfo && (userinfo[2].includes(':') || /^https?:/i.test(userinfo[1]))) {
    return {
      rule: 'must not contain credentials',
      fix: "Remove the 'user:password@' part from the URL and give the GitOps tool a repository Secret (Argo CD repository credentials, or the Flux 'secretName' prop).",
    };
  }
  if (HTTPS_URL.test(url) || SSH_URL.test(url)) return undefined;
  const scp = SCP_URL.exec(url);
  if (scp) {
    if (options.allowScpForm) return undefined;
    const user = scp[1] ? `${scp[1]}@` : '';
    return {
      rule: "must be an https:// or ssh:// URL (Flux does not accept the scp-like 'user@host:path' form)",
      fix: `Write it as 'ssh://${user}${scp[2]}/${scp[3].replace(/^\/+/, '')}', which Argo CD accepts too.`,
    };
  }
  if (/^http:\/\//i.test(url)) {
    return {
      rule: 'must use https:// or ssh://, not plain http://',
      fix: `Write it like ${example}; plain HTTP lets anyone on the path change what is deployed.`,
    };
  }
  return { rule: 'must be an https:// or ssh:// git URL with a repository path', fix: `Write it like ${example}.` };
}

/** The URL with any `user:password@` part masked, so an error never prints a credential. */
export function redactUrl(url: unknown): unknown {
  if (typeof url !== 'string') return url;
  return url.replace(USERINFO, (all, scheme: string, user: string) =>
    user.includes(':') || /^https?:/i.test(scheme) ? `${scheme}***@` : all,
  );
}

/**
 * Why `name` is not a git branch name, or undefined. The rules are those of
 * `git check-ref-format --branch`, which both tools rely on when they fetch.
 */
export function branchProblem(name: string): Problem | undefined {
  const fix = "Use the branch name as 'git branch' shows it, e.g. 'main'.";
  if (typeof name !== 'string' || name.length === 0) return { rule: 'must be a non-empty git branch name', fix };
  if (name.startsWith('refs/')) {
    return { rule: 'must be a short branch name, not a full ref', fix: `Use '${name.replace(/^refs\/(heads\/)?/, '')}'.` };
  }
  const broken =
    // git check-ref-format refuses control characters, space, DEL and ~^:?*[\ in a ref name.
    // eslint-disable-next-line no-control-regex -- the control characters are what this rule refuses
    /[\x00-\x20\x7f~^:?*[\\]/.test(name) ||
    name.includes('..') ||
    name.includes('@{') ||
    name.includes('//') ||
    name === '@' ||
    name.startsWith('-') ||
    name.startsWith('/') ||
    name.endsWith('/') ||
    name.endsWith('.') ||
    name.endsWith('.lock') ||
    name.split('/').some((part) => part.startsWith('.'));
  if (broken) {
    return {
      rule: "must be a git branch name: no spaces, '..', '~', '^', ':', '?', '*', '[', '\\' or '@{', no leading '-' or '/', no trailing '/', '.' or '.lock'",
      fix,
    };
  }
  return undefined;
}

/** Why `folder` is not a relative folder inside the repository, or undefined. */
export function repoPathProblem(folder: string): Problem | undefined {
  const fix = "Use the synthesized folder, relative to the repository root, e.g. 'dist/prod/east'.";
  if (typeof folder !== 'string' || folder.length === 0) return { rule: 'must be a non-empty folder path', fix };
  if (folder.startsWith('/') || /^[A-Za-z]:/.test(folder)) return { rule: 'must be relative to the repository root', fix };
  if (folder.includes('\\')) return { rule: "must use '/' as the separator", fix: `Use '${folder.replace(/\\/g, '/')}'.` };
  if (folder.split('/').includes('..')) {
    return { rule: "must stay inside the repository (no '..')", fix };
  }
  if (!/^[A-Za-z0-9._\-/]+$/.test(folder)) {
    return { rule: "must contain only letters, digits, '.', '_', '-' and '/'", fix };
  }
  return undefined;
}

/**
 * `dist/prod/east`, `./dist/prod/east/` and `dist//prod/east` all name one folder; this returns
 * the spelling Argo CD shows (`dist/prod/east`, or `.` for the root).
 */
export function normalizeRepoPath(folder: string): string {
  if (typeof folder !== 'string') return folder;
  const parts = folder.split('/').filter((p) => p !== '' && p !== '.');
  return parts.length === 0 ? '.' : parts.join('/');
}

/**
 * Formats a duration the way Kubernetes controllers written in Go parse it
 * (`90s`, `5m`, `1h`), choosing the largest unit that divides it exactly.
 */
export function goDuration(d: Duration): string {
  const ms = d.toMilliseconds({ integral: false });
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** An issue when `d` is not a whole number of milliseconds of at least `min`. */
export function durationIssue(prop: string, d: Duration, min: Duration, fix: string): PropIssue | undefined {
  const ms = d.toMilliseconds({ integral: false });
  if (Number.isInteger(ms) && ms >= min.toMilliseconds()) return undefined;
  return { prop, rule: `must be at least ${min.toHumanString()}`, received: d.toHumanString(), fix };
}

/** What a delivery engine reads from git: the repository, the folder and the branch. */
export interface GitSourceProps {
  readonly repoUrl: string;
  readonly path: string;
}

/** The problems of a git source: its URL (never echoed with credentials), folder and branch. */
export function gitSourceIssues(props: GitSourceProps, branch: string, url: RepoUrlOptions): PropIssue[] {
  const issues: PropIssue[] = [];
  const urlProblem = repoUrlProblem(props.repoUrl, url);
  if (urlProblem) issues.push({ prop: 'repoUrl', ...urlProblem, received: redactUrl(props.repoUrl) });
  const pathProblem = repoPathProblem(props.path);
  if (pathProblem) issues.push({ prop: 'path', ...pathProblem, received: props.path });
  const refProblem = branchProblem(branch);
  if (refProblem) issues.push({ prop: 'branch', ...refProblem, received: branch });
  return issues;
}

/** The problems of names that must be DNS labels (objects, namespaces), each with a suggestion. */
export function dnsLabelIssues(names: ReadonlyArray<readonly [string, string, number?]>): PropIssue[] {
  return names.flatMap(([prop, value, max]) => {
    const problem = dnsLabelProblem(value, max);
    return problem ? [{ prop, rule: problem.rule, received: value, fix: `Use a name like '${suggestDnsLabel(value)}'.` }] : [];
  });
}
