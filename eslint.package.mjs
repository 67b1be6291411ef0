// The lint config of a publishable project: the workspace rules, plus @nx/dependency-checks on its package.json
// (a runtime import without a dependency, or a dependency nothing imports, fails the lint). Tests and configs may
// use dev-only packages.
import baseConfig from './eslint.config.mjs';

const jsoncParser = await import('jsonc-eslint-parser');

/** The config, with dependencies the check cannot see being used (e.g. read with require() at run time). */
export function packageLintConfig({ ignoredDependencies = [] } = {}) {
  return [
    ...baseConfig,
    {
      files: ['**/*.json'],
      rules: {
        '@nx/dependency-checks': [
          'error',
          {
            ignoredDependencies,
            ignoredFiles: [
              '{projectRoot}/eslint.config.{js,cjs,mjs,ts,cts,mts}',
              '{projectRoot}/vitest.config.{js,ts,mjs,mts}',
              '{projectRoot}/test/**/*',
              '{projectRoot}/src/**/*.test.ts',
            ],
          },
        ],
      },
      languageOptions: { parser: jsoncParser },
    },
    { ignores: ['**/out-tsc'] },
  ];
}

export default packageLintConfig();
