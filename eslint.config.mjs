import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default [
  { ignores: ['**/dist', '**/out-tsc', 'bundle/**', '**/node_modules', '**/.cache', '**/vitest.config.*.timestamp*', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    ignores: ['**/eslint.config.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // which library may import which (CONTRIBUTING.md, "Which package may import which"): the rest is never
            { sourceTag: 'lib:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'lib:chart-metadata', onlyDependOnLibsWithTags: ['lib:core'] },
            { sourceTag: 'lib:github-client', onlyDependOnLibsWithTags: ['lib:core'] },
            { sourceTag: 'lib:changed-charts', onlyDependOnLibsWithTags: ['lib:core', 'lib:chart-metadata'] },
            { sourceTag: 'lib:oci', onlyDependOnLibsWithTags: ['lib:core', 'lib:chart-metadata'] },
            { sourceTag: 'lib:cosign', onlyDependOnLibsWithTags: ['lib:core', 'lib:oci'] },
            { sourceTag: 'lib:attestation-map', onlyDependOnLibsWithTags: ['lib:core', 'lib:github-client'] },
            { sourceTag: 'lib:github-release', onlyDependOnLibsWithTags: ['lib:core', 'lib:chart-metadata', 'lib:github-client'] },
            { sourceTag: 'scope:lib', onlyDependOnLibsWithTags: ['scope:lib'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:lib'] },
            { sourceTag: 'scope:testkit', onlyDependOnLibsWithTags: ['scope:lib', 'scope:testkit'] },
            { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['scope:lib', 'scope:app', 'scope:testkit'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // type-aware rules: a promise nobody awaits (an unhandled rejection, a write that races the exit), a promise
    // where a callback's return is ignored, an await of what is no promise
    files: ['**/src/**/*.ts', 'bench/**/*.ts'],
    ignores: ['**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Tests may use the test kit; production code never does (checked by the boundary rule above).
    files: ['**/*.test.ts', '**/test/**/*.ts', '**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
