/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking is done once by `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
  // The examples import the package by its name, as a user's code does; in this
  // repository the name resolves to the sources (tsconfig.json "paths" says the same).
  moduleNameMapper: {
    '^pyservice-k8s$': '<rootDir>/src/index.ts',
    '^pyservice-k8s/pulumi$': '<rootDir>/src/pulumi/index.ts',
  },
};
