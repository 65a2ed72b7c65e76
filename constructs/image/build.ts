import { PropIssue } from '../core/validation';
import { AssetStage } from './assets';
import { ignoredFolderIssues, normalizePath, pathIssues } from './paths';

export { IGNORED_ANYWHERE, IGNORED_AT_ROOT } from './paths';

/** Where the virtualenv lives in both stages: built in one, copied to the other at the same path. */
export const VENV_DIR = '/opt/venv';

/** Where the application code is copied in the runtime image; also its working directory. */
export const APP_DIR = '/app';

/** Debian release of every base image: `python:<version>-slim-<release>`. */
const DEBIAN_RELEASE = 'bookworm';

/** Options every dependency source shares. */
export interface PythonBuildOptions {
  /**
   * Exact CPython version, `major.minor.patch`, e.g. `'3.12.7'`. Both stages use
   * `python:<version>-slim-bookworm`, so the virtualenv built in one runs in the other.
   */
  readonly pythonVersion: string;
  /**
   * Digest of the base image, to pin it beyond its tag (a tag can be re-pushed).
   * @default - the exact version tag alone
   */
  readonly baseImageDigest?: string;
  /**
   * Build context: the folder sent to the builder, inside the project root
   * (the folder the app runs in, where `dist/` is) and relative to it.
   * @default '.'
   */
  readonly context?: string;
  /**
   * Folder with the application code, relative to the build context; its content is
   * copied to `/app`, the working directory (a `src/` layout run from there: `'src'`).
   * @default '.'; with `installProject` or a uv workspace, nothing: the code is in the virtualenv
   */
  readonly sourceDir?: string;
  /**
   * Debian packages needed only to build dependencies (compilers, `-dev` headers); installed in the builder stage only.
   * @default - none
   */
  readonly buildPackages?: string[];
  /**
   * Debian packages the application needs at run time (shared libraries such as `libpq5`).
   * @default - none
   */
  readonly runtimePackages?: string[];
  /**
   * Install the project itself into the virtualenv, not editable, after its
   * dependencies (with uv: `uv sync`; otherwise `pip install --no-deps .`): a `src/`
   * layout package that the app imports by name, reads its metadata or runs its
   * console scripts. It needs a `[build-system]` in `pyproject.toml`. The build
   * context is copied into the builder stage for it, and only the virtualenv
   * reaches the runtime image (plus `sourceDir` when given).
   * @default false (only the dependencies; the code is copied to /app); true for a uv workspace
   */
  readonly installProject?: boolean;
  /**
   * A build stage of its own that produces files the app serves (a frontend's
   * bundle), copied into the runtime image; its tools stay out of it.
   * @default - none
   */
  readonly assets?: AssetStage;
}

/** Options of a build from a pip requirements file. */
export interface RequirementsBuildOptions extends PythonBuildOptions {
  /**
   * The requirements file, relative to the build context. It must be self-contained
   * (no `-r other.txt`), as lock-style files from `pip-compile` or `uv pip compile` are.
   * @default 'requirements.txt'
   */
  readonly file?: string;
}

/** Options of a build from a Poetry project (`pyproject.toml` and `poetry.lock` at the context root). */
export interface PoetryBuildOptions extends PythonBuildOptions {
  /**
   * Poetry version installed in the builder stage (never in the runtime image).
   * @default '2.1.3'
   */
  readonly poetryVersion?: string;
}

/** One member of a uv workspace, built with the workspace's lock. */
export interface UvWorkspaceOptions {
  /** Name of the member package the image runs, as its `pyproject.toml` names it, e.g. `'api'`. */
  readonly package: string;
  /**
   * Folders of every member of the workspace, relative to the build context (each
   * holds a `pyproject.toml`), e.g. `['packages/core', 'apps/api']`. Their
   * `pyproject.toml` files are copied before the code, so the dependency layer is
   * cached until one of them or the lock changes.
   */
  readonly members: string[];
}

