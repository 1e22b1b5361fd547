/**
 * Test tiers (see the README): `npm test` needs nothing outside the repository; `npm run
 * test:corpus` also reads the shared corpus and provider documents checked out beside the clone
 * (../shared); `npm run test:e2e` runs system tools. The vitest config of each tier sets FWLINT_TIER.
 *
 * Tests that read ../shared are declared with `corpusDescribe`: in the unit tier they are not
 * registered at all (their files' other tests still run); in the corpus tier they run, or skip with
 * the reason in their name and on stderr when the folder is missing.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TIER = process.env.FWLINT_TIER ?? 'unit';
export const SHARED = resolve(ROOT, '..', 'shared');

/** `../shared/<sub>`; only corpus-tier tests read it. */
export function shared(sub: string): string {
  return join(SHARED, sub);
}

const said = new Set<string>();
function say(line: string): void {
  if (said.has(line)) return;
  said.add(line);
  process.stderr.write(`${line}\n`);
}

/**
 * A describe block that needs `../shared/<sub>` (one or more folders). `body` gets the folder paths.
 */
export function corpusDescribe(
  name: string,
  subs: string | readonly string[],
  body: (...dirs: string[]) => void,
): void {
  const dirs = (typeof subs === 'string' ? [subs] : subs).map(shared);
  if (TIER !== 'corpus') return;
  const missing = dirs.filter((d) => !existsSync(d));
  if (missing.length) {
    const reason = `skipped: ${missing.join(', ')} is missing (check out the shared corpus beside the clone)`;
    say(`fwlint test:corpus: ${name}: ${reason}`);
    describe.skip(name, () => {
      it(reason, () => undefined);
    });
    return;
  }
  describe(name, () => {
    body(...dirs);
  });
}

/** Whether the tests of this tier may read `../shared/<sub>` (the corpus tier, and it is there). */
export function corpusAvailable(sub: string): boolean {
  return TIER === 'corpus' && existsSync(shared(sub));
}
