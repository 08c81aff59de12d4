import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'shared') } },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/reliability/**'],
    pool: 'forks',
    globalSetup: ['test/helpers/scratch-tmpdir.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
