/**
 * The bench's nftables ruleset (generate-nftables.ts) as `nft -j list ruleset` prints it once loaded
 * (nftables 1.0.6): one line, handles in the order nft assigns them (chains, then objects and sets,
 * then rules, each anonymous set or map taking the handle before its rule), `$VAR`s substituted,
 * anonymous sets sorted and their adjacent values merged into prefixes (addresses) or ranges. The same
 * seed draws the same rules as the text generator. Loading 10k rules into the kernel to list them takes
 * minutes (100k far longer), so the bench prints the listing directly. Checked against nft 1.0.6's own
 * listing of the 1k and 10k rulesets: the same JSON except the order of the `tcp . port` / `udp . port`
 * entries of 5 verdict maps in 11,000 rules, which nft lists in the kernel's hash order.
 */
import type { NftSpec } from './generate-nftables.js';
import { rng } from './rng.js';

function ip(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

const j = (v: unknown): string => JSON.stringify(v);
/** JSON.stringify with nft's separators (`, ` and `: `). */
function nftJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(nftJson).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${j(k)}: ${nftJson(x)}`)
      .join(', ')}}`;
  return j(v);
}

type Interval = [number, number];

/** Sorted, with overlapping and adjacent intervals merged (nft's automerge of anonymous interval sets). */
function merged(xs: Interval[]): Interval[] {
  const s = [...xs].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [lo, hi] of s) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function addrElem([lo, hi]: Interval): unknown {
  if (lo === hi) return ip(lo);
  const size = hi - lo + 1;
  if ((size & (size - 1)) === 0 && lo % size === 0) return { prefix: { addr: ip(lo), len: 32 - Math.log2(size) } };
  return { range: [ip(lo), ip(hi)] };
}

const portElem = ([lo, hi]: Interval): unknown => (lo === hi ? lo : { range: [lo, hi] });

/** An anonymous set written with several elements stays a set when they merge into one. */
const anonSet = (elems: unknown[]): unknown => ({ set: elems });

const IP = (field: string) => ({ payload: { protocol: 'ip', field } });
const TH = (protocol: string, field: string) => ({ payload: { protocol, field } });
const META = (key: string) => ({ meta: { key } });
const match = (left: unknown, right: unknown, op = '==') => ({ match: { op, left, right } });
const ACCEPT = { accept: null };
const DROP = { drop: null };

function prefixOf(text: string): unknown {
  const [addr = '', len = '32'] = text.split('/');
  return { prefix: { addr, len: Number(len) } };
}

function addrValue(text: string): Interval {
  const [addr = '', len = '32'] = text.split('/');
  const n = addr.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  return [n, n + 2 ** (32 - Number(len)) - 1];
}

const HOST_BASE = ((198 << 24) | (51 << 16) | (100 << 8)) >>> 0;
const BENCH_BASE = ((198 << 24) | (18 << 16)) >>> 0;
const host = (n: number): Interval => {
  const v = HOST_BASE + (n % 250);
  return [v, v];
};
/** generate-nftables.ts bench(): one host of 198.18.0.0/15 per rule. */
const bench = (n: number): Interval => {
  const v = BENCH_BASE + (n % 131072);
  return [v, v];
};
const PRIVATE: Interval[] = [addrValue('10.0.0.0/8'), addrValue('172.16.0.0/12')];

