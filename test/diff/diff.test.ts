import { FieldFilter, diffFields } from '../../src/diff/fields';
import { formatReport, shown } from '../../src/diff/report';
import { ChangeKind, diffItems, diffTrees, targetFolders } from '../../src/diff/tree';

const deployment = (image: string, replicas = 2, extra = '') =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: orders-api',
    '  namespace: shop',
    '  labels:',
    '    app.kubernetes.io/version: "1"',
    'spec:',
    `  replicas: ${replicas}`,
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    `          image: ${image}`,
    extra,
  ].join('\n');

const configMap = (name: string, level: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\ndata:\n  LOG_LEVEL: ${level}\n`;
const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: orders-api\n  namespace: shop\nspec:\n  ports:\n    - port: 80\n';
const kustomization = (...resources: string[]) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;

const BEFORE = new Map(
  Object.entries({
    'eks/deployment-orders-api.yaml': deployment('ghcr.io/acme/orders-api:1.4.2'),
    'eks/configmap-orders-api-config-941618b32d.yaml': configMap('orders-api-config-941618b32d', 'info'),
    'eks/service-orders-api.yaml': service,
    'eks/kustomization.yaml': kustomization(
      'configmap-orders-api-config-941618b32d.yaml',
      'deployment-orders-api.yaml',
      'service-orders-api.yaml',
    ),
    'gke/service-orders-api.yaml': service,
  }),
);

const changed = (entries: Record<string, string | undefined>) => {
  const tree = new Map(BEFORE);
  for (const [file, text] of Object.entries(entries)) {
    if (text === undefined) tree.delete(file);
    else tree.set(file, text);
  }
  return tree;
};

describe('diffFields', () => {
  test('a changed scalar is one field, named by its path', () => {
    expect(diffFields({ spec: { replicas: 2 } }, { spec: { replicas: 3 } })).toEqual([{ path: 'spec.replicas', before: 2, after: 3 }]);
  });

  test('list elements are matched by name, not by index: a reordered list with one changed image is that image and the new order', () => {
    // GIVEN two containers whose order swapped, one with a new image
    const before = {
      containers: [
        { name: 'app', image: 'a:1' },
        { name: 'proxy', image: 'p:1' },
      ],
    };
    const after = {
      containers: [
        { name: 'proxy', image: 'p:1' },
        { name: 'app', image: 'a:2' },
      ],
    };
    // WHEN / THEN
    expect(diffFields(before, after)).toEqual([
      { path: 'containers', before: ['app', 'proxy'], after: ['proxy', 'app'], reordered: true },
      { path: 'containers[app].image', before: 'a:1', after: 'a:2' },
    ]);
  });

  test('env vars are matched by name; volume mounts by mount path', () => {
    const before = {
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'tmp', mountPath: '/var/tmp' },
      ],
    };
    const after = {
      env: [
        { name: 'B', value: '2' },
        { name: 'A', value: '1' },
        { name: 'C', value: '3' },
      ],
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp', readOnly: true },
        { name: 'tmp', mountPath: '/var/tmp' },
      ],
    };
    expect(diffFields(before, after)).toEqual([
      { path: 'env', before: ['A', 'B'], after: ['B', 'A'], reordered: true },
      { path: 'env[C]', before: undefined, after: { name: 'C', value: '3' } },
      { path: 'volumeMounts[mountPath=/tmp].readOnly', before: undefined, after: true },
    ]);
  });

  test('a key that is not a plain word is quoted; an added or removed field reads (absent)', () => {
    const fields = diffFields(
      { metadata: { labels: { 'app.kubernetes.io/version': '1.4.2' } } },
      { metadata: { labels: { 'app.kubernetes.io/version': '1.4.3', team: 'orders' } } },
    );
    expect(fields).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/version"]', before: '1.4.2', after: '1.4.3' },
      { path: 'metadata.labels.team', before: undefined, after: 'orders' },
    ]);
  });

  test('an element inserted into an unnamed list is one addition, not a shift of every later element', () => {
    // GIVEN ingress rules (no name to match them by), a new one inserted second
    const before = {
      rules: [{ host: 'a' }, { host: 'b' }, { host: 'c' }].map((r) => ({
        ...r,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'x', port: { number: 80 } } } }] },
      })),
    };
    const after = { rules: [before.rules[0], { host: 'new', http: before.rules[0].http }, before.rules[1], before.rules[2]] };
    // WHEN / THEN: the new element, too long for one line, is shown field by field
    expect(diffFields(before, after)).toEqual([
      { path: 'rules[1].host', before: undefined, after: 'new' },
      { path: 'rules[1].http.paths', before: undefined, after: before.rules[0].http.paths },
    ]);
    // and a short one whole
    expect(diffFields({ tolerations: [{ key: 'a' }, { key: 'b' }] }, { tolerations: [{ key: 'a' }, { key: 'z' }, { key: 'b' }] })).toEqual([
      { path: 'tolerations[1]', before: undefined, after: { key: 'z' } },
    ]);
  });

  test('a short list of scalars reads whole', () => {
    expect(diffFields({ args: ['--workers', '2'] }, { args: ['--workers', '3'] })).toEqual([
      { path: 'args', before: ['--workers', '2'], after: ['--workers', '3'] },
    ]);
  });

  test('ignored paths: a prefix covers what is under it, * one segment, ** any number', () => {
    const before = { metadata: { annotations: { a: '1' } }, spec: { rules: [{ host: 'staging.example.com' }], replicas: 1 } };
    const after = { metadata: { annotations: { a: '2' } }, spec: { rules: [{ host: 'example.com' }], replicas: 2 } };
    expect(diffFields(before, after, new FieldFilter(['metadata.annotations', 'spec.rules[*].host'])).map((f) => f.path)).toEqual([
      'spec.replicas',
    ]);
    expect(diffFields(before, after, new FieldFilter(['**.host', 'spec.replicas'])).map((f) => f.path)).toEqual(['metadata.annotations.a']);
    expect(diffFields(before, after, new FieldFilter(['spec.rule'])).map((f) => f.path)).toEqual([
      'metadata.annotations.a',
      'spec.rules[0].host',
      'spec.replicas',
    ]);
  });
});

describe('diffTrees', () => {
  test('identical trees are identical, folder by folder', () => {
    const result = diffTrees(BEFORE, new Map(BEFORE));
    expect(result.identical).toBe(true);
    expect(result.folders.map((f) => [f.name, f.unchanged])).toEqual([
      ['eks', 4],
      ['gke', 1],
    ]);
  });

  test('objects are matched by identity, not by file name; key order and YAML style do not count', () => {
    const reordered = 'kind: Service\napiVersion: v1\nmetadata: { namespace: shop, name: orders-api }\nspec:\n  ports: [{ port: 80 }]\n';
    expect(diffTrees(BEFORE, changed({ 'gke/service-orders-api.yaml': undefined, 'gke/svc.yaml': reordered })).identical).toBe(true);
  });

  test('a ConfigMap whose content hash changed is one replacement, with the field that moved', () => {
    // GIVEN
    const after = changed({
      'eks/configmap-orders-api-config-941618b32d.yaml': undefined,
      'eks/configmap-orders-api-config-0123abcd45.yaml': configMap('orders-api-config-0123abcd45', 'debug'),
    });
    // WHEN
    const eks = diffTrees(BEFORE, after).folders.find((f) => f.name === 'eks')!;
    // THEN
    const cm = eks.changes.filter((c) => c.label.startsWith('ConfigMap'));
    expect(cm).toEqual([
      {
        kind: ChangeKind.REPLACED,
        label: 'ConfigMap shop/orders-api-config-0123abcd45',
        replaces: 'ConfigMap shop/orders-api-config-941618b32d',
        file: 'eks/configmap-orders-api-config-0123abcd45.yaml',
        isObject: true,
        fields: [{ path: 'data.LOG_LEVEL', before: 'info', after: 'debug' }],
      },
    ]);
  });

  test('a hash followed by a fixed suffix (the wait Role named after its Job) is a replacement too', () => {
    // GIVEN the Role of one migration Job, then of the next
    const role = (job: string) =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ${job}-wait\n  namespace: shop\nrules:\n  - apiGroups: [batch]\n    resources: [jobs]\n    resourceNames: [${job}]\n    verbs: [get]\n`;
    const before = new Map([['eks/role.yaml', role('orders-migrate-6eff90a9')]]);
    const after = new Map([['eks/role.yaml', role('orders-migrate-d8967f9c')]]);
    // WHEN
    const [change] = diffTrees(before, after).folders[0].changes;
    // THEN one replacement, whose only field is the Job it names
    expect(change).toEqual({
      kind: ChangeKind.REPLACED,
      label: 'Role shop/orders-migrate-d8967f9c-wait',
      replaces: 'Role shop/orders-migrate-6eff90a9-wait',
      file: 'eks/role.yaml',
      isObject: true,
      fields: [{ path: 'rules[0].resourceNames', before: ['orders-migrate-6eff90a9'], after: ['orders-migrate-d8967f9c'] }],
    });
  });

  test('an old object of the release history is said to be kept in the cluster, replaced or removed', () => {
    // GIVEN ConfigMaps labelled as release history: one replaced, one gone from the folder
    const kept = (name: string, level: string) =>
      configMap(name, level).replace('  namespace: shop\n', '  namespace: shop\n  labels:\n    pyservice.dev/release-history: "true"\n');
    const before = new Map([
      ['a/cm.yaml', kept('api-config-941618b32d', 'info')],
      ['a/old.yaml', kept('old-config-0a1b2c3d4e', 'info')],
    ]);
    const after = new Map([['a/cm.yaml', kept('api-config-0123abcd45', 'debug')]]);
    // WHEN
    const result = diffTrees(before, after);
    // THEN
    expect(result.folders[0].changes.map((c) => [c.kind, c.kept])).toEqual([
      [ChangeKind.REPLACED, true],
      [ChangeKind.REMOVED, true],
    ]);
    expect(formatReport(result)).toContain(
      [
        '  -/+ ConfigMap shop/api-config-941618b32d → shop/api-config-0123abcd45 (replaced: the name holds a hash of the content, so a new ConfigMap is created and the old one kept as release history)',
        '      data.LOG_LEVEL: info → debug',
        '  - ConfigMap shop/old-config-0a1b2c3d4e  (old.yaml; kept in the cluster as release history)',
      ].join('\n'),
    );
  });

  test('a name that merely ends in hex letters is not a content hash: removed and added', () => {
    const after = changed({
      'gke/service-orders-api.yaml': undefined,
      'gke/service-x.yaml': service.replace('name: orders-api', 'name: orders-cafe'),
    });
    const before = new Map(
      [...BEFORE].map(([f, t]) => [f, f === 'gke/service-orders-api.yaml' ? service.replace('name: orders-api', 'name: orders-beef') : t]),
    );
    expect(
      diffTrees(before, after)
        .folders.find((f) => f.name === 'gke')!
        .changes.map((c) => c.kind),
    ).toEqual([ChangeKind.REMOVED, ChangeKind.ADDED]);
  });

  test('added and removed objects and folders are listed; other files compare as text or by field', () => {
    // GIVEN
    const after = changed({
      'eks/service-orders-api.yaml': undefined,
      'eks/kustomization.yaml': kustomization('configmap-orders-api-config-941618b32d.yaml', 'deployment-orders-api.yaml'),
      'gke/service-orders-api.yaml': undefined,
      'aks/service-orders-api.yaml': service,
      'container/api/Dockerfile': 'FROM python:3.12\nUSER 10001\n',
    });
    const before = new Map([...BEFORE, ['container/api/Dockerfile', 'FROM python:3.11\nUSER 10001\n']]);
    // WHEN
    const byName = Object.fromEntries(diffTrees(before, after).folders.map((f) => [f.name, f.changes]));
    // THEN
    expect(Object.keys(byName)).toEqual(['aks', 'container/api', 'eks', 'gke']);
    expect(byName.aks.map((c) => [c.kind, c.label])).toEqual([[ChangeKind.ADDED, 'Service shop/orders-api']]);
    expect(byName.gke.map((c) => [c.kind, c.label])).toEqual([[ChangeKind.REMOVED, 'Service shop/orders-api']]);
    expect(byName['container/api']).toEqual([
      {
        kind: ChangeKind.CHANGED,
        label: 'Dockerfile',
        file: 'container/api/Dockerfile',
        isObject: false,
        fields: [{ path: '', before: 'FROM python:3.11\nUSER 10001\n', after: 'FROM python:3.12\nUSER 10001\n' }],
      },
    ]);
    expect(byName.eks.map((c) => [c.kind, c.label, c.fields.map((f) => f.path)])).toEqual([
      [ChangeKind.REMOVED, 'Service shop/orders-api', []],
      [ChangeKind.CHANGED, 'kustomization.yaml', ['resources']],
    ]);
  });

  test('two folders of one tree compare object by object (targets)', () => {
    const { changes, unchanged } = diffItems([['a.yaml', deployment('x:1', 2)]], [['b.yaml', deployment('x:1', 5)]]);
    expect([changes.map((c) => [c.label, c.fields.map((f) => `${f.path}: ${String(f.before)} → ${String(f.after)}`)]), unchanged]).toEqual([
      [['Deployment shop/orders-api', ['spec.replicas: 2 → 5']]],
      0,
    ]);
  });

  test('the targets of an output are the folders that hold a kustomization', () => {
    expect(targetFolders(new Map([...BEFORE, ['prod/kustomization.yaml', ''], ['ci/deploy.yml', '']]))).toEqual(['eks', 'prod']);
  });
});

