import { PROD_CLOUDS, prodShop } from '../support/example';
import { objectsOf, renderExample } from '../support/example';
import { Recorder, installMocks, registered } from './mocks';

const engine: Recorder = installMocks();
let lib: typeof import('../../src/pulumi');
beforeAll(async () => {
  lib = await import('../../src/pulumi');
});
beforeEach(() => engine.clear());

/**
 * Fields in which what Pulumi registers may differ from what `cdk8s synth`
 * writes, each with the reason. There are none:
 *
 * - every object has `metadata.name`, so Pulumi does not auto-name it and adds
 *   no `pulumi.com/autonamed` annotation;
 * - @pulumi/kubernetes adds nothing to a resource's inputs (no `pulumi.com/*`
 *   annotations, no labels); typed resources set `apiVersion` and `kind`
 *   themselves, to the same values;
 * - `status` is an output only and never sent.
 *
 * What the provider does at deploy time (server-side apply under its own
 * field manager) is not part of the inputs and is not compared.
 */
const PULUMI_MANAGED_FIELDS: ReadonlyArray<{ readonly path: readonly string[]; readonly reason: string }> = [];

function withoutManagedFields(o: any): any {
  const copy = structuredClone(o);
  for (const { path } of PULUMI_MANAGED_FIELDS) {
    const parent = path.slice(0, -1).reduce((node, key) => node?.[key], copy);
    if (parent) delete parent[path[path.length - 1]];
  }
  return copy;
}

/** Objects by `apiVersion kind namespace/name`, so the comparison never depends on order. */
function byIdentity(objects: any[]): Record<string, any> {
  const out: Record<string, any> = {};
  for (const o of objects) {
    const id = `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (id in out) throw new Error(`two objects are ${id}`);
    out[id] = withoutManagedFields(o);
  }
  return out;
}

const rendering = renderExample();

describe.each(PROD_CLOUDS)('%s: the example shop through Pulumi', (cloud) => {
  test('registers exactly the objects `render()` writes to dist/, field for field', async () => {
    // GIVEN what `npm run synth` writes for this cloud, parsed back from its YAML
    expect(rendering.errors).toEqual([]);
    const synthesized = objectsOf(rendering, `prod/${cloud}`);
    // WHEN the same construct tree is deployed through the component
    const shop = new lib.Cdk8sComponent('shop', { define: prodShop(cloud), label: cloud });
    await registered([shop, ...Object.values(shop.resources)]);
    // THEN every registered resource's inputs equal one synthesized object, and none is missing
    const deployed = engine.under('shop/').map((r) => r.inputs);
    expect(deployed).toHaveLength(synthesized.length);
    expect(byIdentity(deployed)).toEqual(byIdentity(synthesized));
  });

  test('registers each object under its own stable name, with a type that matches its kind', async () => {
    // GIVEN / WHEN
    const shop = new lib.Cdk8sComponent('shop', { define: prodShop(cloud), label: cloud });
    await registered([shop, ...Object.values(shop.resources)]);
    // THEN
    for (const r of engine.under('shop/')) {
      const { apiVersion, kind, metadata } = r.inputs;
      const expectedName = metadata.namespace ? `shop/${metadata.namespace}/${kind}/${metadata.name}` : `shop/${kind}/${metadata.name}`;
      // The core group is spelled `core` in type tokens: kubernetes:core/v1:Service.
      const typeToken = `kubernetes:${apiVersion === 'v1' ? 'core/v1' : apiVersion}:${kind}`;
      expect({ name: r.name, type: r.type }).toEqual({ name: expectedName, type: typeToken });
    }
  });
});
