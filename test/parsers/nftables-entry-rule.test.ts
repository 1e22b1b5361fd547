import { describe, expect, it } from 'vitest';
import { ChainLabels, EntryRule } from '../../parsers/nftables/entry-rule.js';
import { directFlat, plainVerdict } from '../../parsers/nftables/expand.js';
import { parseNftables } from '../../parsers/nftables/index.js';
import { RuleRows } from '../../parsers/nftables/rule-rows.js';
import { hashId } from '../../parsers/toolkit/ids.js';
import { Location } from '../../parsers/toolkit/location.js';
import type { Rule } from '../../src/model/policy.js';

/**
 * An nftables model rule keeps its location as numbers and its text as its place in the source
 * (entry-rule.ts headRow), and makes both when read. What it gives must be what the location object
 * and the text gave: for rules of the ruleset's file, of an included file, spanning several lines,
 * and with quotes the text drops.
 */

const rulesOf = (text: string, file: string, chain: string, options = {}): Rule[] =>
  parseNftables(text, file, options).ruleset.chains[chain]?.rules ?? [];

/** Whether a value is a location object (what the model rule no longer holds for its own rules). */
const isLocation = (v: unknown): boolean => typeof v === 'object' && v !== null && 'line' in v && 'column' in v;

/** An alternative without conditions, verdict or NAT (the rows are what is tested). */
const NO_FLAT = directFlat(undefined, undefined, undefined);

describe('nftables model rules kept as numbers', () => {
  const text = [
    'table inet fw {',
    '  chain c {',
    '    iifname "lan0" ip saddr 10.0.0.0/24 tcp dport 22 accept',
    '    tcp dport { 80, 443 } counter accept comment "web"',
    '  }',
    '}',
    '',
  ].join('\n');

  it('hold no location object and no text of their own, and give the same location and text', () => {
    const [a, b] = rulesOf(text, 'fw.nft', 'inet fw c');
    for (const r of [a, b]) expect(Object.values(r ?? {}).some(isLocation)).toBe(false);
    // Written as printed but for quotes: the text is found by its place in the source, no string of the
    // rule's own (a rule with a comment is printed otherwise and keeps its built text).
    expect(Object.values(a ?? {}).filter((v) => typeof v === 'string')).toEqual([]);
    expect(a?.loc).toEqual({ file: 'fw.nft', line: 3, column: 5, endLine: 3, endColumn: 60 });
    expect(a?.text).toBe('iifname lan0 ip saddr 10.0.0.0/24 tcp dport 22 accept');
    expect(b?.text).toBe('tcp dport { 80, 443 } counter accept comment "web"');
    expect(b?.loc).toMatchObject({ line: 4, column: 5, endLine: 4 });
  });

  it('keep the location and text of a rule added to the chain from an included file', () => {
    const main = `${text}include "more.nft"\n`;
    const more = 'add rule inet fw c iifname "lan9" udp dport 53 accept\n';
    const rules = rulesOf(main, 'fw.nft', 'inet fw c', {
      readInclude: (path: string) => (path === 'more.nft' ? { text: more, display: 'more.nft' } : undefined),
    });
    const added = rules[2];
    expect(added?.loc).toMatchObject({ file: 'more.nft', line: 1, column: 1 });
    expect(added?.text).toBe('iifname lan9 udp dport 53 accept');
    expect(rules[0]?.text).toBe('iifname lan0 ip saddr 10.0.0.0/24 tcp dport 22 accept');
    expect(rules[0]?.loc.file).toBe('fw.nft');
  });

  it('keep the end line of a rule written over several lines (nft -j, indented)', () => {
    const doc = {
      nftables: [
        { table: { family: 'inet', name: 'fw' } },
        { chain: { family: 'inet', table: 'fw', name: 'c' } },
        {
          rule: {
            family: 'inet',
            table: 'fw',
            chain: 'c',
            expr: [
              { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } },
              { accept: null },
            ],
          },
        },
      ],
    };
    const json = JSON.stringify(doc, null, 2);
    const [r] = rulesOf(json, 'fw.json', 'inet fw c');
    const loc = r?.loc;
    expect(loc?.file).toBe('fw.json');
    expect((loc?.endLine ?? 0) - (loc?.line ?? 0)).toBeGreaterThan(5);
    const lines = json.split('\n');
    expect(lines[(loc?.line ?? 0) - 1]?.slice((loc?.column ?? 0) - 1)).toBe('{');
    expect(lines[(loc?.endLine ?? 0) - 1]?.slice(0, loc?.endColumn ?? 0).trim()).toBe('}');
    expect(r?.text).toBe('tcp dport 22 accept');
    expect(Object.values(r ?? {}).some(isLocation)).toBe(false);
  });
});

