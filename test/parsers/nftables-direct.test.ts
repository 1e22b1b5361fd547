import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateNftChains, generateNftHugeChain, generateNftSets } from '../../bench/generate-alt.js';
import { generateRuleset } from '../../bench/generate-nftables.js';
import { EntryRule } from '../../parsers/nftables/entry-rule.js';
import { buildPolicy } from '../../parsers/nftables/index.js';
import { Preparer } from '../../parsers/nftables/prepare.js';
import { DirectReader } from '../../parsers/nftables/text-direct.js';
import { positions } from '../../parsers/nftables/ir.js';
import { readText } from '../../parsers/nftables/text-parser.js';
import { hasWords, shapeWords } from '../../parsers/nftables/set-words.js';
import type { ParseOptions } from '../../parsers/types.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { NameSet } from '../../src/model/name-set.js';

/**
 * The direct reader (text-direct.ts) reads the common rule forms straight from the source. Every
 * ruleset here is read with and without it; the policies (rules, ids, labels, texts, matches,
 * actions, reports, notes, NAT, sessions) must be the same, and the reader must have taken the rules
 * it is meant to take.
 */

function plain(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${String(v)}n`;
  if (v instanceof IntervalSet) return { iv: [v.min, v.max, [...(v.bounds as readonly unknown[])]] };
  if (v instanceof NameSet) return { names: [v.negated, [...v.names]] };
  if (v instanceof Map) return { map: [...(v as Map<unknown, unknown>)] };
  if (v instanceof Set) return { set: [...(v as Set<unknown>)] };
  // A rule as the model reads it (Rule's members), not as kept (entry-rule.ts: numbers, a place in
  // the source or a built text, the hash in two parts).
  if (v instanceof EntryRule) {
    const { id, loc, label, text, comment, match, action, udpTimeout, helperTimeout } = v;
    return { id, loc, label, text, comment, match, action, udpTimeout, helperTimeout };
  }
  return v;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** The policy read without and with the direct reader, and how many rules the reader took. */
function both(
  text: string,
  file = 'd.nft',
  options: ParseOptions = {},
): { generic: string; direct: string; taken: number } {
  const generic = JSON.stringify(
    buildPolicy(readText(text, file, options, new Preparer(options, false)), options),
    plain,
  );
  const read = vi.spyOn(DirectReader.prototype, 'read');
  const doc = readText(text, file, options, new Preparer(options, true));
  const taken = read.mock.results.filter((r) => r.type === 'return' && r.value !== undefined).length;
  read.mockRestore();
  const direct = JSON.stringify(buildPolicy(doc, options), plain);
  return { generic, direct, taken };
}

const FORMS = `define WAN = "wan0"
define NETS = 10.1.0.0/16
define PORT = 0443
table inet fw {
  ct helper sip { type "sip" protocol udp; }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    ct state { established, related } accept
    ct state != established,related counter
    ct state vmap { established : accept, related : accept, invalid : drop }
    iifname "lan0" ip saddr 192.168.1.0/24 tcp dport { 80, 443, 8000-8100 } accept
    iifname "lan0" ip saddr 192.168.1.0/24 tcp dport { 80, 443, 8000-8100 } accept
    iifname { "lan1", "lan2" } oifname $WAN ip saddr $NETS accept
    iifname lan3 oifname != "wan0" ip daddr != { 10.0.0.0/8, 172.16.0.0/12 } udp sport 5060 reject
    meta iifname "my lan" meta oifname "wan0" accept
    iif 7 accept
    ip saddr 10.0.0.1-10.0.0.9 ip daddr 0010.0.0.1 tcp dport 0022 drop
    tcp dport $PORT counter packets 12 bytes 3456 log prefix "in: " level info accept
    tcp dport == 22 ip saddr == 10.0.0.0/8 accept
    tcp dport != 22 drop
    tcp dport < 1024 tcp sport >= 1024 drop
    udp dport { 53, 123 } th sport 53 accept
    th dport 53 accept
    meta l4proto { tcp, udp } th dport { 5060, 5061 } ct state new accept
    meta l4proto != icmp ip protocol 17 continue
    ip protocol udp udp dport 5060 accept comment "sip in"
    icmp type echo-request accept
    icmp type { echo-request, destination-unreachable } ip daddr { 198.51.100.1, 198.51.100.2 } accept
    icmpv6 type nd-neighbor-solicit accept
    meta nfproto ipv4 meta pkttype host accept
    meta mark 0x10 accept
    ip saddr example.com accept
    tcp dport 99999 accept
    tcp dport foo accept
    ip saddr 192.168.9.0/24 ip protocol . th dport vmap { tcp . 22 : accept, udp . 53 : drop, 17 . 0123 : continue }
    iifname vmap { "lan3" : accept, "lan4" : drop } comment "by interface"
    iifname "lan5" jump later
    iifname "lan6" goto later
    jump missing
    tcp dport 22 comment "ssh in" accept
    ip saddr 10.2.0.0/16 accept # trailing remark
    # a remark above
    ip saddr 10.3.0.0/16 accept
    ip saddr 10.4.0.0/16 accept; ip saddr 10.5.0.0/16 drop
    ip saddr 10.6.0.0/16 return
    ip6 saddr fe80::/10 accept
    ip daddr 203.0.113.7 tcp dport 80 counter name "c" accept
    tcp dport 80 limit rate 10/second accept
    tcp flags syn / syn,rst drop
    ip saddr . ip daddr { 10.0.0.1 . 10.0.0.2 } accept
    iifname "ppp*" accept
    tcp dport { 22 } . 1 accept
    tcp dport { { 22 } } accept
    tcp dport 22,80 accept
    tcp dport 22 \\
      accept
    tcp dport {
      22, 23
    } accept
    tcp dport { 0080, 0, 7, 1234567 } udp dport 00 accept
  }
  chain later { ip daddr 203.0.113.10 tcp dport 443 accept; return }
  chain prerouting {
    type nat hook prerouting priority dstnat;
    iifname "wan0" ip daddr 203.0.113.5 tcp dport 8080 dnat ip to 192.168.1.10:80
    iifname "wan0" tcp dport 8443 dnat to 192.168.1.11:0443
    iifname "wan0" tcp dport 8444 dnat to 192.168.1.12
    iifname "wan1" dnat ip to tcp dport map { 80 : 192.168.1.11, 443 : 192.168.1.12 }
    redirect to :3128
  }
  chain postrouting {
    type nat hook postrouting priority srcnat;
    oifname "wan0" ip saddr 192.168.0.0/16 masquerade
    oifname "wan0" ip saddr 192.168.1.0/24 masquerade random
    oifname "wan1" snat ip to 198.51.100.7
    oifname "wan2" snat to 198.51.100.8:1024-2048
    oifname "wan3" snat to 198.51.100.0/28
  }
}
add rule inet fw later tcp dport 9 accept
insert rule inet fw later tcp dport 10 drop
table ip small { chain c { type filter hook input priority 0; tcp dport 1 accept } }
table inet sets {
  set a { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.168.1.1-192.168.1.9,
      172.16.0.1,
      203.0.113.0/24 } }
  set b { type ipv4_addr; elements = {
      # a comment inside
      10.9.9.9 } }
  set c { type ipv4_addr; flags timeout; elements = { 10.8.8.8 timeout 1h, 10.8.8.9 } }
  set p { type inet_service; elements = { 22, 0080, 8000-8100, "http" } }
  map m { type ipv4_addr : verdict; elements = { 10.7.7.7 : accept, 10.7.7.8 : drop } }
  chain c {
    type filter hook forward priority 0; policy drop;
    ip saddr @a ip daddr @b tcp dport @p accept
    ip saddr @c drop
    ip daddr vmap @m
  }
}
add element inet sets a { 198.51.100.0/24,
  198.51.101.0/24 }