/** One rule of generate-nftables.ts ruleLine: its statements and how many anonymous sets it creates. */
function ruleExpr(r: () => number, i: number): { expr: unknown[]; anon: number } {
  const iif = match(META('iifname'), `lan${i % 40}`);
  const saddr = match(IP('saddr'), prefixOf(`10.${100 + ((i >> 8) & 127)}.${i & 255}.0/24`));
  const ports = (n: number): Interval[] =>
    Array.from({ length: n }, (_, k): Interval => {
      const p = 1000 + ((i * 7 + k * 13 + 3 * Math.floor(i / 60000)) % 60000);
      return [p, p];
    });
  const portSet = (xs: Interval[]) => anonSet(merged(xs).map(portElem));
  const addrSet = (xs: Interval[]) => anonSet(merged(xs).map(addrElem));
  const kind = Math.floor(r() * 10);
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return {
        expr: [
          iif,
          saddr,
          match(IP('daddr'), addrSet([host(i), host(i + 1), addrValue('203.0.113.0/24')])),
          match(TH('tcp', 'dport'), portSet([...ports(3), [8000, 8100]])),
          ACCEPT,
        ],
        anon: 2,
      };
    case 3:
    case 4:
      return { expr: [iif, saddr, match(TH('udp', 'dport'), portSet(ports(4))), ACCEPT], anon: 1 };
    case 5:
      return {
        expr: [
          saddr,
          match(IP('daddr'), ip(host(i)[0])),
          match(TH('tcp', 'dport'), 1 + (i % 65000)),
          { counter: { packets: 0, bytes: 0 } },
          DROP,
        ],
        anon: 0,
      };
    case 6:
      return {
        expr: [
          iif,
          match(META('l4proto'), { set: ['tcp', 'udp'] }),
          match(TH('th', 'dport'), portSet(ports(2))),
          match({ ct: { key: 'state' } }, 'new', 'in'),
          ACCEPT,
        ],
        anon: 2,
      };
    case 7:
      return {
        expr: [match(IP('daddr'), addrSet([host(i), bench(i)])), match(TH('icmp', 'type'), 'echo-request'), ACCEPT],
        anon: 1,
      };
    case 8:
      return {
        expr: [
          iif,
          match(META('oifname'), 'wan0'),
          saddr,
          match(IP('daddr'), addrSet(PRIVATE), '!='),
          match(TH('tcp', 'dport'), { set: [22, 3389] }),
          { reject: { type: 'icmp', expr: 'port-unreachable' } },
        ],
        anon: 2,
      };
    default:
      return {
        expr: [
          saddr,
          {
            vmap: {
              key: { concat: [IP('protocol'), TH('th', 'dport')] },
              data: {
                set: [
                  [{ concat: ['tcp', 1 + (i % 60000)] }, ACCEPT],
                  [{ concat: ['udp', 2 + (i % 60000)] }, DROP],
                ],
              },
            },
          },
        ],
        anon: 1,
      };
  }
}

