import { PropIssue } from '../core/validation';

/** Folder names the generated .dockerignore excludes at any depth; code under one would silently be missing. */
export const IGNORED_ANYWHERE = ['.git', '.venv', 'venv', 'node_modules', 'tests', '__pycache__'];
/** Folder names the generated .dockerignore excludes at the context root (build output). */
export const IGNORED_AT_ROOT = ['dist', 'build'];

// Paths end up in COPY instructions and compose files: keep them to characters that need no quoting.
const SAFE_PATH = /^[A-Za-z0-9._/-]+$/;

/** A relative path without a leading `./` or trailing slashes; `''` becomes `'.'`. Non-strings are kept for the checks to report. */
export function normalizePath(p: string): string {
  if (typeof p !== 'string') return p;
  const trimmed = p.replace(/\/+$/, '').replace(/^\.\/(?=.)/, '');
  return trimmed === '' ? '.' : trimmed;
}

/** A path relative to the build context (or to `inside`) that stays in it and needs no quoting. */
export function pathIssues(
  prop: string,
  value: string,
  inside = 'the build context',
  fix = 'Widen build.context instead, so the path lies inside it.',
): PropIssue[] {
  if (typeof value !== 'string' || value.length === 0 || !SAFE_PATH.test(value)) {
    return [
      {
        prop,
        rule: "must be a relative path of letters, digits, '.', '_', '-' and '/'",
        received: value,
        fix: "Rename the folder, or point at it with a path such as 'services/orders'.",
      },
    ];
  }
  if (value.startsWith('/')) {
    return [
      {
        prop,
        rule: 'must be relative, not absolute (generated files are moved between machines)',
        received: value,
        fix: `Use '${value.replace(/^\/+/, '')}'.`,
      },
    ];
  }
  if (value.split('/').includes('..')) {
    return [{ prop, rule: `must stay inside ${inside} (no '..')`, received: value, fix }];
  }
  return [];
}

/** A folder of the context that the generated .dockerignore would keep out, so its files never reach the build. */
export function ignoredFolderIssues(prop: string, value: string): PropIssue[] {
  if (typeof value !== 'string') return [];
  const segments = value.split('/');
  const excluded =
    segments.find((seg) => IGNORED_ANYWHERE.includes(seg)) ?? (IGNORED_AT_ROOT.includes(segments[0]) ? segments[0] : undefined);
  if (!excluded) return [];
  return [
    {
      prop,
      rule: `must not be in a folder the generated .dockerignore keeps out of the context ('${excluded}')`,
      received: value,
      fix: "Move the code to a folder such as 'src' or 'app'.",
    },
  ];
}
