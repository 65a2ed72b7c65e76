import { CloudProfile, Exposure } from '../support/internals';
import { find, synthService } from '../support/synth';

const CLIENT = '5b0c3a6e-4f7d-4c1a-9a53-0d6f3b8e2c11';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const AZ = 'service.beta.kubernetes.io/azure-load-balancer-';

describe('AKS profile', () => {
  test('Workload Identity: client and tenant on the ServiceAccount, use label on the pod', () => {
    const { objects } = synthService({ profile: CloudProfile.aks({ clientId: CLIENT, tenantId: TENANT }) });
    expect(find(objects, 'ServiceAccount').metadata.annotations).toEqual({
      'azure.workload.identity/client-id': CLIENT,
      'azure.workload.identity/tenant-id': TENANT,
    });
    const d = find(objects, 'Deployment');
    expect(d.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    // A label on the pod, never a selector: selectors are immutable.
    expect(d.spec.selector.matchLabels['azure.workload.identity/use']).toBeUndefined();
  });

  test('no identity: no label, no annotations', () => {
    const { objects } = synthService({ profile: CloudProfile.aks() });
    expect(find(objects, 'ServiceAccount').metadata.annotations).toBeUndefined();
    expect(find(objects, 'Deployment').spec.template.metadata.labels['azure.workload.identity/use']).toBeUndefined();
  });

  test.each([
    ['clientId', { clientId: 'abc' }],
    ['tenantId', { clientId: CLIENT, tenantId: 'contoso.onmicrosoft.com' }],
  ])('rejects a %s that is not a GUID', (prop, options) => {
    expect(() => synthService({ profile: CloudProfile.aks(options) })).toThrow(new RegExp(`'profile.${prop}' must be a GUID`));
  });

  test('internal exposure: internal load balancer with the readiness path as HTTP health probe', () => {
    const { objects } = synthService({ exposure: Exposure.INTERNAL, profile: CloudProfile.aks() });
    const svc = find(objects, 'Service');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ports[0].appProtocol).toBe('http');
    expect(svc.metadata.annotations).toEqual({
      [`${AZ}internal`]: 'true',
      [`${AZ}health-probe-request-path`]: '/readyz',
      [`${AZ}health-probe-interval`]: '10',
      [`${AZ}health-probe-num-of-probe`]: '3',
    });
  });

  test('public exposure: no internal annotation; probe interval x count stays under 120 s', () => {
    const { objects } = synthService({ exposure: Exposure.PUBLIC, profile: CloudProfile.aks() });
    const a = find(objects, 'Service').metadata.annotations;
    expect(a[`${AZ}internal`]).toBeUndefined();
    expect(Number(a[`${AZ}health-probe-interval`]) * Number(a[`${AZ}health-probe-num-of-probe`])).toBeLessThan(120);
  });
});
