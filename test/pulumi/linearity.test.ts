/**
 * The Pulumi components stay linear in the size of the tree they host: the
 * tree is validated once and never written as YAML, objects are ordered
 * without rescanning the ones left, and each Service finds its workload and
 * Ingresses through an index. Guarded by counting work, not by a clock.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { Node } from 'constructs';
import { CloudProfile, PythonMicroservice, PythonServer } from '../../src';
import { ManifestWriter } from '../../src/yaml';
import { Recorder, installMocks, registered } from './mocks';

const engine: Recorder = installMocks();
let lib: typeof import('../../src/pulumi');
let dependencies: typeof import('../../src/pulumi/dependencies');
let host: typeof import('../../src/pulumi/host');
beforeAll(async () => {
  lib = await import('../../src/pulumi');
  dependencies = await import('../../src/pulumi/dependencies');
  host = await import('../../src/pulumi/host');
});
beforeEach(() => engine.clear());

/** Counts calls of `object[method]` while `f` runs. */
function countCalls<T extends object>(object: T, method: keyof T & string, f: () => void): number {
  const original = object[method] as (...args: unknown[]) => unknown;
  let calls = 0;
  const spy = jest.spyOn(object, method as never).mockImplementation(function (this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  } as never);
  try {
    f();
  } finally {
    spy.mockRestore();
  }
  return calls;
}

/** `n` services in `charts` charts of one app. */
function defineServices(n: number, charts: number): (scope: import('constructs').Construct) => void {
  return (scope) => {
    const all = Array.from({ length: charts }, (_, c) => new Chart(scope, `chart-${c}`, { namespace: 'shop' }));
    for (let i = 0; i < n; i++) {
      new PythonMicroservice(all[i % charts], `svc-${i}`, {
        image: `ghcr.io/acme/svc-${i}:1.0.${i}`,
        server: PythonServer.uvicorn({ app: 'app.main:app' }),
        health: { readiness: '/readyz', liveness: '/livez' },
        profile: CloudProfile.eks({ roleArn: `arn:aws:iam::111122223333:role/svc-${i}` }),
      });
    }
  };
}

describe('Cdk8sComponent synthesizes its tree once', () => {
  test.each([1, 4])('%i chart(s): each construct validated once, no YAML written', async (charts) => {
    // GIVEN
    let constructs = 0;
    const define = defineServices(4, charts);

    // WHEN
    let component: import('../../src/pulumi').Cdk8sComponent | undefined;
    const yaml = countCalls(ManifestWriter.prototype, 'stringify', () => {
      const validations = countCalls(Node.prototype, 'validate', () => {
        component = new lib.Cdk8sComponent(`tree-${charts}`, { define });
      });
      constructs = component!.app.node.findAll().length;
      // THEN
      expect(validations).toBe(constructs);
    });
    expect(yaml).toBe(0);
    await registered([component!, ...Object.values(component!.resources)]);
    expect(component!.objects.length).toBeGreaterThan(0);
  });
});

/** A Set that counts how often it is read whole. */
class CountingSet extends Set<number> {
  public static reads = 0;
  public [Symbol.iterator](): SetIterator<number> {
    CountingSet.reads++;
    return super[Symbol.iterator]();
  }
  public forEach(f: (value: number, value2: number, set: Set<number>) => void): void {
    CountingSet.reads++;
    super.forEach(f);
  }
}

describe('topologicalOrder()', () => {
  /** The order it must keep: at every step, the first object whose dependencies are all placed. */
  function reference(deps: ReadonlyArray<ReadonlySet<number>>): number[] {
    const done = new Set<number>();
    const order: number[] = [];
    while (order.length < deps.length) {
      const next = deps.findIndex((d, i) => !done.has(i) && [...d].every((j) => done.has(j)));
      done.add(next);
      order.push(next);
    }
    return order;
  }

  test('keeps the order of always taking the first ready object', () => {
    // GIVEN pseudo-random acyclic graphs (edges point to objects with a higher index, shuffled)
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let g = 0; g < 20; g++) {
      const n = 1 + Math.floor(random() * 40);
      const rank = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
      const deps = Array.from({ length: n }, () => new Set<number>());
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (rank[i] < rank[j] && random() < 0.1) deps[i].add(j);

      // WHEN / THEN
      expect(dependencies.topologicalOrder(deps, String)).toEqual(reference(deps));
    }
  });

  test('reads each object’s dependencies once, however many objects there are', () => {
    // GIVEN 300 objects, each depending on the next one
    const n = 300;
    const deps = Array.from({ length: n }, (_, i) => new CountingSet(i + 1 < n ? [i + 1] : []));
    CountingSet.reads = 0;

    // WHEN
    const order = dependencies.topologicalOrder(deps, String);

    // THEN (rescanning the objects left at every step reads them about n * n / 2 times)
    expect(order).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i));
    expect(CountingSet.reads).toBeLessThanOrEqual(n);
  });

  test('still names the objects of a cycle', () => {
    const deps = [new Set([1]), new Set([0]), new Set<number>()];
    expect(() => dependencies.topologicalOrder(deps, (i) => `object-${i}`)).toThrow(
      /must not form a cycle; received \["object-0","object-1"\]/,
    );
  });
});

describe('hostTree() finds what each Service needs through an index', () => {
  /** `n` Deployments with their Services and one Ingress each, as tree objects whose manifests count reads of `kind`. */
  function tree(n: number) {
    let kindReads = 0;
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const objects = [];
    for (let i = 0; i < n; i++) {
      const labels = { app: `svc-${i}` };
      const manifests = [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: `svc-${i}`, namespace: 'shop' },
          spec: { template: { metadata: { labels }, spec: { serviceAccountName: `sa-${i}` } } },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, namespace: 'shop' }, spec: { selector: labels } },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: `svc-${i}`, namespace: 'shop' },
          spec: { rules: [{ host: `svc-${i}.example.com`, http: { paths: [{ backend: { service: { name: `svc-${i}` } } }] } }] },
        },
      ];
      for (const m of manifests) {
        new ApiObject(chart, `${m.kind}-${i}`, m);
        const counted = new Proxy(m, {
          get: (target, key) => {
            if (key === 'kind') kindReads++;
            return target[key as keyof typeof target];
          },
        });
        objects.push({ manifest: counted, path: `shop/${m.kind}-${i}`, id: `shop/${m.kind}/${m.metadata.name}`, dependsOn: [] });
      }
    }
    return { objects, reads: () => kindReads };
  }

  test.each([8, 16])('%i services: each manifest read a fixed number of times', async (n) => {
    // GIVEN
    const { objects, reads } = tree(n);
    const parent = new (await import('@pulumi/pulumi')).ComponentResource('test:index:Host', `host-${n}`, {});

    // WHEN
    const hosted = host.hostTree(parent, `host-${n}`, objects);

    const services = await new Promise<Record<string, import('../../src/pulumi').ServiceInfo>>((resolve) => hosted.services.apply(resolve));

    // THEN: no Service scans every object (that would read each manifest about n + 2 times)
    expect(reads() / objects.length).toBeLessThan(6);
    expect(services['shop/svc-3']).toEqual(
      expect.objectContaining({
        serviceAccount: 'sa-3',
        ingresses: [expect.objectContaining({ name: 'svc-3', hosts: ['svc-3.example.com'] })],
      }),
    );
  });
});
