import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          // the 13 MB OpenAPI description is read with require() at run time, which the check cannot see
          ignoredDependencies: ['@octokit/openapi'],
          ignoredFiles: ['{projectRoot}/eslint.config.{js,cjs,mjs,ts,cts,mts}', '{projectRoot}/vitest.config.{js,ts,mjs,mts}', '{projectRoot}/test/**/*', '{projectRoot}/src/**/*.test.ts'],
        },
      ],
    },
    languageOptions: { parser: await import('jsonc-eslint-parser') },
  },
  { ignores: ['**/out-tsc'] },
];
