import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every configuration fixture under fixtures/, for tests that must cover all of them. Files that are
 * not whole configurations on their own live in folders named `include` (nftables include targets)
 * or end in `.inc`/`.md`, and are left out, as are the damaged inputs under fixtures/regressions.
 */
export function allFixtures(dir = 'fixtures'): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return name === 'include' || name === 'regressions' ? [] : allFixtures(p);
      return /\.(inc|md)$/.test(name) ? [] : [p];
    });
}
