/**
 * How the library's objects render: plain data in one walk, values only
 * cdk8s's resolvers understand (a Lazy, an app's own resolvers) through cdk8s,
 * and both the same as cdk8s's own ApiObject would render them.
 */
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { kubeObject, plainMetadata } from '../constructs/core/objects';
import { NOT_PLAIN } from '../constructs/core/plain-json';

const props = (data: Record<string, unknown>): k8s.KubeConfigMapProps => ({
  metadata: { name: 'settings', annotations: { 'b.example/x': '1', 'a.example/y': '2' } },
  data: data as Record<string, string>,
});

describe('kubeObject renders as cdk8s would', () => {
  test('GIVEN plain data WHEN rendered THEN it equals cdk8s ApiObject.toJson() of the same manifest, keys sorted, nulls dropped', () => {
    const chart = new Chart(new App(), 'c', { namespace: 'shop', labels: { team: 'orders' } });
    const data = { zeta: 'z', alpha: 'a', empty: undefined as unknown as string };
    const ours = kubeObject(chart, 'ours', k8s.KubeConfigMap, props(data)).toJson();
    const theirs = new ApiObject(chart, 'theirs', k8s.KubeConfigMap.manifest(props(data)) as never).toJson();
    expect(JSON.stringify(ours)).toBe(JSON.stringify({ ...theirs, metadata: { ...theirs.metadata } }));
    expect(Object.keys(ours)).toEqual(['apiVersion', 'kind', 'metadata', 'data']);
    expect(Object.keys(ours.data)).toEqual(['alpha', 'zeta']);
    expect(ours.metadata).toEqual({
      annotations: { 'a.example/y': '2', 'b.example/x': '1' },
      labels: { team: 'orders' },
      name: 'settings',
      namespace: 'shop',
    });
  });

  test('GIVEN a Lazy value WHEN rendered THEN cdk8s resolves it', () => {
    const chart = new Chart(new App(), 'c');
    const obj = kubeObject(chart, 'o', k8s.KubeConfigMap, props({ later: Lazy.any({ produce: () => 'resolved' }) as unknown as string }));
    expect(obj.toJson().data).toEqual({ later: 'resolved' });
  });

  test("GIVEN an app's own resolver WHEN rendered THEN it applies to the library's objects too", () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext) {
        if (typeof context.value === 'string' && context.value.startsWith('up:'))
          context.replaceValue(context.value.slice(3).toUpperCase());
      }
    }
    const chart = new Chart(new App({ resolvers: [new Upper()] }), 'c');
    const obj = kubeObject(chart, 'o', k8s.KubeConfigMap, props({ shout: 'up:hello', quiet: 'hello' }));
    expect(obj.toJson().data).toEqual({ quiet: 'hello', shout: 'HELLO' });
  });

  test('GIVEN keys named constructor and __proto__ WHEN rendered, with or without resolvers THEN they stay own keys', () => {
    const data = JSON.parse('{"constructor": "a", "__proto__": "b"}') as Record<string, string>;
    for (const app of [new App(), new App({ resolvers: [{ resolve: () => undefined }] })]) {
      const json = kubeObject(new Chart(app, 'c'), 'o', k8s.KubeConfigMap, props(data)).toJson();
      expect(Object.keys(json.data)).toEqual(['__proto__', 'constructor']);
      expect(Object.getPrototypeOf(json.data)).toBe(Object.prototype);
    }
  });

  test('GIVEN metadata changed through cdk8s (labels, annotations, finalizers, owners, other fields, empty ones) WHEN rendered THEN it equals what cdk8s renders', () => {
    const chart = new Chart(new App(), 'c', { namespace: 'shop', labels: { team: 'orders' } });
    const ours = kubeObject(chart, 'ours', k8s.KubeConfigMap, props({ a: '1' }));
    const theirs = new ApiObject(chart, 'theirs', k8s.KubeConfigMap.manifest(props({ a: '1' })) as never);
    for (const o of [ours, theirs]) {
      o.metadata.addLabel('z.example/tier', 'web');
      o.metadata.addFinalizers('example.com/cleanup');
      o.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1' });
      o.metadata.add('generateName', 'settings-');
      o.metadata.add('emptyMap', {});
      o.metadata.add('emptyList', []);
      o.metadata.add('nested', { keep: 'x', drop: {}, none: null });
    }
    expect(JSON.stringify(ours.toJson())).toBe(JSON.stringify(theirs.toJson()));
    // A key cdk8s's own serializer cannot hold stays a key of ours.
    ours.metadata.addAnnotation('constructor', 'kept as a key');
    const json = ours.toJson();
    expect(Object.keys(json.metadata)).toEqual([
      'annotations',
      'finalizers',
      'generateName',
      'labels',
      'name',
      'namespace',
      'nested',
      'ownerReferences',
    ]);
    expect(json.metadata.nested).toEqual({ keep: 'x' });
    expect(Object.keys(json.metadata.annotations)).toEqual(['a.example/y', 'b.example/x', 'constructor']);
  });

  test('GIVEN a Lazy label WHEN rendered THEN cdk8s resolves the metadata', () => {
    const obj = kubeObject(new Chart(new App(), 'c'), 'o', k8s.KubeConfigMap, props({ a: '1' }));
    obj.metadata.addLabel('version', Lazy.any({ produce: () => '1.2.3' }) as unknown as string);
    expect(plainMetadata(obj.metadata)).toBe(NOT_PLAIN);
    expect(obj.toJson().metadata.labels).toEqual({ version: '1.2.3' });
  });

  test('GIVEN a metadata definition without the fields cdk8s 2 keeps WHEN rendered THEN it is left to cdk8s', () => {
    expect(plainMetadata({ toJson: () => ({}) })).toBe(NOT_PLAIN);
    expect(plainMetadata({ labels: {}, annotations: {}, finalizers: [], ownerReferences: [], _additionalAttributes: {} })).toBeUndefined();
  });

  test('GIVEN a JSON patch and late fields WHEN rendered THEN the late fields come first, the patch applies to the final JSON', () => {
    const chart = new Chart(new App(), 'c');
    const obj = kubeObject(chart, 'o', k8s.KubeConfigMap, props({ a: '1' }), (m) => {
      (m.data as Record<string, string>).late = '2';
    });
    obj.addJsonPatch(JsonPatch.replace('/data/late', '3'), JsonPatch.add('/immutable', true));
    const json = obj.toJson();
    expect(json.data).toEqual({ a: '1', late: '3' });
    expect(Object.keys(json)).toEqual(['apiVersion', 'kind', 'metadata', 'data', 'immutable']);
  });
});
