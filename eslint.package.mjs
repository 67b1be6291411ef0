// The lint config of a publishable project: the workspace rules, plus @nx/dependency-checks on its package.json
// (a runtime import without a dependency, or a dependency nothing imports, fails the lint). Tests and configs may
// use dev-only packages.
import baseConfig from './eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          ignoredFiles: ['{projectRoot}/eslint.config.{js,cjs,mjs,ts,cts,mts}', '{projectRoot}/vitest.config.{js,ts,mjs,mts}', '{projectRoot}/test/**/*', '{projectRoot}/src/**/*.test.ts'],
        },
      ],
    },
    languageOptions: { parser: await import('jsonc-eslint-parser') },
  },
  { ignores: ['**/out-tsc'] },
];
