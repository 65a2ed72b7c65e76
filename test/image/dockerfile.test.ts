import { PythonServer, SecretEnv } from '../support/internals';
import { IGNORED_ANYWHERE, PythonBuild, renderDockerfile, renderDockerignore } from '../../constructs/image';
import { appContainer, find, synthService } from '../support/synth';
import { argsText, execForm, ofKind, parseDockerfile } from './support';

const BUILDS: Record<string, PythonBuild> = {
  pip: PythonBuild.requirements({ pythonVersion: '3.12.7' }),
  poetry: PythonBuild.poetry({ pythonVersion: '3.12.7', buildPackages: ['gcc', 'libpq-dev'], runtimePackages: ['libpq5'] }),
  uv: PythonBuild.uv({ pythonVersion: '3.12.7', sourceDir: 'src' }),
};

const SERVERS: Record<string, PythonServer> = {
  'gunicorn-uvicorn': PythonServer.gunicornUvicorn({ app: 'orders.main:app' }),
  uvicorn: PythonServer.uvicorn({ app: 'orders.main:app' }),
  django: PythonServer.django({ project: 'inventory', threads: 4 }),
};

/** A service with config and a secret, synthesized; the Deployment is what the image must agree with. */
function service(server: PythonServer) {
  const { service: svc, objects } = synthService({
    server,
    port: 8080,
    config: { LOG_LEVEL: 'info' },
    secrets: [SecretEnv.fromExisting('orders-db', { DATABASE_URL: 'url', ORDERS_API_TOKEN: 'token' })],
  });
  const deployment = find(objects, 'Deployment', 'orders-api');
  return { svc, deployment, pod: deployment.spec.template.spec, container: appContainer(deployment) };
}

describe.each(Object.entries(SERVERS))('Dockerfile of a %s service agrees with its Deployment', (_, server) => {
  test.each(Object.keys(BUILDS))('built with %s', (tool) => {
    // GIVEN
    const { svc, pod, container } = service(server);

    // WHEN
    const df = parseDockerfile(renderDockerfile(svc.container, BUILDS[tool]));

    // THEN the final stage runs as the pod's numeric UID:GID
    const users = ofKind(df.final, 'USER');
    expect(users.map((u) => u.getArgumentsContent())).toEqual([`${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`]);
    expect(container.securityContext.runAsUser).toBe(pod.securityContext.runAsUser);
    // ...exposes the container port
    expect(ofKind(df.final, 'EXPOSE').map((e) => e.getArgumentsContent())).toEqual(
      container.ports.map((p: any) => String(p.containerPort)),
    );
    // ...and runs exactly the pod's command, in exec form
    const cmds = ofKind(df.final, 'CMD');
    expect(cmds).toHaveLength(1);
    expect(execForm(cmds[0])).toEqual(container.command);
    expect(ofKind(df.final, 'ENTRYPOINT')).toHaveLength(0);
  });
});

