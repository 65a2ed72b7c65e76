import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffTrees, formatReport, parseObjects, unifiedDiff } from '../../scripts/diff-lib';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'diff-dist.js');

const deployment = (image: string, replicas = 2) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: orders-api',
    '  namespace: shop',
    'spec:',
    `  replicas: ${replicas}`,
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    `          image: ${image}`,
    '',
  ].join('\n');

const configMap = (name: string, level: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\ndata:\n  LOG_LEVEL: ${level}\n`;

const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: orders-api\n  namespace: shop\nspec:\n  ports:\n    - port: 80\n';
const kustomization = (...resources: string[]) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;

const BEFORE = {
  'eks/deployment-orders-api.yaml': deployment('ghcr.io/acme/orders-api:1.4.2'),
  'eks/configmap-orders-api-config-941618b32d.yaml': configMap('orders-api-config-941618b32d', 'info'),
  'eks/service-orders-api.yaml': service,
  'eks/kustomization.yaml': kustomization(
    'configmap-orders-api-config-941618b32d.yaml',
    'deployment-orders-api.yaml',
    'service-orders-api.yaml',
  ),
  'gke/service-orders-api.yaml': service,
};

describe('diffTrees', () => {
  test('identical trees are identical', () => {
    // GIVEN / WHEN
    const result = diffTrees(BEFORE, new Map(Object.entries(BEFORE)));
    // THEN
    expect(result.identical).toBe(true);
    expect(result.folders.map((f) => [f.name, f.unchanged])).toEqual([
      ['eks', 4],
      ['gke', 1],
    ]);
  });

  test('a changed image is one changed object with a unified diff of its YAML', () => {
    // GIVEN
    const after = {
      ...BEFORE,
      'eks/deployment-orders-api.yaml': deployment(`1234.dkr.ecr.eu-west-1.amazonaws.com/orders-api@sha256:${'a'.repeat(64)}`),
    };
    // WHEN
    const result = diffTrees(BEFORE, after);
    // THEN
    const eks = result.folders.find((f) => f.name === 'eks')!;
    expect(result.identical).toBe(false);
    expect(eks.changed.map((c) => c.id)).toEqual(['apps/Deployment shop/orders-api']);
    expect(eks.changed[0].diff).toBe(
      [
        '--- a/eks/deployment-orders-api.yaml',
        '+++ b/eks/deployment-orders-api.yaml',
        '@@ -9,4 +9,4 @@',
        '     spec:',
        '       containers:',
        '         - name: app',
        '-          image: ghcr.io/acme/orders-api:1.4.2',
        `+          image: 1234.dkr.ecr.eu-west-1.amazonaws.com/orders-api@sha256:${'a'.repeat(64)}`,
        '',
      ].join('\n'),
    );
    expect(result.folders.find((f) => f.name === 'gke')).toMatchObject({ changed: [], added: [], removed: [], unchanged: 1 });
  });

  test('objects are matched by identity, not by file name', () => {
    // GIVEN the same Service written to another file
    const after: Record<string, string> = { ...BEFORE, 'gke/svc.yaml': service };
    delete after['gke/service-orders-api.yaml'];
    // WHEN / THEN
    expect(diffTrees(BEFORE, after).identical).toBe(true);
  });

  test('key order and formatting do not count as changes', () => {
    const reordered = 'kind: Service\napiVersion: v1\nmetadata: { namespace: shop, name: orders-api }\nspec:\n  ports: [{ port: 80 }]\n';
    expect(diffTrees(BEFORE, { ...BEFORE, 'gke/service-orders-api.yaml': reordered }).identical).toBe(true);
  });

  test('a ConfigMap whose content hash changed reads as one change, not a removal and an addition', () => {
    // GIVEN
    const after: Record<string, string> = {
      ...BEFORE,
      'eks/configmap-orders-api-config-0123abcd45.yaml': configMap('orders-api-config-0123abcd45', 'debug'),
    };
    delete after['eks/configmap-orders-api-config-941618b32d.yaml'];
    // WHEN
    const eks = diffTrees(BEFORE, after).folders.find((f) => f.name === 'eks')!;
    // THEN
    expect(eks.added).toEqual([]);
    expect(eks.removed).toEqual([]);
    expect(eks.changed.map((c) => [c.renamedFrom, c.id])).toEqual([
      ['ConfigMap shop/orders-api-config-941618b32d', 'ConfigMap shop/orders-api-config-0123abcd45'],
    ]);
    expect(eks.changed[0].diff).toContain('-  LOG_LEVEL: info\n+  LOG_LEVEL: debug');
  });

  test('added and removed objects and folders are listed; other files compare as text', () => {
    // GIVEN
    const after: Record<string, string> = {
      ...BEFORE,
      'eks/kustomization.yaml': kustomization('deployment-orders-api.yaml'),
      'aks/service-orders-api.yaml': service,
      'ci/deploy-eks.yml': 'name: deploy-eks\non: push\n',
    };
    delete after['eks/service-orders-api.yaml'];
    delete after['gke/service-orders-api.yaml'];
    // WHEN
    const result = diffTrees(BEFORE, after);
    const byName = Object.fromEntries(result.folders.map((f) => [f.name, f]));
    // THEN
    expect(Object.keys(byName)).toEqual(['aks', 'ci', 'eks', 'gke']);
    expect(byName.aks.added.map((e) => e.id)).toEqual(['Service shop/orders-api']);
    expect(byName.ci.added).toEqual([
      { id: 'ci/deploy-eks.yml', file: 'ci/deploy-eks.yml', isObject: false, text: 'name: deploy-eks\non: push\n' },
    ]);
    expect(byName.gke.removed.map((e) => e.id)).toEqual(['Service shop/orders-api']);
    expect(byName.eks.removed.map((e) => e.id)).toEqual(['Service shop/orders-api']);
    expect(byName.eks.changed.map((c) => c.id)).toEqual(['eks/kustomization.yaml']);
    expect(byName.eks.changed[0].diff).toContain('-  - configmap-orders-api-config-941618b32d.yaml\n');
  });

  test('the report names every folder and marks each difference', () => {
    // GIVEN
    const after: Record<string, string> = {
      ...BEFORE,
      'eks/deployment-orders-api.yaml': deployment('ghcr.io/acme/orders-api:1.4.2', 3),
      'aks/service-orders-api.yaml': service,
    };
    delete after['gke/service-orders-api.yaml'];
    // WHEN
    const report = formatReport(diffTrees(BEFORE, after), { prefix: 'dist/' });
    // THEN
    expect(report).toBe(
      [
        'dist/aks: 0 changed, 1 added, 0 removed, 0 unchanged',
        '  + Service shop/orders-api  (aks/service-orders-api.yaml)',
        'dist/eks: 1 changed, 0 added, 0 removed, 3 unchanged',
        '  ~ apps/Deployment shop/orders-api',
        '      --- a/eks/deployment-orders-api.yaml',
        '      +++ b/eks/deployment-orders-api.yaml',
        '      @@ -4,7 +4,7 @@',
        '         name: orders-api',
        '         namespace: shop',
        '       spec:',
        '      -  replicas: 2',
        '      +  replicas: 3',
        '         template:',
        '           spec:',
        '             containers:',
        'dist/gke: 0 changed, 0 added, 1 removed, 0 unchanged',
        '  - Service shop/orders-api  (gke/service-orders-api.yaml)',
        'Differences found.',
        '',
      ].join('\n'),
    );
  });
});

describe('unifiedDiff and parseObjects', () => {
  test('equal texts have no diff; distant changes get separate hunks', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const b = a.replace('line 2\n', 'line two\n').replace('line 19', 'line nineteen');
    expect(unifiedDiff(a, a)).toBe('');
    expect(unifiedDiff(a, b).match(/^@@ .* @@$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -16,5 +16,5 @@']);
  });

  test('a text with one non-object document is not a set of objects', () => {
    expect(parseObjects(`${service}---\nfoo: bar\n`)).toBeNull();
    expect(parseObjects(`${service}---\n${service}`)).toHaveLength(2);
    expect(parseObjects('key: [unclosed')).toBeNull();
  });
});

describe('scripts/diff-dist.js', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-dist-test-'));
    const write = (root: string, files: Record<string, string>) => {
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, root, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, root, rel), text);
      }
    };
    write('before', BEFORE);
    write('same', BEFORE);
    write('after', { ...BEFORE, 'eks/deployment-orders-api.yaml': deployment('ghcr.io/acme/orders-api:1.5.0') });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });

  test('exits 0 and says so when nothing differs', () => {
    const result = run('--before', path.join(dir, 'before'), '--after', path.join(dir, 'same'));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('dist/eks: identical (4 unchanged)\ndist/gke: identical (1 unchanged)\nNo differences.\n');
  });

  test('exits 1 with the per-object diff when something differs', () => {
    const result = run('--before', path.join(dir, 'before'), '--after', path.join(dir, 'after'));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('dist/eks: 1 changed, 0 added, 0 removed, 3 unchanged\n  ~ apps/Deployment shop/orders-api\n');
    expect(result.stdout).toContain(
      '      -          image: ghcr.io/acme/orders-api:1.4.2\n      +          image: ghcr.io/acme/orders-api:1.5.0\n',
    );
  });

  test('exits 2 on a bad argument or a missing folder', () => {
    const bad = run('--colour');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("diff-dist: unknown argument '--colour'\nusage: node scripts/diff-dist.js");
    const missing = run('--before', path.join(dir, 'nope'), '--after', path.join(dir, 'same'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`diff-dist: ${path.join(dir, 'nope')} is not a folder`);
  });

  test('reads the base side from git when no folder is given', () => {
    // The repository's committed dist/ against itself: whatever HEAD holds, it equals itself.
    const root = path.resolve(path.dirname(SCRIPT), '..');
    const head = spawnSync('git', ['rev-parse', '--verify', 'HEAD'], { encoding: 'utf8', cwd: root });
    if (head.status !== 0) return; // not a git checkout (e.g. an exported tarball)
    const exported = fs.mkdtempSync(path.join(dir, 'head-'));
    const tar = spawnSync('sh', ['-c', `git archive HEAD dist | tar -x -C "${exported}"`], { cwd: root });
    expect(tar.status).toBe(0);
    const result = run('--base', 'HEAD', '--after', path.join(exported, 'dist'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
