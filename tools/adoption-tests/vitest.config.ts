import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@chart-release/source'] },
  ssr: { resolve: { conditions: ['@chart-release/source'] } },
  test: {
    name: 'adoption-tests',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // one installed copy serves every test file
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
