import { PropIssue } from '../core/validation';
import { ignoredFolderIssues, normalizePath, pathIssues } from './paths';

/** Debian release of the asset stage's base image, the Python stages' own. */
const DEBIAN_RELEASE = 'bookworm';
const VERSION = /^(\d+)\.\d+\.\d+$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]+$/;
// Paths the container runtime mounts itself; anything copied there at build time is hidden at run time.
const RUNTIME_MOUNTS = ['/dev', '/proc', '/sys'];
// Corepack "is distributed with Node.js from version 14.19.0 up to (but not including) 25.0.0"
// (github.com/nodejs/corepack, README).
const LAST_NODE_WITH_COREPACK = 24;

/** The package manager of a frontend: which lock file it reads and how it installs from it. */
export enum NodePackageManager {
  /** `package-lock.json`, installed with `npm ci`. */
  NPM = 'npm',
  /**
   * `pnpm-lock.yaml`, installed with `pnpm install --frozen-lockfile` through
   * Corepack (which takes pnpm's version from the `packageManager` field of `package.json`).
   */
  PNPM = 'pnpm',
}

const MANAGERS: Record<NodePackageManager, { lockFile: string; install: string; run: string }> = {
  [NodePackageManager.NPM]: { lockFile: 'package-lock.json', install: 'npm ci', run: 'npm run' },
  [NodePackageManager.PNPM]: {
    lockFile: 'pnpm-lock.yaml',
    install: 'corepack enable pnpm && pnpm install --frozen-lockfile',
    run: 'pnpm run',
  },
};

/** Options of {@link AssetStage.node}. */
export interface NodeAssetOptions {
  /** Exact Node.js version, `major.minor.patch`: the stage runs on `node:<version>-bookworm-slim`. */
  readonly nodeVersion: string;
  /**
   * Digest of the base image, to pin it beyond its tag.
   * @default - the exact version tag alone
   */
  readonly baseImageDigest?: string;
  /**
   * Folder of the frontend (where its `package.json` is), relative to the build context.
   * @default '.'
   */
  readonly context?: string;
  /**
   * The package manager, which sets the lock file copied before the install and the default commands.
   * @default NodePackageManager.NPM
   */
  readonly packageManager?: NodePackageManager;
  /**
   * Files of the frontend folder copied before the install, so that the install
   * layer is cached until one of them changes (add `.npmrc` here, for example).
   * @default - `package.json` and the package manager's lock file
   */
  readonly installFiles?: string[];
  /**
   * Installs the dependencies, from the lock file (one line of shell, in the frontend folder).
   * @default 'npm ci' (pnpm: 'corepack enable pnpm && pnpm install --frozen-lockfile')
   */
  readonly install?: string;
  /**
   * Builds the assets (one line of shell, in the frontend folder).
   * @default 'npm run build' (pnpm: 'pnpm run build')
   */
  readonly build?: string;
  /**
   * Folder the build writes, relative to the build context (not to the frontend
   * folder, so a build that writes beside it works too), e.g. `'frontend/dist'`.
   */
  readonly output: string;
  /** Absolute folder of the runtime image the output is copied to, e.g. `'/app/static'`. */
  readonly into: string;
}

/**
 * A build stage beside the Python ones that produces files the app serves
 * (a frontend's bundle): it runs in its own pinned image, the build context's
 * layout kept under `/assets`, and only its output folder reaches the runtime
 * image; neither Node.js nor `node_modules` do.
 */
export class AssetStage {
  /** A Node.js build (`npm ci`, then `npm run build`, or their pnpm forms) whose output folder is copied into the image. */
  public static node(options: NodeAssetOptions): AssetStage {
    return new AssetStage(options ?? ({} as NodeAssetOptions));
  }

  /** Base image of the stage, pinned to the exact version (and digest when given). */
  public readonly baseImage: string;
  /** The frontend folder, relative to the build context. */
  public readonly context: string;
  /** The package manager. */
  public readonly packageManager: NodePackageManager;
  /** Files of the frontend folder copied before the install. */
  public readonly installFiles: readonly string[];
  /** The install command. */
  public readonly install: string;
  /** The build command. */
  public readonly build: string;
  /** The output folder, relative to the build context. */
  public readonly output: string;
  /** Where the output goes in the runtime image. */
  public readonly into: string;

  private constructor(private readonly options: NodeAssetOptions) {
    const digest = options.baseImageDigest;
    this.baseImage = `node:${options.nodeVersion}-${DEBIAN_RELEASE}-slim${digest ? `@${digest}` : ''}`;
    this.context = normalizePath(options.context ?? '.');
    this.packageManager = options.packageManager ?? NodePackageManager.NPM;
    const manager = MANAGERS[this.packageManager] ?? MANAGERS[NodePackageManager.NPM];
    this.installFiles = (options.installFiles ?? ['package.json', manager.lockFile]).map(normalizePath);
    this.install = options.install ?? manager.install;
    this.build = options.build ?? `${manager.run} build`;
    this.output = normalizePath(options.output);
    this.into = typeof options.into === 'string' ? options.into.replace(/(?<=.)\/+$/, '') : options.into;
  }

