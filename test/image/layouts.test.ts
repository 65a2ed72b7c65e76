import { Instruction } from 'dockerfile-ast';
import { Volume } from 'pyservice-k8s';
import { PythonServer, formatIssue } from '../support/internals';
import { AssetStage, NodePackageManager, PythonBuild, renderDockerfile, renderDockerignore } from '../../constructs/image';
import { synthService } from '../support/synth';
import { lintDockerfile } from './dockerfile-lint';
import { argsText, execForm, ofKind, parseDockerfile } from './support';

/** A uvicorn service; its container description is what the image must match. */
function container(overrides = {}) {
  return synthService({ server: PythonServer.uvicorn({ app: 'orders.main:app' }), ...overrides }).service.container;
}

/** Each instruction as `KEYWORD args`, continuation lines joined. */
function lines(instructions: Instruction[]): string[] {
  return instructions.map((i) => `${i.getKeyword()} ${argsText(i).replace(/\s+/g, ' ')}`);
}

/** Index of the one instruction that reads exactly `text`; fails when missing. */
function at(instructions: Instruction[], text: string): number {
  const i = lines(instructions).indexOf(text);
  if (i < 0) throw new Error(`no '${text}' in:\n${lines(instructions).join('\n')}`);
  return i;
}

const FRONTEND = { nodeVersion: '22.11.0', context: 'frontend', output: 'frontend/dist', into: '/app/static' };

describe('src/ layout: the project installed into the virtualenv', () => {
  test('uv: dependencies first, then the project, not editable; only the virtualenv reaches the runtime stage', () => {
    // GIVEN a src/ layout package run by its import name
    const build = PythonBuild.uv({ pythonVersion: '3.12.7', installProject: true });

    // WHEN
    const text = renderDockerfile(container(), build);
    const df = parseDockerfile(text);

    // THEN the builder installs the locked dependencies before the code arrives, and the project after it
    const builder = df.stages[0].instructions;
    const deps = at(builder, 'RUN uv sync --locked --no-install-project --no-dev --no-editable --no-cache');
    const code = at(builder, 'COPY . ./');
    const project = at(builder, 'RUN uv sync --locked --no-dev --no-editable --no-cache');
    expect(at(builder, 'COPY pyproject.toml uv.lock ./')).toBeLessThan(deps);
    expect(deps).toBeLessThan(code);
    expect(code).toBeLessThan(project);
    // ...and the runtime stage gets the virtualenv alone: no copy of the source tree shadows the installed package
    expect(ofKind(df.final, 'COPY').map(argsText)).toEqual(['--from=builder /opt/venv /opt/venv']);
    expect(ofKind(df.final, 'WORKDIR').map(argsText)).toEqual(['/app']);
    expect(execForm(ofKind(df.final, 'CMD')[0])).toEqual(container().command);
    expect(lintDockerfile(text)).toEqual([]);
  });

  test.each([
    [
      'pip',
      PythonBuild.requirements({ pythonVersion: '3.12.7', installProject: true }),
      'RUN pip install --no-cache-dir -r requirements.txt',
    ],
    [
      'poetry',
      PythonBuild.poetry({ pythonVersion: '3.12.7', installProject: true }),
      'RUN /opt/poetry/bin/poetry install --only main --no-root --no-ansi && rm -rf /tmp/poetry-cache',
    ],
  ])('%s: the project is built by its backend and added without its dependencies, after them', (_, build, deps) => {
    // WHEN
    const text = renderDockerfile(container(), build);
    const builder = parseDockerfile(text).stages[0].instructions;

    // THEN
    expect(at(builder, deps)).toBeLessThan(at(builder, 'COPY . ./'));
    expect(at(builder, 'COPY . ./')).toBeLessThan(at(builder, 'RUN pip install --no-cache-dir --no-deps .'));
    expect(lintDockerfile(text)).toEqual([]);
  });

  test('a sourceDir given beside installProject is still copied to /app (files the app reads beside its package)', () => {
    const build = PythonBuild.uv({ pythonVersion: '3.12.7', installProject: true, sourceDir: 'deploy' });
    const df = parseDockerfile(renderDockerfile(container(), build));
    expect(ofKind(df.final, 'COPY').map(argsText)).toEqual(['--from=builder /opt/venv /opt/venv', 'deploy/ /app/']);
  });

  test('without installProject, a src/ layout is run from /app as before: the project is not installed', () => {
    const build = PythonBuild.uv({ pythonVersion: '3.12.7', sourceDir: 'src' });
    const df = parseDockerfile(renderDockerfile(container(), build));
    expect(lines(df.stages[0].instructions)).not.toContain('COPY . ./');
    expect(ofKind(df.final, 'COPY').map(argsText)).toEqual(['--from=builder /opt/venv /opt/venv', 'src/ /app/']);
  });
});

