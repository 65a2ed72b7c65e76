import { PropIssue } from '../core/validation';

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
   * Folder with the application code, relative to the build context; its content is copied to `/app`.
   * @default '.'
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

/** Options of a build from a uv project (`pyproject.toml` and `uv.lock` at the context root). */
export interface UvBuildOptions extends PythonBuildOptions {
  /**
   * uv version, copied from its pinned `ghcr.io/astral-sh/uv` image into the builder stage only.
   * @default '0.8.15'
   */
  readonly uvVersion?: string;
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
}

const VERSION = /^\d+\.\d+\.\d+$/;
const PYTHON_VERSION = /^3\.(\d+)\.(\d+)$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
// Debian policy: lowercase alphanumerics, '+', '-', '.'; two characters or more. An optional '=version' pin.
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;
// Paths end up in COPY instructions and compose files: keep them to characters that need no quoting.
const SAFE_PATH = /^[A-Za-z0-9._/-]+$/;

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
    return new PythonBuild(options, {
      tool: 'uv',
      manifests: ['pyproject.toml', 'uv.lock'],
      toolVersion: options.uvVersion ?? '0.8.15',
    });
  }

  /** Exact CPython version. */
  public readonly pythonVersion: string;
  /** Base image of both stages, pinned to the exact version (and digest when given). */
  public readonly baseImage: string;
  /** Build context, relative to the project root. */
  public readonly context: string;
  /** Code folder, relative to the build context. */
  public readonly sourceDir: string;
  /** Debian packages of the builder stage. */
  public readonly buildPackages: readonly string[];
  /** Debian packages of the runtime stage. */
  public readonly runtimePackages: readonly string[];
  /** How dependencies are installed. */
  public readonly dependencies: DependencySource;
  private readonly digest?: string;

  private constructor(options: PythonBuildOptions, dependencies: DependencySource) {
    this.pythonVersion = options.pythonVersion;
    this.digest = options.baseImageDigest;
    this.baseImage = `python:${options.pythonVersion}-slim-${DEBIAN_RELEASE}${this.digest ? `@${this.digest}` : ''}`;
    this.context = normalizePath(options.context ?? '.');
    this.sourceDir = normalizePath(options.sourceDir ?? '.');
    this.buildPackages = [...(options.buildPackages ?? [])];
    this.runtimePackages = [...(options.runtimePackages ?? [])];
    this.dependencies = dependencies;
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
    issues.push(...pathIssues(`${prop}.sourceDir`, this.sourceDir));
    if (dep.tool === 'pip') issues.push(...pathIssues(`${prop}.file`, dep.manifests[0]));
    const segments = this.sourceDir.split('/');
    const excluded =
      segments.find((seg) => IGNORED_ANYWHERE.includes(seg)) ?? (IGNORED_AT_ROOT.includes(segments[0]) ? segments[0] : undefined);
    if (excluded) {
      issues.push({
        prop: `${prop}.sourceDir`,
        rule: `must not be in a folder the generated .dockerignore keeps out of the context ('${excluded}')`,
        received: this.sourceDir,
        fix: "Move the code to a folder such as 'src' or 'app'.",
      });
    }
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
    return issues;
  }
}

/** Folder names the generated .dockerignore excludes at any depth; code under one would silently be missing. */
export const IGNORED_ANYWHERE = ['.git', '.venv', 'venv', 'node_modules', 'tests', '__pycache__'];
/** Folder names the generated .dockerignore excludes at the context root (build output). */
export const IGNORED_AT_ROOT = ['dist', 'build'];

function normalizePath(p: string): string {
  if (typeof p !== 'string') return p;
  const trimmed = p.replace(/\/+$/, '').replace(/^\.\/(?=.)/, '');
  return trimmed === '' ? '.' : trimmed;
}

function pathIssues(
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
