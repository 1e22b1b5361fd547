import { defineConfig } from 'vitest/config';

/**
 * `npm test`: unit, fixture and golden tests. They need nothing outside the repository (no
 * ../shared, no system tools, no network). Process-spawning tests get timeouts that hold on a busy
 * 2-core machine. The other tiers: vitest.corpus.config.ts and vitest.e2e.config.ts.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/corpus/**', 'node_modules/**', 'dist/**'],
    env: { FWLINT_TIER: 'unit' },
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
