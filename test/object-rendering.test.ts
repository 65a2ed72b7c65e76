/**
 * How the library's objects render: plain data in one walk, values only
 * cdk8s's resolvers understand (a Lazy, an app's own resolvers) through cdk8s,
 * and both the same as cdk8s's own ApiObject would render them.
 */
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { kubeObject } from '../constructs/core/objects';

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
