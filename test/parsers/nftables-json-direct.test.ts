import { describe, expect, it, vi } from 'vitest';
import { generateNftJson } from '../../bench/generate-nft-json.js';
import { condValues, Expander, type Flat } from '../../parsers/nftables/expand.js';
import { newTable, type NRule, type Stmt } from '../../parsers/nftables/ir.js';
import { EntryRule } from '../../parsers/nftables/entry-rule.js';
import { DirectRules } from '../../parsers/nftables/json-direct.js';
import { readJson, readJsonWhole } from '../../parsers/nftables/json-reader.js';
import { buildPolicy } from '../../parsers/nftables/index.js';
import { Preparer, RuleTexts } from '../../parsers/nftables/prepare.js';
import { printExpr, printRule } from '../../parsers/nftables/print.js';
import { PositionIndex } from '../../parsers/toolkit/positions.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { NameSet } from '../../src/model/name-set.js';

/**
 * A rule as the model reads it (Rule's members), not as kept (entry-rule.ts: numbers, a place in a
 * source or a text of its own, the hash in two parts): the two reads keep their texts differently.
 */
function modelRule(v: unknown): unknown {
  if (!(v instanceof EntryRule)) return v;
  const { id, loc, label, text, comment, match, action, udpTimeout, helperTimeout } = v;
  return { id, loc, label, text, comment, match, action, udpTimeout, helperTimeout };
}

/**
 * The common `nft -j` rule elements are read straight from the text (json-direct.ts): the canonical
 * text, the alternative and the values must be what printRule and expand give for the parsed element,
 * and anything outside the common form must be left to the generic path (read() gives undefined).
 */

const TABLE = newTable('inet', 'fw', { file: 'd.json', line: 1, column: 1, endLine: 1 });

/** An alternative as text: conditions (selector, operator, right side, statement, values) and verdict. */
function shown(f: Flat): string {
  const conds = f.conds.map(
    (c) =>
      `${printExpr(c.left)}|${c.op}|${JSON.stringify(c.right)}|${String(c.at)}|${JSON.stringify(condValues(c, TABLE).values)}`,
  );
  const v = f.verdict;
  return `${conds.join(' & ')} -> ${v ? `${v.kind}${'target' in v ? ` ${v.target}` : ''}` : '-'}`;
}

/** The direct reading of the element `text` (one element alone), and the generic one of the same element. */
function both(text: string): { direct?: { text: string; flat: string }; generic: { text: string; flat: string } } {
  const el = JSON.parse(text) as { rule: { expr: Stmt[]; comment?: string } };
  const rule: NRule = { pos: { file: 'd.json', line: 1, column: 1, endLine: 1 }, stmts: el.rule.expr };
  const flats = new Expander().expand(rule, TABLE);
  const generic = { text: printRule(el.rule.expr, el.rule.comment), flat: flats.map(shown).join(' || ') };
  // Without the direct match: every rule gives its alternatives (with it, most give their match instead).
  const d = new DirectRules(text, 'd.json', new PositionIndex(text), false).read(0);
  return { direct: d && { text: d.text, flat: d.flats.map(shown).join(' || ') }, generic };
}

const head = '"family": "inet", "table": "fw", "chain": "forward", "handle": 7';
const el = (expr: string, extra = ''): string => `{"rule": {${head}, ${extra}"expr": [${expr}]}}`;
const m = (left: string, right: string, op = '=='): string =>
  `{"match": {"op": "${op}", "left": ${left}, "right": ${right}}}`;
const IIF = '{"meta": {"key": "iifname"}}';
const SADDR = '{"payload": {"protocol": "ip", "field": "saddr"}}';
const DPORT = '{"payload": {"protocol": "tcp", "field": "dport"}}';
const STATE = '{"ct": {"key": "state"}}';

