import { describe, expect, it } from 'vitest';
import { executor } from '../../parsers/mikrotik/commands.js';
import { Ctx } from '../../parsers/mikrotik/context.js';
import { lexCursor } from '../../parsers/mikrotik/lexer.js';
import type { Store } from '../../parsers/mikrotik/store.js';
import { PositionIndex } from '../../parsers/toolkit/positions.js';

/**
 * commands.ts executor `fast`: the usual `add` line of a rule table or address list is taken by one
 * regular expression instead of the lexer. Whatever it takes must leave the store, the counts and the
 * reports exactly as the lexer's path leaves them; what it declines goes to the lexer.
 */

interface Run {
  /** Offsets of the statements `fast` took. */
  taken: number[];
  state: string;
}

/** What a store holds, entry by entry (entries as the store keeps them, then their properties read). */
function storeText(store: Store): string {
  const out: string[] = [];
  for (const [path, menu] of store.menus) {
    const entries = menu.items.map((it) => {
      const props = [...it.props].map(([k, p]) => [k, p.value, p.negated, p.start, p.end]);
      return JSON.stringify([it.start, it.end, it.builtin, it.disabled, props]);
    });
    const settings = menu.settings ? [...menu.settings.props].map(([k, p]) => [k, p.value]) : null;
    out.push(JSON.stringify([path, menu.anchor, menu.count, menu.enabledCount, settings, entries]));
  }
  return out.join('\n');
}

function run(text: string, useFast: boolean): Run {
  const ctx = new Ctx('t.rsc', text, new PositionIndex(text));
  const ex = executor(ctx);
  const taken: number[] = [];
  const fast = (at: number): number => {
    const end = ex.fast(at);
    if (end >= 0) taken.push(at);
    return end;
  };
  lexCursor(text, 't.rsc', ex.run, ctx.lines, undefined, useFast ? fast : undefined);
  const r = ex.result;
  // Packed entries as kept (offsets, flags, argument offsets) before anything unpacks them.
  const packed = [...r.store.menus].map(([path, m]) => [path, JSON.stringify(m.takePacked())]);
  const state = JSON.stringify([
    r.slashPaths,
    r.commandCount,
    r.knownMenuCount,
    r.first,
    r.firstStray,
    ctx.unsupported,
    ctx.notes,
    packed,
  ]);
  return { taken, state };
}

/** The lexer's path and the fast path agree, on the store as kept and as read. */
function same(text: string): number[] {
  const slow = run(text, false);
  const fast = run(text, true);
  expect(fast.state).toBe(slow.state);
  const store = (useFast: boolean): string => {
    const ctx = new Ctx('t.rsc', text, new PositionIndex(text));
    const ex = executor(ctx);
    lexCursor(text, 't.rsc', ex.run, ctx.lines, undefined, useFast ? ex.fast : undefined);
    return storeText(ex.result.store);
  };
  expect(store(true)).toBe(store(false));
  expect(slow.taken).toEqual([]);
  return fast.taken;
}

const HEAD = '# 2025-04-20 16:18:22 by RouterOS 7.18.2\n/interface list add name=WAN\n';

