import { defineConfig } from 'vitest/config';

/**
 * `npm run test:e2e`: tests that run system tools: `pre-commit try-repo`, Microsoft's SARIF
 * validator (a .NET app), `npm pack` and an offline install of the tarball. They skip with the
 * reason when a tool is missing (.ci/run installs them). The SARIF-writing test files run here
 * again, now with Sarif.Multitool on top of the JSON-schema check.
 */
export default defineConfig({
  test: {
    include: [
      'test/e2e/**/*.test.ts',
      'test/golden/**/*.test.ts',
      'test/reporters/**/*.test.ts',
      'test/rules/{mikrotik,nftables}.test.ts',
    ],
    env: { FWLINT_TIER: 'e2e' },
    testTimeout: 300_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