/** Options of a build from a uv project (`pyproject.toml` and `uv.lock` at the context root). */
export interface UvBuildOptions extends PythonBuildOptions {
  /**
   * uv version, copied from its pinned `ghcr.io/astral-sh/uv` image into the builder stage only.
   * @default '0.8.15'
   */
  readonly uvVersion?: string;
  /**
   * Build one member of a uv workspace (the context is the workspace root, with its
   * `uv.lock`): its dependencies with `uv sync --frozen --no-install-workspace
   * --package <package>`, then the member and the workspace packages it uses,
   * not editable, with `uv sync --locked --package <package>`.
   * @default - a single project
   */
  readonly workspace?: UvWorkspaceOptions;
  /**
   * Optional dependencies (`[project.optional-dependencies]`) to install with the
   * locked ones, e.g. `['postgres', 'webserver']`: `--extra <name>` on every
   * `uv sync` (an exact sync removes what it is not asked for).
   * @default - none: only `[project] dependencies`
   */
  readonly extras?: string[];
}

/** The dependency tool a build installs with. */
export type DependencyTool = 'pip' | 'poetry' | 'uv';

/** How dependencies are installed, resolved from the options. */
export interface DependencySource {
  /** The tool. */
  readonly tool: DependencyTool;
  /** Files copied before the code, so the dependency layer is cached until they change. */
  readonly manifests: readonly string[];
  /** Pinned version of the tool, for Poetry and uv. */
  readonly toolVersion?: string;
  /** The uv workspace member to build, when the project is a workspace. */
  readonly workspace?: UvWorkspaceOptions;
  /** Optional dependencies installed with the locked ones (uv). */
  readonly extras?: readonly string[];
}

const VERSION = /^\d+\.\d+\.\d+$/;
const PYTHON_VERSION = /^3\.(\d+)\.(\d+)$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
// Debian policy: lowercase alphanumerics, '+', '-', '.'; two characters or more. An optional '=version' pin.
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;

/**
 * How to build the image of a Python service: the exact interpreter, where the
 * dependencies are locked, which code to copy and which Debian packages each
 * stage needs. The Dockerfile renderer turns it, with the container description
 * of the pod, into a multi-stage build.
 */
export class PythonBuild {
  /** Dependencies from a pip requirements file, installed with `pip install --no-cache-dir`. */
  public static requirements(options: RequirementsBuildOptions): PythonBuild {
    return new PythonBuild(options, { tool: 'pip', manifests: [options.file ?? 'requirements.txt'] });
  }

  /** Dependencies from `poetry.lock`, installed with `poetry install --only main --no-root`. */
  public static poetry(options: PoetryBuildOptions): PythonBuild {
    return new PythonBuild(options, {
      tool: 'poetry',
      manifests: ['pyproject.toml', 'poetry.lock'],
      toolVersion: options.poetryVersion ?? '2.1.3',
    });
  }

  /** Dependencies from `uv.lock`, installed with `uv sync --locked --no-install-project`. */
  public static uv(options: UvBuildOptions): PythonBuild {
    const ws = options.workspace;
    const members = Array.isArray(ws?.members) ? ws.members.map(normalizePath) : [];
    return new PythonBuild(options, {
      tool: 'uv',
      manifests: ['pyproject.toml', 'uv.lock', ...members.map((m) => `${m}/pyproject.toml`)],
      toolVersion: options.uvVersion ?? '0.8.15',
      // Non-lists are kept as given, for the checks to report.
      workspace: ws && { package: ws.package, members: Array.isArray(ws.members) ? members : ws.members },
      extras: options.extras,
    });
  }