describe('RouterOS plain add lines without the lexer (commands.ts fast)', () => {
  it('takes the usual terse and section lines, with the lexer’s result', () => {
    const terse = [
      '/ip firewall address-list add address=10.0.0.1 list=blocklist',
      '/ip firewall address-list add address=10.0.0.2 list=blocklist comment="a b"',
      '/ip firewall filter add action=accept chain=forward protocol=tcp dst-port=5060',
      '/ip firewall filter add action=drop\tchain=input  src-address=!10.0.0.0/8 comment=élan',
      '/ip firewall filter add action=accept chain=input comment="" log-prefix=""',
    ].join('\n');
    const taken = same(HEAD + terse + '\n');
    // The first line of each path goes to the lexer (it records the path); the others are taken.
    expect(taken.length).toBe(3);

    const section = [
      '/ip firewall filter',
      'add action=accept chain=input connection-state=established,related',
      'add action=accept chain=forward protocol=udp dst-port=5060 \\',
      '    src-address=10.1.0.0/16 comment="x y"',
      'add action=accept chain=forward dst-address=\\',
      '    10.0.0.1',
      'add action=accept chain=forward comment=\\',
      '    "Temp vpn 987"',
      '    add action=drop chain=forward',
    ].join('\r\n');
    expect(same(HEAD + section + '\r\n').length).toBe(5);
  });

  // Each of these is left to the lexer: the store says what the lexer's path made of it.
  const declined = [
    'add action=accept chain=input disabled=YES',
    'add action=accept chain=input disabled=maybe',
    'add action=accept chain=input disabled=yesno',
    'add action=accept chain=input disabled=',
    'add action=accept chain=input disabled="yes"',
    'add action=accept chain=input disabled=\\\n    yes',
    'add action=add-src-to-address-list address-list=x chain=input',
    'add action=!accept chain=input',
    'add action="accept" chain=input',
    'add action=accept chain=input copy-from=0',
    'add action=accept chain=input place-before=0',
    'add action=accept Chain=input',
    'add action=accept chain=input blackhole',
    'add action=accept chain=input comment="a \\"q\\""',
    'add action=accept chain=input comment=a[b]',
    'add action=accept chain=input comment=x"y"',
    'add action=accept chain=input comment="x"y',
    'add action=accept chain=input dst-port=80\\\n    81',
    'add action=accept chain=input dst-port=\\\n\n',
    'add action=accept chain=input \\\n\nadd chain=forward',
    'add action=accept chain=input \\\nadd chain=forward',
    'add action=accept chain=input\rprotocol=udp',
    'add action=accept chain=input\fprotocol=udp',
    'add action=accept chain=input \\',
    'add',
    'add\\\n action=accept chain=input',
    'add action=accept chain=input comment={x}',
    'add action=accept chain=input comment=a\x7fb',
  ];
  it.each(declined)('leaves %j to the lexer', (line) => {
    const text = `${HEAD}/ip firewall filter\nadd chain=input\n${line}\nadd chain=output\n`;
    const taken = same(text);
    expect(taken).toContain(text.indexOf('add chain=input'));
    expect(taken).not.toContain(text.indexOf(line));
  });

  // disabled= words the expression takes: the entry is disabled as its last disabled word says, as the lexer's path has it.
  const disabled = [
    'add action=accept chain=input disabled=yes',
    'add action=accept chain=input disabled=no',
    'add disabled=true action=accept chain=input',
    'add action=accept disabled=false chain=input',
    'add action=accept chain=input disabled=yes disabled=no',
    'add action=accept chain=input disabled=no disabled=yes',
    'add action=accept chain=input comment="x disabled=yes" disabled=no',
    'add action=accept chain=input comment="disabled=yes"',
    'add action=accept chain=input comment="x disabled=yes y"',
    'add action=accept chain=input disabled=yes comment="x disabled=no y"',
    'add action=accept chain=input comment=disabled=yes',
    'add action=accept chain=input log-prefix=xdisabled=yes',
    'add action=accept chain=input \\\n    disabled=yes',
    'add action=accept chain=input \\\r\n\tdisabled=true comment=\\\n    "a b"',
    'add action=accept chain=input disabled=yes\t',
  ];
  it.each(disabled)('takes %j', (line) => {
    const text = `${HEAD}/ip firewall filter\nadd chain=input\n${line}\nadd chain=output\n`;
    expect(same(text)).toContain(text.indexOf(line));
    // Terse: the first line of the path goes to the lexer, the next is taken.
    const entry = line.replace('action=accept', 'list=a').replace('chain=input', 'address=10.0.0.2');
    const first = `${HEAD}/ip firewall address-list add list=a address=10.0.0.1\n`;
    expect(same(`${first}/ip firewall address-list ${entry}\n`)).toEqual([first.length]);
  });

  // The expression's backtracking stack overflows on a line of about two million words (V8 throws a
  // RangeError): such a line is the lexer's, not a crash of the parse.
  it('leaves a line too long for the expression to the lexer', () => {
    const words = Array.from({ length: 2_000_000 }, (_, i) => `comment=x${String(i)}`).join(' ');
    const text = `${HEAD}/ip firewall filter\nadd chain=input\nadd chain=forward ${words}\nadd chain=output\n`;
    const { taken } = run(text, true);
    expect(taken).not.toContain(text.indexOf('add chain=forward'));
    expect(taken).toContain(text.indexOf('add chain=output'));
  });

  it('takes nothing outside a deferred menu, before the first statement or inside a script block', () => {
    expect(same('/ip firewall nat\nadd action=masquerade chain=srcnat\nadd action=accept chain=srcnat\n')).toEqual([]);
    expect(same('/ip firewall filter\nadd chain=input\nadd chain=input\n').length).toBe(2);
    expect(same('add chain=input\n/ip firewall filter\nadd chain=input\n').length).toBe(1);
    same('/system script\nadd name=x source={\n  :put x\n  add chain=input\n}\n/ip firewall filter\nadd chain=input\n');
    expect(same('/ip firewall filter\nadd chain=input source={\n add chain=input\n add chain=input\n}\n')).toEqual([]);
    expect(same('/ip/firewall/filter/add chain=input\n/ip/firewall/filter/add chain=forward\n').length).toBe(1);
  });
});
