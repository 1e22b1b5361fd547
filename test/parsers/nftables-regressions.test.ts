import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nftablesParser } from '../../parsers/nftables/index.js';
import { Lexer } from '../../parsers/nftables/lexer.js';
import { readConfig } from '../../src/cli/read.js';
import { ParseError } from '../../src/model/errors.js';
import type { Policy } from '../../src/model/policy.js';

/**
 * Inputs the fuzzer (issue 10) found that crashed or stalled the nftables reader. Each is read or
 * refused with one error naming file:line:column, never an exception of another kind.
 */
const DIR = 'fixtures/regressions/nftables';

function read(name: string): Policy {
  const file = join(DIR, name);
  return nftablesParser.parse(readFileSync(file, 'utf8'), file, 'nftables', {
    readInclude: () => undefined,
  })[0]!;
}

function refusal(name: string): ParseError {
  try {
    read(name);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error(`${name} was read; expected a ParseError`);
}

describe('nftables regressions (fuzzer)', () => {
  it('a `)` that opens nothing at the start of a statement: refused as nft does, not an internal error', () => {
    // Fuzzer, seed 1 (byte flip of a test-suite chain): "the first token of a rule is missing".
    const e = refusal('stray-paren.nft');
    expect(e.message).toBe("syntax error, unexpected ')'");
    expect([e.line, e.column]).toEqual([3, 1]);
  });

  it('2,000 nested anonymous sets: a depth limit at the line, not a stack overflow', () => {
    const e = refusal('nested-anonymous-sets.nft');
    expect(e.message).toBe('sets or parentheses nested deeper than 100 levels');
    expect(e.line).toBe(5);
  });

  it('2,000 nested anonymous chains: the same limit', () => {
    const e = refusal('nested-anonymous-chains.nft');
    expect(e.message).toBe('anonymous chains nested deeper than 100 levels');
    expect(e.line).toBe(5);
  });

  it('100 nested sets are still read (nft prints no deeper ones, but they are valid)', () => {
    const rule = `ip saddr ${'{ '.repeat(99)}192.0.2.1${' }'.repeat(99)} accept`;
    const p = nftablesParser.parse(
      `table inet t {\n chain c {\n  type filter hook input priority 0;\n  ${rule}\n }\n}\n`,
      'deep.nft',
      'nftables',
    )[0]!;
    expect(p.ruleset.chains['inet t c']?.rules.length).toBe(1);
  });

  it('an `add rule` without statements (an empty define) is a syntax error at its line, not a TypeError', () => {
    const e = refusal('empty-add-rule.nft');
    expect(e.line).toBe(5);
    expect(e.message).toBe('syntax error, unexpected newline, expecting a rule');
  });

  it("set elements from an unreadable include's variable are FWL900 at their line; the set counts as unknown", () => {
    const p = read('include-unreadable-elements.nft');
    const u = p.unsupported.find((x) => x.what === 'elements of set phones');
    expect(u?.loc.line).toBe(6);
    expect(u?.why).toContain('$PHONES is not defined');
  });

  it('a fractional port or an out-of-range number in nft -j JSON is a clean error at the number', () => {
    const frac = refusal('fractional-port.json');
    expect(frac.line).toBe(3);
    expect(frac.message).toBe('number 10000.5 is not an integer (nft values are integers of up to 64 bits)');
    const huge = refusal('huge-number.json');
    expect(huge.message).toBe('number 1e400 is out of range (nft values are integers of up to 64 bits)');
  });

  it('lexes a long token with colons in linear time (a 2 MB MAC-like run; quadratic took 6.7 s for 48 KB)', () => {
    const run = 'aa:'.repeat(700_000) + 'aa';
    const lexer = new Lexer(`ether saddr { ${run} }\n`, 'macs.nft');
    let n = 0;
    for (let t = lexer.next(); t.kind !== 'eof'; t = lexer.next()) n++;
    // `aa`, `:`, `aa`, … (the last eight groups form an IPv6 address, as in nft's scanner)
    expect(n).toBe(3 + (1_400_001 - 14) + 2);
    // and MAC addresses and IPv6 ranges stay whole words
    const words: string[] = [];
    const l2 = new Lexer('aa:bb:cc:dd:ee:ff 2001:db8::1-2001:db8::ff fe80::1%eth0', 'x.nft');
    for (let t = l2.next(); t.kind !== 'eof'; t = l2.next()) words.push(t.text);
    expect(words).toEqual(['aa:bb:cc:dd:ee:ff', '2001:db8::1-2001:db8::ff', 'fe80::1%eth0']);
  });
});

describe('an empty ruleset file is a valid, empty ruleset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwlint-empty-'));
  for (const name of ['empty.nft', 'nftables.conf', 'rules.nftables']) {
    it(`${name} (named as nftables)`, () => {
      writeFileSync(join(dir, name), '');
      const [p] = readConfig(join(dir, name), name, 'auto');
      expect(p?.vendor).toBe('nftables');
      expect(Object.keys(p?.ruleset.chains ?? {})).toEqual([]);
      expect(p?.notes).toContain('the ruleset defines no tables: nftables filters nothing');
    });
  }

  it('any name with --vendor nftables; comments only count as empty', () => {
    writeFileSync(join(dir, 'empty.txt'), '');
    expect(readConfig(join(dir, 'empty.txt'), 'empty.txt', 'nftables')[0]?.vendor).toBe('nftables');
    writeFileSync(join(dir, 'comments.nft'), '#!/usr/sbin/nft -f\n# nothing yet\n');
    expect(readConfig(join(dir, 'comments.nft'), 'comments.nft', 'auto')[0]?.vendor).toBe('nftables');
  });

  it('an empty file of unknown kind is still refused', () => {
    writeFileSync(join(dir, 'empty.txt'), '');
    expect(() => readConfig(join(dir, 'empty.txt'), 'empty.txt', 'auto')).toThrow('empty file');
  });
});