/** The listing of generateRuleset(spec), as `nft -j list ruleset` prints it. */
export function generateNftJson(spec: NftSpec): string {
  const r = rng(spec.rules * 7 + spec.setElements + (spec.seed ?? 0));
  const items: string[] = [
    nftJson({ metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } }),
  ];
  const fw = { family: 'inet', table: 'fw' };
  const subChains = Math.max(1, Math.floor(spec.rules / 500));
  const perSub = Math.floor(spec.rules / 10 / subChains);
  const chainNames = [
    'prerouting',
    'input',
    ...Array.from({ length: subChains }, (_, c) => `zone${c}`),
    'forward',
    'phones',
  ];
  let handle = chainNames.length;
  items.push(nftJson({ table: { family: 'inet', name: 'fw', handle: 1 } }));
  items.push(
    nftJson({
      'ct timeout': {
        family: 'inet',
        name: 'udp-voip',
        table: 'fw',
        handle: ++handle,
        protocol: 'udp',
        l3proto: 'ip',
        policy: { unreplied: 60, replied: 600 },
      },
    }),
  );
  if (spec.setElements) {
    const base = (100 << 24) >>> 0;
    const elem = Array.from({ length: spec.setElements }, (_, k) => ({ prefix: { addr: ip(base + k * 8), len: 30 } }));
    items.push(
      nftJson({
        set: {
          family: 'inet',
          name: 'blocklist',
          table: 'fw',
          type: 'ipv4_addr',
          handle: ++handle,
          flags: ['interval'],
          elem,
        },
      }),
    );
  }
  const base = (hook: string, policy: string, type = 'filter', prio = 0) => ({ type, hook, prio, policy });
  const heads: Record<string, object> = {
    prerouting: base('prerouting', 'accept'),
    input: base('input', 'drop'),
    forward: base('forward', 'drop'),
  };
  chainNames.forEach((name, k) =>
    items.push(nftJson({ chain: { ...fw, name, handle: k + 1, ...(heads[name] ?? {}) } })),
  );
  const rule = (chain: string, expr: unknown[], anon = 0): void => {
    handle += anon + 1;
    items.push(nftJson({ rule: { ...fw, chain, handle, expr } }));
  };
  rule('prerouting', [match(META('l4proto'), 'udp'), { 'ct timeout': 'udp-voip' }]);
  rule('input', [match({ ct: { key: 'state' } }, ['established', 'related'], 'in'), ACCEPT]);
  rule('input', [match(TH('icmp', 'type'), 'echo-request'), ACCEPT]);
  rule(
    'input',
    [
      match(META('iifname'), 'vlan20'),
      match(META('l4proto'), { set: ['tcp', 'udp'] }),
      match(TH('th', 'dport'), 53),
      ACCEPT,
    ],
    1,
  );
  for (let c = 0; c < subChains; c++)
    for (let k = 0; k < perSub; k++) {
      const { expr, anon } = ruleExpr(r, c * perSub + k);
      rule(`zone${c}`, expr, anon);
    }
  const verdicts = {
    set: [
      ['invalid', DROP],
      ['established', ACCEPT],
      ['related', ACCEPT],
    ],
  };
  rule('forward', [{ vmap: { key: { ct: { key: 'state' } }, data: verdicts } }], 1);
  if (spec.setElements) rule('forward', [match(IP('daddr'), '@blocklist'), DROP]);
  const phones = [[{ concat: ['vlan20', prefixOf('10.20.0.0/24')] }, { jump: { target: 'phones' } }]];
  rule('forward', [{ vmap: { key: { concat: [META('iifname'), IP('saddr')] }, data: { set: phones } } }], 1);
  const main = spec.rules - subChains * perSub;
  for (let i = 0; i < main; i++) {
    if (i % 500 === 250 && i / 500 < subChains)
      rule('forward', [match(META('iifname'), `lan${i % 40}`), { jump: { target: `zone${Math.floor(i / 500)}` } }]);
    else {
      const { expr, anon } = ruleExpr(r, i + 1_000_000);
      rule('forward', expr, anon);
    }
  }
  const wan = match(META('oifname'), 'wan0');
  rule('phones', [wan, match(IP('daddr'), prefixOf('185.72.208.0/22')), ACCEPT]);
  rule('phones', [wan, match(TH('udp', 'dport'), { set: [53, 123] }), ACCEPT], 1);
  rule('phones', [wan, match(TH('tcp', 'dport'), { set: [53, 80, 443] }), ACCEPT], 1);
  const nat = { family: 'ip', table: 'nat' };
  items.push(nftJson({ table: { family: 'ip', name: 'nat', handle: 2 } }));
  items.push(
    nftJson({ chain: { ...nat, name: 'prerouting', handle: 1, ...base('prerouting', 'accept', 'nat', -100) } }),
  );
  items.push(
    nftJson({ chain: { ...nat, name: 'postrouting', handle: 2, ...base('postrouting', 'accept', 'nat', 100) } }),
  );
  const natRule = (chain: string, h: number, expr: unknown[]) =>
    items.push(nftJson({ rule: { ...nat, chain, handle: h, expr } }));
  natRule('prerouting', 3, [
    match(META('iifname'), 'wan0'),
    match(TH('tcp', 'dport'), 8443),
    { dnat: { addr: '192.168.1.10', port: 443 } },
  ]);
  natRule('postrouting', 5, [
    wan,
    match(IP('saddr'), { set: [prefixOf('10.20.0.0/24'), prefixOf('192.168.0.0/16')] }),
    { masquerade: null },
  ]);
  return `{"nftables": [${items.join(', ')}]}\n`;
}
