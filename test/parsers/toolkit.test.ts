import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/model/errors.js';
import { PARSERS } from '../../parsers/index.js';
import { Appender } from '../../parsers/toolkit/appender.js';
import { assertText, binaryOffset } from '../../parsers/toolkit/binary.js';
import { Diagnostics, MAX_NOTES, MAX_PER_KIND } from '../../parsers/toolkit/diagnostics.js';
import { Hasher, contentId } from '../../parsers/toolkit/hash.js';
import { HashIds, IdRegistry, hashId } from '../../parsers/toolkit/ids.js';
import { ipv4Range, parseIpv4Spec } from '../../parsers/toolkit/ipv4.js';
import { RangeInterner } from '../../parsers/toolkit/intern.js';
import { parseAddressSpec } from '../../src/model/address.js';
import { quoted } from '../../parsers/toolkit/labels.js';
import { PositionIndex } from '../../parsers/toolkit/positions.js';
import { IANA_PROTOCOLS, protocolTable } from '../../parsers/toolkit/protocols.js';
import { sized } from '../../parsers/toolkit/sized.js';

describe('PositionIndex', () => {
  it('turns offsets into 1-based lines and columns for LF, CRLF and lone CR line ends', () => {
    const text = 'ab\ncd\r\nef\rgh';
    const p = new PositionIndex(text);
    expect(p.position(0)).toEqual({ line: 1, column: 1 });
    expect(p.position(text.indexOf('c'))).toEqual({ line: 2, column: 1 });
    expect(p.position(text.indexOf('f'))).toEqual({ line: 3, column: 2 });
    expect(p.position(text.indexOf('g'))).toEqual({ line: 4, column: 1 });
    expect(p.count).toBe(4);
  });

  it('answers questions in any order (forward from the last answer, else by bisection)', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const p = new PositionIndex(text);
    const offsets = [text.indexOf('line 999'), text.indexOf('line 3\n'), text.indexOf('line 500'), 0];
    expect(offsets.map((o) => p.line(o))).toEqual([1000, 4, 501, 1]);
    for (let line = 1; line <= 1000; line += 7) expect(p.line(text.indexOf(`line ${line - 1}`))).toBe(line);
  });

  it('a final line break opens no line; location() ends on the line of the last character, exclusive column', () => {
    const p = new PositionIndex('abc\ndef\n');
    expect(p.count).toBe(2);
    expect(p.location('f', 0, 4)).toEqual({ file: 'f', line: 1, column: 1, endLine: 1, endColumn: 5 });
    expect(p.location('f', 1, 7)).toEqual({ file: 'f', line: 1, column: 2, endLine: 2, endColumn: 4 });
  });
});

describe('Diagnostics: the same caps for every vendor', () => {
  it('says a note once and at most MAX_NOTES notes', () => {
    const d = new Diagnostics();
    d.note('a');
    d.note('a');
    d.noteOnce('k', 'first');
    d.noteOnce('k', 'second');
    expect(d.notes).toEqual(['a', 'first']);
    for (let i = 0; i < 500; i++) d.note(`n${i}`);
    expect(d.notes).toHaveLength(MAX_NOTES + 1);
    expect(d.notes[MAX_NOTES]).toMatch(/more than 100 notes/);
  });

  it('reports at most MAX_PER_KIND unsupported constructs of one kind, then one note', () => {
    const d = new Diagnostics();
    const loc = { file: 'f', line: 1, column: 1, endLine: 1 };
    for (let i = 0; i < 80; i++) d.report({ loc, what: `x ${i}`, why: 'w' }, 'x');
    d.report({ loc, what: 'y', why: 'w' });
    expect(d.unsupported).toHaveLength(MAX_PER_KIND + 1);
    expect(d.notes).toEqual([`more than ${MAX_PER_KIND} statements of the kind "x"; only the first 50 are reported`]);
  });

  it('makes ids unique in one file', () => {
    const d = new Diagnostics();
    expect([d.uniqueId('a'), d.uniqueId('a'), d.uniqueId('b'), d.uniqueId('a')]).toEqual(['a', 'a~2', 'b', 'a~3']);
    const r = new IdRegistry();
    expect([r.unique('x'), r.unique('x')]).toEqual(['x', 'x~2']);
  });
});