describe('the rows of the model rules (RuleRows)', () => {
  it('give back what each row was given, across chunks, chains and values that are not 32-bit integers', () => {
    // Two chains of one reader share its rows, their rules made in turn.
    const rows = new RuleRows();
    const chains = [new ChainLabels('inet fw a', 'fw.nft', rows), new ChainLabels('inet fw b', 'fw.nft', rows)];
    const source = 'x'.repeat(100);
    for (const c of chains) c.source = source;
    const far = new Location('other.nft', 7, 1, 9, 4);
    const rules: EntryRule[] = [];
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      // Every 997th rule is written elsewhere (a location object), every 1,009th keeps its own text.
      const at = i % 997 === 5 ? far : i + 1;
      const text = i % 1009 === 3 ? `own ${String(i)}` : i % 50;
      const to = typeof text === 'string' ? 0 : (i % 50) + 10;
      const labels = chains[i % 2] ?? new ChainLabels('', '', rows);
      const row = headRowOf(labels, at, text, to, i);
      rules.push(new EntryRule(labels, row, {}, { kind: 'accept' }, NO_FLAT));
    }
    rules[4321]?.numbered(2 ** 31);
    for (let i = 0; i < n; i++) {
      const r = rules[i];
      const loc = r?.loc;
      if (i % 997 === 5) expect(loc).toBe(far);
      else
        expect(loc).toEqual({
          file: 'fw.nft',
          line: i + 1,
          column: 3,
          endLine: i + 1 + (i % 3),
          endColumn: 40 + (i % 7),
        });
      expect(r?.text).toBe(i % 1009 === 3 ? `own ${String(i)}` : source.slice(i % 50, (i % 50) + 10));
      expect(r?.contentHash).toBe(0x1234 * 2 ** 32 + (-i >>> 0));
      expect(r?.labels.ref).toBe(i % 2 === 0 ? 'inet fw a' : 'inet fw b');
    }
    expect(rules[4321]?.id).toBe(hashId('nft', rules[4321]?.contentHash ?? 0, 2 ** 31));
    expect(rules[4320]?.id).toBe(hashId('nft', rules[4320]?.contentHash ?? 0, 4320 % 5));
  });

  it('give back the alternative they were made of: a plain verdict as their action, another one held until released', () => {
    const rows = new RuleRows();
    const labels = new ChainLabels('inet fw a', 'fw.nft', rows);
    const accept = directFlat(undefined, plainVerdict('accept'), undefined);
    const effect = { what: 'log', why: 'logs', pos: new Location('fw.nft', 3, 1, 3, 4) };
    const logged = { ...accept, effects: [effect] };
    const undecided = { kind: 'continue' } as const;
    const plain = new EntryRule(labels, headRowOf(labels, 3, 0, 0, 0), {}, undecided, accept);
    const none = new EntryRule(labels, headRowOf(labels, 4, 0, 0, 1), {}, undecided, NO_FLAT);
    const held = new EntryRule(labels, headRowOf(labels, 5, 0, 0, 2), {}, undecided, logged);
    expect(plain.action).toEqual({ kind: 'accept' });
    expect(plain.flat).toBe(accept);
    expect(none.action).toEqual({ kind: 'continue' });
    expect(none.flat).toBe(NO_FLAT);
    expect(held.action).toBe(undecided);
    expect(held.flat).toBe(logged);
    held.action = { kind: 'accept' };
    held.releaseFlat();
    expect(held.flat).not.toBe(logged);
    expect(held.flat.effects).toEqual([]);
  });

  it('give back a jump kept in the row as it was, read before or after the occurrence is given', () => {
    const rows = new RuleRows();
    const labels = new ChainLabels('inet fw a', 'fw.nft', rows);
    const jump = (kind: 'jump' | 'goto', line: number, column: number) =>
      directFlat(
        undefined,
        {
          kind,
          target: `t${String(line)}`,
          pos: { file: 'fw.nft', line, column, endLine: line, endColumn: column + 6 },
        },
        undefined,
      );
    const made = [jump('jump', 3, 20), jump('goto', 4, 32_000), jump('jump', 5, 40_000), jump('goto', 6, 1)];
    const rules = made.map((f, i) => {
      const r = new EntryRule(labels, headRowOf(labels, 3 + i, 0, 0, i), {}, { kind: 'accept' }, f);
      r.keepJump();
      return r;
    });
    // Columns past 15 bits keep the alternative itself.
    expect(rules[2]?.flat).toBe(made[2]);
    rules.forEach((r, i) => {
      if (i === 3) r.numbered(7);
      expect(r.flat).toEqual(made[i]);
      expect(Object.keys(r.flat.verdict && 'pos' in r.flat.verdict ? r.flat.verdict.pos : {})).toEqual([
        'file',
        'line',
        'column',
        'endLine',
        'endColumn',
      ]);
    });
    expect(rules[3]?.id).toBe(hashId('nft', rules[3]?.contentHash ?? 0, 7));
  });
});

/** A row as headRow writes it: `lines` (i % 3) above the hash's high bits, the low bits -i. */
function headRowOf(labels: ChainLabels, at: number | Location, text: string | number, to: number, i: number): number {
  return labels.rows.row(at, 3, 40 + (i % 7), text, to, (i % 3) * 0x10000 + 0x1234, -i, i % 5, undefined);
}
