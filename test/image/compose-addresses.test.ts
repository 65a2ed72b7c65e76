import { parse } from 'yaml';
import { ComposeTarget, composeAddresses } from '../../constructs/image/addresses';
import { renderExample } from '../support/example';

describe('compose reaches the services it runs by their in-cluster addresses', () => {
  test("the example's orders services reach inventory and redis by their compose names (dist/container/compose.yaml)", () => {
    // GIVEN the example, whose orders services are configured with in-cluster addresses
    const compose = parse(renderExample().files.get('container/compose.yaml')!);
    // WHEN compose runs them
    for (const name of ['orders-api', 'orders-worker', 'orders-events', 'orders-migrate', 'orders-nightly-report']) {
      const env = compose.services[name].environment;
      // THEN inventory is its compose service on its container port (the Service's port 80 maps to 8000), redis is the backing service
      expect([name, env.INVENTORY_URL, env.REDIS_ADDRESS]).toEqual([name, 'http://inventory:8000', 'redis:6379']);
    }
    expect(compose.services.inventory.ports[0].target).toBe(8000);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['inventory', 'redis']));
  });

  const targets: ComposeTarget[] = [
    { serviceName: 'inventory', namespace: 'shop', composeName: 'inventory', ports: { service: 80, container: 8000 } },
    { serviceName: 'recs', namespace: 'shop', composeName: 'recommendations', ports: { service: 8080, container: 9000 } },
    { serviceName: 'postgres', composeName: 'postgres' },
    { serviceName: 'redis', composeName: 'redis' },
  ];
  const rewrite = (value: string) => composeAddresses(value, targets, new Set(['shop']));

  test.each([
    ['http://inventory.shop.svc.cluster.local', 'http://inventory:8000'],
    ['http://inventory.shop.svc.cluster.local:80/api/v1?x=1', 'http://inventory:8000/api/v1?x=1'],
    ['http://inventory.shop.svc/items', 'http://inventory:8000/items'],
    ['http://inventory.shop', 'http://inventory:8000'],
    ['http://inventory', 'http://inventory:8000'],
    ['inventory.shop.svc.cluster.local:80', 'inventory:8000'],
    ['inventory.shop.svc.cluster.local', 'inventory'],
    ['http://recs.shop.svc.cluster.local:8080/', 'http://recommendations:9000/'],
    ['https://inventory.shop.svc.cluster.local:8443', 'https://inventory:8443'],
    ['redis.shop.svc.cluster.local:6379', 'redis:6379'],
    ['redis://:s3cret@redis.data.svc.cluster.local:6379/0', 'redis://:s3cret@redis:6379/0'],
    ['postgresql://app:pw@postgres.shop.svc:5432/app?sslmode=disable', 'postgresql://app:pw@postgres:5432/app?sslmode=disable'],
    ['host=postgres.shop.svc.cluster.local port=5432 dbname=app', 'host=postgres port=5432 dbname=app'],
    ['http://inventory.shop.svc.cluster.local,http://recs.shop.svc:8080', 'http://inventory:8000,http://recommendations:9000'],
  ])('%s -> %s', (value, expected) => {
    expect(rewrite(value)).toBe(expected);
  });

  test.each([
    ["another namespace's service of the same name", 'http://inventory.other.svc.cluster.local'],
    ['a public name that looks like <svc>.<ns>', 'https://redis.io/docs'],
    ['a longer name ending like a Service', 'http://api.inventory.shop.svc.cluster.local'],
    ['a name that starts like a Service', 'http://inventory.shop.svc.cluster.local.example.com'],
    ['a name that contains one', 'http://myinventory.shop.svc.cluster.local'],
    ['a service compose does not run', 'http://payments.shop.svc.cluster.local'],
    ['an IP address', '10.0.0.1:6379'],
    ['words that happen to name a service, without a port', 'inventory levels are low'],
  ])('%s is left alone', (_case, value) => {
    expect(rewrite(value)).toBe(value);
  });
});