const COMMON: string[] = [
  el(`${m(IIF, '"lan0"')}, {"accept": null}`),
  el(`${m(IIF, '"lan 0"', '!=')}, {"drop": null}`),
  el(
    `${m(SADDR, '{"prefix": {"addr": "192.168.1.0", "len": 24}}')}, {"counter": {"packets": 0, "bytes": 0}}, {"return": null}`,
  ),
  el(`${m(DPORT, '{"set": [80, 443, {"range": [8000, 8100]}]}')}, {"counter": null}, {"continue": null}`),
  el(
    [
      m(
        SADDR,
        '{"set": ["10.0.0.1", {"range": ["10.0.0.5", "10.0.0.9"]}, {"prefix": {"addr": "10.1.0.0", "len": 16}}]}',
      ),
      '{"reject": {"type": "icmp", "expr": "port-unreachable"}}',
    ].join(', '),
  ),
  el(`${m(STATE, '"new"', 'in')}, {"reject": null}`),
  el(`${m(DPORT, '22', '<')}, {"jump": {"target": "zone1"}}`),
  el(`${m(IIF, '"lan1"')}, {"goto": {"target": "zone2"}}, {"accept": null}`),
  el(`${m(DPORT, '{"set": [22]}')}, {"accept": null}`, '"comment": "ssh in", '),
  el(`${m(DPORT, '{"set": []}')}, {"accept": null}`),
  el(`{"accept": null}`, '"comment": "plain", '),
  el(
    [
      `${m(SADDR, '"10.0.0.1"')}, `,
      `{"vmap": {"key": {"concat": [{"payload": {"protocol": "ip", "field": "protocol"}}, ${DPORT}]}, "data": {"set": [`,
      '[{"concat": ["tcp", 22]}, {"accept": null}], [{"concat": ["udp", 53]}, {"jump": {"target": "dns"}}]]}}}, ',
      '{"counter": null}',
    ].join(''),
  ),
  el(`{"vmap": {"key": ${IIF}, "data": {"set": [["lan 3", {"drop": null}]]}}}, ${m(DPORT, '22')}`),
  el(
    [
      `{"vmap": {"key": ${IIF}, "data": {"set": [["a", {"drop": null}], ["b", {"goto": {"target": "x"}}]]}}}`,
      `{"vmap": {"key": ${DPORT}, "data": {"set": [[1, {"accept": null}], [2, {"return": null}]]}}}`,
      '{"accept": null}',
    ].join(', '),
  ),
];

const GENERIC: string[] = [
  el(`{"vmap": {"key": ${IIF}, "data": {"set": [["*", {"drop": null}]]}}}`),
  el(`{"vmap": {"key": ${IIF}, "data": {"set": []}}}`),
  el(`{"vmap": {"key": ${IIF}, "data": {"set": [["a", {"queue": null}]]}}}`),
  el(`{"vmap": {"key": ${IIF}, "data": "@m"}}`),
  el(`{"vmap": {"key": {"concat": [${IIF}, ${DPORT}]}, "data": {"set": [[{"concat": ["a"]}, {"drop": null}]]}}}`),
  el(`{"accept": null}`, '"comment": "ssh \\"in\\"", '),
  el(`${m(SADDR, '"@allowed"')}, {"accept": null}`),
  el(`${m(IIF, '"l\\u0061n0"')}, {"accept": null}`),
  el(`${m(DPORT, '22.0')}, {"accept": null}`),
  el(`${m(DPORT, '022')}, {"accept": null}`),
  el(`${m(DPORT, '-1')}, {"accept": null}`),
  el(`${m(DPORT, '1e3')}, {"accept": null}`),
  el(''),
  el(`{"log": {"prefix": "x"}}, {"accept": null}`),
  el(`${m('{"meta": {"key": "iifname", "x": 1}}', '"lan0"')}, {"accept": null}`),
  el(`${m('{"concat": [{"meta": {"key": "iifname"}}]}', '"lan0"')}, {"accept": null}`),
  el(`{"match": {"left": ${IIF}, "op": "==", "right": "lan0"}}, {"accept": null}`),
  el(`${m(DPORT, '{"range": [1, "2"]}')}, {"accept": null}`),
  el(`${m(DPORT, '{"set": [{"set": [1]}]}')}, {"accept": null}`),
  el(`${m(DPORT, 'true')}, {"accept": null}`),
  el(`{"accept": {"x": 1}}`),
  `{"rule": {"table": "fw", "family": "inet", "chain": "forward", "handle": 7, "expr": [{"accept": null}]}}`,
  `{"rule": {"family": "inet", "table": "fw", "chain": "forward", "expr": [{"accept": null}]}}`,
  `{"rule": {"family": "inet", "table": "", "chain": "forward", "handle": 7, "expr": [{"accept": null}]}}`,
  `{"rule": {${head}, "expr": [{"accept": null}], "comment": "late"}}`,
];