describe('content hasher', () => {
  it('is stable (ids and the fingerprints built on them must not change between runs or versions)', () => {
    expect(contentId('rule', 'pass in quick on em0', 'descr')).toBe(contentId('rule', 'pass in quick on em0', 'descr'));
    expect(contentId('rule', 'a')).toMatch(/^rule-[0-9a-f]{12}$/);
    // pinned: a change of algorithm changes every fingerprint;
    expect(contentId('nft', 'inet filter input', 'accept')).toBe('nft-076fb694ebb7');
  });

  it('separates parts: ("ab", "c") and ("a", "bc") differ; one part "a|b" is the parts "a", "b"', () => {
    expect(contentId('p', 'ab', 'c')).not.toBe(contentId('p', 'a', 'bc'));
    expect(new Hasher().add('a|b').id('p')).toBe(contentId('p', 'a', 'b'));
  });
});

describe('ids built when read', () => {
  it('HashIds + hashId give the ids IdRegistry gives the same hashes, duplicates and collisions included', () => {
    const reg = new IdRegistry();
    const lazy = new HashIds();
    const hashes = [0, 1, 0x123456789abc, 1, 0x123456789abc, 1, 2 ** 48 - 1];
    for (let i = 0; i < 5000; i++) hashes.push((i * 7919) % 1300, (i * 104729) % 2 ** 40);
    for (const prefix of ['filter', 'raw'])
      for (const h of hashes) {
        const hex = h.toString(16).padStart(12, '0');
        expect(hashId(prefix, h, lazy.occurrence(prefix, h))).toBe(reg.unique(`${prefix}-${hex}`));
      }
  });

  it('HashIds.reserve (room for a table of known size) keeps the counts: before, during and after', () => {
    const plain = new HashIds();
    const reserved = new HashIds();
    reserved.reserve('raw', 3000);
    const hashes: number[] = [];
    for (let i = 0; i < 6000; i++) hashes.push((i * 7919) % 2500);
    hashes.forEach((h, i) => {
      if (i === 1000) reserved.reserve('raw', 50_000);
      expect(reserved.occurrence('raw', h)).toBe(plain.occurrence('raw', h));
    });
  });

  it('Hasher.addProperty is add(key), add("!" or ""), add(value)', () => {
    for (const [k, neg, v] of [
      ['chain', false, 'forward'],
      ['src-address', true, '10.0.0.0/8'],
      ['', true, ''],
      ['comment', false, 'héllo "x" ✓'],
    ] as const) {
      const a = new Hasher().add('ip firewall filter').addProperty(k, neg, v).add('c');
      const b = new Hasher()
        .add('ip firewall filter')
        .add(k)
        .add(neg ? '!' : '')
        .add(v)
        .add('c');
      expect(a.value()).toBe(b.value());
    }
  });

  it('Hasher.id is hashId of Hasher.value', () => {
    const h = new Hasher().add('ip firewall filter').add('chain').add('forward');
    expect(h.id('filter')).toBe(hashId('filter', h.value(), 1));
    expect(h.id('filter')).toMatch(/^filter-[0-9a-f]{12}$/);
  });
});

describe('parseIpv4Spec', () => {
  it('is parseAddressSpec for every form (fast path for a.b.c.d and a.b.c.d/len, the rest delegated)', () => {
    const cases = ['1.2.3.4', '0.0.0.0/0', '10.9.8.7/8', '10.1.2.3/33', '010.1.2.3', '1.2.3.4/', '1.2.3.4/024'];
    cases.push('256.1.1.1', ' 1.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.4/31', '1.2.3.4/255.255.0.0', '1.2.3.4-1.2.3.9');
    cases.push('::1', '2001:db8::/32', '1..2.3', '1.2.3.4/1x', '0001.2.3.4', '255.255.255.255/32', 'x');
    cases.push(
      '10.1.2.3/255.255.255.0',
      '1.2.3.4/0.0.0.0',
      '1.2.3.4/255.0.255.0',
      '1.2.3.4/0255.0.0.0',
      '1.2.3.4/255.255.255',
    );
    for (let k = 0; k <= 32; k++)
      cases.push(`172.16.200.9/${[24, 16, 8, 0].map((s) => ((2 ** 32 - 2 ** (32 - k)) >>> s) & 255).join('.')}`);
    for (let i = 0; i < 2000; i++)
      cases.push(`${(i * 37) % 300}.${(i * 11) % 256}.${i % 256}.${(i * 7) % 260}/${i % 40}`);
    const bounds = (s: string) => parseAddressSpec(s)?.bounds.map(String);
    for (const c of cases) expect(parseIpv4Spec(c)?.bounds.map(String), c).toEqual(bounds(c));
  });
});

