/**
 * Rendering validates an app once, however many charts it has: cdk8s's
 * `chart.toJson()` validates the whole app on every call, so rendering chart by
 * chart through it would validate it once per chart. Guarded by counting
 * validations (`node.validate()` calls), not by a clock. The objects and their
 * order stay exactly those of `chart.toJson()`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Node } from 'constructs';
import { chartObjects } from '../src/chart-objects';
import { StagedFolders, publish, render } from '../src/synth';
import { CloudProfile, PythonMicroservice, PythonServer } from '../src';

/** `n` services, all in one chart or each in a chart of its own. */
function defineApp(n: number, charts: 'one chart' | 'a chart per service'): App {
  const app = new App({ outdir: '/nonexistent' });
  const shared = new Chart(app, 'shop', { namespace: 'shop' });
  for (let i = 0; i < n; i++) {
    const chart = charts === 'a chart per service' ? new Chart(app, `chart-${i}`, { namespace: 'shop' }) : shared;
    new PythonMicroservice(chart, `svc-${i}`, {
      image: `ghcr.io/acme/svc-${i}:1.0.${i}`,
      server: PythonServer.uvicorn({ app: 'app.main:app' }),
      health: { readiness: '/readyz', liveness: '/livez' },
      profile: CloudProfile.eks({ roleArn: `arn:aws:iam::111122223333:role/svc-${i}` }),
    });
  }
  return app;
}

/** Validations `f` runs: calls of `node.validate()`, on any construct. */
function countValidations(f: () => void): number {
  const original = Node.prototype.validate;
  let calls = 0;
  const spy = jest.spyOn(Node.prototype, 'validate').mockImplementation(function (this: Node) {
    calls++;
    return original.apply(this);
  });
  try {
    f();
  } finally {
    spy.mockRestore();
  }
  return calls;
}

describe('render() validates each construct once, whatever the number of charts', () => {
  test.each([1, 10])('%i service(s), each in a chart of its own, as many validations as constructs', (n) => {
    // GIVEN
    const app = defineApp(n, 'a chart per service');
    const constructs = app.node.findAll().length;

    // WHEN
    const validations = countValidations(() => expect(render([{ cloud: 'eks', app }]).errors).toEqual([]));

    // THEN: once per construct (validating the app again per chart would make it about n + 1 times as many)
    expect(validations).toBe(constructs);
  });

  test('ten charts cost the validations of one chart holding the same services', () => {
    // GIVEN
    const one = defineApp(10, 'one chart');
    const ten = defineApp(10, 'a chart per service');

    // WHEN
    const inOne = countValidations(() => render([{ cloud: 'eks', app: one }]));
    const inTen = countValidations(() => render([{ cloud: 'eks', app: ten }]));

    // THEN: the ten charts of their own are ten more constructs, nothing more
    expect(inTen - inOne).toBe(10);
  });
});

/**
 * Nested charts, a chart depending on another through a construct dependency,
 * and objects depending on objects created after them: everything cdk8s's
 * dependency resolution and topological order act on.
 */
function tangledApp(): App {
  const app = new App({ outdir: '/nonexistent' });
  const object = (scope: Chart, id: string, kind = 'ConfigMap') =>
    new ApiObject(scope, id, { apiVersion: 'v1', kind, metadata: { name: id.toLowerCase() } });
  const base = new Chart(app, 'base');
  const front = new Chart(app, 'front');
  const nested = new Chart(front, 'nested');
  const a = object(base, 'A');
  const b = object(base, 'B');
  a.node.addDependency(b);
  const c = object(front, 'C', 'Secret');
  const d = object(front, 'D');
  const e = object(nested, 'E');
  c.node.addDependency(a);
  d.node.addDependency(e);
  object(front, 'F').node.addDependency(c);
  return app;
}

