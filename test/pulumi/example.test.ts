import * as pulumi from '@pulumi/pulumi';
import { PROD_CLOUDS } from '../support/example';
import { Recorder, drained, installMocks, settle } from './mocks';

// The project name of examples/pulumi/Pulumi.yaml, which namespaces its config.
const engine: Recorder = installMocks(undefined, 'pyservice-shop');
beforeEach(() => engine.clear());

type Program = typeof import('../../examples/pulumi/index');

/** Runs the example program with `cloud` set, in a fresh module registry. */
async function runProgram(cloud: string): Promise<Program> {
  pulumi.runtime.setConfig('pyservice-shop:cloud', cloud);
  let program: Program | undefined;
  await jest.isolateModulesAsync(async () => {
    program = await import('../../examples/pulumi/index');
  });
  await drained();
  return program!;
}

describe('examples/pulumi', () => {
  test.each(PROD_CLOUDS)(
    "%s: deploys the shop through the program's provider and exports services and identity bindings",
    async (cloud) => {
      // GIVEN / WHEN
      const program = await runProgram(cloud);
      const [services, bindings] = await settle(pulumi.all([program.services, program.identityBindings]));
      // THEN every shop object went to the cluster of the provider the program made
      const provider = engine.named(`prod-${cloud}-cluster`);
      expect(provider.type).toBe('pulumi:providers:kubernetes');
      const shop = engine.under('shop/');
      expect(shop.length).toBeGreaterThan(15);
      for (const r of shop)
        expect({ name: r.name, provider: r.provider }).toEqual({ name: r.name, provider: `${provider.urn}::prod-${cloud}-cluster-id` });
      // AND the outputs name the public service's address and each identity's subject
      expect(services['shop/orders-api'].ingresses?.[0].loadBalancer).toEqual({ hostname: 'lb-ingress-orders-api.example.com' });
      expect(bindings.map((b) => [b.cloud, b.subject]).sort()).toEqual([
        [cloud, 'system:serviceaccount:shop:inventory'],
        [cloud, 'system:serviceaccount:shop:orders-api'],
      ]);
    },
  );

  test('refuses an unknown cloud, naming the ones it knows', async () => {
    // GIVEN / WHEN / THEN
    await expect(runProgram('openshift')).rejects.toThrow(
      '\'cloud\' must be one of eks, gke, aks; received "openshift". Run `pulumi config set cloud eks`.',
    );
  });
});
