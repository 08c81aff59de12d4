import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The reliability suite (test/reliability): crash loop, model-based concurrency, HTTP fuzzing,
 * soak, disk full and read-only storage, backup under load. Files run one at a time (they measure
 * processes and load the machine). Two forms:
 *   short (default; part of `npm test`): 3 crash-loop rounds, 30 s of soak, ~2 minutes in all;
 *   full (`npm run test:reliability`, i.e. `--mode full`, or TOLLGATE_RELIABILITY=full): 20 rounds,
 *   ten minutes of soak, more requests everywhere.
 */
export default defineConfig(({ mode }) => ({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'shared') } },
  test: {
    environment: 'node',
    include: ['test/reliability/**/*.test.ts'],
    pool: 'forks',
    globalSetup: ['test/helpers/scratch-tmpdir.ts'],
    fileParallelism: false,
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
    env: { TOLLGATE_RELIABILITY: process.env.TOLLGATE_RELIABILITY ?? (mode === 'full' ? 'full' : 'short') },
  },
}));
