import { defineConfig } from 'vitest/config';

// `nx test` runs the unit project, `nx e2e` the end-to-end one (see nx.json's targetDefaults)
export default defineConfig({
  resolve: { conditions: ['@chart-release/source'] },
  ssr: { resolve: { conditions: ['@chart-release/source'] } },
  test: {
    environment: 'node',
    projects: [
      {
        extends: true,
        // e2e: real git, helm, registries, the GitHub emulator and the Sigstore stack
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          // one installed copy serves every test file
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