describe('formatReport', () => {
  test('reads like a plan: counts per folder, + - ~ per object, a line per moved field, a summary', () => {
    // GIVEN
    const after = changed({
      'eks/deployment-orders-api.yaml': deployment('ghcr.io/acme/orders-api:1.4.3', 3),
      'gke/service-orders-api.yaml': undefined,
      'aks/service-orders-api.yaml': service,
    });
    // WHEN
    const report = formatReport(diffTrees(BEFORE, after), { prefix: 'dist/' });
    // THEN
    expect(report).toBe(
      [
        'dist/aks: 1 added, 0 unchanged',
        '  + Service shop/orders-api  (service-orders-api.yaml)',
        'dist/eks: 1 changed, 3 unchanged',
        '  ~ Deployment shop/orders-api',
        '      spec.replicas: 2 → 3',
        '      spec.template.spec.containers[app].image: ghcr.io/acme/orders-api:1.4.2 → ghcr.io/acme/orders-api:1.4.3',
        'dist/gke: 1 removed, 0 unchanged',
        '  - Service shop/orders-api  (service-orders-api.yaml)',
        'Differences: 1 added, 1 changed, 1 removed, in 3 of 3 folders.',
        '',
      ].join('\n'),
    );
  });

  test('a replacement says that a new object is created and the old one removed; a text file shows its lines', () => {
    const after = changed({
      'eks/configmap-orders-api-config-941618b32d.yaml': undefined,
      'eks/configmap-orders-api-config-0123abcd45.yaml': configMap('orders-api-config-0123abcd45', 'debug'),
    });
    const before = new Map([...BEFORE, ['container/Dockerfile', 'FROM python:3.11\nUSER 10001\n']]);
    const report = formatReport(diffTrees(before, new Map([...after, ['container/Dockerfile', 'FROM python:3.12\nUSER 10001\n']])));
    expect(report).toContain(
      [
        'eks: 1 replaced, 3 unchanged',
        '  -/+ ConfigMap shop/orders-api-config-941618b32d → shop/orders-api-config-0123abcd45 (replaced: the name holds a hash of the content, so a new ConfigMap is created and the old one removed)',
        '      data.LOG_LEVEL: info → debug',
      ].join('\n'),
    );
    expect(report).toContain(
      'container: 1 changed, 0 unchanged\n  ~ Dockerfile\n      @@ -1,2 +1,2 @@\n      -FROM python:3.11\n      +FROM python:3.12\n       USER 10001\n',
    );
  });

  test('a label that moved the same way on several objects is said once, with the objects that have no other change counted', () => {
    const bump = (text: string) => text.replace('namespace: shop\n', 'namespace: shop\n  labels:\n    app.kubernetes.io/version: "2"\n');
    const before = new Map([
      ['a/svc.yaml', bump(service).replace('"2"', '"1"')],
      ['a/cm.yaml', bump(configMap('c', 'info')).replace('"2"', '"1"')],
      ['a/d.yaml', deployment('x:1')],
    ]);
    const after = new Map([
      ['a/svc.yaml', bump(service)],
      ['a/cm.yaml', bump(configMap('c', 'info'))],
      ['a/d.yaml', deployment('x:2').replace('version: "1"', 'version: "2"')],
    ]);
    expect(formatReport(diffTrees(before, after))).toBe(
      [
        'a: 3 changed, 0 unchanged',
        '  ~ label app.kubernetes.io/version: "1" → "2", on 3 objects',
        '    (for 2 of them, the only change)',
        '  ~ Deployment shop/orders-api',
        '      spec.template.spec.containers[app].image: x:1 → x:2',
        'Differences: 3 changed, in 1 of 1 folder.',
        '',
      ].join('\n'),
    );
  });

  test('identical trees say so per folder', () => {
    expect(formatReport(diffTrees(BEFORE, BEFORE), { prefix: 'dist/' })).toBe(
      'dist/eks: no changes (4 unchanged)\ndist/gke: no changes (1 unchanged)\nNo differences in 2 folders.\n',
    );
  });

  test('long values are shortened: a string keeps its ends, a map its first entries', () => {
    const digest = `ghcr.io/acme/orders-api@sha256:${'a'.repeat(64)}`;
    expect(shown(`${digest}-and-more-text-to-make-it-long`)).toMatch(
      /^ghcr\.io\/acme\/orders-api@sha256:a+ … a+-and-more-text-to-make-it-long$/,
    );
    expect(shown(`${digest}-and-more-text-to-make-it-long`).length).toBeLessThanOrEqual(100);
    const service = {
      image: digest,
      command: ['celery', 'worker'],
      environment: { A: '1' },
      restart: 'unless-stopped',
      user: '10001:10001',
    };
    expect(shown(service)).toMatch(/^\{ image: ghcr\.io\/acme\/orders-api@sha256:a+ … a+, … 4 more \}$/);
    expect(shown([{ name: 'a', args: ['x'.repeat(200)] }, { name: 'b' }])).toMatch(
      /^\[ \{ name: a, args: \[ x+ … x+ \] \}, \{ name: b \} \]$/,
    );
  });
});
