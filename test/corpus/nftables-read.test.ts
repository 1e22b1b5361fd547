import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nftablesParser } from '../../parsers/nftables/index.js';
import { ParseError } from '../../src/model/errors.js';

/**
 * Corpus tier: every non-empty file of ../shared/corpus/nftables, nftables-json and
 * nftables-testsuite (the nftables project's own `nft list ruleset` / `nft -j list ruleset` dumps)
 * is a ruleset nft accepts, so fwlint reads it: never a syntax error, and every FWL900 it reports
 * names a line and says why. Skips (visibly) when the shared corpus is not there; FWLINT_CORPUS
 * names another corpus folder (e.g. from a git worktree).
 */
const CORPUS = process.env.FWLINT_CORPUS ?? join(import.meta.dirname, '../../../shared/corpus');
const FOLDERS = ['nftables', 'nftables-json', 'nftables-testsuite'].map((f) => join(CORPUS, f));
const present = FOLDERS.filter((f) => existsSync(f));

function files(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n !== 'README.md' && statSync(join(dir, n)).size > 0)
    .sort();
}

for (const dir of present) {
  describe(`every ruleset in ${dir.split('/').pop()} is read`, () => {
    for (const name of files(dir)) {
      it(name, () => {
        const text = readFileSync(join(dir, name), 'utf8');
        expect(nftablesParser.detect(text.slice(0, 8192))).toBe('nftables');
        let policy;
        try {
          policy = nftablesParser.parse(text, name, 'nftables', {})[0];
        } catch (e) {
          if (e instanceof ParseError) expect.fail(e.format());
          throw e;
        }
        expect(policy?.vendor).toBe('nftables');
        for (const u of policy?.unsupported ?? []) {
          expect(u.loc.line).toBeGreaterThan(0);
          expect(u.why.length).toBeGreaterThan(10);
        }
      });
    }
  });
}

if (present.length < FOLDERS.length) {
  describe('nftables corpus', () => {
    const missing = FOLDERS.filter((f) => !existsSync(f)).join(', ');
    it.skip(`skipped: ${missing} missing (the corpus tier needs ../shared/corpus or FWLINT_CORPUS)`, () => undefined);
  });
}
