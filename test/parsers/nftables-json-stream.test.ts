import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateNftJson } from '../../bench/generate-nft-json.js';
import { EntryRule } from '../../parsers/nftables/entry-rule.js';
import { buildPolicy, nftablesParser } from '../../parsers/nftables/index.js';
import { positions, type Expr, type NDocument, type NRule } from '../../parsers/nftables/ir.js';
import { readJson, readJsonWhole } from '../../parsers/nftables/json-reader.js';
import { KEYS } from '../../parsers/nftables/json-scanner.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { NameSet } from '../../src/model/name-set.js';
import { ParseError } from '../../src/model/errors.js';

/**
 * `nft -j` documents are read one element of the `nftables` list at a time (json-stream.ts) and their
 * rules converted as they are read (json-reader.ts with prepare.ts). Both must give exactly what the
 * whole-document read gives: the same intermediate form with the same positions and key positions,
 * the same policy, and for anything the stream does not take, the same document or error (it falls
 * back to the whole-document read).
 */

function plain(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${String(v)}n`;
  if (v instanceof IntervalSet) return { iv: [v.min, v.max, [...(v.bounds as readonly unknown[])]] };
  if (v instanceof NameSet) return { names: [v.negated, [...v.names]] };
  if (v instanceof Map) return { map: [...(v as Map<unknown, unknown>)] };
  if (v instanceof Set) return { set: [...(v as Set<unknown>)] };
  return modelRule(v);
}

/**
 * A rule as the model reads it (Rule's members), not as kept (entry-rule.ts: numbers, a place in a
 * source or a text of its own, the hash in two parts): the two reads keep their texts differently.
 */
function modelRule(v: unknown): unknown {
  if (!(v instanceof EntryRule)) return v;
  const { id, loc, label, text, comment, match, action, udpTimeout, helperTimeout } = v;
  return { id, loc, label, text, comment, match, action, udpTimeout, helperTimeout };
}

/** An expression with the positions and key positions of every container, depth first. */
function located(e: Expr): unknown {
  if (typeof e !== 'object' || e === null) return e;
  const kids = Array.isArray(e) ? e.map(located) : Object.entries(e).map(([k, x]) => [k, located(x)]);
  return { kids, pos: positions.get(e) ?? null, keys: (e as { [KEYS]?: unknown })[KEYS] ?? null };
}

/** The intermediate form with every position (the statements of unconverted rules included). */
function docShape(d: NDocument): string {
  return JSON.stringify(
    {
      version: d.version,
      root: d.root,
      unsupported: d.unsupported,
      notes: d.notes,
      tables: d.tables.map((t) => ({
        ...t,
        chains: [...t.chains.values()].map((c) => ({
          ...c,
          rules: (c.rules as NRule[]).map((r) => ({ pos: r.pos, comment: r.comment, stmts: r.stmts.map(located) })),
        })),
        sets: [...t.sets.values()].map((s) => ({ ...s, elements: s.elements.map(located) })),
      })),
    },
    plain,
  );
}

function prepared(d: NDocument): number {
  let n = 0;
  for (const t of d.tables) for (const c of t.chains.values()) for (const r of c.rules as NRule[]) if (r.pre) n++;
  return n;
}

/** The policy of the streamed, converted-while-read document and of the whole-document read. */
function policies(text: string, file = 's.json'): { streamed: string; whole: string; pre: number } {
  const doc = readJson(text, file, {});
  const pre = prepared(doc);
  return {
    streamed: JSON.stringify(buildPolicy(doc, {}), plain),
    whole: JSON.stringify(buildPolicy(readJsonWhole(text, file), {}), plain),
    pre,
  };
}

const r = (chain: string, expr: unknown[], extra: object = {}) => ({
  rule: { family: 'inet', table: 'fw', chain, ...extra, expr },
});
const ip = (field: string) => ({ payload: { protocol: 'ip', field } });
const meta = (key: string) => ({ meta: { key } });
const eq = (left: unknown, right: unknown, op = '==') => ({ match: { op, left, right } });

const DOC = {
  nftables: [
    { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
    { table: { family: 'inet', name: 'fw', handle: 1 } },
    {
      'ct timeout': {
        family: 'inet',
        table: 'fw',
        name: 'voip',
        protocol: 'udp',
        l3proto: 'ip',
        policy: { unreplied: 30, replied: 600 },
      },
    },
    { 'ct helper': { family: 'inet', table: 'fw', name: 'sip', type: 'sip', protocol: 'udp', l3proto: 'inet' } },
    {
      set: {
        family: 'inet',
        table: 'fw',
        name: 'allowed',
        type: 'ipv4_addr',
        flags: ['interval'],
        elem: [{ prefix: { addr: '10.0.0.0', len: 8 } }, { range: ['172.16.0.1', '172.16.0.9'] }],
      },
    },
    {
      chain: { family: 'inet', table: 'fw', name: 'forward', type: 'filter', hook: 'forward', prio: 0, policy: 'drop' },
    },
    { chain: { family: 'inet', table: 'fw', name: 'later' } },
    r('forward', [eq({ ct: { key: 'state' } }, ['established', 'related'], 'in'), { accept: null }]),
    r('forward', [
      eq({ ct: { key: 'state' } }, ['established', 'related'], '!='),
      { counter: { packets: 0, bytes: 0 } },
    ]),
    r('forward', [
      eq(meta('iifname'), 'lan0'),
      eq(ip('saddr'), { prefix: { addr: '192.168.1.0', len: 24 } }),
      eq({ payload: { protocol: 'tcp', field: 'dport' } }, { set: [80, 443, { range: [8000, 8100] }] }),
      { accept: null },
    ]),
    r('forward', [
      eq(meta('iifname'), 'lan0'),
      eq(ip('saddr'), { prefix: { addr: '192.168.1.0', len: 24 } }),
      eq({ payload: { protocol: 'tcp', field: 'dport' } }, { set: [80, 443, { range: [8000, 8100] }] }),
      { accept: null },
    ]),
    r('forward', [eq(meta('iifname'), 'ppp*'), { drop: null }]),
    r('forward', [eq(ip('saddr'), '@allowed'), { accept: null }]),
    r('forward', [eq({ fib: { flags: ['daddr'], result: 'type' } }, 'local'), { drop: null }]),
    r('forward', [{ jump: { target: 'later' } }]),
    r('forward', [{ goto: { target: 'missing' } }]),
    r('forward', [
      {
        vmap: {
          key: meta('iifname'),
          data: {
            set: [
              ['lan3', { accept: null }],
              ['lan4', { jump: { target: 'later' } }],
            ],
          },
        },
      },
    ]),
    r('forward', [eq(meta('l4proto'), 'udp'), { 'ct helper': 'sip' }]),
    r('forward', [eq(meta('l4proto'), 'udp'), { 'ct timeout': 'voip' }]),
    r('forward', [eq({ payload: { protocol: 'tcp', field: 'dport' } }, 22), { accept: null }], { comment: 'ssh in' }),
    r('forward', [
      eq(ip('saddr'), { range: ['10.9.0.1', '10.9.0.7'] }),
      { reject: { type: 'icmp', expr: 'port-unreachable' } },
    ]),
    r('later', [eq(ip('daddr'), '203.0.113.10'), { accept: null }]),
    { add: { rule: r('later', [eq({ payload: { protocol: 'tcp', field: 'dport' } }, 9), { accept: null }]).rule } },
    { insert: { rule: r('later', [eq({ payload: { protocol: 'tcp', field: 'dport' } }, 10), { drop: null }]).rule } },
    { table: { family: 'ip', name: 'nat' } },
    {
      chain: {
        family: 'ip',
        table: 'nat',
        name: 'post',
        type: 'nat',
        hook: 'postrouting',
        prio: 100,
        policy: 'accept',
      },
    },
    {
      rule: {
        family: 'ip',
        table: 'nat',
        chain: 'post',
        expr: [
          eq(meta('oifname'), 'wan0'),
          eq(ip('saddr'), { prefix: { addr: '192.168.0.0', len: 16 } }),
          { masquerade: null },
        ],
      },
    },
  ],
};

const FORMS: [string, string][] = [
  ['one line, as nft -j prints it', JSON.stringify(DOC)],
  ['nft separators', JSON.stringify(DOC).replace(/,"/g, ', "').replace(/":/g, '": ')],
  ['pretty-printed', JSON.stringify(DOC, null, 2)],
  ['pretty-printed with CRLF', JSON.stringify(DOC, null, 2).replace(/\n/g, '\r\n')],
  ['pretty-printed with CR', JSON.stringify(DOC, null, 2).replace(/\n/g, '\r')],
];

describe('nftables JSON read element by element', () => {
  it.each(FORMS)('gives the whole-document read’s document and positions (%s)', (_name, text) => {
    expect(docShape(readJson(text, 's.json'))).toBe(docShape(readJsonWhole(text, 's.json')));
  });

  it.each(FORMS)('gives the whole-document read’s policy with rules converted as read (%s)', (_name, text) => {
    const p = policies(text);
    expect(p.pre).toBeGreaterThan(10);
    expect(p.streamed).toBe(p.whole);
  });

  it('leaves rules naming a set, an interface pattern or fib to the passes', () => {
    const doc = readJson(JSON.stringify(DOC), 's.json', {});
    const forward = doc.tables[0]?.chains.get('forward');
    const left = (forward?.rules as NRule[] | undefined)?.filter((x) => !x.pre).map((x) => JSON.stringify(x.stmts[0]));
    expect(left).toEqual([
      expect.stringContaining('ppp*'),
      expect.stringContaining('@allowed'),
      expect.stringContaining('fib'),
    ]);
  });

  it('shares selectors, prefixes and ranges between rules, never a value that has a position', () => {
    const doc = readJson(JSON.stringify(DOC), 's.json');
    const rules = (doc.tables[0]?.chains.get('forward')?.rules ?? []) as NRule[];
    const [a, b] = [rules[2], rules[3]].map((x) => x?.stmts);
    const left = (s: Expr | undefined) => (s as { match: { left: Expr; right: Expr } }).match;
    expect(left(a?.[0]).left).toBe(left(b?.[0]).left);
    expect(left(a?.[1]).right).toBe(left(b?.[1]).right);
    expect(a?.[0]).not.toBe(b?.[0]);
    expect(positions.get(a?.[0] as object)).not.toEqual(positions.get(b?.[0] as object));
  });

  it('gives the whole-document read’s policy for the twin fixtures and the bench listing', () => {
    const dir = join(import.meta.dirname, '../../fixtures/nftables/twin');
    const texts = [
      readFileSync(join(dir, 'ruleset.json'), 'utf8'),
      readFileSync(join(dir, 'ruleset-oneline.json'), 'utf8'),
      generateNftJson({ name: 'stream', rules: 600, setElements: 40, seed: 3 }),
    ];
    for (const text of texts) {
      const p = policies(text);
      expect(p.pre).toBeGreaterThan(0);
      expect(p.streamed).toBe(p.whole);
    }
  });

  it('falls back to the whole-document read for documents shaped otherwise', () => {
    const one = JSON.stringify(DOC);
    const others = [
      one.replace('{"nftables":', '{"comment": "x", "nftables":'),
      one.replace(/\]\}$/, '], "extra": 1}'),
      one.replace('{"nftables":', '{"nft\\u0061bles":'),
      one.replace('"handle":1}', '"handle":1, "handle":2}'),
      one.replace('"handle":1}', '"handle":1, "__proto__": {"x": 1}}'),
      one.replace('"handle":1}', '"handle":1, "7": 1}'),
    ];
    for (const text of others) {
      const d = readJson(text, 's.json', {});
      expect(prepared(d)).toBe(0);
      expect(docShape(d)).toBe(docShape(readJsonWhole(text, 's.json')));
    }
  });

  it('reads again the whole-document way when a later metainfo changes the version a rule read', () => {
    const items = DOC.nftables.slice(1);
    const text = JSON.stringify({ nftables: [...items, { metainfo: { version: '1.1.1' } }] });
    const d = readJson(text, 's.json', {});
    expect(d.version).toBe('1.1.1');
    expect(prepared(d)).toBe(0);
    const p = policies(text);
    expect(p.streamed).toBe(p.whole);
    // Rules before a metainfo that does not change anything they read stay converted.
    const later = JSON.stringify({ nftables: [DOC.nftables[1], DOC.nftables[5], DOC.nftables[9], DOC.nftables[0]] });
    expect(prepared(readJson(later, 's.json', {}))).toBe(1);
  });

  it('reports the error the whole-document read reports: JSON errors before a later element’s', () => {
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        if (e instanceof ParseError) return `${String(e.line)}:${String(e.column)} ${e.message}`;
        throw e;
      }
      return 'no error';
    };
    const bad = JSON.stringify({ nftables: [{ table: { family: 'bogus', name: 't' } }, ...DOC.nftables] });
    const cases = [
      bad.replace(/\]\}$/, ', {"table": 1.5}]}'),
      bad.replace(/\]\}$/, ', {"table": {"family": "inet", "name": "x",}}]}'),
      bad,
      JSON.stringify(DOC).slice(0, 900),
      JSON.stringify(DOC).replace('"handle":1', '"handle":1e400'),
      `${JSON.stringify(DOC)} x`,
      `\uFEFF${JSON.stringify(DOC)}`,
      JSON.stringify(DOC).replace('{"nftables":[', '{"nftables":[[1], '),
      '{"nftables": [1]}',
    ];
    for (const text of cases) {
      const got = message(() => nftablesParser.parse(text, 's.json', 'nftables', {}));
      expect(got).not.toBe('no error');
      expect(got).toBe(message(() => readJsonWhole(text, 's.json')));
    }
  });
});
