import { defineConfig } from 'vitest/config';

// `nx test` runs the unit project, `nx e2e` the end-to-end one (see nx.json's targetDefaults)
export default defineConfig({
  resolve: { conditions: ['@chart-release/source'] },
  ssr: { resolve: { conditions: ['@chart-release/source'] } },
  test: {
    environment: 'node',
    // the unit tests' coverage of the sources, with this package's floor: `nx test` fails below it (code that only
    // the e2e tests reach, in processes they start, is not counted)
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
      reporter: ['text-summary'],
      thresholds: { statements: 36, branches: 37, functions: 32, lines: 36 },
    },
    projects: [
      {
        extends: true,
        // unit: pure logic beside the code, seconds
        test: { name: 'unit', include: ['src/**/*.test.ts'], testTimeout: 10_000, hookTimeout: 10_000 },
      },
      {
        extends: true,
        // e2e: real git, helm, registries, the GitHub emulator and the Sigstore stack
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
