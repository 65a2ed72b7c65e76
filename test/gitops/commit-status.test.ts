import { Testing } from 'cdk8s';
import { FluxCommitStatus, FluxDelivery } from '../../constructs/delivery';
import { validateAll } from '../support/schema';
import { find, synthError } from './support';
import { testChart } from '../support/cdk8s-testing';

const REPO = 'ssh://git@github.com/acme/shop.git';

describe('FluxCommitStatus', () => {
  test('a github Provider and an Alert on the Kustomization post continuous-delivery/<name> on each revision', () => {
    // GIVEN
    const chart = testChart();
    const delivery = new FluxDelivery(chart, 'shop-prod', { repoUrl: REPO, path: 'dist/prod', branch: 'deploy/prod' });
    // WHEN
    const status = new FluxCommitStatus(chart, 'status', {
      repoUrl: REPO,
      kustomization: delivery.name,
      secretName: 'github-commit-status',
    });
    const objects = Testing.synth(chart);
    // THEN
    expect(status.context).toBe('continuous-delivery/shop-prod');
    const provider = find(objects, 'Provider');
    expect(provider.apiVersion).toBe('notification.toolkit.fluxcd.io/v1beta3');
    expect(provider.metadata).toEqual({ name: 'shop-prod-status', namespace: 'flux-system' });
    expect(provider.spec).toEqual({
      type: 'github',
      address: REPO,
      secretRef: { name: 'github-commit-status' },
      commitStatusExpr: "'continuous-delivery/shop-prod'",
    });
    const alert = find(objects, 'Alert');
    expect(alert.spec).toEqual({
      providerRef: { name: 'shop-prod-status' },
      eventSeverity: 'info',
      eventSources: [{ kind: 'Kustomization', name: 'shop-prod' }],
    });
    expect(alert.metadata.namespace).toBe(find(objects, 'Kustomization').metadata.namespace);
    expect(validateAll(objects)).toEqual([]);
  });

  test('a bad Secret name or a URL Flux cannot read is reported', () => {
    const message = synthError(
      (chart) =>
        new FluxCommitStatus(chart, 's', { repoUrl: 'git@github.com:acme/shop.git', kustomization: 'shop', secretName: 'GitHub Token' }),
    );
    expect(message).toContain("[test/s] 'repoUrl' must be an https:// or ssh:// URL (Flux does not accept");
    expect(message).toContain("[test/s] 'secretName' must be a DNS-1123 subdomain");
  });
});