describe('Dockerfile: base image, stages and layers', () => {
  test.each(Object.keys(BUILDS))('%s: both stages use the slim base pinned to the exact version', (tool) => {
    const { svc } = service(SERVERS['gunicorn-uvicorn']);
    const df = parseDockerfile(renderDockerfile(svc.container, BUILDS[tool]));
    expect(df.stages.map((s) => [s.from.getImageName(), s.from.getImageTag(), s.from.getBuildStage()])).toEqual([
      ['python', '3.12.7-slim-bookworm', 'builder'],
      ['python', '3.12.7-slim-bookworm', 'runtime'],
    ]);
  });

  test('a digest pins the base beyond its tag', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const { svc } = service(SERVERS.uvicorn);
    const df = parseDockerfile(
      renderDockerfile(svc.container, PythonBuild.requirements({ pythonVersion: '3.11.10', baseImageDigest: digest })),
    );
    expect(df.stages.map((s) => [s.from.getImageTag(), s.from.getImageDigest()])).toEqual([
      ['3.11.10-slim-bookworm', digest],
      ['3.11.10-slim-bookworm', digest],
    ]);
  });

  test('the writable paths exist and belong to the user; runtime-mounted ones are left to the runtime', () => {
    // GIVEN gunicorn, whose pod mounts /tmp and the memory-backed /dev/shm
    const { svc, pod, container } = service(SERVERS['gunicorn-uvicorn']);
    const mounts: string[] = container.volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toEqual(['/tmp', '/dev/shm']);

    // WHEN
    const df = parseDockerfile(renderDockerfile(svc.container, BUILDS.pip));

    // THEN every mount outside /dev is created and chowned to the pod's IDs before USER
    const run = ofKind(df.final, 'RUN')
      .map((r) => r.getArgumentsContent() ?? '')
      .join(' && ');
    const owner = `${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`;
    for (const m of mounts.filter((p) => !p.startsWith('/dev/'))) {
      expect(run).toMatch(new RegExp(`mkdir -p [^&]*${m}\\b`));
      expect(run).toMatch(new RegExp(`chown ${owner} [^&]*${m}\\b`));
    }
    // /dev is a runtime mount: anything built there would be hidden.
    expect(run).not.toContain('/dev/shm');
    expect(run).toContain(`useradd --system --no-log-init --uid ${pod.securityContext.runAsUser} --gid ${pod.securityContext.runAsGroup}`);
    expect(run).toContain(`groupadd --system --gid ${pod.securityContext.runAsGroup}`);
  });

  test('runtime env matches the pod and puts the venv on PATH; nothing else of the service is baked in', () => {
    const { svc, container } = service(SERVERS['gunicorn-uvicorn']);
    const text = renderDockerfile(svc.container, BUILDS.pip);
    const env = Object.fromEntries(
      ofKind(parseDockerfile(text).final, 'ENV').flatMap((e) => e.getArguments().map((a) => a.getValue().split('='))),
    );
    const podEnv = Object.fromEntries(container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    expect(env).toEqual({
      PYTHONUNBUFFERED: podEnv.PYTHONUNBUFFERED,
      PYTHONDONTWRITEBYTECODE: podEnv.PYTHONDONTWRITEBYTECODE,
      HOME: podEnv.HOME,
      VIRTUAL_ENV: '/opt/venv',
      PATH: '/opt/venv/bin:$PATH',
    });
    // WEB_CONCURRENCY follows the pod's resources: it belongs to the pod, not the image.
    expect(text).not.toContain('WEB_CONCURRENCY');
  });

  test.each(Object.keys(BUILDS))('%s: no secret name, config value, build argument or remote ADD in any layer', (tool) => {
    const { svc, container } = service(SERVERS.django);
    const text = renderDockerfile(svc.container, BUILDS[tool]);
    const secretNames = container.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.name);
    expect(secretNames).toEqual(['DATABASE_URL', 'ORDERS_API_TOKEN']);
    for (const name of secretNames) expect(text).not.toContain(name);
    expect(text).not.toContain('LOG_LEVEL');
    const all = parseDockerfile(text).stages.flatMap((s) => s.instructions);
    expect(ofKind(all, 'ARG')).toHaveLength(0);
    expect(ofKind(all, 'ADD')).toHaveLength(0);
  });

  test('the runtime stage gets only the venv and the code: no compilers, tool or cache', () => {
    const { svc } = service(SERVERS.uvicorn);
    const df = parseDockerfile(renderDockerfile(svc.container, BUILDS.poetry));
    const copies = ofKind(df.final, 'COPY').map(argsText);
    expect(copies).toEqual(['--from=builder /opt/venv /opt/venv', '. /app/']);
    const runs = ofKind(df.final, 'RUN')
      .map((r) => r.getArgumentsContent() ?? '')
      .join('\n');
    expect(runs).toContain('apt-get install -y --no-install-recommends libpq5');
    expect(runs).not.toMatch(/gcc|libpq-dev|poetry|pip /);
    // The builder has them.
    const builder = ofKind(df.stages[0].instructions, 'RUN')
      .map((r) => r.getArgumentsContent() ?? '')
      .join('\n');
    expect(builder).toContain('--no-install-recommends gcc libpq-dev');
  });

  test.each([
    ['pip', ['requirements.txt'], 'pip install --no-cache-dir -r requirements.txt'],
    [
      'poetry',
      ['pyproject.toml', 'poetry.lock'],
      '/opt/poetry/bin/poetry install --only main --no-root --no-ansi && rm -rf /tmp/poetry-cache',
    ],
    ['uv', ['pyproject.toml', 'uv.lock'], 'uv sync --locked --no-install-project --no-dev --no-editable --no-cache'],
  ])('%s: the lock is copied and installed before the code, so code changes reuse the dependency layer', (tool, manifests, install) => {
    const { svc } = service(SERVERS.uvicorn);
    const df = parseDockerfile(renderDockerfile(svc.container, BUILDS[tool]));
    const builder = df.stages[0].instructions;
    const copyAt = builder.findIndex((i) => i.getKeyword() === 'COPY' && i.getArgumentsContent() === `${manifests.join(' ')} ./`);
    const installAt = builder.findIndex(
      (i) => i.getKeyword() === 'RUN' && (i.getArgumentsContent() ?? '').replace(/\s+/g, ' ').includes(install),
    );
    expect(copyAt).toBeGreaterThanOrEqual(0);
    expect(installAt).toBeGreaterThan(copyAt);
    // The builder never copies the code: only the venv crosses into the runtime stage.
    expect(ofKind(builder, 'COPY').map((c) => c.getArgumentsContent())).not.toContain('. /app/');
  });

  test('a nested requirements file keeps its path', () => {
    const { svc } = service(SERVERS.uvicorn);
    const df = parseDockerfile(
      renderDockerfile(svc.container, PythonBuild.requirements({ pythonVersion: '3.12.7', file: 'requirements/prod.txt' })),
    );
    const builder = df.stages[0].instructions.map(argsText);
    expect(builder).toContain('requirements/prod.txt requirements/prod.txt');
    expect(builder).toContain('pip install --no-cache-dir -r requirements/prod.txt');
  });

  test('Poetry and uv are pinned and kept in the builder', () => {
    const { svc } = service(SERVERS.uvicorn);
    expect(renderDockerfile(svc.container, BUILDS.poetry)).toContain('pip install --no-cache-dir poetry==2.1.3');
    const uv = parseDockerfile(renderDockerfile(svc.container, PythonBuild.uv({ pythonVersion: '3.13.1', uvVersion: '0.9.2' })));
    expect(argsText(ofKind(uv.stages[0].instructions, 'COPY')[0])).toBe('--from=ghcr.io/astral-sh/uv:0.9.2 /uv /usr/local/bin/uv');
    expect(uv.final.map(argsText).join('\n')).not.toContain('uv:');
  });

  test('sourceDir is what reaches /app', () => {
    const { svc } = service(SERVERS.uvicorn);
    const df = parseDockerfile(renderDockerfile(svc.container, BUILDS.uv));
    expect(ofKind(df.final, 'COPY').map((c) => c.getArgumentsContent())).toContain('src/ /app/');
    expect(ofKind(df.final, 'WORKDIR').map((c) => c.getArgumentsContent())).toEqual(['/app']);
  });

  test('a worker without a port exposes nothing', () => {
    const { svc } = service(SERVERS.uvicorn);
    const worker = { ...svc.container, port: undefined, command: ['python', '-m', 'orders.worker'] };
    const df = parseDockerfile(renderDockerfile(worker, BUILDS.pip));
    expect(ofKind(df.final, 'EXPOSE')).toHaveLength(0);
    expect(execForm(ofKind(df.final, 'CMD')[0])).toEqual(['python', '-m', 'orders.worker']);
  });
});

