import { CloudProfile, Exposure } from '../support/internals';
import { find, synthService } from '../support/synth';

const LBC = 'service.beta.kubernetes.io/aws-load-balancer-';

describe('EKS profile', () => {
  test('IRSA: role ARN and regional STS on the ServiceAccount', () => {
    const { objects } = synthService({ profile: CloudProfile.eks({ roleArn: 'arn:aws:iam::111122223333:role/shop/orders-api' }) });
    expect(find(objects, 'ServiceAccount').metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/shop/orders-api',
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
    });
  });

  test.each([['arn:aws-cn:iam::111122223333:role/app'], ['arn:aws-us-gov:iam::111122223333:role/path/to/app+v2@x']])(
    'accepts role ARN %s',
    (roleArn) => {
      expect(() => synthService({ profile: CloudProfile.eks({ roleArn }) })).not.toThrow();
    },
  );

  test.each([['arn:aws:iam::1111:role/app'], ['arn:aws:iam::111122223333:user/app'], ['arn:aws:s3:::bucket']])(
    'rejects role ARN %s',
    (roleArn) => {
      expect(() => synthService({ profile: CloudProfile.eks({ roleArn }) })).toThrow(/'profile.roleArn' must be an IAM role ARN/);
    },
  );

  test('cluster exposure: ClusterIP with no load balancer annotations', () => {
    const svc = find(synthService({ profile: CloudProfile.eks() }).objects, 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.metadata.annotations).toBeUndefined();
  });

  test.each([
    [Exposure.PUBLIC, 'internet-facing'],
    [Exposure.INTERNAL, 'internal'],
  ])('%s exposure: an NLB with IP targets through the AWS Load Balancer Controller', (exposure, scheme) => {
    const { objects } = synthService({ exposure, profile: CloudProfile.eks() });
    const svc = find(objects, 'Service');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.metadata.annotations).toMatchObject({
      [`${LBC}type`]: 'external',
      [`${LBC}nlb-target-type`]: 'ip',
      [`${LBC}scheme`]: scheme,
    });
  });

  test('the NLB health check is the readiness endpoint, on the pod port, at the probe interval', () => {
    const { objects } = synthService({ exposure: Exposure.PUBLIC, profile: CloudProfile.eks() });
    const annotations = find(objects, 'Service').metadata.annotations;
    const readiness = find(objects, 'Deployment').spec.template.spec.containers[0].readinessProbe;
    expect(annotations[`${LBC}healthcheck-protocol`]).toBe('http');
    expect(annotations[`${LBC}healthcheck-path`]).toBe(readiness.httpGet.path);
    expect(annotations[`${LBC}healthcheck-port`]).toBe('traffic-port');
    expect(annotations[`${LBC}healthcheck-interval`]).toBe(String(readiness.periodSeconds));
  });

  test('load-balanced pods wait 20 s before SIGTERM so the NLB stops sending first', () => {
    const { service } = synthService({ exposure: Exposure.PUBLIC, profile: CloudProfile.eks() });
    expect(service.drainSeconds).toBe(20);
    expect(service.terminationGracePeriodSeconds).toBe(20 + 30 + 5);
  });
});
