/**
 * The documented `kubectl apply --prune` selector, run through the real
 * kubectl 1.28 (from the devDependency) against a stub of the API server: an
 * HTTP server in this process that answers discovery for the kinds of the
 * example's folder, 404 to every GET of an object (so every apply is a client
 * dry-run create) and an empty list to every prune list. It is not a cluster:
 * it shows how kubectl parses the selector, which objects it applies with it,
 * and what it asks the server to prune.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { KUBECTL_PRUNE_SELECTOR, RELEASE_HISTORY_LABEL } from '../../constructs/delivery/retention';
import { objectsOf, renderExample } from '../support/example';
import { findKubectl } from '../support/kubectl';

type Obj = any;

const kubectl = findKubectl();
const FOLDER = 'prod/eks';

/** The plural resource name of a kind, as discovery would list it. */
const plural = (kind: string) => {
  const k = kind.toLowerCase();
  return k.endsWith('ss') ? `${k}es` : k.endsWith('s') ? k : k.endsWith('y') ? `${k.slice(0, -1)}ies` : `${k}s`;
};

let dir: string;
let server: http.Server;
let kubeconfig: string;
const requests: string[] = [];
const objects: Obj[] = objectsOf(renderExample(), FOLDER);

/** Discovery for the kinds of the folder and of kubectl's default prune allowlist. */
function discovery(): Map<string, Obj> {
  const kinds: Array<[string, string]> = [
    ...objects.map((o) => [o.apiVersion, o.kind] as [string, string]),
    ...[
      'ConfigMap',
      'Endpoints',
      'PersistentVolumeClaim',
      'Pod',
      'ReplicationController',
      'Secret',
      'Service',
      'Namespace',
      'PersistentVolume',
    ].map((k) => ['v1', k] as [string, string]),
    ['batch/v1', 'Job'],
    ['batch/v1', 'CronJob'],
    ['networking.k8s.io/v1', 'Ingress'],
    ...['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'].map((k) => ['apps/v1', k] as [string, string]),
  ];
  const byVersion = new Map<string, Map<string, Obj>>();
  for (const [gv, kind] of kinds) {
    const resources = byVersion.get(gv) ?? new Map<string, Obj>();
    resources.set(kind, {
      name: plural(kind),
      singularName: kind.toLowerCase(),
      kind,
      namespaced: !['Namespace', 'PersistentVolume', 'PriorityClass'].includes(kind),
      verbs: ['create', 'delete', 'get', 'list', 'patch'],
    });
    byVersion.set(gv, resources);
  }
  const groups = [...byVersion.keys()].filter((gv) => gv.includes('/'));
  const paths = new Map<string, Obj>([
    ['/api', { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }],
    [
      '/apis',
      {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((gv) => ({
          name: gv.split('/')[0],
          versions: [{ groupVersion: gv, version: gv.split('/')[1] }],
          preferredVersion: { groupVersion: gv, version: gv.split('/')[1] },
        })),
      },
    ],
  ]);
  for (const [gv, resources] of byVersion) {
    paths.set(gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`, {
      kind: 'APIResourceList',
      groupVersion: gv,
      resources: [...resources.values()],
    });
  }
  return paths;
}

beforeAll(async () => {
  if (!kubectl.path) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stub-apiserver-kubectl-'));
  const rendering = renderExample();
  fs.mkdirSync(path.join(dir, 'target'));
  for (const [file, text] of rendering.files) {
    if (file.startsWith(`${FOLDER}/`)) fs.writeFileSync(path.join(dir, 'target', file.slice(FOLDER.length + 1)), text);
  }
  const paths = discovery();
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://stub');
    const body =
      paths.get(url.pathname) ??
      (url.searchParams.has('labelSelector') ? { kind: 'List', apiVersion: 'v1', metadata: {}, items: [] } : undefined);
    res
      .writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' })
      .end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: stub, cluster: {server: "http://127.0.0.1:${(server.address() as AddressInfo).port}"}}]`,
      'users: [{name: stub, user: {token: stub}}]',
      'contexts: [{name: stub, context: {cluster: stub, user: stub}}]',
      'current-context: stub',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  if (!kubectl.path) return;
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs kubectl against the stub with an empty environment. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Its discovery cache goes into the temporary folder, not the working directory.
    const child = spawn(kubectl.path!, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args], {
      env: {},
      cwd: dir,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `kind/name` of what kubectl says it applied (`deployment.apps/orders-api created (dry run)`). */
const applied = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/ created \(dry run\)$/, '').replace(/^([a-z]+)\.[a-z0-9.-]+\//, '$1/'))
    .sort();
const name = (o: Obj) => `${o.kind.toLowerCase()}/${o.metadata.name}`;

(kubectl.path ? describe : describe.skip)('kubectl apply --prune with the documented selector (kubectl 1.28, stub API server)', () => {
  test('the full apply applies everything; the pruning apply skips the release history and sends the selector for pruning', async () => {
    // GIVEN the example's prod/eks folder, some of whose objects are in the release history
    const history = objects.filter((o) => o.metadata.labels?.[RELEASE_HISTORY_LABEL] === 'true');
    expect(history.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'ConfigMap', 'Job', 'Role', 'RoleBinding']);
    // WHEN both documented commands run
    const full = await run(['apply', '-k', path.join(dir, 'target'), '--dry-run=client', '--validate=false']);
    requests.length = 0;
    const pruning = await run([
      'apply',
      '-k',
      path.join(dir, 'target'),
      '--prune',
      '-l',
      KUBECTL_PRUNE_SELECTOR,
      '--dry-run=client',
      '--validate=false',
    ]);
    // THEN kubectl accepted the selector, and the pruning apply left the history out
    expect([full.code, pruning.code]).toEqual([0, 0]);
    expect(pruning.stderr).not.toMatch(/selector|error/i);
    expect(applied(full.stdout)).toHaveLength(objects.length);
    const app = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'cdk8s');
    expect(applied(pruning.stdout)).toEqual(
      app
        .filter((o) => !history.includes(o))
        .map(name)
        .sort(),
    );
    // (the Namespace and PriorityClass, which carry no managed-by label, are applied by the full apply only, as before)
    expect(
      objects
        .filter((o) => !app.includes(o))
        .map(name)
        .sort(),
    ).toEqual(['namespace/shop', 'priorityclass/shop-standard']);
    // AND it asked the API server for prune candidates of the allowlisted kinds with exactly that selector
    const lists = requests.filter((r) => r.includes('labelSelector='));
    expect(lists.map((r) => r.split('?')[0])).toEqual(
      expect.arrayContaining(['GET /api/v1/namespaces/shop/configmaps', 'GET /apis/batch/v1/namespaces/shop/jobs']),
    );
    expect(lists.every((r) => new URL(r.split(' ')[1], 'http://stub').searchParams.get('labelSelector') === KUBECTL_PRUNE_SELECTOR)).toBe(
      true,
    );
  });

  test('kubectl refuses a selector it cannot parse, before applying anything', async () => {
    const result = await run([
      'apply',
      '-k',
      path.join(dir, 'target'),
      '--prune',
      '-l',
      'app=(shop',
      '--dry-run=client',
      '--validate=false',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the provided selector "app=(shop" is not valid');
  });
});
