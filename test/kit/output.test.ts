import { synthSummary } from '../../src/kit/output';

describe('what a synth prints once it wrote the output folder', () => {
  test('each target folder with its object count, then the other folders with their file counts', () => {
    // GIVEN the files of two targets (a kustomization and a plan each) and the delivery files
    const files = [
      'staging/deployment-api.yaml',
      'staging/service-api.yaml',
      'staging/kustomization.yaml',
      'staging/PLAN.md',
      'prod/deployment-api.yaml',
      'prod/kustomization.yaml',
      'prod/PLAN.md',
      'gitops/staging/flux.yaml',
      'gitops/prod/flux.yaml',
      'ci/deploy.yml',
    ];
    // WHEN / THEN
    expect(synthSummary('dist', ['staging', 'prod'], files)).toBe(
      [
        "Wrote dist/: 2 targets, 3 objects; each target's PLAN.md says what it deploys.",
        '  dist/staging  2 objects',
        '  dist/prod     1 object',
        '  dist/gitops   2 files',
        '  dist/ci       1 file',
        '',
      ].join('\n'),
    );
  });
});
