import { knownCustomResourceKinds, validateAll, validateObject } from './schema';

/** A minimal valid Deployment; each call returns a fresh copy that a test may change. */
function deployment(container: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'orders-api', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'orders-api' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'cdk8s.io/metadata.addr': 'orders-api-c8' } },
      template: {
        metadata: { labels: { 'cdk8s.io/metadata.addr': 'orders-api-c8' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'ghcr.io/acme/orders-api:1.2.3',
              ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
              securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              ...container,
            },
          ],
        },
      },
    },
  };
}

function service(targetPort: unknown): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'orders-api' },
    spec: { selector: { app: 'orders-api' }, ports: [{ name: 'http', port: 80, targetPort }] },
  };
}

function scaledObject(spec: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'orders-api' },
    spec: {
      scaleTargetRef: { name: 'orders-api' },
      minReplicaCount: 2,
      maxReplicaCount: 10,
      triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }],
      ...spec,
    },
  };
}

function serviceMonitor(targetPort: unknown): any {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'orders-api', labels: { release: 'prometheus' } },
    spec: {
      selector: { matchLabels: { app: 'orders-api' } },
      endpoints: [{ targetPort, path: '/metrics', interval: '30s' }],
    },
  };
}

function httpRoute(pathType: string): any {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'orders-api' },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'gateways' }],
      hostnames: ['orders.example.com'],
      rules: [{ matches: [{ path: { type: pathType, value: '/' } }], backendRefs: [{ name: 'orders-api', port: 80 }] }],
    },
  };
}

describe('built-in kinds', () => {
  test('a valid apps/v1 Deployment passes', () => {
    // GIVEN
    const obj = deployment();

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual([]);
  });

  test('an unknown container field fails and the message names it', () => {
    // GIVEN
    const obj = deployment({ foo: 'bar' });

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual(['Deployment/orders-api: /spec/template/spec/containers/0/foo: must NOT have additional properties (foo)']);
  });

  test('an unknown metadata field fails, because ObjectMeta is closed too', () => {
    // GIVEN
    const obj = deployment();
    obj.metadata.label = { a: 'b' };

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual(['Deployment/orders-api: /metadata/label: must NOT have additional properties (label)']);
  });

  test('a container without its required name fails', () => {
    // GIVEN
    const obj = deployment();
    delete obj.spec.template.spec.containers[0].name;

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual(["Deployment/orders-api: /spec/template/spec/containers/0: must have required property 'name'"]);
  });

  test('a malformed quantity fails and the message echoes it', () => {
    // GIVEN
    const obj = deployment({ resources: { limits: { cpu: '12 cores' } } });

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^Deployment\/orders-api: \/spec\/template\/spec\/containers\/0\/resources\/limits\/cpu: .*quantity.*"12 cores"/,
    );
  });

  test.each(['500m', '1Gi', 0.5, 2, '1e3'])('the quantity %p passes', (quantity) => {
    // GIVEN
    const obj = deployment({ resources: { requests: { cpu: quantity, memory: quantity } } });

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual([]);
  });

  test.each(['http', 8000])('the int-or-string targetPort %p passes', (targetPort) => {
    // GIVEN
    const obj = service(targetPort);

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual([]);
  });

  test('a targetPort that is neither integer nor string fails', () => {
    // GIVEN
    const obj = service(80.5);

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual(['Service/orders-api: /spec/ports/0/targetPort: must be integer,string (received 80.5)']);
  });

  test('an unknown kind fails instead of passing', () => {
    // GIVEN
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Widget\/w: unknown kind: .* example.com\/v1 Widget$/);
  });

  test('a built-in kind under the wrong apiVersion fails', () => {
    // GIVEN
    const obj = { ...deployment(), apiVersion: 'v1' };

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual([expect.stringMatching(/^Deployment\/orders-api: unknown kind: .* v1 Deployment$/)]);
  });

  test('an object without apiVersion or kind fails', () => {
    // GIVEN
    const obj = { metadata: { name: 'nameless' } };

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual([expect.stringMatching(/^<no kind>\/nameless: \/: apiVersion and kind must be non-empty strings/)]);
  });

  test('an autoscaling/v2 HorizontalPodAutoscaler passes', () => {
    // GIVEN
    const obj = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'orders-api' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-api' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      },
    };

    // WHEN / THEN
    expect(validateObject(obj)).toEqual([]);
  });

  test('a policy/v1 PodDisruptionBudget passes', () => {
    // GIVEN
    const obj = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'orders-api' },
      spec: { maxUnavailable: '25%', selector: { matchLabels: { app: 'orders-api' } } },
    };

    // WHEN / THEN
    expect(validateObject(obj)).toEqual([]);
  });

  test('a networking.k8s.io/v1 NetworkPolicy passes', () => {
    // GIVEN
    const obj = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'orders-api' },
      spec: {
        podSelector: { matchLabels: { app: 'orders-api' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }], ports: [{ port: 'http' }] },
        ],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
      },
    };

    // WHEN / THEN
    expect(validateObject(obj)).toEqual([]);
  });
});

