/**
 * The one-walk rendering of cdk8s-plus-28's typed props (constructs/core/plain-json.ts)
 * against the generated mappers it stands in for: the tables it needs are read from
 * the mappers' own source, and every object of the example and the example systems
 * renders to the same JSON, key for key and in the same order, either way.
 */
import * as fs from 'fs';
import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { PyserviceApp } from 'pyservice-k8s';
import { NOT_PLAIN, TYPED_KINDS, TYPED_MAPS, TYPED_RENAMES, plainJson } from '../constructs/core/plain-json';
import { plainMetadata } from '../constructs/core/objects';
import { shopApp } from '../examples/shop/shop';
import { analyticsApp } from '../examples/systems/analytics';
import { boutiqueApp } from '../examples/systems/boutique-grpc';
import { fastapiApp } from '../examples/systems/fastapi-backend';
import { inventoryApp } from '../examples/systems/inventory-django';
import { airflowApp } from '../examples/systems/airflow';
import { paperlessApp } from '../examples/systems/paperless';

const MAPPERS = fs.readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.js'), 'utf8');

describe('the tables, read from the generated mappers (cdk8s-plus-28 lib/imports/k8s.js)', () => {
  test('every prop written under another name: each typed name has one JSON name, but `schema`, which only CRDs have', () => {
    const names = new Map<string, Set<string>>();
    for (const [, json, typed] of MAPPERS.matchAll(/'([^']+)': [^\n]*?obj\.([A-Za-z0-9_]+)/g)) {
      names.set(typed, (names.get(typed) ?? new Set()).add(json));
    }
    expect(names.size).toBeGreaterThan(600);
    const ambiguous = [...names].filter(([, json]) => json.size > 1).map(([typed, json]) => [typed, [...json].sort()]);
    expect(ambiguous).toEqual([['schema', ['$schema', 'schema']]]);
    for (const [typed, json] of names) if (json.size === 1) expect([typed, [...json]]).toEqual([typed, [TYPED_RENAMES[typed] ?? typed]]);
    expect(Object.keys(TYPED_RENAMES).filter((typed) => names.get(typed)?.size !== 1)).toEqual([]);
    // CRDs, the only kinds with the ambiguous name, are rendered by their own mapper.
    expect(TYPED_KINDS.has(k8s.KubeCustomResourceDefinition)).toBe(false);
    expect(TYPED_KINDS.has(k8s.KubeCustomResourceDefinitionList)).toBe(false);
  });

  test("every prop holding a map of the user's keys", () => {
    const maps = new Set([...MAPPERS.matchAll(/Object\.entries\(obj\.([A-Za-z0-9_]+)\)/g)].map((m) => m[1]));
    expect([...TYPED_MAPS].sort()).toEqual([...maps].sort());
  });

  test('values the mappers unwrap are IntOrString and Quantity only', () => {
    const types = fs.readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.d.ts'), 'utf8');
    const unwrapped = new Set<string>();
    for (const [, type, body] of MAPPERS.matchAll(/function toJson_(\w+)\(obj\) \{([\s\S]*?)\n\}/g)) {
      const declared = types.match(new RegExp(`export interface ${type} \\{([\\s\\S]*?)\\n\\}`))?.[1] ?? '';
      for (const [, field] of body.matchAll(/obj\.([A-Za-z0-9_]+)\?\.value/g)) {
        unwrapped.add(declared.match(new RegExp(`readonly ${field}\\??: (\\w+);`))?.[1] ?? `${type}.${field}: not found`);
      }
      // Values of maps: i[1]?.value
      for (const [, field] of body.matchAll(/'[^']+': \(\(obj\.([A-Za-z0-9_]+)\)[^\n]*i\[1\]\?\.value/g)) {
        unwrapped.add(
          declared.match(new RegExp(`readonly ${field}\\?: \\{\\s*\\[key: string\\]: (\\w+);`))?.[1] ?? `${type}.${field}: not found`,
        );
      }
    }
    expect([...unwrapped].sort()).toEqual(['IntOrString', 'Quantity']);
  });

  test('the typed kinds are the generated classes', () => {
    expect(TYPED_KINDS.has(k8s.KubeDeployment)).toBe(true);
    expect(TYPED_KINDS.size).toBeGreaterThan(50);
  });
});

/** The library's objects of a typed kind: their props as given, and what the class's own mapper makes of them. */
interface TypedObject {
  readonly body: Record<string, unknown>;
  readonly mapped?: () => Record<string, unknown>;
}

function typedObjects(root: Construct): TypedObject[] {
  return root.node
    .findAll()
    .filter((c) => ApiObject.isApiObject(c))
    .map((c) => c as unknown as TypedObject)
    .filter((o) => o.mapped !== undefined);
}

const SYSTEMS: Record<string, () => PyserviceApp> = {
  shop: () => shopApp({ env: {} }),
  analytics: () => analyticsApp({}),
  inventory: () => inventoryApp({}),
  boutique: () => boutiqueApp({}),
  fastapi: () => fastapiApp({}),
  airflow: () => airflowApp({}),
  paperless: () => paperlessApp({}),
};

describe('every object of the example and the systems renders as its generated mapper would', () => {
  test.each(Object.keys(SYSTEMS))('%s', (name) => {
    const app = SYSTEMS[name]();
    const objects = app.targets.flatMap((t) => typedObjects(t));
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      const { apiVersion: _a, kind: _k, metadata: _m, ...reference } = o.mapped!();
      const ours = plainJson(o.body, true);
      expect(ours).not.toBe(NOT_PLAIN);
      // Same keys, same values, same order.
      expect(JSON.stringify(ours)).toBe(JSON.stringify(plainJson(reference)));
    }
  });
});

describe('the typed walk', () => {
  test('GIVEN typed props with renamed props, quantities and a map of user keys named like them THEN only the props are renamed', () => {
    const props: k8s.KubeServiceProps & { spec: { selector: Record<string, string> } } = {
      spec: {
        clusterIp: 'None',
        selector: { clusterIp: 'kept', app: 'x' },
        ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }],
      },
    };
    expect(plainJson(props, true)).toEqual({
      spec: { clusterIP: 'None', ports: [{ port: 80, targetPort: 'http' }], selector: { app: 'x', clusterIp: 'kept' } },
    });
    const limits = { resources: { limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('1Gi') } } };
    expect(plainJson(limits, true)).toEqual({ resources: { limits: { cpu: '500m', memory: '1Gi' } } });
  });

  test('GIVEN a value that is not plain data THEN the walk says so, and without typed a quantity is not plain either', () => {
    expect(plainJson({ a: [{ b: new Date(0) }] }, true)).toBe(NOT_PLAIN);
    expect(plainJson({ q: k8s.Quantity.fromString('1') })).toBe(NOT_PLAIN);
  });
});

describe("every object's metadata of the example and the systems renders as cdk8s's metadata.toJson() would", () => {
  test.each(Object.keys(SYSTEMS))('%s', (name) => {
    const app = SYSTEMS[name]();
    const objects = app.targets.flatMap((t) => t.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)));
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      const ours = plainMetadata(o.metadata);
      expect(ours).not.toBe(NOT_PLAIN);
      // Same keys, same values, same order.
      expect(JSON.stringify(ours)).toBe(JSON.stringify(o.metadata.toJson()));
    }
  });
});