  /** Exact CPython version. */
  public readonly pythonVersion: string;
  /** Base image of both stages, pinned to the exact version (and digest when given). */
  public readonly baseImage: string;
  /** Build context, relative to the project root. */
  public readonly context: string;
  /** Code folder copied to /app, relative to the build context; none when the project is installed and no `sourceDir` was given. */
  public readonly sourceDir?: string;
  /** Debian packages of the builder stage. */
  public readonly buildPackages: readonly string[];
  /** Debian packages of the runtime stage. */
  public readonly runtimePackages: readonly string[];
  /** How dependencies are installed. */
  public readonly dependencies: DependencySource;
  /** The project itself is installed into the virtualenv (a workspace member always is). */
  public readonly installProject: boolean;
  /** The stage that builds the assets the app serves, if any. */
  public readonly assets?: AssetStage;
  private readonly digest?: string;
  private readonly explicitInstall?: boolean;

  private constructor(options: PythonBuildOptions, dependencies: DependencySource) {
    this.pythonVersion = options.pythonVersion;
    this.digest = options.baseImageDigest;
    this.baseImage = `python:${options.pythonVersion}-slim-${DEBIAN_RELEASE}${this.digest ? `@${this.digest}` : ''}`;
    this.context = normalizePath(options.context ?? '.');
    this.installProject = options.installProject ?? dependencies.workspace !== undefined;
    this.sourceDir = options.sourceDir !== undefined || !this.installProject ? normalizePath(options.sourceDir ?? '.') : undefined;
    this.buildPackages = [...(options.buildPackages ?? [])];
    this.runtimePackages = [...(options.runtimePackages ?? [])];
    this.dependencies = dependencies;
    this.assets = options.assets;
    this.explicitInstall = options.installProject;
  }

  /** Every broken rule of the build, in the project's error shape; `prop` prefixes each prop path. */
  public validate(prop = 'build'): PropIssue[] {
    const issues: PropIssue[] = [];
    const m = PYTHON_VERSION.exec(String(this.pythonVersion));
    if (!m) {
      issues.push({
        prop: `${prop}.pythonVersion`,
        rule: "must be an exact CPython 3 version 'major.minor.patch' (a minor-only tag moves under you)",
        received: this.pythonVersion,
        fix: "Pin the patch release you test with, e.g. '3.12.7'.",
      });
    } else if (Number(m[1]) < 8) {
      issues.push({
        prop: `${prop}.pythonVersion`,
        rule: `must be 3.8 or newer (older releases have no -slim-${DEBIAN_RELEASE} image)`,
        received: this.pythonVersion,
        fix: "Upgrade to a supported release, e.g. '3.12.7'.",
      });
    }
    if (this.digest !== undefined && !DIGEST.test(this.digest)) {
      issues.push({
        prop: `${prop}.baseImageDigest`,
        rule: "must be a sha256 digest 'sha256:<64 hex>'",
        received: this.digest,
        fix: `Copy it from \`docker buildx imagetools inspect python:${this.pythonVersion}-slim-${DEBIAN_RELEASE}\`.`,
      });
    }
    const dep = this.dependencies;
    if (dep.toolVersion !== undefined && !VERSION.test(dep.toolVersion)) {
      issues.push({
        prop: `${prop}.${dep.tool}Version`,
        rule: "must be an exact version 'major.minor.patch'",
        received: dep.toolVersion,
        fix: `Pin the ${dep.tool} release you lock with, e.g. '${dep.tool === 'uv' ? '0.8.15' : '2.1.3'}'.`,
      });
    }
    issues.push(
      ...pathIssues(
        `${prop}.context`,
        this.context,
        'the project root',
        'Run the app from a folder that contains the code, e.g. the repository root.',
      ),
    );
    if (this.sourceDir !== undefined)
      issues.push(...pathIssues(`${prop}.sourceDir`, this.sourceDir), ...ignoredFolderIssues(`${prop}.sourceDir`, this.sourceDir));
    if (dep.tool === 'pip') issues.push(...pathIssues(`${prop}.file`, dep.manifests[0]));
    const packages = (name: string, list: readonly string[]) =>
      list.forEach((p, i) => {
        if (typeof p !== 'string' || !DEBIAN_PACKAGE.test(p)) {
          issues.push({
            prop: `${prop}.${name}[${i}]`,
            rule: 'must be a Debian package name, optionally pinned as name=version',
            received: p,
            fix: "Use the name `apt-cache search` shows, e.g. 'libpq-dev' (build) or 'libpq5' (runtime).",
          });
        }
      });
    packages('buildPackages', this.buildPackages);
    packages('runtimePackages', this.runtimePackages);
    if (this.explicitInstall !== undefined && typeof this.explicitInstall !== 'boolean')
      issues.push({ prop: `${prop}.installProject`, rule: 'must be true or false', received: this.explicitInstall, fix: 'Use true.' });
    issues.push(...workspaceIssues(dep.workspace, `${prop}.workspace`), ...extrasIssues(dep.extras, `${prop}.extras`));
    if (dep.workspace !== undefined && this.explicitInstall === false)
      issues.push({
        prop: `${prop}.installProject`,
        rule: 'must not be false for a uv workspace (the member and the workspace packages it uses are installed into the virtualenv)',
        received: false,
        fix: 'Leave installProject out, or build a single project without workspace.',
      });
    if (this.assets !== undefined && !(this.assets instanceof AssetStage))
      issues.push({
        prop: `${prop}.assets`,
        rule: 'must be an AssetStage',
        received: this.assets,
        fix: "Use AssetStage.node({ nodeVersion: '22.11.0', context: 'frontend', output: 'frontend/dist', into: '/app/static' }).",
      });
    else if (this.assets) issues.push(...this.assets.validate(`${prop}.assets`));
    return issues;
  }
}

