import { defineConfig } from 'vitest/config';

/**
 * `npm run test:corpus`: the tests that read the shared corpus and the provider documents checked
 * out beside the clone (../shared). They skip with the reason when it is missing. The files also
 * hold unit tests, which run here again.
 */
export default defineConfig({
  test: {
    include: [
      'test/corpus/**/*.test.ts',
      'test/catalog.test.ts',
      'test/secrets*.test.ts',
      'test/parsers/{fortigate,mikrotik,nftables-json,pfsense}.test.ts',
    ],
    env: { FWLINT_TIER: 'corpus' },
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