describe('nftables JSON rules read straight from the text', () => {
  it.each(COMMON)('gives printRule’s text and expand’s alternative: %s', (text) => {
    const { direct, generic } = both(text);
    expect(direct).toEqual(generic);
  });

  it('reads the same elements written with other whitespace', () => {
    for (const text of COMMON) {
      const spaced = text.replace(/([{[,:])/g, '$1\n\t ').replace(/([}\]])/g, ' \r\n$1');
      expect(both(spaced).direct).toEqual(both(text).generic);
    }
  });

  it.each(GENERIC)('leaves other elements to the generic path: %s', (text) => {
    expect(new DirectRules(text, 'd.json', new PositionIndex(text)).read(0)).toBeUndefined();
  });

  it('reads a run of elements with one reader as it reads each alone (names, selectors, prefixes it met before)', () => {
    const rule = (family: string, table: string, chain: string, expr: string): string =>
      `{"rule": {"family": "${family}", "table": "${table}", "chain": "${chain}", "handle": 9, "expr": [${expr}]}}`;
    const P6 = '{"payload": {"protocol": "ip6", "field": "saddr"}}';
    const prefix = (addr: string, len: number, gap = ' '): string =>
      `{"prefix": {"addr": "${addr}",${gap}"len": ${String(len)}}}`;
    const els = [
      rule('inet', 'fw', 'forward', `${m(SADDR, prefix('10.0.0.0', 8))}, {"accept": null}`),
      rule('inet', 'fw', 'forward', `${m(SADDR, prefix('10.0.0.0', 16))}, {"drop": null}`),
      rule('inet', 'fw', 'input', `${m(SADDR, prefix('10.0.0.0', 8, '  '))}, {"accept": null}`),
      rule('inet', 'fw2', 'input', `${m(P6, prefix('2001:db8::', 64))}, ${m(DPORT, '22')}, {"accept": null}`),
      rule('ip', 'fw2', 'input', `${m(P6, prefix('2001:db8::', 200))}, {"accept": null}`),
      rule(
        'ip',
        'fw2',
        'input',
        `${m('{"meta": {"key": "oifname"}}', '"wan0"')}, ${m(STATE, '"new"')}, {"accept": null}`,
      ),
      rule('ip', 'fw2', 'input', `${m('{"payload": {"protocol": "tcp",  "field": "dport"}}', '22')}, {"accept": null}`),
      rule(
        'ip',
        'fw2',
        'input',
        `${m('{"payload": {"protocol": "tcp", "field": "dport", "x": 1}}', '22')}, {"accept": null}`,
      ),
      rule('ip', 'fw2', 'input', `${m('{"ct": {"key": "status"}}', '"dnat"')}, {"accept": null}`),
      rule('ip', 'fw2', 'input', `${m(IIF, '"lan0"')}, {"counter": null}, {"accept": null}`),
      // Met again word for word (looked up by their text), and texts that share a beginning with them.
      rule('inet', 'fw', 'forward', `${m(SADDR, prefix('10.0.0.0', 8))}, {"accept": null}`),
      rule('inet', 'fw', 'forward', `${m(SADDR, prefix('10.0.0.0', 88))}, {"accept": null}`),
      rule('inet', 'fw', 'forward', `${m(SADDR, prefix('10.0.0.0', 1))}, {"accept": null}`),
      rule('inet', 'fw', 'forward', `${m(SADDR, prefix('10.0.0.0', 1))}, {"accept": null}`),
      rule('inet', 'fw', 'forward', `${m(SADDR, prefix('10.0.0.0}}', 8))}, {"accept": null}`),
      rule('inet', 'fw', 'forward', `${m(SADDR, prefix('10.0.0.0}}', 8))}, {"accept": null}`),
      rule('ip', 'fw2', 'input', `${m('{"meta": {"key": "a}}b"}}', '"lan0"')}, {"accept": null}`),
      rule('ip', 'fw2', 'input', `${m('{"meta": {"key": "a}}b"}}', '"lan0"')}, {"accept": null}`),
      rule('ip', 'fw2', 'input', `${m('{"meta": {"key": "oifname"}}', '"wan0"')}, {"accept": null}`),
      // Values printed as they are read: quoted strings, sets of mixed values, other operators.
      rule('ip', 'fw2', 'input', `${m(IIF, '"lan 0"')}, {"accept": null}`),
      rule(
        'ip',
        'fw2',
        'input',
        `${m(IIF, '{"set": ["lan0", "lan;1", "", "é", 7, ${prefix("10.0.0.0", 8)}]}')}, {"accept": null}`,
      ),
      rule('ip', 'fw2', 'input', `{"match": {"op": "!=", "left": ${IIF}, "right": "lan0"}}, {"accept": null}`),
    ];
    const text = `[${els.join(', ')}]`;
    const reader = new DirectRules(text, 'd.json', new PositionIndex(text), false);
    let at = 1;
    for (const one of els) {
      const d = reader.read(at);
      const alone = new DirectRules(one, 'd.json', new PositionIndex(one), false).read(0);
      const seen = (x: typeof d) => x && [x.family, x.table, x.chain, x.text, x.flats.map(shown).join(' || ')];
      expect(seen(d)).toEqual(seen(alone));
      if (alone) expect(seen(d)?.slice(3)).toEqual([both(one).generic.text, both(one).generic.flat]);
      at += one.length + 2;
    }
  });

  it('reads selectors met before by their whole text: ones that begin alike, or share a slot, read as each alone', () => {
    // Pairs one text apart (`iif`/`iifname`, `icmp`/`icmpv6`), ones whose few hashed characters agree
    // (`icmpv6 type`/`icmpv6 code` differ only past them), and selectors in other kinds and spacing.
    const sel = [
      '{"meta": {"key": "iif"}}',
      IIF,
      '{"meta": {"key": "iifname", "x": 1}}',
      '{"payload": {"protocol": "icmp", "field": "type"}}',
      '{"payload": {"protocol": "icmpv6", "field": "type"}}',
      '{"payload": {"protocol": "icmpv6", "field": "code"}}',
      '{"payload": {"protocol": "icmpv6", "field": "typex"}}',
      '{"payload": {"protocol": "ip6", "field": "nexthdr"}}',
      '{"payload": {"protocol": "udp", "field": "dport"}}',
      SADDR,
      '{"payload": {"protocol": "ip", "field": "daddr"}}',
      '{"payload": {"protocol": "ip",  "field": "daddr"}}',
      '{"meta": {"key": "nfproto"}}',
      STATE,
      '{"ct": {"key": "status"}}',
      '{"ct": {"key": "state"} }',
    ];
    const els: string[] = [];
    for (let round = 0; round < 3; round++)
      for (let i = 0; i < sel.length; i++) {
        const left = sel[(i * (round + 1)) % sel.length] ?? IIF;
        els.push(el(`${m(left, '"x"')}, ${m(sel[(i + round) % sel.length] ?? IIF, '"y"')}, {"accept": null}`));
      }
    const text = `[${els.join(', ')}]`;
    const reader = new DirectRules(text, 'd.json', new PositionIndex(text), false);
    let at = 1;
    let read = 0;
    for (const one of els) {
      const d = reader.read(at);
      const seen = d && [d.text, d.flats.map(shown).join(' || ')];
      const alone = new DirectRules(one, 'd.json', new PositionIndex(one), false).read(0);
      expect(seen).toEqual(alone && [alone.text, alone.flats.map(shown).join(' || ')]);
      if (alone) {
        read++;
        expect(seen).toEqual([both(one).generic.text, both(one).generic.flat]);
      }
      at += one.length + 2;
    }
    expect(read).toBeGreaterThan(els.length / 2);
  });

  it('gives a jump the position of its statement, and the rule that of its body', () => {
    const text = `\n  ${el(`${m(IIF, '"lan1"')}, {"jump": {"target": "zone1"}}`)}`;
    const d = new DirectRules(text, 'd.json', new PositionIndex(text), false).read(3);
    const v = d?.flats[0]?.verdict;
    const at = text.indexOf('{"jump"');
    expect(v && 'pos' in v ? v.pos : undefined).toEqual({
      file: 'd.json',
      line: 2,
      column: at, // line 2 starts at offset 1
      endLine: 2,
      endColumn: text.indexOf('}}', at) + 2,
    });
    expect(d?.rule?.pos).toEqual({
      file: 'd.json',
      line: 2,
      column: text.indexOf('{"family"'),
      endLine: 2,
      endColumn: text.length - 1,
    });
  });

  it('gives the whole-document read’s policy for the bench listing, most rules read directly', () => {
    const one = generateNftJson({ name: 'direct', rules: 800, setElements: 40, seed: 5 });
    const pretty = JSON.stringify(JSON.parse(one), null, 2);
    const plain = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? `${String(v)}n` : modelRule(v));
    for (const text of [one, pretty, pretty.replace(/\n/g, '\r\n')]) {
      const streamed = readJson(text, 'd.json', {});
      const whole = readJsonWhole(text, 'd.json');
      expect(JSON.stringify(buildPolicy(streamed, {}), plain)).toBe(JSON.stringify(buildPolicy(whole, {}), plain));
      let read = 0;
      const direct = new DirectRules(text, 'd.json', new PositionIndex(text));
      for (let i = text.indexOf('"rule"'); i >= 0; i = text.indexOf('"rule"', i + 1))
        if (direct.read(text.lastIndexOf('{', i))) read++;
      expect(read).toBeGreaterThan(600);
    }
  });

  it('applies the common conditions as they are read: the whole-document read’s policy, interface facts included', () => {
    // Networks inferred from the rules (one interface, private sources or destinations, intersected per
    // side, none once a side has a `!=`, a public address or a range), and the conditions left to the
    // general path (a pattern, a hostname, an empty set, `ct state != a,b` as a list, NAT, verdict maps).
    const OIF = '{"meta": {"key": "oifname"}}';
    const DADDR = '{"payload": {"protocol": "ip", "field": "daddr"}}';
    const P6 = '{"payload": {"protocol": "ip6", "field": "saddr"}}';
    const TH = '{"payload": {"protocol": "th", "field": "dport"}}';
    const SPORT = '{"payload": {"protocol": "tcp", "field": "sport"}}';
    const L4 = '{"meta": {"key": "l4proto"}}';
    const ICMP = '{"payload": {"protocol": "icmp", "field": "type"}}';
    const ICMP6 = '{"payload": {"protocol": "icmpv6", "field": "type"}}';
    const pfx = (addr: string, len: number): string => `{"prefix": {"addr": "${addr}", "len": ${String(len)}}}`;
    const set = (...xs: string[]): string => `{"set": [${xs.join(', ')}]}`;
    const ok = '{"accept": null}';
    const exprs = [
      [m(IIF, '"lan1"'), m(SADDR, set(pfx('10.1.0.0', 16), pfx('10.2.0.0', 16))), ok],
      [
        m(IIF, '"lan2"'),
        m(SADDR, pfx('10.3.0.0', 16)),
        m(SADDR, pfx('10.3.0.0', 17)),
        m(DPORT, set('22', '{"range": [80, 90]}')),
        ok,
      ],
      [m(IIF, '"lan3"'), m(SADDR, pfx('10.4.0.0', 16)), m(SADDR, pfx('10.4.1.0', 24), '!='), ok],
      [m(IIF, '"lan4"'), m(SADDR, pfx('8.8.8.0', 24)), ok],
      [m(IIF, '"lan5"'), m(SADDR, '{"range": ["10.5.0.1", "10.5.0.9"]}'), ok],
      [m(IIF, set('"lan6"', '"lan7"')), m(SADDR, pfx('10.6.0.0', 16)), ok],
      [m(IIF, '"lan8"', '!='), m(SADDR, pfx('10.8.0.0', 16)), ok],
      [m(OIF, '"lan9"'), m(DADDR, set(pfx('192.168.9.0', 24))), m(DPORT, set('5060')), ok],
      [m(OIF, '"lan10"'), m(DADDR, pfx('192.168.10.0', 24)), '{"drop": null}'],
      [
        m(IIF, '"lan11"'),
        m(OIF, '"lan12"'),
        m(SADDR, pfx('10.11.0.0', 16)),
        m(DADDR, pfx('192.168.12.0', 24)),
        '{"jump": {"target": "later"}}',
      ],
      [
        m(IIF, '"lan13"'),
        m(SADDR, pfx('10.13.0.0', 16)),
        m(TH, '53'),
        m(STATE, '"new"', 'in'),
        '{"goto": {"target": "later"}}',
      ],
      [
        m(DADDR, set('"10.14.0.1"')),
        m(SPORT, set('{"range": [1, 1023]}'), '!='),
        m(DPORT, '1023', '>'),
        m(STATE, '"new"', '!='),
        '{"continue": null}',
      ],
      [m(L4, set('"tcp"', '"udp"')), m(TH, set('5060', '5061')), m(STATE, set('"new"', '"established"')), ok],
      [m(SADDR, pfx('10.15.0.0', 16)), m(ICMP, set('"echo-request"', '3')), ok],
      [m(ICMP6, '"echo-request"'), ok],
      [m(P6, pfx('fd00::', 8)), m(STATE, set('"established"', '"related"'), '!='), '{"reject": null}'],
      [m(IIF, '"lan16*"'), ok],
      [m(IIF, '"lan17"'), m(SADDR, '"example.com"'), ok],
      [m(STATE, '["established", "related"]', '!='), '{"drop": null}'],
      [m(DPORT, set()), ok],
      [
        m(SADDR, pfx('10.19.0.0', 16)),
        `{"vmap": {"key": ${DPORT}, "data": {"set": [[22, {"accept": null}], [23, {"drop": null}]]}}}`,
      ],
    ];
    const rules = exprs.map(
      (e, i) =>
        `{"rule": {"family": "inet", "table": "fw", "chain": "forward", "handle": ${String(i + 3)}, "expr": [${e.join(', ')}]}}`,
    );
    const text = [
      '{"nftables": [{"metainfo": {"version": "1.0.9", "json_schema_version": 1}}',
      '{"table": {"family": "inet", "name": "fw", "handle": 1}}',
      '{"chain": {"family": "inet", "table": "fw", "name": "forward", "handle": 1, ' +
        '"type": "filter", "hook": "forward", "prio": 0, "policy": "drop"}}',
      '{"chain": {"family": "inet", "table": "fw", "name": "later", "handle": 2}}',
      ...rules,
      '{"rule": {"family": "inet", "table": "fw", "chain": "later", "handle": 99, "expr": [{"return": null}]}}]}',
    ].join(',\n');
    // Sets by their bounds and names (their own members are not all enumerable).
    const plain = (_k: string, v: unknown): unknown => {
      if (typeof v === 'bigint') return `${String(v)}n`;
      if (v instanceof IntervalSet) return { iv: [v.min, v.max, [...(v.bounds as readonly unknown[])]] };
      if (v instanceof NameSet) return { names: [v.negated, [...v.names]] };
      if (v instanceof Map) return { map: [...(v as Map<unknown, unknown>)] };
      return modelRule(v);
    };
    // A rule on one line is kept as one object (convertJson), one written across lines as a record (convertDirect).
    const direct = vi.spyOn(Preparer.prototype, 'convertDirect');
    const oneLine = vi.spyOn(Preparer.prototype, 'convertJson');
    const streamed = JSON.stringify(buildPolicy(readJson(text, 'm.json', {}), {}), plain);
    const applied = direct.mock.calls.length + oneLine.mock.calls.length;
    direct.mockRestore();
    oneLine.mockRestore();
    expect(streamed).toBe(JSON.stringify(buildPolicy(readJsonWhole(text, 'm.json'), {}), plain));
    expect(applied).toBe(17); // the first sixteen and `return`
    expect(streamed).toContain('interface lan1: network 10.1.0.0/16, 10.2.0.0/16 inferred');
    expect(streamed).toContain('interface lan2: network 10.3.0.0/17 inferred');
    expect(streamed).toContain('interface lan9: network 192.168.9.0/24 inferred');
    expect(streamed).toContain('interface lan12: network 192.168.12.0/24 inferred');
    for (const n of [3, 4, 5, 6, 7, 8, 10]) expect(streamed).not.toContain(`interface lan${String(n)}: network`);
  });

  it('gives a verdict map after conditions applied as read one match per element: the whole-document read’s policy', () => {
    const PROTO = '{"payload": {"protocol": "ip", "field": "protocol"}}';
    const TH = '{"payload": {"protocol": "th", "field": "dport"}}';
    const pfx = (addr: string, len: number): string => `{"prefix": {"addr": "${addr}", "len": ${String(len)}}}`;
    const concat = (...xs: string[]): string => `{"concat": [${xs.join(', ')}]}`;
    const vmap = (key: string, pairs: string[]): string =>
      `{"vmap": {"key": ${key}, "data": {"set": [${pairs.join(', ')}]}}}`;
    const exprs = [
      // The bench's form, an interface key with a jump, a single element, and maps the general path keeps.
      [
        m(SADDR, pfx('10.1.0.0', 24)),
        vmap(concat(PROTO, TH), [
          `[${concat('"tcp"', '22')}, {"accept": null}]`,
          `[${concat('"udp"', '53')}, {"drop": null}]`,
        ]),
      ],
      [
        vmap(concat(IIF, SADDR), [
          `[${concat('"lan3"', '"10.3.0.5"')}, {"jump": {"target": "later"}}]`,
          `[${concat('"lan4"', '"10.4.0.5"')}, {"return": null}]`,
        ]),
      ],
      [m(IIF, '"lan5"'), vmap(DPORT, ['[22, {"accept": null}]'])],
      [m(IIF, '"lan6*"'), vmap(DPORT, ['[22, {"accept": null}]', '[23, {"drop": null}]'])],
      [
        m(SADDR, pfx('10.7.0.0', 24)),
        vmap(DPORT, ['[22, {"accept": null}]', '[23, {"drop": null}]']),
        '{"counter": null}',
      ],
    ];
    const rules = exprs.map(
      (e, i) =>
        `{"rule": {"family": "inet", "table": "fw", "chain": "forward", "handle": ${String(i + 3)}, "expr": [${e.join(', ')}]}}`,
    );
    const text = [
      '{"nftables": [{"metainfo": {"version": "1.0.9", "json_schema_version": 1}}',
      '{"table": {"family": "inet", "name": "fw", "handle": 1}}',
      '{"chain": {"family": "inet", "table": "fw", "name": "forward", "handle": 1, ' +
        '"type": "filter", "hook": "forward", "prio": 0, "policy": "drop"}}',
      '{"chain": {"family": "inet", "table": "fw", "name": "later", "handle": 2}}',
      ...rules,
      '{"rule": {"family": "inet", "table": "fw", "chain": "later", "handle": 99, "expr": [{"return": null}]}}]}',
    ].join(',\n');
    const plain = (_k: string, v: unknown): unknown => {
      if (typeof v === 'bigint') return `${String(v)}n`;
      if (v instanceof IntervalSet) return { iv: [v.min, v.max, [...(v.bounds as readonly unknown[])]] };
      if (v instanceof NameSet) return { names: [v.negated, [...v.names]] };
      if (v instanceof Map) return { map: [...(v as Map<unknown, unknown>)] };
      return modelRule(v);
    };
    // A rule on one line is kept as one object (convertJsonAlts), one written across lines as a record.
    const alts = vi.spyOn(Preparer.prototype, 'convertDirectAlts');
    const oneLine = vi.spyOn(Preparer.prototype, 'convertJsonAlts');
    const streamed = JSON.stringify(buildPolicy(readJson(text, 'v.json', {}), {}), plain);
    const applied = alts.mock.calls.length + oneLine.mock.calls.length;
    alts.mockRestore();
    oneLine.mockRestore();
    expect(streamed).toBe(JSON.stringify(buildPolicy(readJsonWhole(text, 'v.json'), {}), plain));
    expect(applied).toBe(3);
    expect(streamed).toContain('interface lan3: network 10.3.0.5');
  });

  it('keeps a one-line rule read with its matches as one object: position as numbers, comment, converted form', () => {
    const rule = (handle: number, extra: string): string =>
      `{"rule": {"family": "inet", "table": "fw", "chain": "forward", "handle": ${String(handle)}, ${extra}"expr": [` +
      '{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"accept": null}]}}';
    const text =
      '{"nftables": [{"metainfo": {"version": "1.0.9", "json_schema_version": 1}}, ' +
      '{"table": {"family": "inet", "name": "fw", "handle": 1}}, ' +
      '{"chain": {"family": "inet", "table": "fw", "name": "forward", "handle": 1, ' +
      '"type": "filter", "hook": "forward", "prio": 0, "policy": "drop"}}, ' +
      `${rule(2, '')}, ${rule(3, '"comment": "ssh", ')}, ` +
      '{"rule": {"family": "inet", "table": "fw", "chain": "forward", "handle": 4, "expr": [{"vmap": ' +
      '{"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": {"set": [[22, {"accept": null}], [23, {"drop": null}]]}}}]}}]}';
    const doc = readJson(text, 'o.json', {});
    const rules = doc.tables[0]?.chains.get('forward')?.rules ?? [];
    // Each rule kept as its model rule alone, made while reading (prepare.ts convertJson), and the verdict
    // map as its model rules, one per element, one after another (convertJsonAlts).
    expect(rules).toHaveLength(4);
    expect(rules.every((r) => r instanceof EntryRule)).toBe(true);
    const made = rules.filter((r): r is EntryRule => r instanceof EntryRule);
    const [plainRule, commented] = made;
    const vmapMade = made.slice(2);
    expect(plainRule?.comment).toBeUndefined();
    expect(commented?.comment).toBe('ssh');
    // The texts of one-line rules are kept in one string (prepare.ts RuleTexts): the rule's is its place there.
    const parts = commented?.textParts();
    expect(parts?.text.slice(parts.from, parts.to)).toBe('tcp dport 22 accept comment "ssh"');
    // The rule's object: the value of `"rule"` (as the generic path gives it).
    const start = text.indexOf('{"family"', text.indexOf('{"rule"'));
    expect({ ...plainRule?.loc }).toEqual({
      file: 'o.json',
      line: 1,
      column: start + 1,
      endLine: 1,
      endColumn: text.indexOf('}}', text.indexOf('"accept"')) + 2,
    });
    const asRead = (_k: string, v: unknown): unknown => modelRule(v);
    const policy = buildPolicy(doc, {});
    // The model rule is the one made while reading (buildChain gave it its occurrence and action).
    expect(policy.ruleset.chains['inet fw forward']?.rules[0]).toBe(plainRule);
    expect(plainRule?.text).toBe('tcp dport 22 accept');
    // Likewise the verdict map's, one per element, with one occurrence for the rule and each its action.
    const chain = policy.ruleset.chains['inet fw forward']?.rules ?? [];
    expect(chain.slice(2, 4)).toEqual(vmapMade);
    expect(chain[2]).toBe(vmapMade[0]);
    expect(chain[3]).toBe(vmapMade[1]);
    expect(vmapMade.map((r) => [r.text, r.action.kind, r.id === vmapMade[0]?.id])).toEqual([
      ['tcp dport vmap { 22 : accept, 23 : drop }', 'accept', true],
      ['tcp dport vmap { 22 : accept, 23 : drop }', 'drop', true],
    ]);
    expect(JSON.stringify(policy, asRead)).toBe(JSON.stringify(buildPolicy(readJsonWhole(text, 'o.json'), {}), asRead));
  });

  it('keeps the texts of one-line rules in shared strings: each rule its place, a text beyond Latin-1 itself', () => {
    const rule = (handle: number, extra: string, port: number): string =>
      `{"rule": {"family": "inet", "table": "fw", "chain": "forward", "handle": ${String(handle)}, ${extra}"expr": [` +
      `{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": ${String(port)}}}, {"accept": null}]}}`;
    const text =
      '{"nftables": [{"metainfo": {"version": "1.0.9", "json_schema_version": 1}}, ' +
      '{"table": {"family": "inet", "name": "fw", "handle": 1}}, ' +
      '{"chain": {"family": "inet", "table": "fw", "name": "forward", "handle": 1, ' +
      '"type": "filter", "hook": "forward", "prio": 0, "policy": "drop"}}, ' +
      `${rule(2, '', 22)}, ${rule(3, '"comment": "café", ', 23)}, ${rule(4, '"comment": "☎ desk", ', 24)}]}`;
    const doc = readJson(text, 't.json', {});
    const [first, latin, wide] = doc.tables[0]?.chains.get('forward')?.rules ?? [];
    // Each rule kept as its model rule alone (prepare.ts convertJson), its text as its place in the texts.
    const partsOf = (r: unknown): ReturnType<EntryRule['textParts']> | undefined =>
      r instanceof EntryRule ? r.textParts() : undefined;
    const a = partsOf(first);
    const b = partsOf(latin);
    const c = partsOf(wide);
    // The first two in the shared texts (Latin-1 included), each read back from its place (alone: a few
    // texts are read without the string of their chunk, TextChunk.part); the third kept itself.
    expect(a?.to).toBeGreaterThanOrEqual(0);
    expect(b?.to).toBeGreaterThanOrEqual(0);
    expect(a?.text.slice(a.from, a.to)).toBe('tcp dport 22 accept');
    expect(b?.text.slice(b.from, b.to)).toBe('tcp dport 23 accept comment "café"');
    expect(c?.to).toBeLessThan(0);
    expect(c?.text).toBe('tcp dport 24 accept comment "☎ desk"');
    // The model rules give the same texts (and all else) as the whole-document read.
    const policy = buildPolicy(doc, {});
    expect((policy.ruleset.chains['inet fw forward']?.rules ?? []).map((r) => r.text)).toEqual([
      'tcp dport 22 accept',
      'tcp dport 23 accept comment "café"',
      'tcp dport 24 accept comment "☎ desk"',
    ]);
    const asRead = (_k: string, v: unknown): unknown => modelRule(v);
    expect(JSON.stringify(policy, asRead)).toBe(JSON.stringify(buildPolicy(readJsonWhole(text, 't.json'), {}), asRead));
  });

  it('starts a new string of texts when one is full, and keeps a text longer than one itself', () => {
    const texts = new RuleTexts();
    const written: { chunk: { readonly text: string }; from: number; to: number; s: string; at: number }[] = [];
    for (let i = 0; i < 30_000; i++) {
      const s = `tcp dport ${String(i)} accept comment "${'x'.repeat(i % 61)}"`;
      const from = texts.add(s);
      expect(from).toBeGreaterThanOrEqual(0);
      written.push({ chunk: texts.chunk, from, to: from + s.length, s, at: texts.place(from) });
    }
    expect(texts.add('y'.repeat((1 << 20) + 1))).toBe(-1);
    // A text that does not fit what is left of a chunk still growing starts the next one, whole.
    const big = new RuleTexts();
    const parts = [1, 1 << 20, 600_000, 600_000].map((n, i) => 'abcd'.charAt(i).repeat(n));
    const at = parts.map((p) => ({ from: big.add(p), chunk: big.chunk }));
    parts.forEach((p, i) => {
      const w = at[i];
      expect(w?.from).toBe(0);
      expect(w?.chunk.text.slice(w.from, w.from + p.length)).toBe(p);
    });
    expect(new Set(at.map((w) => w.chunk)).size).toBe(4);
    // A text read before the reader is done seals its chunk: what is added later goes to a new one.
    const early = new RuleTexts();
    const first = early.chunk;
    early.add('accept');
    expect(first.text).toBe('accept');
    expect(early.add('drop')).toBe(0);
    expect(early.chunk).not.toBe(first);
    expect(first.text).toBe('accept');
    expect(early.chunk.text).toBe('drop');
    const chunks = new Set(written.map((w) => w.chunk));
    expect(chunks.size).toBeGreaterThan(1);
    for (const w of written) expect(w.chunk.text.slice(w.from, w.to)).toBe(w.s);
    // A text's place across the chunks (a model rule made while reading keeps it): the same text.
    for (const w of written) expect(texts.slice(w.at, w.at + w.s.length)).toBe(w.s);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(1 << 20);
  });

  it("gives the first texts read from a chunk alone, and the chunk's string once many are read", () => {
    const texts = new RuleTexts();
    const written = Array.from({ length: 100 }, (_, i) => {
      const s = `udp dport ${String(1000 + i)} accept comment "r${String(i)}"`;
      return { s, at: texts.place(texts.add(s)) };
    });
    const read = written.map((w) => ({ ...texts.parts(w.at, w.at + w.s.length), s: w.s }));
    for (const r of read) expect(r.text.slice(r.from, r.to)).toBe(r.s);
    // The first 64 alone (a string of the text only), the rest from the chunk's string.
    expect(read.slice(0, 64).every((r) => r.text === r.s && r.from === 0)).toBe(true);
    const whole = read[64]?.text ?? '';
    expect(whole.length).toBeGreaterThan(read[64]?.s.length ?? 0);
    expect(read.slice(64).every((r) => r.text === whole)).toBe(true);
    for (const w of written) expect(texts.slice(w.at, w.at + w.s.length)).toBe(w.s);
  });

  it('applies the conditions of most of the bench listing’s rules as they are read', () => {
    const text = generateNftJson({ name: 'direct', rules: 800, setElements: 40, seed: 5 });
    const direct = vi.spyOn(Preparer.prototype, 'convertDirect');
    const oneLine = vi.spyOn(Preparer.prototype, 'convertJson');
    readJson(text, 'd.json', {});
    const applied = direct.mock.calls.length + oneLine.mock.calls.length;
    direct.mockRestore();
    oneLine.mockRestore();
    expect(applied).toBeGreaterThan(600);
  });
});
