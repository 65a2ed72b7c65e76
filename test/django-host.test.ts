/**
 * Django refuses a request whose Host is not in ALLOWED_HOSTS (DisallowedHost,
 * 400), and the kubelet's HTTP probes send `Host: <pod IP>:<port>`. This runs a
 * real Django, with settings that read DJANGO_ALLOWED_HOSTS the usual way, on
 * the example's inventory service: its probes and its compose healthcheck must
 * get a 200, and the kubelet's default Host must not.
 *
 * Django comes from pip, into a virtualenv kept between runs under
 * node_modules/.cache (keyed by the Django requirement and the Python version),
 * so only the first run installs it; where pip cannot install it, the test is
 * skipped with the reason.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ROOT, objectsOf, renderExample } from './support/example';

const rendering = renderExample();
const inventory = objectsOf(rendering, 'prod/eks').find((o) => o.kind === 'Deployment' && o.metadata.name === 'inventory');
const configMap = objectsOf(rendering, 'prod/eks').find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('inventory-config-'));
const compose = parse(rendering.files.get('container/compose.yaml')!);

/** The Django the settings below are written for. */
const DJANGO = 'django>=4.2,<6';

/** What pip and python3 see: the machine's own configuration, not the shell's variables. */
const PYTHON_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', PIP_DISABLE_PIP_VERSION_CHECK: '1' };

/**
 * A virtualenv with Django, or why there is none. Built once into a folder of
 * its own beside the cache entry, then renamed into place, so an interrupted or
 * concurrent run never leaves a half-built one behind.
 */
function djangoPython(): { python?: string; reason?: string } {
  const version = spawnSync('python3', ['-c', 'import sys; print(sys.version)'], { encoding: 'utf8', env: PYTHON_ENV });
  if (version.status !== 0) return { reason: `python3 is not available: ${(version.stderr ?? '').trim().split('\n').pop()}` };
  const key = createHash('sha256').update(`${DJANGO}\n${version.stdout}`).digest('hex').slice(0, 12);
  const cache = path.join(ROOT, 'node_modules', '.cache', 'pyservice-k8s', `django-venv-${key}`);
  const python = path.join(cache, 'bin', 'python');
  if (spawnSync(python, ['-c', 'import django'], { env: PYTHON_ENV }).status === 0) return { python };

  fs.mkdirSync(path.dirname(cache), { recursive: true });
  const building = `${cache}.${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  try {
    const create = spawnSync('python3', ['-m', 'venv', building], { encoding: 'utf8', env: PYTHON_ENV });
    if (create.status !== 0) return { reason: `python3 -m venv failed: ${create.stderr.trim().split('\n').pop()}` };
    // No retries: an index this machine cannot reach fails at once, and pip goes on with the others its configuration names.
    const pip = spawnSync(path.join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--retries', '0', DJANGO], {
      encoding: 'utf8',
      env: PYTHON_ENV,
      timeout: 300_000,
    });
    if (pip.status !== 0) return { reason: `pip could not install Django here (${(pip.stderr || pip.stdout).trim().split('\n').pop()})` };
    fs.rmSync(cache, { recursive: true, force: true });
    fs.renameSync(building, cache);
    return { python };
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
}

/** Runs Django's test client against a one-view project; prints the status for each Host. */
const PROBE = `
import os, sys, django
from django.conf import settings
settings.configure(
    ALLOWED_HOSTS=os.environ['DJANGO_ALLOWED_HOSTS'].split(','),
    ROOT_URLCONF=__name__, DEBUG=False, SECRET_KEY='test', MIDDLEWARE=['django.middleware.common.CommonMiddleware'],
)
from django.http import HttpResponse
from django.urls import path
urlpatterns = [path(p.lstrip('/'), lambda r: HttpResponse('ok')) for p in sys.argv[2:]]
django.setup()
from django.test import Client
import json
for host in json.loads(sys.argv[1]):
    print(host, Client(raise_request_exception=False).get(sys.argv[2], HTTP_HOST=host).status_code)
`;

/** Serves 200 only to the Host Django would allow, then runs the compose healthcheck's code against it. */
const COMPOSE_CHECK = `
import http.server, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.headers['Host'] == sys.argv[2] else 400); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
threading.Thread(target=s.serve_forever, daemon=True).start()
exec(sys.argv[1].replace('127.0.0.1:8000', '127.0.0.1:%d' % s.server_port))
print('healthy')
`;

describe("the compose healthcheck sends the probes' Host", () => {
  test('its code (real python3) passes against a server that answers only that Host', () => {
    const code: string = compose.services.inventory.healthcheck.test[3];
    const run = spawnSync('python3', ['-c', COMPOSE_CHECK, code, 'localhost'], { encoding: 'utf8' });
    expect([run.status, run.stdout.trim()]).toEqual([0, 'healthy']);
    expect(spawnSync('python3', ['-c', COMPOSE_CHECK, code, 'inventory'], { encoding: 'utf8' }).status).not.toBe(0);
  });
});

describe('the Django service of the example becomes Ready', () => {
  const { python, reason } = djangoPython();
  if (reason) console.warn(`Django host test skipped: ${reason}`);

  (python ? test : test.skip)("the probes' Host is allowed by the settings; the kubelet's default Host is not", () => {
    const c = inventory.spec.template.spec.containers[0];
    const probeHost = c.readinessProbe.httpGet.httpHeaders.find((h: any) => h.name === 'Host').value;
    expect(c.livenessProbe.httpGet.httpHeaders).toEqual(c.readinessProbe.httpGet.httpHeaders);
    const composeTest: string = compose.services.inventory.healthcheck.test[3];
    const composeHost = /"Host":\s*"([^"]+)"/.exec(composeTest)?.[1];
    expect(composeHost).toBe(probeHost);
    const hosts = [probeHost, '10.42.0.17:8000'];
    const run = spawnSync(python!, ['-c', PROBE, JSON.stringify(hosts), c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path], {
      encoding: 'utf8',
      env: { ...PYTHON_ENV, DJANGO_ALLOWED_HOSTS: configMap.data.DJANGO_ALLOWED_HOSTS },
    });
    expect(run.stderr.split('\n').filter((l: string) => l && !l.includes('Invalid HTTP_HOST'))).toEqual([]);
    expect(run.stdout.trim().split('\n')).toEqual([`${probeHost} 200`, '10.42.0.17:8000 400']);
  });
});