describe('binary input is refused the same way by every vendor, at its position', () => {
  const samples: Record<string, string> = {
    pfsense: '<?xml version="1.0"?>\n<pfsense>\n<x>\u0001</x></pfsense>\n',
    fortigate: 'config system global\n    set hostname "a\u0001"\nend\n',
    mikrotik: '# by RouterOS 7.18\n/ip firewall filter\nadd chain=input \u0002\n',
    nftables: 'table inet filter {\n  chain input {\n \u0003\n  }\n}\n',
  };
  for (const parser of PARSERS) {
    const vendor = parser.vendors[0] ?? 'pfsense';
    it(vendor, () => {
      const text = samples[vendor] ?? '';
      let error: unknown;
      try {
        parser.parse(text, 'in.cfg', vendor);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParseError);
      const pe = error as ParseError;
      expect(pe.message).toMatch(/^binary data \(control character 0x0\d\)/);
      expect(pe.line).toBeGreaterThan(1);
    });
  }

  it('tab, line breaks and form feed are text', () => {
    expect(binaryOffset('a\tb\r\n\fc')).toBe(-1);
    expect(binaryOffset('ab\u0000')).toBe(2);
    expect(() => {
      assertText('x\ny\u0000', 'f');
    }).toThrow(/binary data \(control character 0x00\)/);
  });
});

describe('labels and protocol names', () => {
  it('quotes labels on one line, at most 80 characters', () => {
    expect(quoted('Allow  SIP\n trunk ')).toBe('"Allow SIP trunk"');
    expect(quoted('a\u00a0b')).toBe('"a b"');
    expect(quoted('x'.repeat(100))).toBe(`"${'x'.repeat(77)}..."`);
  });

  it('one IANA table: ipip is 94 and ipencap 4 (/etc/protocols); vendors pick names and add aliases', () => {
    expect(IANA_PROTOCOLS.ipip).toBe(94);
    expect(IANA_PROTOCOLS.ipencap).toBe(4);
    expect(protocolTable(['ospf'], { carp: 112 })).toEqual({ ospf: 89, carp: 112 });
    expect(() => protocolTable(['no-such'])).toThrow();
  });
});

describe('one toolkit: vendor folders hold no copy of it', () => {
  it('no vendor folder defines its own position index, hasher, id registry or note cap', () => {
    for (const vendor of ['pfsense', 'fortigate', 'mikrotik', 'nftables']) {
      const dir = join(import.meta.dirname, '../../parsers', vendor);
      const ctx = readFileSync(join(dir, 'context.ts'), 'utf8');
      expect(ctx).toMatch(/extends Diagnostics/);
      expect(ctx).not.toMatch(/new Set<string>\(\)|class IdRegistry|createHash/);
    }
  });
});