add element inet sets p { 443 }
`;

describe('rules read straight from the source (text-direct.ts)', () => {
  it('give the policy the generic path gives, for every form it takes and the forms it leaves', () => {
    const r = both(FORMS);
    expect(r.direct).toBe(r.generic);
    expect(r.taken).toBeGreaterThan(45);
    const crlf = both(FORMS.replace(/\n/g, '\r\n'));
    expect(crlf.direct).toBe(crlf.generic);
  });

  it('apply the common conditions as they are read, with the facts interface inference reads', () => {
    // Networks inferred from the rules (one interface, private sources or destinations, intersected
    // per side, none once a side has a `!=`, a public address or a range), and the conditions the
    // reader leaves to the general path (a pattern, a hostname, `ct state != a,b`, NAT, verdict maps).
    const text = `table inet fw {
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "lan1" ip saddr { 10.1.0.0/16, 10.2.0.0/16 } accept
    iifname "lan2" ip saddr 10.3.0.0/16 ip saddr 10.3.0.0/17 tcp dport { 22, 80-90 } accept
    iifname "lan3" ip saddr 10.4.0.0/16 ip saddr != 10.4.1.0/24 accept
    iifname "lan4" ip saddr 8.8.8.0/24 accept
    iifname "lan5" ip saddr 10.5.0.1-10.5.0.9 accept
    iifname { "lan6", "lan7" } ip saddr 10.6.0.0/16 accept
    iifname != "lan8" ip saddr 10.8.0.0/16 accept
    oifname "lan9" ip daddr { 192.168.9.0/24 } udp dport { 5060 } accept
    oifname "lan10" ip daddr 192.168.10.0/24 drop
    iifname "lan11" oifname "lan12" ip saddr 10.11.0.0/16 ip daddr 192.168.12.0/24 jump later
    iifname "lan13" ip saddr 10.13.0.0/16 th dport 53 ct state new goto later
    ip daddr { 10.14.0.1 } tcp sport != { 1-1023 } tcp dport > 1023 ct state != new continue
    meta l4proto { tcp, udp } th dport { 5060, 5061 } ct state { new, established } accept
    ip saddr 10.15.0.0/16 icmp type { echo-request, 3 } accept
    icmpv6 type echo-request accept
    iifname "lan16*" accept
    iifname "lan17" ip saddr example.com accept
    ct state != established,related drop
    oifname "wan0" ip saddr 10.18.0.0/16 masquerade
    ip saddr 10.19.0.0/16 tcp dport vmap { 22 : accept, 23 : drop }
  }
  chain later { return }
}
`;
    // The text reader keeps such a rule through convertRead (one object for the rule and its form).
    const direct = vi.spyOn(Preparer.prototype, 'convertRead');
    const r = both(text, 'm.nft');
    const applied = direct.mock.calls.length;
    direct.mockRestore();
    expect(r.direct).toBe(r.generic);
    expect(applied).toBe(16); // the first fifteen and `return`
    expect(r.direct).toContain('interface lan1: network 10.1.0.0/16, 10.2.0.0/16 inferred');
    expect(r.direct).toContain('interface lan2: network 10.3.0.0/17 inferred');
    expect(r.direct).toContain('interface lan9: network 192.168.9.0/24 inferred');
    expect(r.direct).toContain('interface lan12: network 192.168.12.0/24 inferred');
    for (const n of [3, 4, 5, 6, 7, 8, 10]) expect(r.direct).not.toContain(`interface lan${String(n)}: network`);
  });

  it('give a verdict map after direct conditions one match per element, as the general path does', () => {
    // The bench's form (`ip protocol . th dport vmap`), single keys, interface keys whose networks are
    // inferred from a passing element, and maps the general path keeps (a condition it must read).
    const text = `table inet fw {
  chain forward {
    type filter hook forward priority filter; policy drop;
    ip saddr 10.1.0.0/24 ip protocol . th dport vmap { tcp . 22 : accept, udp . 53 : drop }
    iifname "lan2" ip saddr 10.2.0.0/24 tcp dport vmap { 22 : accept, 23 : drop, 24 : continue }
    iifname . ip saddr vmap { "lan3" . 10.3.0.0/24 : accept, "lan4" . 10.4.0.0/24 : return }
    ip protocol { tcp, udp } th dport 5060 accept
    iifname "lan5*" tcp dport vmap { 22 : accept }
  }
}
`;
    const alts = vi.spyOn(Preparer.prototype, 'readAlts');
    const r = both(text, 'v.nft');
    const applied = alts.mock.calls.length;
    alts.mockRestore();
    expect(r.direct).toBe(r.generic);
    expect(applied).toBe(3);
    expect(r.direct).toContain('interface lan3: network 10.3.0.0/24 inferred');
    expect(r.direct).not.toContain('interface lan4: network');
  });

  it('read named sets and verdict maps to the elements and positions the generic path gives', () => {
    // Maps of plain verdicts are read directly; other data, options and jumps go the generic way.
    const text = `table inet m {
  map v { type ipv4_addr : verdict; elements = { 10.7.7.7 : accept, 10.7.7.8 : drop,
      10.7.7.0/30 : continue ,
    \t10.7.8.1-10.7.8.9  :  return, 10.7.9.9 } }
  map p { type inet_service : verdict; elements = { 22 : accept, 0080 : drop, 8000-8100 : accept, "http" : drop } }
  map j { type ipv4_addr : verdict; elements = { 10.1.1.1 : jump c, 10.1.1.2 : accept } }
  map n { type ipv4_addr : ipv4_addr; elements = { 10.1.1.1 : 10.2.2.2 } }
  map o { type ipv4_addr : verdict; elements = { 10.1.1.1 : accept comment "x" } }
  set s { type ipv4_addr; elements = { 10.0.0.0/8, 10.0.0.1 } }
  chain c { ip daddr vmap @v; tcp dport vmap @p; ip daddr vmap @j; ip saddr @s accept }
}
add element inet m v { 10.7.10.1 : drop,
  10.7.10.2 : accept }
