import { describe, expect, it } from 'vitest';
import { statementAt, statementsAt } from '../../parsers/mikrotik/lexer.js';

describe('RouterOS words broken by continuations (lexer.ts)', () => {
  it('keeps a word broken once as two pieces, joined on demand', () => {
    const text = 'add chain=input dst-address=\\\n    10.0.0.1 comment=x\n';
    const st = statementAt(text, 0);
    expect(st.count).toBe(4);
    expect(st.isBroken(1)).toBe(false);
    expect(st.breakAt(1)).toBe(-1);
    expect(st.isBroken(2)).toBe(true);
    expect(st.breakAt(2)).toBe(text.indexOf('\\'));
    expect(st.resumeAt(2)).toBe(text.indexOf('10.0.0.1'));
    expect(st.wordEnd(2)).toBe(text.indexOf('10.0.0.1') + 8);
    expect(st.joined(2)).toBe('dst-address=10.0.0.1');
    expect(st.raw(2)).toBe('dst-address=10.0.0.1');
    expect(st.words().map((w) => w.raw)).toEqual(['add', 'chain=input', 'dst-address=10.0.0.1', 'comment=x']);
  });

  it('joins a word broken twice at once, with no two-piece bounds', () => {
    const st = statementAt('add comment=ab\\\n  cd\\\n  ef chain=x\n', 0);
    expect(st.isBroken(1)).toBe(true);
    expect(st.breakAt(1)).toBe(-1);
    expect(st.resumeAt(1)).toBe(-1);
    expect(st.joined(1)).toBe('comment=abcdef');
  });

  it('does not carry a joined word over to the next statement read by the same reader', () => {
    const text = 'add a=\\\n  b\nadd a=c d=\\\n  e\n';
    const at = statementsAt(text);
    const first = at(0);
    expect(first.joined(1)).toBe('a=b');
    const second = at(text.indexOf('add a=c'));
    expect(second.joined(1)).toBeUndefined();
    expect(second.joined(2)).toBe('d=e');
  });
});
