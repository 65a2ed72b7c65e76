/**
 * Two projects: `unit` (construct behaviour, the fast loop while editing:
 * `npm run test:unit`) and `integration` (the example app, Pulumi, the packaging
 * contract, the diff tool, and the tests that run real tools as processes: a
 * Celery worker, the migration wait's python3 against a stub API server, kubectl
 * against another, the workflow's shell steps with git, Mermaid in a Node
 * process, the TypeScript compiler over the whole package:
 * `npm run test:integration`). `npm test` runs both.
 */
const INTEGRATION = [
  '<rootDir>/test/example.test.ts',
  '<rootDir>/test/pulumi/',
  '<rootDir>/test/packaging/',
  '<rootDir>/test/diff/cli-diff.test.ts',
  '<rootDir>/test/django-host.test.ts',
  '<rootDir>/test/worker-celery.test.ts',
  '<rootDir>/test/migration-wait.test.ts',
  '<rootDir>/test/plan/plan-mermaid.test.ts',
  '<rootDir>/test/gitops/kubectl-prune.test.ts',
  '<rootDir>/test/gitops/workflow-scripts.test.ts',
  '<rootDir>/test/starter-types.test.ts',
  '<rootDir>/test/props-shapes-generator.test.ts',
];

/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Type-checking is done once by `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  // The examples import the package by its name, as a user's code does; in this
  // repository the name resolves to the sources (tsconfig.json "paths" says the same).
  moduleNameMapper: {
    '^pyservice-k8s$': '<rootDir>/src/index.ts',
    '^pyservice-k8s/pulumi$': '<rootDir>/src/pulumi/index.ts',
  },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  // Every CPU: jest's default leaves one free, which on 2 CPUs runs every file in one process.
  maxWorkers: '100%',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: INTEGRATION },
    { ...common, displayName: 'integration', testMatch: INTEGRATION.map((p) => (p.endsWith('/') ? `${p}**/*.test.ts` : p)) },
  ],
};
