/**
 * Property tests (fast-check) of each lexer / low-level reader on arbitrary text: the only exception
 * is the parser's own ParseError (with a line and column inside the text), and every position a
 * token or statement reports is inside the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTree } from '../../parsers/fortigate/tree.js';
import { lex } from '../../parsers/mikrotik/lexer.js';
import { scanJson } from '../../parsers/nftables/json-scanner.js';
import { Lexer } from '../../parsers/nftables/lexer.js';
import { parseXml } from '../../parsers/pfsense/xml.js';
import { ParseError } from '../../src/model/errors.js';

const PIECES = [
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '"',
  "'",
  '\\',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '#',
  ';',
  ':',
  '=',
  '/',
  '<',
  '>',
  '!',
  '$',
  '@',
  ',',
  'a',
  'Z',
  '1',
  '65535',
  '1.5',
  '-',
  '*',
  '\u0000',
  '\uFEFF',
  'é',
  'config',
  'edit',
  'set',
  'unset',
  'next',
  'end',
  'add',
  '/ip firewall filter',
  ':local',
  'do={',
  'table',
  'chain',
  'define',
  'include',
  'elements',
  '<pfsense>',
  '</pfsense>',
  '<rule>',
  '</rule>',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '&amp;',
  '{"nftables":',
  '"rule"',
  'null',
  'true',
];

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 120 }).map((a) => a.join('')),
);

function lineCount(s: string): number {
  let n = 1;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n + (s.match(/\r(?!\n)/g)?.length ?? 0);
}

/** Runs `f`; passes when it returns or throws a ParseError whose position is inside the text. */
function onlyParseErrors(s: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lineCount(s) + 1);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.message).not.toMatch(/[\r\n]/);
  }
}

describe('lexers on arbitrary text', () => {
  it('nftables lexer: tokens inside the text, only ParseError', () => {
    fc.assert(
      fc.property(text, (s) => {
        onlyParseErrors(s, () => {
          const lx = new Lexer(s, 't.nft');
          for (let k = 0; k <= s.length + 2; k++) {
            const t = lx.next();
            expect(t.line).toBeGreaterThanOrEqual(1);
            expect(t.line).toBeLessThanOrEqual(lineCount(s));
            expect(t.col).toBeGreaterThanOrEqual(1);
            if (t.kind === 'eof') return;
          }
          throw new Error('the lexer never reached the end');
        });
      }),
    );
  });

  it('RouterOS lexer: statements and words inside the text, only ParseError', () => {
    fc.assert(
      fc.property(text, (s) => {
        onlyParseErrors(s, () => {
          const { statements } = lex(s, 't.rsc');
          for (const st of statements) {
            expect(st.start).toBeGreaterThanOrEqual(0);
            expect(st.end).toBeLessThanOrEqual(s.length);
            for (const w of st.words) expect(w.start >= st.start && w.end <= st.end).toBe(true);
          }
        });
      }),
    );
  });

  it('FortiGate tree reader: only ParseError', () => {
    fc.assert(
      fc.property(text, (s) => {
        onlyParseErrors(s, () => void readTree(s, 't.conf'));
      }),
    );
  });

  it('pfSense XML reader: only ParseError', () => {
    fc.assert(
      fc.property(text, (s) => {
        onlyParseErrors(s, () => void parseXml(s, 't.xml'));
      }),
    );
  });

  it('nftables JSON scanner: only ParseError', () => {
    fc.assert(
      fc.property(text, (s) => {
        onlyParseErrors(s, () => void scanJson(s, 't.json'));
      }),
    );
  });
});
