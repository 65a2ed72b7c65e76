import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CloudProfile, PythonMicroservice, PythonMicroserviceProps, PythonServer } from '../support/internals';
import { profileFor } from '../../examples/shop/shop';
import { prodShop } from '../support/example';
import { render } from '../../src/synth';
import { Recorder, drained, installMocks } from './mocks';

const engine: Recorder = installMocks();
let lib: typeof import('../../src/pulumi');
beforeAll(async () => {
  lib = await import('../../src/pulumi');
});
beforeEach(() => engine.clear());

const BAD: PythonMicroserviceProps = {
  image: 'ghcr.io/acme/orders-api:latest',
  server: PythonServer.uvicorn({ app: 'orders.main:app' }),
  health: { readiness: '/readyz' },
  port: 80,
  profile: CloudProfile.eks(),
};

/** The shop plus one broken service, defined the same way for both tools. */
function shopWithBadService(scope: Construct): void {
  prodShop('gke')(scope);
  new PythonMicroservice(scope.node.findChild('shop') as Chart, 'checkout', { ...BAD, profile: profileFor('gke', 'prod', 'checkout') });
}

/** What `render()` (the code behind `npm run synth`) reports for a tree. */
function renderErrors(cloud: string, define: (scope: Construct) => void): string[] {
  const app = new App();
  define(app);
  return render([{ cloud, app }]).errors;
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('a bad prop', () => {
  test('fails the PythonMicroserviceComponent with the message `npm run synth` prints, and registers nothing', async () => {
    // GIVEN / WHEN
    const error = thrown(() => new lib.PythonMicroserviceComponent('orders-api', { service: BAD, namespace: 'shop' }));
    // THEN
    expect(error.message).toBe(
      [
        'Synthesis failed with 2 error(s); no resources were registered:',
        "  [eks] [shop/orders-api] 'image' must not use the mutable tag ':latest'; received \"ghcr.io/acme/orders-api:latest\". Tag each build with its version or commit SHA, or pin the digest ('@sha256:...').",
        "  [eks] [shop/orders-api] 'port' must be a whole number from 1024 to 65535 (the container has no privilege to bind lower ports); received 80. Listen on 8000 inside the container; the Service maps servicePort (80) to it.",
      ].join('\n'),
    );
    await drained();
    expect(engine.registrations).toEqual([]);
  });

  test('reports, line for line, what render() reports for the same construct tree', () => {
    // GIVEN the same service rendered the way `npm run synth` renders
    const expected = renderErrors('eks', (app) => new PythonMicroservice(new Chart(app, 'shop', { namespace: 'shop' }), 'orders-api', BAD));
    // WHEN
    const error = thrown(() => new lib.PythonMicroserviceComponent('orders-api', { service: BAD, namespace: 'shop' }));
    // THEN
    expect(expected).toHaveLength(2);
    expect(error).toBeInstanceOf(lib.ValidationError);
    expect((error as InstanceType<typeof lib.ValidationError>).errors).toEqual(expected);
    expect(error.message.split('\n').slice(1)).toEqual(expected.map((e) => `  ${e}`));
  });

  test('fails a Cdk8sComponent hosting the shop with every error render() reports, and registers nothing', async () => {
    // GIVEN the shop with a broken service added
    const expected = renderErrors('gke', shopWithBadService);
    // WHEN
    const error = thrown(() => new lib.Cdk8sComponent('shop', { define: shopWithBadService, label: 'gke' }));
    // THEN
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(error.message).toBe(
      `Synthesis failed with ${expected.length} error(s); no resources were registered:\n${expected.map((e) => `  ${e}`).join('\n')}`,
    );
    expect(error.message).toMatch(/\[gke\] \[shop\/checkout\] 'image' must not use the mutable tag ':latest'/);
    await drained();
    expect(engine.registrations).toEqual([]);
  });

  test('is prefixed with the component name when no label is given', () => {
    // GIVEN / WHEN
    const error = thrown(() => new lib.Cdk8sComponent('shop-prod', { define: shopWithBadService }));
    // THEN
    expect(error.message).toMatch(/^ {2}\[shop-prod\] \[shop\/checkout\] 'image' /m);
  });
});
