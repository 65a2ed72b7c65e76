import { dnsLabelProblem } from '../core/names';
import { ContainerDescription } from '../pod/description';
import { PYTHON_RUNTIME_ENV } from '../pod/template';
import { PropIssue, ValidationError } from '../core/validation';
import { APP_DIR, DependencySource, IGNORED_AT_ROOT, PythonBuild, VENV_DIR } from './build';

/** Name of the user and group the image creates (the pod refers to them by number only). */
const IMAGE_USER = 'app';

// Paths the container runtime mounts itself; anything written there at build time is hidden at run time.
const RUNTIME_MOUNTS = ['/dev', '/proc', '/sys'];

/** Where the asset stage keeps the build context's layout. */
const ASSETS_DIR = '/assets';

/**
 * The Dockerfile of a container: a builder stage that installs the locked
 * dependencies into a virtualenv, and a runtime stage on the same exact slim
 * base that gets only the virtualenv and the code, runs as the pod's numeric
 * UID:GID, exposes the pod's port and runs the pod's command.
 *
 * Nothing secret is written: no env value of the service, no secret name, no build argument.
 *
 * @throws ValidationError listing every broken rule when the build or the container cannot be rendered
 */
export function renderDockerfile(container: ContainerDescription, build: PythonBuild): string {
  const issues = [...build.validate(), ...containerIssues(container), ...assetPlacementIssues(container, build)];
  if (issues.length > 0) {
    throw ValidationError.fromIssues(`Cannot render the Dockerfile of '${container?.name}':`, issues);
  }
  const uid = container.runAsUser;
  const gid = container.runAsGroup;
  const lines: string[] = [
    `# Image of '${container.name}', generated from the same description as its Kubernetes manifests;`,
    '# change the description and regenerate rather than editing this file.',
    '',
    '# Builder: compilers, headers and the dependency tool live here only.',
    `FROM ${build.baseImage} AS builder`,
    envLine({
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      VIRTUAL_ENV: VENV_DIR,
      PATH: `${VENV_DIR}/bin:$PATH`,
    }),
    ...aptInstall(build.buildPackages),
    `WORKDIR /build`,
    ...dependencySteps(build),
    ...projectSteps(build),
    ...assetStage(build),
    '',
    '# Runtime: the same exact base, the virtualenv and the code; nothing to compile with.',
    `FROM ${build.baseImage} AS runtime`,
    ...aptInstall(build.runtimePackages),
    ...userSteps(container),
    envLine({
      ...PYTHON_RUNTIME_ENV,
      ...(container.home === undefined ? {} : { HOME: container.home }),
      VIRTUAL_ENV: VENV_DIR,
      PATH: `${VENV_DIR}/bin:$PATH`,
    }),
    `COPY --from=builder ${VENV_DIR} ${VENV_DIR}`,
    `WORKDIR ${APP_DIR}`,
    // Left owned by root: the app user can read its code but a compromised process cannot rewrite it.
    ...(build.sourceDir === undefined ? [] : [`COPY ${build.sourceDir === '.' ? '.' : `${build.sourceDir}/`} ${APP_DIR}/`]),
    ...(build.assets ? [`COPY --from=assets ${ASSETS_DIR}/${build.assets.output} ${build.assets.into}`] : []),
    `USER ${uid}:${gid}`,
  ];
  const ports = [container.port, container.metricsPort].filter((p): p is number => p !== undefined);
  if (ports.length > 0) lines.push(`EXPOSE ${ports.join(' ')}`);
  // containerd and CRI-O send the image's StopSignal when the kubelet stops the container.
  if (container.stopSignal !== undefined) lines.push(`STOPSIGNAL ${container.stopSignal}`);
  lines.push(`CMD [${container.command.map((a) => JSON.stringify(a)).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** Rules the container description must meet for an image to match it. */
export function containerIssues(container: ContainerDescription, prop = 'container'): PropIssue[] {
  const issues: PropIssue[] = [];
  // The name becomes a folder, a compose service and a host name.
  const nameProblem = dnsLabelProblem(container.name);
  if (nameProblem)
    issues.push({
      prop: `${prop}.name`,
      rule: nameProblem.rule,
      received: container.name,
      fix: "Use the name of the workload, e.g. 'orders-api'.",
    });
  const id = (name: 'runAsUser' | 'runAsGroup') => {
    const v = container[name];
    if (!Number.isInteger(v) || v < 1 || v > 2147483647) {
      issues.push({
        prop: `${prop}.${name}`,
        rule: 'must be a whole number from 1 to 2147483647 (0 is root)',
        received: v,
        fix: 'Use 10001, the UID and GID every pod of this library runs as.',
      });
    }
  };
  id('runAsUser');
  id('runAsGroup');
  const cmd = container.command;
  if (Array.isArray(cmd) && cmd.length === 0) {
    issues.push({
      prop: `${prop}.command`,
      rule: "must not be empty: the workload runs its image's own ENTRYPOINT and CMD (fromImage), which a generated Dockerfile cannot know",
      received: cmd,
      fix: 'Give the workload its command (PythonServer.command, WorkerCommand.command), or build that image yourself and leave its workloads out of the container files.',
    });
  } else if (!Array.isArray(cmd) || cmd.some((c) => typeof c !== 'string' || c.length === 0)) {
    issues.push({
      prop: `${prop}.command`,
      rule: 'must be a non-empty list of non-empty strings (CMD is written in exec form)',
      received: cmd,
      fix: "Pass the argv the pod runs, e.g. ['gunicorn', 'app:app'].",
    });
  }
  if (container.port !== undefined && (!Number.isInteger(container.port) || container.port < 1 || container.port > 65535)) {
    issues.push({ prop: `${prop}.port`, rule: 'must be a whole number from 1 to 65535', received: container.port, fix: 'Use 8000.' });
  }
  (container.writablePaths ?? []).forEach((w, i) => {
    if (typeof w?.path !== 'string' || !/^\/[A-Za-z0-9._/-]*$/.test(w.path) || w.path.split('/').includes('..')) {
      issues.push({
        prop: `${prop}.writablePaths[${i}].path`,
        rule: "must be an absolute path of letters, digits, '.', '_', '-' and '/'",
        received: w?.path,
        fix: "Use a path such as '/tmp'.",
      });
    }
  });
  return issues;
}

/** One `ENV` instruction with every pair, so it is one layer. */
function envLine(env: Record<string, string>): string {
  const pairs = Object.entries(env).map(([k, v]) => `${k}=${/^[A-Za-z0-9_./:$-]+$/.test(v) ? v : JSON.stringify(v)}`);
  return `ENV ${pairs.join(' \\\n    ')}`;
}

/**
 * apt-get in one layer: no recommended extras, and the package lists removed in
 * the same RUN so they never reach a layer (hadolint DL3009, DL3014, DL3015).
 */
function aptInstall(packages: readonly string[]): string[] {
  if (packages.length === 0) return [];
  return [
    'RUN apt-get update \\',
    `    && apt-get install -y --no-install-recommends ${[...packages].join(' ')} \\`,
    '    && rm -rf /var/lib/apt/lists/*',
  ];
}

/** Lock or manifest first, dependencies into the virtualenv, caches removed in the same layer. */
function dependencySteps(build: PythonBuild): string[] {
  const dep = build.dependencies;
  // Same relative paths as in the context, so `-r requirements/prod.txt` means the same file here.
  const copyManifests = dep.manifests.every((m) => !m.includes('/'))
    ? `COPY ${dep.manifests.join(' ')} ./`
    : dep.manifests.map((m) => `COPY ${m} ${m}`).join('\n');
  switch (dep.tool) {
    case 'pip':
      return [`RUN python -m venv ${VENV_DIR}`, copyManifests, `RUN pip install --no-cache-dir -r ${dep.manifests[0]}`];
    case 'poetry':
      return [
        // Poetry gets its own virtualenv so that neither it nor its dependencies end up in the app's.
        envLine({ POETRY_NO_INTERACTION: '1', POETRY_VIRTUALENVS_CREATE: 'false', POETRY_CACHE_DIR: '/tmp/poetry-cache' }),
        `RUN python -m venv /opt/poetry \\`,
        `    && /opt/poetry/bin/pip install --no-cache-dir poetry==${dep.toolVersion} \\`,
        `    && python -m venv ${VENV_DIR}`,
        copyManifests,
        // VIRTUAL_ENV makes Poetry install into /opt/venv; --no-root leaves the project itself to the COPY of the code.
        'RUN /opt/poetry/bin/poetry install --only main --no-root --no-ansi \\',
        '    && rm -rf /tmp/poetry-cache',
      ];
    case 'uv':
      return [
        `COPY --from=ghcr.io/astral-sh/uv:${dep.toolVersion} /uv /usr/local/bin/uv`,
        // The interpreter of the base image, never a downloaded one: the runtime stage has only that one.
        envLine({
          UV_PROJECT_ENVIRONMENT: VENV_DIR,
          UV_PYTHON: '/usr/local/bin/python3',
          UV_PYTHON_DOWNLOADS: 'never',
          UV_COMPILE_BYTECODE: '1',
          UV_LINK_MODE: 'copy',
        }),
        copyManifests,
        dep.workspace
          ? // uv needs every member's pyproject.toml even to skip the members (astral-sh/uv#6685); --frozen, as
            // uv's maintainers advise for this layer (astral-sh/uv#6867), since the members' code is not here
            // yet: the install of the project below checks the lock with --locked.
            `RUN uv sync --frozen --no-install-workspace --package ${dep.workspace.package}${uvExtras(dep)} --no-dev --no-editable --no-cache`
          : `RUN uv sync --locked --no-install-project${uvExtras(dep)} --no-dev --no-editable --no-cache`,
      ];
  }
}

/** ` --extra <name>` for each optional dependency group; both syncs need them, as an exact sync removes the others. */
function uvExtras(dep: DependencySource): string {
  return (dep.extras ?? []).map((e) => ` --extra ${e}`).join('');
}

/**
 * The project itself, installed into the virtualenv as a regular (not editable)
 * package, so the runtime stage needs nothing of the builder's copy: a `src/`
 * layout package, or a uv workspace member and the workspace packages it uses.
 */
function projectSteps(build: PythonBuild): string[] {
  if (!build.installProject) return [];
  const dep = build.dependencies;
  const install =
    dep.tool === 'uv'
      ? `RUN uv sync --locked${dep.workspace ? ` --package ${dep.workspace.package}` : ''}${uvExtras(dep)} --no-dev --no-editable --no-cache`
      : // The dependencies are in place: pip builds the project (its build backend in an isolated environment) and adds it alone.
        'RUN pip install --no-cache-dir --no-deps .';
  return ['# The project itself, after its dependencies: a change of code reuses the layer above.', 'COPY . ./', install];
}

/**
 * The stage that builds the assets the app serves, with the build context's
 * layout under /assets (so an output beside the frontend folder is found); only
 * its output reaches the runtime image.
 */
function assetStage(build: PythonBuild): string[] {
  const a = build.assets;
  if (!a) return [];
  const inContext = (f: string) => (a.context === '.' ? f : `${a.context}/${f}`);
  const copyInstallFiles = a.installFiles.every((f) => !f.includes('/'))
    ? [`COPY ${a.installFiles.map(inContext).join(' ')} ./`]
    : a.installFiles.map((f) => `COPY ${inContext(f)} ${f}`);
  return [
    '',
    '# Assets: built with their own toolchain, of which only the output is kept.',
    `FROM ${a.baseImage} AS assets`,
    `WORKDIR ${a.context === '.' ? ASSETS_DIR : `${ASSETS_DIR}/${a.context}`}`,
    ...copyInstallFiles,
    `RUN ${a.install}`,
    `COPY ${a.context === '.' ? '.' : `${a.context}/`} ./`,
    `RUN ${a.build}`,
  ];
}

/** The assets must not land where the pod mounts a volume: it would hide them. */
function assetPlacementIssues(container: ContainerDescription, build: PythonBuild): PropIssue[] {
  const into = build.assets?.into;
  if (typeof into !== 'string') return [];
  const under = (container?.writablePaths ?? []).find((w) => into === w.path || into.startsWith(`${w.path}/`));
  if (!under) return [];
  return [
    {
      prop: 'build.assets.into',
      rule: `must not be under a path the pod mounts a volume at ('${under.path}' of '${container.name}'), which hides what the image has there`,
      received: into,
      fix: `Copy them to a folder of the image outside '${under.path}', or mount the volume elsewhere.`,
    },
  ];
}

/**
 * The user and group with exactly the pod's IDs, and the writable paths owned
 * by them. `--no-log-init` keeps a high UID from growing /var/log/lastlog (hadolint
 * DL3046); the home does not exist unless the workload names one (`home`), so
 * nothing expects a writable home on the read-only root filesystem.
 */
function userSteps(container: ContainerDescription): string[] {
  const uid = container.runAsUser;
  const gid = container.runAsGroup;
  const paths = [...new Set(container.writablePaths.map((w) => w.path))]
    .filter((p) => !RUNTIME_MOUNTS.some((m) => p === m || p.startsWith(`${m}/`)))
    .sort();
  const lines = [
    `RUN groupadd --system --gid ${gid} ${IMAGE_USER} \\`,
    `    && useradd --system --no-log-init --uid ${uid} --gid ${gid} --no-create-home --home-dir ${container.home ?? '/nonexistent'} --shell /usr/sbin/nologin ${IMAGE_USER}`,
  ];
  if (paths.length > 0) {
    lines[lines.length - 1] += ' \\';
    // The pod mounts emptyDirs here; the image owns them too, so `docker run` without mounts behaves the same.
    lines.push(`    && mkdir -p ${paths.join(' ')} \\`, `    && chown ${uid}:${gid} ${paths.join(' ')}`);
  }
  return lines;
}

/**
 * The build context's ignore file. Write it next to the Dockerfile as
 * `Dockerfile.dockerignore`: BuildKit reads `<Dockerfile>.dockerignore` beside the
 * Dockerfile before `.dockerignore` at the context root, and the generated
 * Dockerfile does not live at the context root.
 *
 * Patterns use `**` because a bare name matches only at the root of the context.
 */
export function renderDockerignore(build: PythonBuild): string {
  const sections: [string, string[]][] = [
    ['Version control', ['**/.git', '**/.hg', '**/.svn', '**/.gitignore', '**/.gitattributes']],
    [
      'Virtualenvs and tool caches: the image builds its own',
      [
        '**/.venv',
        '**/venv',
        '**/__pycache__',
        '**/*.py[cod]',
        '**/.pytest_cache',
        '**/.mypy_cache',
        '**/.ruff_cache',
        '**/.tox',
        '**/.nox',
        '**/.coverage',
        '**/htmlcov',
        '**/*.egg-info',
        '**/.ipynb_checkpoints',
      ],
    ],
    ['Tests', ['**/tests', '**/test_*.py', '**/*_test.py', '**/conftest.py']],
    [
      'Local env files and secrets: never in a layer',
      [
        '**/.env',
        '**/.env.*',
        '**/*.pem',
        '**/*.key',
        '**/*.p12',
        '**/*.pfx',
        '**/id_rsa*',
        '**/id_ed25519*',
        // Not `credentials.*`: that would also drop a `credentials.py` module.
        '**/credentials.json',
        '**/*-credentials.json',
        '**/service-account*.json',
        '**/.netrc',
        '**/.pypirc',
        '**/.aws',
        '**/.ssh',
        '**/.config/gcloud',
      ],
    ],
    [
      'Other ecosystems and generated output',
      [
        '**/node_modules',
        ...IGNORED_AT_ROOT,
        '**/compose.yaml',
        '**/compose.yml',
        '**/compose.*.yaml',
        '**/docker-compose*.yml',
        '**/docker-compose*.yaml',
        '**/Dockerfile*',
        '**/.dockerignore',
      ],
    ],
    ['Editors and OS files', ['**/.idea', '**/.vscode', '**/.DS_Store']],
  ];
  const lines = ['# Build context of the generated Dockerfile: only what the image needs.'];
  for (const [title, patterns] of sections) lines.push('', `# ${title}`, ...patterns);
  // A local build of the assets would only be replaced by the asset stage's own.
  if (build.assets) lines.push('', '# Output of the asset stage, built in the image', build.assets.output);
  // Last match wins: the dependency manifests must reach the builder whatever matched above.
  lines.push('', '# Dependency manifests, copied before the code', ...build.dependencies.manifests.map((m) => `!${m}`));
  return `${lines.join('\n')}\n`;
}