describe('optional dependencies (extras) of a uv project', () => {
  test('every uv sync installs them: the dependencies, then the project (an exact sync would remove them)', () => {
    // GIVEN a project whose server and database driver are extras (paperless-ngx: `webserver`, `postgres`)
    const build = PythonBuild.uv({ pythonVersion: '3.12.7', installProject: true, extras: ['postgres', 'webserver'] });

    // WHEN
    const text = renderDockerfile(container(), build);
    const builder = parseDockerfile(text).stages[0].instructions;

    // THEN both syncs name both extras
    const deps = at(
      builder,
      'RUN uv sync --locked --no-install-project --extra postgres --extra webserver --no-dev --no-editable --no-cache',
    );
    const project = at(builder, 'RUN uv sync --locked --extra postgres --extra webserver --no-dev --no-editable --no-cache');
    expect(deps).toBeLessThan(project);
    expect(lintDockerfile(text)).toEqual([]);
  });

  test("a workspace member's extras, on both syncs of the member", () => {
    const build = PythonBuild.uv({
      pythonVersion: '3.12.7',
      extras: ['postgres'],
      workspace: { package: 'orders-api', members: ['packages/core', 'apps/api'] },
    });
    const builder = parseDockerfile(renderDockerfile(container(), build)).stages[0].instructions;
    at(builder, 'RUN uv sync --frozen --no-install-workspace --package orders-api --extra postgres --no-dev --no-editable --no-cache');
    at(builder, 'RUN uv sync --locked --package orders-api --extra postgres --no-dev --no-editable --no-cache');
  });
});

describe('uv workspace: one member and the workspace packages it uses', () => {
  const build = PythonBuild.uv({ pythonVersion: '3.12.7', workspace: { package: 'orders-api', members: ['packages/core/', 'apps/api'] } });

  test("every member's pyproject.toml and the lock before the dependencies; the member after the code", () => {
    // WHEN
    const text = renderDockerfile(container(), build);
    const df = parseDockerfile(text);
    const builder = df.stages[0].instructions;

    // THEN uv sees the whole workspace (it refuses to install without every member's pyproject.toml) before any code
    const manifests = ['pyproject.toml', 'uv.lock', 'packages/core/pyproject.toml', 'apps/api/pyproject.toml'].map((m) =>
      at(builder, `COPY ${m} ${m}`),
    );
    const deps = at(builder, 'RUN uv sync --frozen --no-install-workspace --package orders-api --no-dev --no-editable --no-cache');
    const code = at(builder, 'COPY . ./');
    const member = at(builder, 'RUN uv sync --locked --package orders-api --no-dev --no-editable --no-cache');
    expect(Math.max(...manifests)).toBeLessThan(deps);
    expect(deps).toBeLessThan(code);
    expect(code).toBeLessThan(member);
    // ...and the runtime stage has the virtualenv only
    expect(ofKind(df.final, 'COPY').map(argsText)).toEqual(['--from=builder /opt/venv /opt/venv']);
    expect(lintDockerfile(text)).toEqual([]);
  });

  test("the ignore file lets every member's pyproject.toml through", () => {
    const ignore = renderDockerignore(build).trim().split('\n');
    expect(ignore.slice(-4)).toEqual(['!pyproject.toml', '!uv.lock', '!packages/core/pyproject.toml', '!apps/api/pyproject.toml']);
  });
});