`;
    const sets = (direct: boolean): string => {
      const doc = readText(text, 'm.nft', {}, new Preparer({}, direct));
      // A set read as words (set-words.ts) compared by its values, as the passes read them.
      const words = doc.tables.flatMap((t) => [...t.sets.values()].filter((s) => hasWords(s)).map((s) => s.name));
      const elems = doc.tables.flatMap((t) =>
        [...t.sets.values()].map((s) => {
          shapeWords(s);
          return [s.name, s.elements];
        }),
      );
      if (direct) expect(words).toEqual(['s']);
      // A pair's position is read for a jump or goto only (expand.ts vmap): the direct reader keeps none.
      const jumps = (v: unknown[]): boolean => /"(jump|goto)"/.test(JSON.stringify(v[1]));
      return JSON.stringify(elems, (_k, v: unknown) =>
        Array.isArray(v) && positions.get(v) && jumps(v) ? { pair: [...(v as unknown[])], pos: positions.get(v) } : v,
      );
    };
    const read = vi.spyOn(DirectReader.prototype, 'readElements');
    const direct = sets(true);
    const taken = read.mock.results.filter((r) => r.type === 'return' && r.value !== undefined).length;
    read.mockRestore();
    expect(direct).toBe(sets(false));
    expect(direct).toContain('"pos"');
    expect(taken).toBe(4); // v, p, s and the added elements of v
    const r = both(text, 'm.nft');
    expect(r.direct).toBe(r.generic);
  });

  it('keep the nft release option (ct state != a,b)', () => {
    const text = `table inet t { chain c { type filter hook forward priority 0; ct state != established,related drop; } }`;
    for (const nftVersion of [undefined, '1.0.6', '1.0.9']) {
      const options: ParseOptions = nftVersion ? { nftVersion } : {};
      const r = both(text, 'v.nft', options);
      expect(r.taken).toBe(1);
      expect(r.direct).toBe(r.generic);
    }
  });

  it("take a chain's rules without tokens past blank lines, and leave the chain's own statements", () => {
    // text-parser.ts directLine: rules after blank lines and line breaks go to the reader from the source;
    // comments, `;`, chain statements and rules whose first word it does not take come through tokens.
    const text = [
      'define P = 22',
      'table inet t {',
      '  chain c {',
      '',
      '    \t',
      '    type filter hook input priority 0;',
      '',
      '    policy drop',
      '    comment "the chain"',
      '    define Q = 23',
      '    tcp dport $Q accept',
      '',
      '    # above',
      '    ip saddr 10.0.0.0/8 accept',
      '    ; ; tcp dport $P drop',
      '    meta l4proto udp accept',
      '    masquerade',
      '    ip6 saddr fe80::/10 accept',
      '    iifname "lan1" accept # after',
      '    oifname "wan0" drop; ct state new accept',
      '  }',
      '  chain d { icmp type echo-request accept',
      '    counter accept }',
      '}',
      '',
    ].join('\n');
    const read = vi.spyOn(DirectReader.prototype, 'read');
    readText(text, 'l.nft', {}, new Preparer({}, true));
    // The line and column of each rule given to the reader (once each): its first word's, as the lexer's token gives it.
    const starts = read.mock.calls.map((c) => `${String(c[2])}:${String(c[1] - c[3] + 1)}`);
    read.mockRestore();
    expect(starts).toEqual(['11:5', '14:5', '15:9', '16:5', '17:5', '18:5', '19:5', '20:5', '20:26', '22:13', '23:5']);
    for (const crlf of [false, true]) {
      const r = both(crlf ? text.replace(/\n/g, '\r\n') : text, 'l.nft');
      expect(r.direct).toBe(r.generic);
      expect(r.taken).toBe(10);
    }
  });

  it('give the same policy for the bench generators', () => {
    for (const text of [
      generateRuleset({ name: 't', rules: 400, setElements: 50, seed: 3 }),
      generateNftChains(300, 1),
      generateNftSets(300, 1),
      generateNftHugeChain(300, 1),
    ]) {
      const r = both(text, 'bench.nft');
      expect(r.direct).toBe(r.generic);
      expect(r.taken).toBeGreaterThan(250);
    }
  });

  it('give the same policy for every nftables text fixture', () => {
    const root = join(__dirname, '../../fixtures/nftables');
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.nft')) files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(20);
    let taken = 0;
    for (const f of files) {
      const options: ParseOptions = {
        readInclude: (path, from) => {
          const p = resolve(dirname(from) || dirname(f), path);
          try {
            return { text: readFileSync(p, 'utf8'), display: p };
          } catch {
            return undefined;
          }
        },
      };
      const r = both(readFileSync(f, 'utf8'), f, options);
      expect(r.direct, f).toBe(r.generic);
      taken += r.taken;
    }
    expect(taken).toBeGreaterThan(50);
  });
});
