import { formatIssue } from '../support/internals';
import { BackingService, PythonBuild } from '../../constructs/image';

const ok = { pythonVersion: '3.12.7' };

describe('PythonBuild', () => {
  test('defaults: requirements.txt, context and code at the project root, no packages', () => {
    const build = PythonBuild.requirements(ok);
    expect(build.baseImage).toBe('python:3.12.7-slim-bookworm');
    expect(build.dependencies).toEqual({ tool: 'pip', manifests: ['requirements.txt'] });
    expect([build.context, build.sourceDir, build.buildPackages, build.runtimePackages]).toEqual(['.', '.', [], []]);
    expect(build.validate()).toEqual([]);
  });

  test.each([
    ['poetry', PythonBuild.poetry(ok), { tool: 'poetry', manifests: ['pyproject.toml', 'poetry.lock'], toolVersion: '2.1.3' }],
    ['uv', PythonBuild.uv(ok), { tool: 'uv', manifests: ['pyproject.toml', 'uv.lock'], toolVersion: '0.8.15' }],
  ])('%s: lock files and a pinned tool', (_, build, expected) => {
    expect(build.dependencies).toEqual(expected);
    expect(build.validate()).toEqual([]);
  });

  test('paths are normalized once', () => {
    const build = PythonBuild.requirements({ ...ok, context: './services/orders/', sourceDir: 'src/', file: 'requirements/prod.txt' });
    expect([build.context, build.sourceDir, build.dependencies.manifests]).toEqual(['services/orders', 'src', ['requirements/prod.txt']]);
    expect(build.validate()).toEqual([]);
  });

  test.each<[string, PythonBuild, string]>([
    [
      'a minor-only version',
      PythonBuild.requirements({ pythonVersion: '3.12' }),
      "'build.pythonVersion' must be an exact CPython 3 version 'major.minor.patch' (a minor-only tag moves under you); received \"3.12\". Pin the patch release you test with, e.g. '3.12.7'.",
    ],
    [
      'a Python without a bookworm image',
      PythonBuild.requirements({ pythonVersion: '3.7.17' }),
      "'build.pythonVersion' must be 3.8 or newer (older releases have no -slim-bookworm image); received \"3.7.17\". Upgrade to a supported release, e.g. '3.12.7'.",
    ],
    [
      'a bad digest',
      PythonBuild.uv({ ...ok, baseImageDigest: 'sha256:abc' }),
      "'build.baseImageDigest' must be a sha256 digest 'sha256:<64 hex>'; received \"sha256:abc\". Copy it from `docker buildx imagetools inspect python:3.12.7-slim-bookworm`.",
    ],
    [
      'a floating Poetry',
      PythonBuild.poetry({ ...ok, poetryVersion: '2' }),
      "'build.poetryVersion' must be an exact version 'major.minor.patch'; received \"2\". Pin the poetry release you lock with, e.g. '2.1.3'.",
    ],
    [
      'a context outside the project',
      PythonBuild.uv({ ...ok, context: '../orders' }),
      "'build.context' must stay inside the project root (no '..'); received \"../orders\". Run the app from a folder that contains the code, e.g. the repository root.",
    ],
    [
      'an absolute sourceDir',
      PythonBuild.uv({ ...ok, sourceDir: '/src' }),
      "'build.sourceDir' must be relative, not absolute (generated files are moved between machines); received \"/src\". Use 'src'.",
    ],
    [
      'a path that needs quoting',
      PythonBuild.uv({ ...ok, sourceDir: 'my app' }),
      "'build.sourceDir' must be a relative path of letters, digits, '.', '_', '-' and '/'; received \"my app\". Rename the folder, or point at it with a path such as 'services/orders'.",
    ],
    [
      'code the .dockerignore drops',
      PythonBuild.uv({ ...ok, sourceDir: 'build/lib' }),
      "'build.sourceDir' must not be in a folder the generated .dockerignore keeps out of the context ('build'); received \"build/lib\". Move the code to a folder such as 'src' or 'app'.",
    ],
    [
      'a package that is not a Debian name',
      PythonBuild.uv({ ...ok, runtimePackages: ['libpq5', 'curl; rm -rf /'] }),
      "'build.runtimePackages[1]' must be a Debian package name, optionally pinned as name=version; received \"curl; rm -rf /\". Use the name `apt-cache search` shows, e.g. 'libpq-dev' (build) or 'libpq5' (runtime).",
    ],
    [
      'an extra that is not a name',
      PythonBuild.uv({ ...ok, extras: ['postgres', 'web server'] }),
      "'build.extras[1]' must be the name of an extra of `[project.optional-dependencies]` (letters, digits, ., _ and -), listed once; received \"web server\". Use a key of `[project.optional-dependencies]` in pyproject.toml, e.g. 'postgres'.",
    ],
    [
      'an extra listed twice',
      PythonBuild.uv({ ...ok, extras: ['postgres', 'postgres'] }),
      "'build.extras[1]' must be the name of an extra of `[project.optional-dependencies]` (letters, digits, ., _ and -), listed once; received \"postgres\". Use a key of `[project.optional-dependencies]` in pyproject.toml, e.g. 'postgres'.",
    ],
  ])('rejects %s', (_, build, message) => {
    expect(build.validate().map(formatIssue)).toEqual([message]);
  });

  test('a pinned Debian package is accepted', () => {
    expect(PythonBuild.uv({ ...ok, runtimePackages: ['libpq5=15.8-0+deb12u1'] }).validate()).toEqual([]);
  });
});

describe('BackingService', () => {
  test('custom services need a pinned image and a readiness command', () => {
    const svc = BackingService.custom({ name: 'Mail', image: 'mailpit', healthcheck: [] });
    expect(svc.validate('backingServices[0]').map((i) => i.prop)).toEqual([
      'backingServices[0].name',
      'backingServices[0].image',
      'backingServices[0].healthcheck',
    ]);
  });

  test('a custom service with a published port', () => {
    const svc = BackingService.custom({
      name: 'mailpit',
      image: 'axllent/mailpit:v1.21.8',
      healthcheck: ['/mailpit', 'readyz'],
      containerPort: 8025,
      hostPort: 8025,
    });
    expect(svc.validate('backingServices[0]')).toEqual([]);
    expect(svc.healthcheck.test).toEqual(['CMD', '/mailpit', 'readyz']);
  });
});
