import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@chart-release/source'] },
  ssr: { resolve: { conditions: ['@chart-release/source'] } },
  test: {
    name: 'chart-metadata',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 10_000,
    hookTimeout: 10_000,
  },
});