describe('custom resources', () => {
  test('a valid keda.sh/v1alpha1 ScaledObject passes', () => {
    // GIVEN
    const obj = scaledObject({
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } } },
    });

    // WHEN / THEN
    expect(validateObject(obj)).toEqual([]);
  });

  test('a ScaledObject with an unknown spec field fails and names it', () => {
    // GIVEN
    const obj = scaledObject({ minReplicas: 2 });

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual(['ScaledObject/orders-api: /spec/minReplicas: must NOT have additional properties (minReplicas)']);
  });

  test('custom resource metadata is validated as ObjectMeta', () => {
    // GIVEN
    const obj = scaledObject();
    obj.metadata.labels = { app: 'orders-api' };
    obj.metadata.owner = 'team-a';

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual(['ScaledObject/orders-api: /metadata/owner: must NOT have additional properties (owner)']);
  });

  test('a version the CRD does not serve fails', () => {
    // GIVEN
    const obj = { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'db' }, spec: {} };

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual([
      expect.stringMatching(/^ExternalSecret\/db: external-secrets.io\/v1beta1 is not a served version .*serves: v1\)$/),
    ]);
  });

  test('an external-secrets.io/v1 ExternalSecret passes', () => {
    // GIVEN
    const obj = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'orders-db' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
        target: { name: 'orders-db', creationPolicy: 'Owner' },
        data: [{ secretKey: 'password', remoteRef: { key: 'prod/orders/db', property: 'password' } }],
      },
    };

    // WHEN / THEN
    expect(validateObject(obj)).toEqual([]);
  });

  test('a secrets-store.csi.x-k8s.io/v1 SecretProviderClass passes', () => {
    // GIVEN
    const obj = {
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      metadata: { name: 'orders-secrets' },
      spec: {
        provider: 'azure',
        parameters: { keyvaultName: 'orders-kv', objects: 'array:\n  - |\n    objectName: db-password\n    objectType: secret\n' },
        secretObjects: [{ secretName: 'orders-db', type: 'Opaque', data: [{ objectName: 'db-password', key: 'password' }] }],
      },
    };

    // WHEN / THEN
    expect(validateObject(obj)).toEqual([]);
  });

  test('an argoproj.io/v1alpha1 Application passes', () => {
    // GIVEN
    const obj = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'orders-api', namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://github.com/acme/deploy.git',
          targetRevision: 'main',
          path: 'charts/orders-api',
          // valuesObject preserves unknown fields, so arbitrary chart values must pass.
          helm: { releaseName: 'orders-api', valuesObject: { image: { tag: '1.2.3' }, replicas: 2 } },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      },
    };

    // WHEN / THEN
    expect(validateObject(obj)).toEqual([]);
  });

  test.each(['http', 8000])('a monitoring.coreos.com/v1 ServiceMonitor with targetPort %p passes', (targetPort) => {
    // GIVEN
    const obj = serviceMonitor(targetPort);

    // WHEN / THEN
    expect(validateObject(obj)).toEqual([]);
  });

  test('an x-kubernetes-int-or-string field rejects other types', () => {
    // GIVEN
    const obj = serviceMonitor(true);

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual(['ServiceMonitor/orders-api: /spec/endpoints/0/targetPort: must be integer,string (received true)']);
  });

  test('a gateway.networking.k8s.io/v1 HTTPRoute passes', () => {
    // GIVEN
    const obj = httpRoute('PathPrefix');

    // WHEN / THEN
    expect(validateObject(obj)).toEqual([]);
  });

  test('an enum violation lists the allowed values and echoes the value', () => {
    // GIVEN
    const obj = httpRoute('Prefix');

    // WHEN
    const errors = validateObject(obj);

    // THEN
    expect(errors).toEqual([
      'HTTPRoute/orders-api: /spec/rules/0/matches/0/path/type: must be equal to one of the allowed values: "Exact", "PathPrefix", "RegularExpression" (received "Prefix")',
    ]);
  });

  test('knownCustomResourceKinds lists served apiVersion and kind pairs', () => {
    // WHEN
    const kinds = knownCustomResourceKinds();

    // THEN
    expect(kinds).toEqual(expect.arrayContaining(['keda.sh/v1alpha1 ScaledObject', 'gateway.networking.k8s.io/v1 HTTPRoute']));
    expect(kinds).not.toContain('external-secrets.io/v1beta1 ExternalSecret');
  });
});

describe('validateAll', () => {
  test('reports the problems of every object, in order', () => {
    // GIVEN
    const objs = [deployment({ foo: 1 }), service('http'), scaledObject({ bar: 1 })];

    // WHEN
    const errors = validateAll(objs);

    // THEN
    expect(errors).toEqual([
      'Deployment/orders-api: /spec/template/spec/containers/0/foo: must NOT have additional properties (foo)',
      'ScaledObject/orders-api: /spec/bar: must NOT have additional properties (bar)',
    ]);
  });

  test('validates 200 objects quickly once the validators are compiled', () => {
    // GIVEN
    const objs = Array.from({ length: 50 }, () => [deployment(), service(8000), scaledObject(), deployment({ foo: 1 })]).flat();
    validateAll(objs.slice(0, 4));

    // WHEN
    const start = performance.now();
    const errors = validateAll(objs);
    const elapsedMs = performance.now() - start;

    // THEN
    expect(errors).toHaveLength(50);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
