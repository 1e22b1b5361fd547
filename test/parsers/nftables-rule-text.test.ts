import { describe, expect, it } from 'vitest';
import { parseNftables } from '../../parsers/nftables/index.js';
import { printExpr } from '../../parsers/nftables/print.js';
import { OTHER, SAME, UNQUOTED, canonicalText, sourceForm } from '../../parsers/nftables/rule-text.js';
import { wordValue } from '../../parsers/nftables/text-rules.js';
import { Hasher } from '../../parsers/toolkit/hash.js';
import { parseAddressSpec } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';

/**
 * A rule's text kept as its source slice (rule-text.ts), the hash of a text without building it, the
 * printed text kept in prefix and range literals, and the IPv4 path of parseAddressSpec: each gives
 * what the general way gives.
 */

const form = (parts: string[], src: string) => sourceForm(parts, src, 0, src.length);

describe('sourceForm', () => {
  it('finds the joined parts in the source, as written or without its quotes', () => {
    expect(form(['iifname', 'lan1', 'accept'], 'iifname lan1 accept')).toBe(SAME);
    expect(form(['iifname', 'lan1', 'accept'], 'iifname "lan1" accept')).toBe(UNQUOTED);
    expect(form(['iifname', '{ a, b }', 'accept'], 'iifname { "a", "b" } accept')).toBe(UNQUOTED);
    expect(form(['iifname', 'lan1', 'accept'], 'iifname lan1  accept')).toBe(OTHER);
    expect(form(['iifname', 'lan1', 'accept'], 'iifname lan1 accept;')).toBe(OTHER);
    expect(form(['iifname', 'lan1'], 'iifname lan12')).toBe(OTHER);
    expect(form(['ct state', '{ established, related }'], 'ct state established,related')).toBe(OTHER);
  });

  it('never calls a text with quotes of its own the unquoted source', () => {
    // Joined: `comment "a b" x`; the source without quotes is `comment a b x`.
    expect(form(['comment', '"a b"', 'x'], 'comment "a b" "x"')).toBe(OTHER);
    expect(form(['comment', '"a b"', 'x'], 'comment "a b" x')).toBe(SAME);
  });

  it('gives the text back without the quotes', () => {
    expect(canonicalText('iifname "lan1" accept', true)).toBe('iifname lan1 accept');
    expect(canonicalText('iifname "lan1" accept', false)).toBe('iifname "lan1" accept');
  });
});

describe('Hasher.addWithout', () => {
  it('hashes a text as add() hashes it without the skipped character', () => {
    const a = new Hasher().add('inet fw c').addWithout('iifname "lan1" accept', '"').value();
    const b = new Hasher().add('inet fw c').add('iifname lan1 accept').value();
    expect(a).toBe(b);
  });
});

describe('Hasher.addRange', () => {
  it('hashes a part of a text as add() and addWithout() hash that part as a string', () => {
    const src = 'chain c { iifname "lan1" accept }';
    const from = src.indexOf('iifname');
    const to = src.indexOf(' }');
    const part = src.slice(from, to);
    expect(new Hasher().add('x').addRange(src, from, to).value()).toBe(new Hasher().add('x').add(part).value());
    expect(new Hasher().addRange(src, from, to, '"').value()).toBe(new Hasher().addWithout(part, '"').value());
    expect(new Hasher().addRange(src, 3, 3).value()).toBe(new Hasher().add('').value());
  });
});

describe('rules written as printed but for quotes', () => {
  it('keep their canonical text, label and id', () => {
    const src = 'table inet fw {\n  chain c {\n    iifname "lan1" ip saddr 10.1.0.0/16 accept\n  }\n}\n';
    const plain = src.replace(/"/g, '');
    const [a, b] = [src, plain].map((t) => parseNftables(t, 'r.nft').ruleset.chains['inet fw c']?.rules[0]);
    expect(a?.text).toBe('iifname lan1 ip saddr 10.1.0.0/16 accept');
    expect(a?.text).toBe(b?.text);
    expect(a?.id).toBe(b?.id);
    expect(a?.label).toBe(b?.label);
  });
});

describe('prefix and range values', () => {
  it('keep the text printExpr gives for them', () => {
    for (const w of [
      '10.0.0.0/8',
      '10.0.0.0/08',
      '8000-8100',
      '080-0100',
      '10.0.0.1-10.0.0.9',
      '1-123456789012345678',
    ]) {
      const v = wordValue(w);
      const copy = JSON.parse(JSON.stringify(v)) as typeof v;
      expect(printExpr(v), w).toBe(printExpr(copy));
    }
  });
});

describe('words tested by their codes', () => {
  it('are quoted by printExpr as the regular expression quotes them', () => {
    const quoted = /[\s{}",;]/;
    const words = ['', 'lan1', 'my lan', 'a\u00a0b', 'a\u2028b', 'é', 'x\ty', 'x\vy', '\x7f', '!#$%&()*+'];
    for (let c = 0; c < 256; c++) words.push(`a${String.fromCharCode(c)}b`);
    for (const w of words)
      expect(printExpr(w), JSON.stringify(w)).toBe(quoted.test(w) || w === '' ? JSON.stringify(w) : w);
  });

  it('give the values the regular expressions give', () => {
    // What wordValue gave when it tested numbers, hexadecimal numbers and dotted quads by regular expressions.
    const num = /^\d+$/;
    const hex = /^0x[0-9a-fA-F]+$/;
    const quad = /^\d{1,3}(\.\d{1,3}){3}$/;
    const words = ['0', '007', '123456789012345', '1234567890123456', '0x1f', '0X1f', '0x', '0xg', '1a', '1.2.3.4'];
    for (const a of [
      '1.2.3.4',
      '001.2.3.4',
      '1.2.3',
      '1.2.3.4.5',
      '1234.1.1.1',
      '1..2.3',
      '.1.2.3',
      '1.2.3.',
      '1.2.3.4a',
    ])
      words.push(`${a}/24`, `${a}/0`, `${a}-${a}`);
    for (const w of words) {
      const v = wordValue(w);
      const slash = w.indexOf('/');
      if (num.test(w)) expect(v, w).toBe(w.length > 15 ? w : Number(w));
      else if (hex.test(w)) expect(v, w).toBe(w.length > 14 ? w : Number.parseInt(w, 16));
      else if (slash > 0) expect(typeof v === 'object', w).toBe(quad.test(w.slice(0, slash)));
      else if (w.includes('-', 1)) {
        const [a = '', b = ''] = w.split('-');
        expect(typeof v === 'object', w).toBe(quad.test(a) && quad.test(b));
      } else expect(v, w).toBe(w);
    }
  });
});

describe('parseAddressSpec, IPv4', () => {
  it('gives the sets of the general way', () => {
    const specs = ['10.1.2.3', '10.1.2.3/24', '0.0.0.0/0', '255.255.255.255/32', '192.168.1.77/27', '010.1.2.3/8'];
    for (const s of specs) {
      // A leading space takes the general way (trim, slices, bigints).
      const fast = parseAddressSpec(s);
      const general = parseAddressSpec(` ${s}`);
      expect(fast?.bounds, s).toEqual(general?.bounds);
      expect(fast?.equals(general ?? IntervalSet.empty(0n, 1n)), s).toBe(true);
    }
    for (const s of ['10.1.2.3/33', '10.1.2.3/', '10.1.2/24', '10.1.2.256', '10.1.2.3/0024'])
      expect(parseAddressSpec(s), s).toBe(parseAddressSpec(` ${s}`));
  });
});