describe('an asset stage: a frontend built with its own toolchain', () => {
  test('npm: the lock before the install, the sources before the build; only the output reaches the runtime stage', () => {
    // GIVEN
    const build = PythonBuild.uv({ pythonVersion: '3.12.7', sourceDir: 'src', assets: AssetStage.node(FRONTEND) });

    // WHEN
    const text = renderDockerfile(container(), build);
    const df = parseDockerfile(text);

    // THEN three stages, the asset one on the pinned Node.js image
    expect(df.stages.map((s) => [s.from.getImageName(), s.from.getImageTag(), s.from.getBuildStage()])).toEqual([
      ['python', '3.12.7-slim-bookworm', 'builder'],
      ['node', '22.11.0-bookworm-slim', 'assets'],
      ['python', '3.12.7-slim-bookworm', 'runtime'],
    ]);
    const assets = df.stages[1].instructions;
    expect(lines(assets)).toEqual([
      'WORKDIR /assets/frontend',
      'COPY frontend/package.json frontend/package-lock.json ./',
      'RUN npm ci',
      'COPY frontend/ ./',
      'RUN npm run build',
    ]);
    // ...the output goes where the app serves it from, after the code and before the user switch
    const runtime = lines(df.final);
    const copied = at(df.final, 'COPY --from=assets /assets/frontend/dist /app/static');
    expect(at(df.final, 'COPY src/ /app/')).toBeLessThan(copied);
    expect(copied).toBeLessThan(at(df.final, 'USER 10001:10001'));
    // ...and nothing of Node.js is in the runtime stage
    expect(runtime.filter((l) => l.startsWith('COPY --from='))).toEqual([
      'COPY --from=builder /opt/venv /opt/venv',
      'COPY --from=assets /assets/frontend/dist /app/static',
    ]);
    expect(runtime.join('\n')).not.toMatch(/\b(npm|node_modules|corepack)\b/);
    expect(lintDockerfile(text)).toEqual([]);
  });

  test("pnpm: its lock file and a frozen install through Corepack; a digest pins the stage's base", () => {
    const digest = `sha256:${'cd'.repeat(32)}`;
    const build = PythonBuild.uv({
      pythonVersion: '3.12.7',
      assets: AssetStage.node({ ...FRONTEND, packageManager: NodePackageManager.PNPM, baseImageDigest: digest }),
    });
    const df = parseDockerfile(renderDockerfile(container(), build));
    expect([df.stages[1].from.getImageTag(), df.stages[1].from.getImageDigest()]).toEqual(['22.11.0-bookworm-slim', digest]);
    expect(lines(df.stages[1].instructions)).toEqual([
      'WORKDIR /assets/frontend',
      'COPY frontend/package.json frontend/pnpm-lock.yaml ./',
      'RUN corepack enable pnpm && pnpm install --frozen-lockfile',
      'COPY frontend/ ./',
      'RUN pnpm run build',
    ]);
  });

  test('a build that writes beside its folder: the context keeps its layout under /assets', () => {
    // GIVEN an Angular app in src-ui whose outputPath is ../src/documents/static/frontend
    const assets = AssetStage.node({
      nodeVersion: '20.18.0',
      context: 'src-ui',
      installFiles: ['package.json', 'package-lock.json', 'config/.npmrc'],
      build: 'npx ng build --configuration production',
      output: 'src/documents/static/frontend',
      into: '/app/documents/static/frontend',
    });
    const build = PythonBuild.uv({ pythonVersion: '3.12.7', sourceDir: 'src', assets });

    // WHEN
    const df = parseDockerfile(renderDockerfile(container(), build));

    // THEN
    expect(lines(df.stages[1].instructions)).toEqual([
      'WORKDIR /assets/src-ui',
      'COPY src-ui/package.json package.json',
      'COPY src-ui/package-lock.json package-lock.json',
      'COPY src-ui/config/.npmrc config/.npmrc',
      'RUN npm ci',
      'COPY src-ui/ ./',
      'RUN npx ng build --configuration production',
    ]);
    expect(lines(df.final)).toContain('COPY --from=assets /assets/src/documents/static/frontend /app/documents/static/frontend');
  });

  test('a frontend at the context root', () => {
    const build = PythonBuild.uv({ pythonVersion: '3.12.7', assets: AssetStage.node({ ...FRONTEND, context: '.', output: 'dist' }) });
    const df = parseDockerfile(renderDockerfile(container(), build));
    expect(lines(df.stages[1].instructions)).toEqual([
      'WORKDIR /assets',
      'COPY package.json package-lock.json ./',
      'RUN npm ci',
      'COPY . ./',
      'RUN npm run build',
    ]);
    expect(lines(df.final)).toContain('COPY --from=assets /assets/dist /app/static');
  });

  test("the output folder is kept out of the build context: a local build never stands in for the stage's", () => {
    const build = PythonBuild.uv({ pythonVersion: '3.12.7', assets: AssetStage.node(FRONTEND) });
    const ignore = renderDockerignore(build).split('\n');
    expect(ignore).toContain('frontend/dist');
    expect(ignore).toContain('**/node_modules');
    expect(ignore.indexOf('frontend/dist')).toBeLessThan(ignore.indexOf('!pyproject.toml'));
  });
});