describe('Dockerfile: errors', () => {
  test("reports every broken rule at once, in the project's shape", () => {
    const { svc } = service(SERVERS.uvicorn);
    const build = PythonBuild.requirements({ pythonVersion: '3.12', file: '../requirements.txt', buildPackages: ['GCC'] });
    const root = { ...svc.container, runAsUser: 0 };
    expect(() => renderDockerfile(root, build)).toThrow(
      [
        "Cannot render the Dockerfile of 'orders-api':",
        "  'build.pythonVersion' must be an exact CPython 3 version 'major.minor.patch' (a minor-only tag moves under you); received \"3.12\". Pin the patch release you test with, e.g. '3.12.7'.",
        "  'build.file' must stay inside the build context (no '..'); received \"../requirements.txt\". Widen build.context instead, so the path lies inside it.",
        "  'build.buildPackages[0]' must be a Debian package name, optionally pinned as name=version; received \"GCC\". Use the name `apt-cache search` shows, e.g. 'libpq-dev' (build) or 'libpq5' (runtime).",
        "  'container.runAsUser' must be a whole number from 1 to 2147483647 (0 is root); received 0. Use 10001, the UID and GID every pod of this library runs as.",
      ].join('\n'),
    );
  });
});

describe('Dockerfile.dockerignore', () => {
  test('keeps VCS data, venvs, caches, tests, env files, secrets, node_modules, dist and compose files out', () => {
    const ignore = renderDockerignore(BUILDS.pip).split('\n');
    expect(ignore).toEqual(
      expect.arrayContaining([
        '**/.git',
        '**/.venv',
        '**/venv',
        '**/__pycache__',
        '**/.pytest_cache',
        '**/.mypy_cache',
        '**/tests',
        '**/.env',
        '**/.env.*',
        '**/*.pem',
        '**/*.key',
        '**/credentials.json',
        '**/node_modules',
        'dist',
        '**/compose.yaml',
        '**/docker-compose*.yml',
      ]),
    );
  });

  test('excludes every folder a sourceDir is checked against', () => {
    const ignore = renderDockerignore(BUILDS.pip).split('\n');
    for (const name of IGNORED_ANYWHERE) expect(ignore).toContain(`**/${name}`);
  });

  test.each(Object.keys(BUILDS))('%s: the dependency manifests are re-included last', (tool) => {
    const lines = renderDockerignore(BUILDS[tool]).trim().split('\n');
    const manifests = BUILDS[tool].dependencies.manifests;
    expect(lines.slice(-manifests.length)).toEqual(manifests.map((m) => `!${m}`));
  });
});