describe('toolkit/intern RangeInterner', () => {
  it('gives one string per distinct text of a range, mapped once, and starts over when half full', () => {
    const lower = new RangeInterner(16, (t) => t.toLowerCase());
    const a = lower.get('x Chain=1', 2, 7);
    expect(a).toBe('chain');
    expect(lower.get('Chain', 0, 5)).toBe(a);
    expect(lower.get('chains', 0, 5)).toBe('chains'.slice(0, 5));
    expect(lower.get('chai', 0, 4)).toBe('chai');
    const plain = new RangeInterner(16);
    for (let i = 0; i < 40; i++) expect(plain.get(`v${i} `, 0, String(i).length + 1)).toBe(`v${i}`);
    expect(plain.get('v39', 0, 3)).toBe('v39');
  });

  it('doubles up to maxSlots before it starts over: a text is mapped once while it is kept', () => {
    const count = (maxSlots: number): number => {
      let calls = 0;
      const t = new RangeInterner(16, (x) => (calls++, x), maxSlots);
      for (let round = 0; round < 2; round++)
        for (let i = 0; i < 30; i++) expect(t.get(`k${i}`, 0, `k${i}`.length)).toBe(`k${i}`);
      return calls;
    };
    expect(count(64)).toBe(30); // grown to 64 slots: all 30 kept
    expect(count(16)).toBeGreaterThan(30); // 16 slots: started over, mapped again
  });
});

describe('toolkit/ipv4 ipv4Range', () => {
  it('reads the forms parseIpv4Spec reads as numbers, and refuses the others', () => {
    const out = new Float64Array(2);
    expect(ipv4Range('10.1.2.3', out)).toBe(true);
    expect([...out]).toEqual([0x0a010203, 0x0a010203]);
    expect(ipv4Range('10.1.2.3/24', out)).toBe(true);
    expect([...out]).toEqual([0x0a010200, 0x0a0102ff]);
    expect(ipv4Range('10.1.2.3/255.255.0.0', out)).toBe(true);
    expect([...out]).toEqual([0x0a010000, 0x0a01ffff]);
    for (const s of ['10.1.2.3-10.1.2.9', '::1', ' 10.1.2.3', '10.1.2.256', '10.1.2.3/33', '10.1.2.3/255.0.255.0'])
      expect(ipv4Range(s, out)).toBe(false);
  });
});

describe('toolkit/appender Appender', () => {
  it('hands over its items in order as one exact array, across blocks, after the items it started with', () => {
    for (const n of [0, 1, 4095, 4096, 4097, 10_000]) {
      const first = ['a', 'b'];
      const list = new Appender<string>(first);
      for (let i = 0; i < n; i++) list.push(String(i));
      const all = list.toArray();
      expect(all.length).toBe(n + 2);
      expect(all.slice(0, 2)).toEqual(['a', 'b']);
      expect(all[2 + n - 1]).toBe(n ? String(n - 1) : 'b');
      expect(all.every((x, i) => x === (i < 2 ? first[i] : String(i - 2)))).toBe(true);
    }
  });

  it('hands over a list that fits one block as that block', () => {
    const first: number[] = [];
    const list = new Appender(first);
    list.push(1);
    expect(list.toArray()).toBe(first);
  });
});

describe('toolkit/sized', () => {
  it('gives a plain object with the same members in the same order, whatever their number', () => {
    const values = ['a', 1, undefined, { x: 1 }, [2], null, 'g'];
    const keys = ['src', 'dst', 'proto', 'dport', 'iif', 'oif', 'state'];
    for (let n = 0; n <= keys.length; n++) {
      // Built member by member, as the parsers build a match.
      const o: Record<string, unknown> = {};
      for (let i = n - 1; i >= 0; i--) o[keys[i] ?? ''] = values[i];
      const s = sized(o);
      expect(Object.getPrototypeOf(s)).toBe(Object.prototype);
      expect(Object.keys(s)).toEqual(Object.keys(o));
      expect(Object.entries(s)).toEqual(Object.entries(o));
      expect(JSON.stringify(s)).toBe(JSON.stringify(o));
      expect(s.constructor).toBe(Object);
    }
  });

  it('keeps the members of one that lost one (delete) and leaves out inherited ones', () => {
    const o: Record<string, unknown> = { src: 1, dst: 2, proto: 3, dport: 4, iif: 5 };
    delete o.proto;
    expect(Object.keys(sized(o))).toEqual(['src', 'dst', 'dport', 'iif']);
    const child = Object.assign(Object.create({ inherited: 1 }) as Record<string, unknown>, { a: 1, b: 2 });
    expect(sized(child)).toEqual({ a: 1, b: 2 });
    expect(Object.hasOwn(sized(child), 'inherited')).toBe(false);
  });
});
