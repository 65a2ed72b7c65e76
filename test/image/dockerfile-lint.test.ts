import { PythonServer, SecretEnv } from '../support/internals';
import { PythonBuild, renderDockerfile } from '../../constructs/image';
import { synthService } from '../support/synth';
import { RULES, lintDockerfile, shellCommands } from './dockerfile-lint';

const BUILDS: Record<string, PythonBuild> = {
  pip: PythonBuild.requirements({ pythonVersion: '3.12.7' }),
  'pip with apt packages': PythonBuild.requirements({
    pythonVersion: '3.11.10',
    buildPackages: ['build-essential'],
    runtimePackages: ['libxml2'],
  }),
  poetry: PythonBuild.poetry({ pythonVersion: '3.12.7', buildPackages: ['gcc', 'libpq-dev'], runtimePackages: ['libpq5'] }),
  uv: PythonBuild.uv({ pythonVersion: '3.13.1', sourceDir: 'src', baseImageDigest: `sha256:${'0'.repeat(64)}` }),
};

describe("generated Dockerfiles pass the lint rules modelled on hadolint (not hadolint itself) plus this project's own", () => {
  test.each(Object.keys(BUILDS))('%s', (name) => {
    // GIVEN
    const { service } = synthService({
      server: PythonServer.gunicorn({ app: 'shop.wsgi:application' }),
      secrets: [SecretEnv.fromExisting('shop', { DATABASE_URL: 'url' })],
    });

    // WHEN
    const findings = lintDockerfile(renderDockerfile(service.container, BUILDS[name]));

    // THEN
    expect(findings).toEqual([]);
  });
});

/** A Dockerfile that passes every rule; each negative fixture breaks exactly one. */
const CLEAN = [
  'FROM python:3.12.7-slim-bookworm AS builder',
  'RUN pip install --no-cache-dir -r requirements.txt',
  'FROM python:3.12.7-slim-bookworm',
  'RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
  'RUN useradd --no-log-init --uid 1000000 app',
  'COPY --from=builder /opt/venv /opt/venv',
  'USER 10001:10001',
  'CMD ["python", "-m", "app"]',
].join('\n');

const NEGATIVE: [string, string, string][] = [
  ['DL3006', 'untagged base', CLEAN.replace('FROM python:3.12.7-slim-bookworm AS builder', 'FROM python AS builder')],
  ['DL3007', 'latest base', CLEAN.replace('FROM python:3.12.7-slim-bookworm\n', 'FROM python:latest\n')],
  // In the builder: in the final stage a root USER also breaks PSK001.
  ['DL3002', 'last USER of a stage root', CLEAN.replace('AS builder\n', 'AS builder\nUSER 10001\nUSER root\n')],
  ['DL3004', 'sudo', CLEAN.replace('RUN useradd', 'RUN sudo useradd')],
  ['DL3020', 'ADD of a local folder', CLEAN.replace('COPY --from', 'ADD src /app\nCOPY --from')],
  ['PSK002', 'ADD of a remote URL', CLEAN.replace('COPY --from', 'ADD https://example.com/tool.tar.gz /opt/\nCOPY --from')],
  ['DL3042', 'pip without --no-cache-dir', CLEAN.replace('pip install --no-cache-dir -r', 'pip install -r')],
  ['DL3042', 'python -m pip without --no-cache-dir', CLEAN.replace('pip install --no-cache-dir -r', 'python3 -m pip install -r')],
  ['DL3009', 'apt lists kept', CLEAN.replace(' && rm -rf /var/lib/apt/lists/*', '')],
  ['DL3015', 'recommended packages', CLEAN.replace(' --no-install-recommends', '')],
  ['DL3014', 'interactive apt-get', CLEAN.replace('install -y ', 'install ')],
  ['DL3025', 'shell-form CMD', CLEAN.replace('CMD ["python", "-m", "app"]', 'CMD python -m app')],
  ['DL3025', 'shell-form ENTRYPOINT', `${CLEAN}\nENTRYPOINT python -m app`],
  ['DL3046', 'useradd of a high UID without -l', CLEAN.replace('--no-log-init ', '')],
  ['PSK001', 'no USER in the final stage', CLEAN.replace('USER 10001:10001\n', '')],
  ['PSK001', 'a user name kubelet cannot check', CLEAN.replace('USER 10001:10001', 'USER app')],
];

describe('each lint rule fires on its fixture', () => {
  test('the clean fixture passes', () => {
    expect(lintDockerfile(CLEAN)).toEqual([]);
  });

  test.each(NEGATIVE)('%s: %s', (rule, _, text) => {
    const findings = lintDockerfile(text);
    expect(findings.map((f) => f.rule)).toEqual([rule]);
    expect(findings[0].message).toBe(RULES[rule]);
  });

  test('every rule has a negative fixture', () => {
    expect(new Set(NEGATIVE.map(([rule]) => rule))).toEqual(new Set(Object.keys(RULES)));
  });
});

describe('lint: what the rules modelled on hadolint allow, as hadolint does', () => {
  test.each([
    ['a stage alias as base', 'FROM python:3.12.7-slim-bookworm AS base\nFROM base\nUSER 1:1\nCMD ["x"]'],
    ['a digest without tag', `FROM python@sha256:${'a'.repeat(64)}\nUSER 1:1\nCMD ["x"]`],
    ['ADD of a local archive (DL3010 territory)', 'FROM debian:12.8\nADD rootfs.tar.gz /\nUSER 1:1\nCMD ["x"]'],
    [
      'PIP_NO_CACHE_DIR set in the stage',
      'FROM python:3.12.7-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.3\nUSER 1:1\nCMD ["x"]',
    ],
    ['pipx', 'FROM python:3.12.7-slim\nRUN pipx install ruff\nUSER 1:1\nCMD ["x"]'],
    [
      'apt lists kept in a builder nobody builds on',
      'FROM debian:12.8 AS b\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nFROM debian:12.8\nUSER 1:1\nCMD ["x"]',
    ],
    ['a five-digit UID without -l', 'FROM debian:12.8\nRUN useradd -u 10001 app\nUSER 10001:10001\nCMD ["x"]'],
  ])('%s', (_, text) => {
    expect(lintDockerfile(text)).toEqual([]);
  });

  test('apt lists kept in a stage a later FROM builds on', () => {
    const text =
      'FROM debian:12.8 AS base\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nFROM base\nUSER 1:1\nCMD ["x"]';
    expect(lintDockerfile(text).map((f) => [f.rule, f.line])).toEqual([['DL3009', 2]]);
  });

  test('RUN lines are split into simple commands', () => {
    expect(shellCommands('apt-get update \\\n && apt-get install -y "a b" || true; echo x | tee y')).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'a b'],
      ['true'],
      ['echo', 'x'],
      ['tee', 'y'],
    ]);
  });
});
