import { describe, expect, it } from 'vitest';
import { lexCursor, statementAt } from '../../parsers/mikrotik/lexer.js';
import { NOT_PLAIN, DISABLED, plainAdd, scanPlainAdd, scanned } from '../../parsers/mikrotik/plain-add.js';

/** Where the lexer stops after the statement at 0 (the offset its next statement may start from). */
function lexerStop(text: string): number {
  let stop = -1;
  let first = true;
  lexCursor(
    text,
    'test.rsc',
    () => undefined,
    undefined,
    [],
    (at) => {
      // Offered the second statement: the first one ended before it; take the rest unread.
      if (!first && stop < 0) stop = at;
      first = false;
      return -1;
    },
  );
  return stop;
}

/** Where the lexer's next statement starts when it goes on from `at` (it skips blanks and newlines there). */
function nextStart(text: string, at: number): number {
  while (at < text.length && /[ \t\r\n\f\uFEFF]/.test(text.charAt(at))) at++;
  return at;
}

/** What the lexer path decides for `add …` at offset 0: NOT_PLAIN or its disabled state, its end. */
function viaLexer(text: string): { plain: number; end: number } {
  const st = statementAt(text, 0);
  return { plain: plainAdd(st, 1), end: st.end };
}

describe('RouterOS plain adds scanned in the first pass (plain-add.ts scanPlainAdd)', () => {
  // Plain adds as exports write them: taken by the scan, with the lexer's end, stop and disabled state.
  const taken = [
    'add action=accept chain=input protocol=udp dst-port=5060\nadd chain=x',
    'add action=drop chain=forward comment="Temp vpn 987" src-address=!172.23.222.0/24\r\nadd chain=x',
    'add address=10.0.0.1\tlist=b   comment=x  \nadd address=10.0.0.2 list=b',
    'add chain=input src-address=!"10.1.0.0/16" comment=""\nadd chain=x',
    'add chain=input comment="with [brackets] {x} (y) and = sign" log-prefix=""\nadd chain=x',
    'add chain=input comment=élan dst-port=5060,5061\nadd chain=x',
    'add action=accept chain=input \\\n    comment="x y" \\\n    connection-state=established\nadd chain=x',
    'add action=accept chain=input \\  \r\n\t comment=x \\\n protocol=udp\nadd chain=x',
    'add action=accept chain=input connection-state=\\\n    established,related\nadd chain=x',
    'add chain=input src-address=\\\n    !10.0.0.0/8 comment=\\\n    "a b"\nadd chain=x',
    'add chain=input disabled=yes\nadd chain=x',
    'add chain=input disabled=true disabled=no\nadd chain=x',
    'add chain=input disabled=false disabled=yes\fprotocol=tcp\nadd chain=x',
    'add action=jump chain=forward jump-target=lan-out\nadd chain=x',
  ];
  it.each(taken)('takes %j as the lexer reads it', (text) => {
    const lexed = viaLexer(text);
    expect(lexed.plain).not.toBe(NOT_PLAIN);
    const stop = scanPlainAdd(text, 3);
    expect(text.charAt(stop)).toMatch(/[\r\n]/);
    expect(nextStart(text, stop)).toBe(lexerStop(text));
    expect(scanned.end).toBe(lexed.end);
    expect(scanned.disabled).toBe(lexed.plain === DISABLED);
  });

  // Not plain (the lexer path keeps them as Items), or plain in ways only the lexer reads: left to it.
  const left = [
    'add chain=input action=add-src-to-address-list address-list=x\nadd chain=x',
    'add chain=input action="accept"\nadd chain=x',
    'add chain=input action=!accept\nadd chain=x',
    'add chain=input disabled="yes"\nadd chain=x',
    'add chain=input disabled=maybe\nadd chain=x',
    'add chain=input copy-from=0\nadd chain=x',
    'add chain=input place-before=0\nadd chain=x',
    'add chain=input blackhole\nadd chain=x',
    'add Chain=input\nadd chain=x',
    'add chain=input comment="caf\\C3\\A9"\nadd chain=x',
    'add chain=input comment=x"y z"\nadd chain=x',
    'add chain=input comment="x"y\nadd chain=x',
    'add chain=input comment=a[b]\nadd chain=x',
    'add chain=input comment=x\\\n    y\nadd chain=x',
    'add chain=input comment=x \\y\nadd chain=x',
    'add chain=input src-address=\\\n    10.0.\\\n    0.0/8\nadd chain=x',
    'add chain=input connection-state=\\\n\nadd chain=x',
    'add chain=input\rprotocol=udp\nadd chain=x',
    'add chain=input comment="open\nadd chain=x',
    'add chain=input protocol=udp',
    'add chain=input protocol=udp \\\n',
    'add\nadd chain=x',
  ];
  it.each(left)('leaves %j to the lexer', (text) => {
    expect(scanPlainAdd(text, 3)).toBe(-1);
  });
});
