import { describe, expect, it } from 'vitest';
import { readPlainView, readPropsView } from '../../parsers/mikrotik/args.js';
import { statementAt } from '../../parsers/mikrotik/lexer.js';
import type { Props } from '../../parsers/mikrotik/store.js';

/** key, value, negated, start, end of every property, in order (a view is valid only until the next read). */
function flat(p: Props): (string | number | boolean)[][] {
  const out: (string | number | boolean)[][] = [];
  for (let n = 0; n < p.size; n++) {
    const prop = p.propAt(n);
    out.push([p.keyAt(n), prop.value, prop.negated, prop.start, prop.end]);
  }
  return out;
}

function full(text: string, argsFrom: number): (string | number | boolean)[][] {
  return flat(readPropsView(statementAt(text, 0), argsFrom));
}

function plainView(text: string, argsFrom: number): (string | number | boolean)[][] | undefined {
  const p = readPlainView(text, 0, argsFrom);
  return p && flat(p);
}

describe('RouterOS entries without broken words (args.ts readPlainView)', () => {
  // What plain adds look like: the one-pass reader reads them, with the full reader's properties.
  const served: [string, number][] = [
    ['add action=accept chain=input protocol=udp dst-port=5060', 1],
    ['/ip firewall filter add action=drop chain=forward comment="Temp vpn 987" src-address=!172.23.222.0/24', 4],
    ['/ip/firewall/address-list/add address=10.0.0.1 list=a comment=""', 1],
    ['add address=10.0.0.1\tlist=b   comment=x  \nadd address=10.0.0.2 list=b', 1],
    ['add address=10.0.0.1 list=b comment=x\r\nadd address=10.0.0.2 list=b', 1],
    ['add chain=input src-address=!"10.1.0.0/16" dst-address="10.2.0.1" in-interface-list=!WAN comment=a=b', 1],
    ['add chain=input comment="with [brackets] {x} (y) and = sign" log-prefix=""', 1],
    ['add chain=input comment=élan dst-port=5060,5061 Chain=forward', 1],
    ['add chain=input comment=averylongplaincommentthatislongerthanthirtytwocharacters protocol=tcp', 1],
    ['add chain=input comment="a quoted comment that is longer than thirty two characters" protocol=tcp', 1],
    ['add chain=input protocol=tcp protocol=udp', 1],
    ['add action=accept chain=input \\\n    comment="x y" \\\n    connection-state=established', 1],
    ['add action=accept chain=input \\  \r\n\t comment=x \\\n protocol=udp', 1],
    ['add', 1],
    // RouterOS wraps a long line before a value: `key=\` + newline, the value whole on the next line.
    ['add action=accept chain=input connection-state=\\\n    established', 1],
    ['add action=accept chain=input connection-state=\\\r\n\t established,related comment=x', 1],
    ['add chain=input src-address=\\\n    !10.0.0.0/8 dst-address=\\  \n 10.0.0.1', 1],
    ['add chain=input comment=\\\n    "a quoted comment" protocol=udp', 1],
    ['add chain=input connection-state=\\ \t\n    established', 1],
    ['/ip firewall filter add chain=input comment=\\\n    "Temp vpn 987"', 4],
  ];
  it.each(served)('reads %j as the full reader does', (text, argsFrom) => {
    const expected = full(text, argsFrom);
    expect(plainView(text, argsFrom)).toEqual(expected);
  });

  // Escapes, brackets outside quotes, quotes inside a word, broken words, bare words, a lone CR: left to the full reader.
  const declined: [string, number][] = [
    ['add chain=input comment="caf\\C3\\A9"', 1],
    ['add chain=input comment="Temp \\"q\\""', 1],
    ['add chain=input comment=x"y z"', 1],
    ['add chain=input comment="x"y', 1],
    ['add chain=input comment=a[b]', 1],
    ['add chain=input comment=x\\\n    y', 1],
    ['add chain=input comment=x \\y', 1],
    ['add chain=input connection-state=\\\n', 1],
    ['add chain=input connection-state=\\\n\f', 1],
    ['add chain=input comment=\\\n    "a quoted \\"q\\""', 1],
    ['add chain=input src-address=!\\\n    10.0.0.0/8', 1],
    ['add chain=input src-address=\\\n    10.0.\\\n    0.0/8', 1],
    ['add chain=input src-address=\\x', 1],
    ['add chain=input blackhole', 1],
    ['add chain=input\rprotocol=udp', 1],
    ['add chain=input "quoted-key"=x', 1],
  ];
  it.each(declined)('leaves %j to the full reader', (text, argsFrom) => {
    expect(plainView(text, argsFrom)).toBeUndefined();
  });
});

describe('RouterOS entries read one after another (args.ts readPlainView)', () => {
  // One reader and its interning tables serve every entry: entries whose keys or values start like
  // those before them, or differ in case, still read as the full reader reads them.
  const sequence: [string, number][] = [
    ['add action=accept chain=forward protocol=tcp dst-port=5060', 1],
    ['add action=accept chain=forward protocol=tcp dst-port=5060', 1],
    ['add action=acceptx chain=forwar protocol=tcp,udp dst-port=506', 1],
    ['add actionx=accept chain=forward protocol= dst-port=5060', 1],
    ['add Action=accept chain=forward protocol=!tcp dst-port="5060"', 1],
    ['add action=accept chain=forward comment=x protocol=tcp dst-port=5060', 1],
    ['add action=accept chain=forward comment="x" protocol=tcp dst-port=\\\n    5060', 1],
    ['add chain=forward action=accept', 1],
    ['add action=accept chain=forward protocol=tcp\r\nadd action=drop', 1],
    ['add action=accept chain=forward protocol=tcp', 1],
    ['add action=accept chain=forward protocol=tcp"x"', 1],
    ['add action=accept chain=forward protocol=tcp[x]', 1],
    ['add action=accept chain=forward protocol=tcp', 1],
    ['/ip firewall address-list add address=10.0.0.1 list=blocklist', 4],
    ['/ip firewall address-list add address=10.0.0.2 list=blocklistx', 4],
    ['/ip firewall address-list add address=10.0.0.3 list=blocklist', 4],
    ['/ip firewall address-list add address=10.0.0.3 list=', 4],
    ['/ip firewall address-list add address=10.0.0.3 list=blocklist', 4],
  ];
  it('reads each as the full reader does', () => {
    for (const [text, argsFrom] of sequence) {
      const expected = full(text, argsFrom);
      const p = readPlainView(text, 0, argsFrom);
      expect(p && flat(p), text).toEqual(p === undefined ? undefined : expected);
      if (!/[[\]]|"x"/.test(text)) expect(p, text).toBeDefined();
    }
  });

  it('starts at the first argument when its offset is given (the words before it are not read again)', () => {
    const text = '/ip firewall filter add action=drop chain=forward src-address=10.0.0.0/8';
    const p = readPlainView(text, 0, 4, text.indexOf('action'));
    expect(p && flat(p)).toEqual(full(text, 4));
    // A word the one-pass reader declines before the arguments: skipped, not read.
    const odd = 'x"y add action=drop chain=forward';
    expect(readPlainView(odd, 0, 2)).toBeUndefined();
    expect(flat(readPlainView(odd, 0, 2, odd.indexOf('action')) ?? readPropsView(statementAt(odd, 0), 0))).toEqual([
      ['action', 'drop', false, 8, 19],
      ['chain', 'forward', false, 20, 33],
    ]);
  });
});