describe('chartObjects()', () => {
  test("gives every chart's objects in the order chart.toJson() gives them", () => {
    // GIVEN two identical apps
    const ours = tangledApp();
    const theirs = tangledApp();

    // WHEN one is rendered through chartObjects() and the other through cdk8s's chart.toJson()
    const rendered = chartObjects(ours).map(({ chart, apiObjects }) => [chart.node.path, apiObjects.map((o) => o.toJson())]);
    const expected = theirs.charts.map((chart) => [chart.node.path, chart.toJson()]);

    // THEN
    expect(rendered).toEqual(expected);
    // ...each object after those it depends on (B before A, C before F)
    expect(
      rendered.map(([chart, objects]) => [chart, (objects as Array<{ metadata: { name: string } }>).map((o) => o.metadata.name)]),
    ).toEqual([
      ['base', ['b', 'a']],
      ['front', ['d', 'c', 'f']],
      ['front/nested', ['e']],
    ]);
  });

  test('resolves the dependencies cdk8s infers, so a later chart.toJson() sees the same graph', () => {
    // GIVEN
    const app = tangledApp();

    // WHEN
    const rendered = chartObjects(app);

    // THEN: the front chart depends on the base chart (C depends on A) and on the chart nested in it...
    const front = rendered.find(({ chart }) => chart.node.path === 'front')!.chart;
    expect(front.node.dependencies.map((d) => d.node.path).sort()).toEqual(['base', 'front/nested']);
    // ...and cdk8s, resolving again, finds the same objects in the same order
    for (const { chart, apiObjects } of rendered) expect(chart.toJson()).toEqual(apiObjects.map((o) => o.toJson()));
  });
});

