import { ApiObject, App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { render } from '../src/synth';

const WAVE = 'argocd.argoproj.io/sync-wave';

function app(): { app: App; priorityClass: ApiObject; crd: ApiObject } {
  const app = new App();
  const cluster = new Chart(app, 'cluster');
  const priorityClass = new ApiObject(cluster, 'pc', {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'standard', labels: { team: 'shop' } },
    value: 1000,
  });
  const crd = new ApiObject(cluster, 'crd', {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', annotations: { [WAVE]: '-5' } },
  });
  return { app, priorityClass, crd };
}

describe('render', () => {
  test('prerequisites other objects name are written in the first Argo CD wave, unless they name their own', () => {
    // GIVEN a PriorityClass without a wave and a CRD with one
    const { app: a } = app();
    // WHEN
    const { files, errors } = render([{ cloud: 'prod', app: a }]);
    // THEN
    expect(errors).toEqual([]);
    expect(parse(files.get('prod/priorityclass-standard.yaml')!).metadata).toEqual({
      annotations: { [WAVE]: '-3' },
      labels: { team: 'shop' },
      name: 'standard',
    });
    expect(parse(files.get('prod/customresourcedefinition-widgets.example.com.yaml')!).metadata.annotations).toEqual({ [WAVE]: '-5' });
    // AND the keys stay in the order cdk8s writes them (sorted)
    expect(files.get('prod/priorityclass-standard.yaml')).toMatch(/metadata:\n {2}annotations:\n[^\n]*\n {2}labels:/);
  });

  test('leaves the construct tree as it was: the objects the user defined are not changed', () => {
    // GIVEN
    const { app: a, priorityClass } = app();
    // WHEN
    render([{ cloud: 'prod', app: a }]);
    // THEN
    expect(priorityClass.metadata.toJson().annotations).toBeUndefined();
    expect(priorityClass.toJson().metadata.annotations).toBeUndefined();
  });
});
