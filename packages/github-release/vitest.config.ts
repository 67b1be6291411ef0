import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@chart-release/source'] },
  ssr: { resolve: { conditions: ['@chart-release/source'] } },
  test: {
    name: 'github-release',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