  /** Every broken rule of the stage; `prop` prefixes each prop path. */
  public validate(prop = 'build.assets'): PropIssue[] {
    const o = this.options;
    const version = VERSION.exec(String(o.nodeVersion));
    const issues: PropIssue[] = [];
    if (!version)
      issues.push({
        prop: `${prop}.nodeVersion`,
        rule: "must be an exact Node.js version 'major.minor.patch' (a major-only tag moves under you)",
        received: o.nodeVersion,
        fix: "Pin the release the lock file is built with, e.g. '22.11.0'.",
      });
    if (o.baseImageDigest !== undefined && !DIGEST.test(o.baseImageDigest))
      issues.push({
        prop: `${prop}.baseImageDigest`,
        rule: "must be a sha256 digest 'sha256:<64 hex>'",
        received: o.baseImageDigest,
        fix: `Copy it from \`docker buildx imagetools inspect node:${o.nodeVersion}-${DEBIAN_RELEASE}-slim\`.`,
      });
    if (!Object.values(NodePackageManager).includes(this.packageManager))
      issues.push({
        prop: `${prop}.packageManager`,
        rule: `must be one of ${Object.keys(NodePackageManager)
          .map((k) => `NodePackageManager.${k}`)
          .join(', ')}`,
        received: this.packageManager,
        fix: 'Use NodePackageManager.NPM or NodePackageManager.PNPM; for another package manager, keep NPM and give installFiles, install and build.',
      });
    else if (this.packageManager !== NodePackageManager.NPM && o.install === undefined && Number(version?.[1]) > LAST_NODE_WITH_COREPACK)
      issues.push({
        prop: `${prop}.install`,
        rule: `must be given for ${this.packageManager} on Node.js ${LAST_NODE_WITH_COREPACK + 1} or later (the default enables Corepack, which Node.js no longer ships from 25.0.0)`,
        received: o.install,
        fix: `Install the package manager yourself, e.g. 'npm install -g pnpm@9.15.0 && pnpm install --frozen-lockfile', or use Node.js ${LAST_NODE_WITH_COREPACK}.`,
      });
    issues.push(...pathIssues(`${prop}.context`, this.context), ...ignoredFolderIssues(`${prop}.context`, this.context));
    issues.push(...this.outputIssues(prop));
    if (!Array.isArray(o.installFiles ?? []) || this.installFiles.length === 0)
      issues.push({
        prop: `${prop}.installFiles`,
        rule: 'must list the files the install reads',
        received: o.installFiles,
        fix: "Leave it out for package.json and the lock file, or list them, e.g. ['package.json', 'package-lock.json', '.npmrc'].",
      });
    else this.installFiles.forEach((f, i) => issues.push(...pathIssues(`${prop}.installFiles[${i}]`, f, 'the frontend folder')));
    issues.push(...this.intoIssues(prop));
    for (const name of ['install', 'build'] as const) {
      const value = this[name];
      if (typeof value !== 'string' || value.trim() === '' || /[\r\n]/.test(value))
        issues.push({ prop: `${prop}.${name}`, rule: 'must be one line of shell', received: value, fix: "Use e.g. 'npm run build'." });
    }
    return issues;
  }

  private outputIssues(prop: string): PropIssue[] {
    const path = pathIssues(`${prop}.output`, this.output);
    if (path.length > 0) return path;
    // The frontend folder itself, or a folder holding it, would carry node_modules and the sources into the image.
    if (this.output === '.' || this.output === this.context || this.context.startsWith(`${this.output}/`))
      return [
        {
          prop: `${prop}.output`,
          rule: `must be the folder the build writes, not the frontend folder ('${this.context}') or one that holds it`,
          received: this.output,
          fix: `Name the build's output folder, e.g. '${this.context === '.' ? '' : `${this.context}/`}dist'.`,
        },
      ];
    return [];
  }

  private intoIssues(prop: string): PropIssue[] {
    const into = this.into;
    if (typeof into !== 'string' || !ABSOLUTE_PATH.test(into) || into === '/' || into.split('/').includes('..'))
      return [
        {
          prop: `${prop}.into`,
          rule: "must be an absolute folder of the image other than '/', of letters, digits, '.', '_', '-' and '/'",
          received: this.options.into,
          fix: "Use e.g. '/app/static'.",
        },
      ];
    if (RUNTIME_MOUNTS.some((m) => into === m || into.startsWith(`${m}/`)))
      return [
        {
          prop: `${prop}.into`,
          rule: 'must not be under a path the container runtime mounts over (/dev, /proc, /sys)',
          received: into,
          fix: "Copy the assets under the app folder, e.g. '/app/static'.",
        },
      ];
    return [];
  }
}
