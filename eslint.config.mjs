// @ts-check
/**
 * Lint rules, checked in CI (`npm run lint`). typescript-eslint's recommended
 * rules without type information (fast: the type checker already runs in
 * `npm test`), plus the few rules the project relies on. Formatting is
 * Prettier's job (`npm run format`), so no stylistic rule is enabled here.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['lib/**', 'dist/**', 'node_modules/**', '.cdk8s.out/**', 'constructs/imports/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Unused names are dead code; a leading underscore marks one that must exist (an interface's parameter).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `any` only where a comment says why (eslint-disable-next-line with a reason).
      '@typescript-eslint/no-explicit-any': 'error',
      // A construct's props interface may only extend another: it names the construct's props for docs and jsii.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // The library reads no environment: an app decides its settings and passes them as props (src/ may read process.env).
    files: ['constructs/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'constructs/ reads no environment; take the value as a prop and let the app (src/) read it.',
        },
      ],
    },
  },
  {
    // Tests and support code read untyped YAML and JSON manifests: `any` is their data type.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,js}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // cdk8s's test apps make a temporary folder each and never remove it (cdk8s lib/testing.js).
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['app', 'chart'].map((property) => ({
          object: 'Testing',
          property,
          message:
            'Testing.app() and Testing.chart() leave a folder in the temporary folder: use testApp() or testChart() of test/support/cdk8s-testing.ts.',
        })),
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
