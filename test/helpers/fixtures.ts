import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

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

/**
 * A fixture changed by `edit`, written under a fresh temporary folder with the fixture's own file name
 * (its extension decides nothing, the content does): for cases that differ from a fixture by a line.
 */
export function editedFixture(fixture: string, edit: (text: string) => string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fwlint-fixture-')), basename(fixture));
  writeFileSync(file, edit(readFileSync(fixture, 'utf8')));
  return file;
}