describe('layouts: errors', () => {
  const ok = { pythonVersion: '3.12.7' };

  test.each<[string, PythonBuild, string[]]>([
    [
      'a workspace without members',
      PythonBuild.uv({ ...ok, workspace: { package: 'api', members: [] } }),
      [
        "'build.workspace.members' must list the folder of every workspace member (uv reads each pyproject.toml, even to install dependencies alone); received []. List the folders `tool.uv.workspace.members` matches, e.g. ['packages/core', 'apps/api'].",
      ],
    ],
    [
      'a bad member name and members out of the context, twice, at the root, or ignored',
      PythonBuild.uv({ ...ok, workspace: { package: 'my api', members: ['../lib', 'apps/api', 'apps/api/', '.', 'tests/fixtures'] } }),
      [
        "'build.workspace.package' must be the name of a workspace member package (letters, digits, ., _ and -); received \"my api\". Use the `name` of the member's pyproject.toml, e.g. 'api'.",
        "'build.workspace.members[0]' must stay inside the build context (no '..'); received \"../lib\". Widen build.context instead, so the path lies inside it.",
        '\'build.workspace.members[2]\' must be listed once; received "apps/api". List each member folder once, without the root.',
        '\'build.workspace.members[3]\' must be a member folder, not the workspace root (its pyproject.toml is always copied); received ".". List each member folder once, without the root.',
        "'build.workspace.members[4]' must not be in a folder the generated .dockerignore keeps out of the context ('tests'); received \"tests/fixtures\". Move the code to a folder such as 'src' or 'app'.",
      ],
    ],
    [
      'a workspace member that is not to be installed',
      PythonBuild.uv({ ...ok, installProject: false, workspace: { package: 'api', members: ['apps/api'] } }),
      [
        "'build.installProject' must not be false for a uv workspace (the member and the workspace packages it uses are installed into the virtualenv); received false. Leave installProject out, or build a single project without workspace.",
      ],
    ],
    [
      'assets that are not an AssetStage',
      PythonBuild.uv({ ...ok, assets: { output: 'dist' } as unknown as AssetStage }),
      [
        "'build.assets' must be an AssetStage; received {\"output\":\"dist\"}. Use AssetStage.node({ nodeVersion: '22.11.0', context: 'frontend', output: 'frontend/dist', into: '/app/static' }).",
      ],
    ],
    [
      'an asset stage with a floating Node.js, its frontend folder as output, a relative target and a two-line build',
      PythonBuild.uv({
        ...ok,
        assets: AssetStage.node({ ...FRONTEND, nodeVersion: '22', output: 'frontend', into: 'static', build: 'npm run build\nrm -rf x' }),
      }),
      [
        "'build.assets.nodeVersion' must be an exact Node.js version 'major.minor.patch' (a major-only tag moves under you); received \"22\". Pin the release the lock file is built with, e.g. '22.11.0'.",
        "'build.assets.output' must be the folder the build writes, not the frontend folder ('frontend') or one that holds it; received \"frontend\". Name the build's output folder, e.g. 'frontend/dist'.",
        "'build.assets.into' must be an absolute folder of the image other than '/', of letters, digits, '.', '_', '-' and '/'; received \"static\". Use e.g. '/app/static'.",
        "'build.assets.build' must be one line of shell; received \"npm run build\\nrm -rf x\". Use e.g. 'npm run build'.",
      ],
    ],
    [
      'assets copied under a runtime mount, an output of the whole context, a frontend in node_modules',
      PythonBuild.uv({ ...ok, assets: AssetStage.node({ ...FRONTEND, context: 'node_modules/ui', output: '.', into: '/proc/static' }) }),
      [
        "'build.assets.context' must not be in a folder the generated .dockerignore keeps out of the context ('node_modules'); received \"node_modules/ui\". Move the code to a folder such as 'src' or 'app'.",
        "'build.assets.output' must be the folder the build writes, not the frontend folder ('node_modules/ui') or one that holds it; received \".\". Name the build's output folder, e.g. 'node_modules/ui/dist'.",
        "'build.assets.into' must not be under a path the container runtime mounts over (/dev, /proc, /sys); received \"/proc/static\". Copy the assets under the app folder, e.g. '/app/static'.",
      ],
    ],
    [
      'pnpm through Corepack on a Node.js that no longer ships it',
      PythonBuild.uv({ ...ok, assets: AssetStage.node({ ...FRONTEND, nodeVersion: '25.1.0', packageManager: NodePackageManager.PNPM }) }),
      [
        "'build.assets.install' must be given for pnpm on Node.js 25 or later (the default enables Corepack, which Node.js no longer ships from 25.0.0); received nothing. Install the package manager yourself, e.g. 'npm install -g pnpm@9.15.0 && pnpm install --frozen-lockfile', or use Node.js 24.",
      ],
    ],
    [
      'an unknown package manager and no install files',
      PythonBuild.uv({ ...ok, assets: AssetStage.node({ ...FRONTEND, packageManager: 'yarn' as NodePackageManager, installFiles: [] }) }),
      [
        '\'build.assets.packageManager\' must be one of NodePackageManager.NPM, NodePackageManager.PNPM; received "yarn". Use NodePackageManager.NPM or NodePackageManager.PNPM; for another package manager, keep NPM and give installFiles, install and build.',
        "'build.assets.installFiles' must list the files the install reads; received []. Leave it out for package.json and the lock file, or list them, e.g. ['package.json', 'package-lock.json', '.npmrc'].",
      ],
    ],
  ])('rejects %s', (_, build, messages) => {
    expect(build.validate().map(formatIssue)).toEqual(messages);
  });

  test('pnpm on a newer Node.js with an install command of its own is accepted', () => {
    const assets = AssetStage.node({
      ...FRONTEND,
      nodeVersion: '25.1.0',
      packageManager: NodePackageManager.PNPM,
      install: 'npm install -g pnpm@9.15.0 && pnpm install --frozen-lockfile',
    });
    expect(PythonBuild.uv({ ...ok, assets }).validate()).toEqual([]);
  });

  test('assets copied where the pod mounts a volume are refused when the Dockerfile is rendered', () => {
    // GIVEN a service that mounts an emptyDir at /app/static
    const svc = container({ mounts: [{ path: '/app/static', volume: Volume.emptyDir('static') }] });
    const build = PythonBuild.uv({ ...ok, assets: AssetStage.node(FRONTEND) });

    // THEN
    expect(() => renderDockerfile(svc, build)).toThrow(
      [
        "Cannot render the Dockerfile of 'orders-api':",
        "  'build.assets.into' must not be under a path the pod mounts a volume at ('/app/static' of 'orders-api'), which hides what the image has there; received \"/app/static\". Copy them to a folder of the image outside '/app/static', or mount the volume elsewhere.",
      ].join('\n'),
    );
  });
});
