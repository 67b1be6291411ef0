import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@chart-release/source'] },
  ssr: { resolve: { conditions: ['@chart-release/source'] } },
  test: {
    name: 'github-emulator',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // one process for every file: GitHub's 13 MB OpenAPI description and its compiled validators are shared
    pool: 'forks',
    isolate: false,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