describe('publish()', () => {
  test('makes each folder once, not once per file', () => {
    // GIVEN 40 files in 2 folders
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
    const files = new Map<string, string>();
    for (let i = 0; i < 40; i++) files.set(`${i % 2 === 0 ? 'eks' : 'gke'}/configmap-${i}.yaml`, `n: ${i}\n`);
    // The module object itself (the namespace import's properties cannot be redefined).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mkdir = jest.spyOn(require('fs') as typeof fs, 'mkdirSync');
    try {
      // WHEN
      publish(files, path.join(root, 'dist'));

      // THEN
      expect(mkdir).toHaveBeenCalledTimes(2);
      expect(fs.readFileSync(path.join(root, 'dist', 'gke', 'configmap-39.yaml'), 'utf8')).toBe('n: 39\n');
      expect(fs.readdirSync(path.join(root, 'dist', 'eks'))).toHaveLength(20);
    } finally {
      mkdir.mockRestore();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('render() into a sink', () => {
  test('writes each file as soon as it is rendered and keeps neither the text nor the objects', () => {
    // GIVEN 3 services (7 objects each, some more for the namespace's checks)
    const app = defineApp(3, 'one chart');
    let rendered = 0;
    const seenWhenWritten: number[] = [];
    const plans: Array<[string, number]> = [];

    // WHEN
    const r = render([{ cloud: 'eks', app }], {
      onObject: () => rendered++,
      sink: { write: () => seenWhenWritten.push(rendered) },
      onTarget: (cloud, objects) => plans.push([cloud, objects.length]),
    });

    // THEN the first file went out after the first object, long before the last one
    expect(r.errors).toEqual([]);
    expect(seenWhenWritten[0]).toBe(1);
    expect(seenWhenWritten).toHaveLength(r.objectCount + 1); // and the kustomization
    expect(plans).toEqual([['eks', r.objectCount]]);
    expect(r.files.size).toBe(0);
    expect(r.objects.size).toBe(0);
  });
});

describe('StagedFolders', () => {
  test('commit swaps every destination at once; discard leaves them and nothing beside them', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'staged-'));
    try {
      // GIVEN two destinations, one with an earlier file
      const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
      fs.mkdirSync(a);
      fs.writeFileSync(path.join(a, 'old.yaml'), 'old');

      // WHEN a rendering is discarded
      const discarded = new StagedFolders([a, b]);
      discarded.write('eks/x.yaml', 'x: 1\n');
      discarded.discard();
      // THEN nothing changed
      expect(fs.readdirSync(root)).toEqual(['a']);
      expect(fs.readdirSync(a)).toEqual(['old.yaml']);

      // WHEN one is committed
      const committed = new StagedFolders([a, b, a]);
      committed.write('eks/x.yaml', 'x: 2\n');
      committed.commit();
      // THEN both hold exactly its files
      expect(fs.readdirSync(root).sort()).toEqual(['a', 'b']);
      for (const dest of [a, b]) {
        expect(fs.readdirSync(dest)).toEqual(['eks']);
        expect(fs.readFileSync(path.join(dest, 'eks', 'x.yaml'), 'utf8')).toBe('x: 2\n');
      }
      expect(committed.written).toEqual(['eks/x.yaml']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('writes each file once and links it into the other destinations; a path written twice holds its last content in both', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'staged-'));
    try {
      // GIVEN two destinations (CDK8S_OUTDIR and the app's folder) and a path written twice
      const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
      const folders = new StagedFolders([a, b]);
      folders.write('eks/x.yaml', 'x: 1\n');
      folders.write('eks/y.yaml', 'y: 1\n');
      folders.write('eks/x.yaml', 'x: 2\n');
      folders.commit();
      // THEN both hold the same files, each one file on disk with two names
      for (const f of ['x.yaml', 'y.yaml']) {
        const [sa, sb] = [fs.statSync(path.join(a, 'eks', f)), fs.statSync(path.join(b, 'eks', f))];
        expect(sa.ino).toBe(sb.ino);
        expect(sa.nlink).toBe(2);
      }
      expect(fs.readFileSync(path.join(b, 'eks', 'x.yaml'), 'utf8')).toBe('x: 2\n');
      expect(fs.readFileSync(path.join(a, 'eks', 'x.yaml'), 'utf8')).toBe('x: 2\n');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a destination that refuses a link (another device) gets its files written, and no link is tried again', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'staged-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const link = jest.spyOn(require('fs') as typeof fs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
    });
    try {
      // GIVEN a second destination on "another device"
      const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
      const folders = new StagedFolders([a, b]);
      for (const f of ['x', 'y', 'z']) folders.write(`eks/${f}.yaml`, `${f}: 1\n`);
      folders.commit();
      // THEN it holds copies, after a single refused link
      expect(link).toHaveBeenCalledTimes(1);
      for (const f of ['x', 'y', 'z']) {
        expect(fs.readFileSync(path.join(b, 'eks', `${f}.yaml`), 'utf8')).toBe(`${f}: 1\n`);
        expect(fs.statSync(path.join(b, 'eks', `${f}.yaml`)).nlink).toBe(1);
      }
    } finally {
      link.mockRestore();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('writes in batches of a few megabytes: a big rendering is on disk before the commit, the last batch at the commit', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'staged-'));
    try {
      // GIVEN six files of 1 MiB each
      const dest = path.join(root, 'dist');
      const folders = new StagedFolders([dest]);
      const staged = () => (fs.existsSync(`${dest}.next/eks`) ? fs.readdirSync(`${dest}.next/eks`).length : 0);
      const held: number[] = [];
      for (let i = 0; i < 6; i++) {
        // WHEN each is written
        folders.write(`eks/f${i}.yaml`, 'x'.repeat(1024 * 1024));
        held.push(i + 1 - staged());
      }
      // THEN the first four went to disk together, and no more than four were ever held
      expect(held).toEqual([1, 2, 3, 0, 1, 2]);
      // AND the commit writes the rest before the swap
      folders.commit();
      expect(fs.readdirSync(path.join(dest, 'eks')).sort()).toEqual(['f0.yaml', 'f1.yaml', 'f2.yaml', 'f3.yaml', 'f4.yaml', 'f5.yaml']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a batch that cannot be written at the commit leaves the destination as it was and nothing beside it', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'staged-'));
    try {
      // GIVEN a destination with a file, and a rendering whose second file needs a folder where the first is a file
      const dest = path.join(root, 'dist');
      fs.mkdirSync(dest);
      fs.writeFileSync(path.join(dest, 'old.yaml'), 'old');
      const folders = new StagedFolders([dest]);
      folders.write('eks', 'a file\n');
      folders.write('eks/x.yaml', 'x: 1\n');

      // WHEN it is committed, THEN the file system's error comes out
      expect(() => folders.commit()).toThrow(/ENOTDIR|EEXIST/);
      // AND nothing changed
      expect(fs.readdirSync(root)).toEqual(['dist']);
      expect(fs.readdirSync(dest)).toEqual(['old.yaml']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