// A package name as PEP 508 allows it (uv compares them normalized).
const PACKAGE_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

function extrasIssues(extras: readonly string[] | undefined, prop: string): PropIssue[] {
  if (extras === undefined) return [];
  if (!Array.isArray(extras)) return [{ prop, rule: 'must be a list of extra names', received: extras, fix: "Pass e.g. ['postgres']." }];
  return extras.flatMap((e, i) =>
    typeof e === 'string' && PACKAGE_NAME.test(e) && extras.indexOf(e) === i
      ? []
      : [
          {
            prop: `${prop}[${i}]`,
            rule: 'must be the name of an extra of `[project.optional-dependencies]` (letters, digits, ., _ and -), listed once',
            received: e,
            fix: "Use a key of `[project.optional-dependencies]` in pyproject.toml, e.g. 'postgres'.",
          },
        ],
  );
}

function workspaceIssues(ws: UvWorkspaceOptions | undefined, prop: string): PropIssue[] {
  if (ws === undefined) return [];
  const issues: PropIssue[] = [];
  if (typeof ws.package !== 'string' || !PACKAGE_NAME.test(ws.package))
    issues.push({
      prop: `${prop}.package`,
      rule: 'must be the name of a workspace member package (letters, digits, ., _ and -)',
      received: ws.package,
      fix: "Use the `name` of the member's pyproject.toml, e.g. 'api'.",
    });
  if (!Array.isArray(ws.members) || ws.members.length === 0) {
    issues.push({
      prop: `${prop}.members`,
      rule: 'must list the folder of every workspace member (uv reads each pyproject.toml, even to install dependencies alone)',
      received: ws.members,
      fix: "List the folders `tool.uv.workspace.members` matches, e.g. ['packages/core', 'apps/api'].",
    });
    return issues;
  }
  const seen = new Set<string>();
  ws.members.forEach((m, i) => {
    const p = `${prop}.members[${i}]`;
    const found = [...pathIssues(p, m), ...ignoredFolderIssues(p, m)];
    if (found.length === 0 && (m === '.' || seen.has(m)))
      found.push({
        prop: p,
        rule: m === '.' ? 'must be a member folder, not the workspace root (its pyproject.toml is always copied)' : 'must be listed once',
        received: m,
        fix: 'List each member folder once, without the root.',
      });
    seen.add(m);
    issues.push(...found);
  });
  return issues;
}
