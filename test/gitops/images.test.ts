import {} from 'cdk8s';
import { ValidationError } from '../../constructs/core/validation';
import { IMAGE_CONTEXT_KEY, imageFor, imageOverrideProblems, imageVariable, resolveImage } from '../../src/images';
import { testApp } from '../support/cdk8s-testing';

const FALLBACK = 'ghcr.io/acme/orders-api:1.4.2';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const PUSHED = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/orders-api@${DIGEST}`;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('imageFor', () => {
  test('the variable is IMAGE_ plus the service name in upper snake case', () => {
    expect(imageVariable('orders-api')).toBe('IMAGE_ORDERS_API');
    expect(imageVariable('recommendations')).toBe('IMAGE_RECOMMENDATIONS');
  });

  test('without an override, the image written in code', () => {
    expect(imageFor('orders-api', FALLBACK, {})).toBe(FALLBACK);
  });

  test('a digest from the pipeline replaces it', () => {
    // GIVEN
    const env = { IMAGE_ORDERS_API: PUSHED };
    // WHEN / THEN
    expect(imageFor('orders-api', FALLBACK, env)).toBe(PUSHED);
    expect(resolveImage('orders-api', FALLBACK, env)).toEqual({ image: PUSHED, source: 'env', variable: 'IMAGE_ORDERS_API' });
  });

  test('a version tag is pinned enough', () => {
    expect(imageFor('orders-api', FALLBACK, { IMAGE_ORDERS_API: 'ghcr.io/acme/orders-api:1.5.0' })).toBe('ghcr.io/acme/orders-api:1.5.0');
  });

  test("another service's variable does not apply", () => {
    expect(imageFor('inventory', 'ghcr.io/acme/inventory:2.0.0', { IMAGE_ORDERS_API: PUSHED })).toBe('ghcr.io/acme/inventory:2.0.0');
  });

  test(':latest is refused, naming the variable', () => {
    const error = thrown(() => imageFor('orders-api', FALLBACK, { IMAGE_ORDERS_API: 'ghcr.io/acme/orders-api:latest' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors[0]).toBe(
      "'IMAGE_ORDERS_API' must not use the mutable tag ':latest'; received \"ghcr.io/acme/orders-api:latest\". " +
        "Tag each build with its version or commit SHA, or pin the digest ('@sha256:...'). Unset IMAGE_ORDERS_API to deploy the image written in code.",
    );
  });

  test('a reference without tag or digest is refused', () => {
    expect(() => imageFor('orders-api', FALLBACK, { IMAGE_ORDERS_API: 'ghcr.io/acme/orders-api' })).toThrow(
      '\'IMAGE_ORDERS_API\' must be pinned with a tag or a digest; received "ghcr.io/acme/orders-api". ' +
        "Add the version you built, e.g. 'ghcr.io/acme/orders-api:1.0.0' or 'ghcr.io/acme/orders-api@sha256:<digest>'. Unset IMAGE_ORDERS_API to deploy the image written in code.",
    );
  });

  test('a malformed reference is refused', () => {
    expect(() => imageFor('orders-api', FALLBACK, { IMAGE_ORDERS_API: 'Ghcr.io/acme/Orders API:1.0' })).toThrow(
      '\'IMAGE_ORDERS_API\' must be a container image reference (registry/repository:tag or @sha256:digest) (it contains whitespace); received "Ghcr.io/acme/Orders API:1.0". ' +
        "Write it like 'ghcr.io/acme/orders-api:1.4.2'. Unset IMAGE_ORDERS_API to deploy the image written in code.",
    );
  });

  test('a digest cut short (an empty step output) is refused, not silently ignored', () => {
    expect(() =>
      imageFor('orders-api', FALLBACK, { IMAGE_ORDERS_API: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/orders-api@' }),
    ).toThrow(/'IMAGE_ORDERS_API' must be a container image reference/);
    expect(() => imageFor('orders-api', FALLBACK, { IMAGE_ORDERS_API: '' })).toThrow(
      '\'IMAGE_ORDERS_API\' must be a container image reference (registry/repository:tag or @sha256:digest) (it is empty); received "". ',
    );
  });

  test('resolveImage reports the refused override and keeps the fallback', () => {
    const resolution = resolveImage('orders-api', FALLBACK, { IMAGE_ORDERS_API: 'ghcr.io/acme/orders-api:latest' });
    expect(resolution.image).toBe(FALLBACK);
    expect(resolution.source).toBe('fallback');
    expect(resolution.issue?.prop).toBe('IMAGE_ORDERS_API');
  });

  test('a service name that cannot make a variable is a programming error', () => {
    expect(() => imageVariable('Orders_API')).toThrow(
      "'service' must be a service name (a DNS-1123 label) to derive its IMAGE_ variable; received \"Orders_API\". Pass the name the service is deployed under, e.g. 'orders-api'.",
    );
  });
});

describe('imageFor with the cdk8s context', () => {
  test('the context supplies an image when the environment does not', () => {
    // GIVEN
    const app = testApp();
    app.node.setContext(IMAGE_CONTEXT_KEY, { 'orders-api': 'ghcr.io/acme/orders-api:1.6.0' });
    // WHEN / THEN
    expect(imageFor('orders-api', FALLBACK, {}, app)).toBe('ghcr.io/acme/orders-api:1.6.0');
    expect(resolveImage('orders-api', FALLBACK, {}, app).source).toBe('context');
  });

  test('the environment wins over the context', () => {
    const app = testApp();
    app.node.setContext(IMAGE_CONTEXT_KEY, { 'orders-api': 'ghcr.io/acme/orders-api:1.6.0' });
    expect(imageFor('orders-api', FALLBACK, { IMAGE_ORDERS_API: PUSHED }, app)).toBe(PUSHED);
  });

  test('an unpinned context value is refused, naming the context key', () => {
    const app = testApp();
    app.node.setContext(IMAGE_CONTEXT_KEY, { 'orders-api': 'ghcr.io/acme/orders-api:latest' });
    expect(() => imageFor('orders-api', FALLBACK, {}, app)).toThrow(
      "'pyservice:images.orders-api' must not use the mutable tag ':latest'; received \"ghcr.io/acme/orders-api:latest\". " +
        "Tag each build with its version or commit SHA, or pin the digest ('@sha256:...'). Remove it to deploy the image written in code.",
    );
  });
});

describe('imageOverrideProblems', () => {
  test('lists every refused override and every variable that names no service', () => {
    // GIVEN
    const env = {
      IMAGE_ORDERS_API: 'ghcr.io/acme/orders-api:latest',
      IMAGE_INVENTORY: `ghcr.io/acme/inventory@${DIGEST}`,
      IMAGE_ORDER_API: PUSHED,
      PATH: '/usr/bin',
    };
    // WHEN
    const problems = imageOverrideProblems(['orders-api', 'inventory'], env);
    // THEN
    expect(problems).toEqual([
      "'IMAGE_ORDERS_API' must not use the mutable tag ':latest'; received \"ghcr.io/acme/orders-api:latest\". " +
        "Tag each build with its version or commit SHA, or pin the digest ('@sha256:...'). Unset IMAGE_ORDERS_API to deploy the image written in code.",
      `'IMAGE_ORDER_API' must name a service of the app (IMAGE_ORDERS_API, IMAGE_INVENTORY); received "${PUSHED}". Fix the service name in the variable, or unset it.`,
    ]);
  });

  test('variables of other tools can be ignored, and a clean environment has no problems', () => {
    expect(imageOverrideProblems(['orders-api'], { IMAGE_TAG: '1.0', IMAGE_ORDERS_API: PUSHED }, ['IMAGE_TAG'])).toEqual([]);
  });
});
