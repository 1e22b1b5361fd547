import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EntryRule, ReadEntry } from '../../parsers/nftables/entry-rule.js';
import { buildPolicy } from '../../parsers/nftables/index.js';
import type { NDocument } from '../../parsers/nftables/ir.js';
import { Preparer } from '../../parsers/nftables/prepare.js';
import { readText } from '../../parsers/nftables/text-parser.js';
import type { ParseOptions } from '../../parsers/types.js';
import { formatAddrSet } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { NameSet } from '../../src/model/name-set.js';

/**
 * Rules the text reader converts while it reads (prepare.ts) must give the model the passes give
 * them from the whole document: same rules, ids, matches, actions, reports and notes, in the same
 * order. Each ruleset is read both ways and the policies compared as JSON.
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

function prepared(doc: NDocument): number {
  let n = 0;
  for (const t of doc.tables)
    for (const c of t.chains.values()) for (const r of c.rules) if (r instanceof EntryRule || r.pre) n++;
  return n;
}

const includes =
  (dir: string): ParseOptions['readInclude'] =>
  (path, from) => {
    const p = resolve(dirname(from) || dir, path);
    try {
      return { text: readFileSync(p, 'utf8'), display: p };
    } catch {
      return undefined;
    }
  };

/** The policy read without and with the preparer, and how many rules it converted early. */
function both(text: string, file = 'p.nft', options: ParseOptions = {}): { slow: string; fast: string; pre: number } {
  const slow = JSON.stringify(buildPolicy(readText(text, file, options), options), plain);
  const doc = readText(text, file, options, new Preparer(options));
  const pre = prepared(doc);
  const fast = JSON.stringify(buildPolicy(doc, options), plain);
  return { slow, fast, pre };
}

const TRICKY = `
table inet fw {
  ct helper sip { type "sip" protocol udp; }
  set allowed { type ipv4_addr; flags interval; elements = { 10.0.0.0/8 } }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    ct state != established,related counter
    iifname "lan0" ip saddr 192.168.1.0/24 tcp dport { 80, 443, 8000-8100 } accept
    iifname "lan0" ip saddr 192.168.1.0/24 tcp dport { 80, 443, 8000-8100 } accept
    iifname "ppp*" drop
    iifname { "lan1", "lan2" } oifname "wan0" ip saddr 10.1.0.0/16 accept
    oifname != "wan0" ip daddr != 10.0.0.0/8 udp sport 5060 reject
    ip saddr @allowed accept
    fib daddr type local drop
    jump later
    goto missing
    ip protocol . th dport { tcp . 22, udp . 53 } accept
    iifname vmap { "lan3" : accept, "lan4" : jump later, * : drop }
    ct helper set "sip" udp dport 5060
    ct timeout set "voip" udp dport 5060
    ct timeout set "undefined-timeout" udp dport 5061
    meta l4proto udp limit rate 10/second accept
    ipsec in reqid 1 drop
    ip6 saddr fe80::/10 icmpv6 type { echo-request, nd-neighbor-solicit } accept
    meta nfproto ipv4 meta pkttype host tcp flags syn / syn,rst drop
    th dport 53 accept
    udp dport 5060 notrack accept
    meta mark 0x10 accept
    ip saddr example.com accept
    iif 7 accept
    jump { ip saddr 10.9.0.0/16 accept; iifname "lan9" drop }
    tcp dport 22 comment "ssh in" accept
  }
  chain later {
    ip daddr 203.0.113.10 tcp dport 443 accept
    return
  }
  ct timeout voip { protocol udp; l3proto ip; policy = { replied : 600 } }
  chain prerouting {
    type nat hook prerouting priority dstnat;
    iifname "wan0" ip daddr 203.0.113.5 tcp dport 8080 dnat ip to 192.168.1.10:80
    iifname "wan1" dnat ip to tcp dport map { 80 : 192.168.1.11, 443 : 192.168.1.12 }
    redirect to :3128
  }
  chain postrouting {
    type nat hook postrouting priority srcnat;
    oifname "wan0" ip saddr 192.168.0.0/16 masquerade random
    oifname "wan1" snat ip to 198.51.100.7
    oifname "wan2" snat to 198.51.100.8:1024-2048
  }
}
table ip legacy {
  chain input {
    type filter hook input priority 0; policy accept;
    iifname "lan0" udp dport 53 accept
    tcp dport 22 drop
  }
}
table inet gone {
  chain c { type filter hook forward priority 0; tcp dport 1 drop; }
}
delete table inet gone
table inet sleepy {
  flags dormant
  chain c { type filter hook forward priority 0; iifname "eth9" accept; }
}
add rule inet fw later tcp dport 9 accept
insert rule inet fw later tcp dport 10 drop
add element inet fw allowed { 172.16.0.0/12 }
table inet fw {
  chain flushed { tcp dport 11 accept; }
}
flush chain inet fw flushed
add rule inet fw flushed tcp dport 12 accept
`;

describe('rules converted while read (prepare.ts)', () => {
  it('give the same policy as the passes over the whole document', () => {
    const r = both(TRICKY);
    expect(r.fast).toBe(r.slow);
    // Most rules converted early; those naming a set, a pattern or fib left to the passes.
    expect(r.pre).toBeGreaterThan(30);
  });

  it('leave rules that depend on the rest of the file to the passes', () => {
    const text = `table inet t {
      set s { type ipv4_addr; }
      chain c {
        type filter hook forward priority 0;
        ip saddr @s accept
        iifname "eth*" accept
        fib daddr type local accept
        tcp dport 22 accept
      }
    }
    add element inet t s { 10.0.0.1 }`;
    const doc = readText(text, 'd.nft', {}, new Preparer({}));
    const rules = doc.tables[0]?.chains.get('c')?.rules ?? [];
    expect(rules.map((x) => x instanceof EntryRule || x.pre !== undefined)).toEqual([false, false, false, true]);
    const r = both(text, 'd.nft');
    expect(r.fast).toBe(r.slow);
  });

  it('keep a rule read straight from the source as its model rule alone until the model is built', () => {
    const text = 'table inet fw {\n  chain c {\n    # ssh\n    iifname "lan0" tcp dport 22 accept\n  }\n}\n';
    const doc = readText(text, 'one.nft', {}, new Preparer({}));
    const rule = doc.tables[0]?.chains.get('c')?.rules[0];
    expect(rule).toBeInstanceOf(EntryRule);
    const entry = rule instanceof EntryRule ? rule : undefined;
    expect(entry?.comment).toBe(' ssh');
    expect({ ...entry?.loc }).toEqual({ file: 'one.nft', line: 4, column: 5, endLine: 4, endColumn: 39 });
    const policy = buildPolicy(doc);
    expect(policy.ruleset.chains['inet fw c']?.rules[0]).toBe(entry);
    expect(policy.ruleset.chains['inet fw c']?.rules[0]?.comment).toBe(' ssh');
  });

  it('keep no interface facts per read rule: the chain gathers them in runs (read-facts.ts)', () => {
    const text =
      'table inet fw {\n  chain c {\n    iifname "lan0" ip saddr 10.1.0.0/16 accept\n    tcp dport 22 accept\n  }\n}\n';
    const doc = readText(text, 'f.nft', {}, new Preparer({}));
    const chain = doc.tables[0]?.chains.get('c');
    const [named, bare] = chain?.rules ?? [];
    expect(named).toBeInstanceOf(EntryRule);
    expect(bare).toBeInstanceOf(EntryRule);
    // One run, at the first rule: the name and the network it pairs with it.
    expect(chain?.runs?.map((r) => [r.at, [...r.names.keys()], [...r.nets.keys()]])).toEqual([[0, ['lan0'], ['lan0']]]);
    const nets = chain?.runs?.[0]?.nets.get('lan0')?.sets ?? [];
    expect(nets.map((s) => formatAddrSet(s))).toEqual(['10.1.0.0/16']);
    const r = both(text, 'f.nft');
    expect(r.fast).toBe(r.slow);
  });

  it('keep a verdict map read straight from the source as its model rules alone, one occurrence per nft rule', () => {
    // Two identical verdict maps in a row: each nft rule's alternatives share its id, the second rule
    // its own (its model rules follow the first's with another row: rules.ts buildChain tells them apart).
    const line = '    iifname "lan0" tcp dport vmap { 22 : accept, 23 : drop }';
    const text = `table inet fw {\n  chain c {\n${line}\n${line}\n    tcp dport 80 accept\n  }\n}\n`;
    const doc = readText(text, 'v.nft', {}, new Preparer({}));
    const read = doc.tables[0]?.chains.get('c')?.rules ?? [];
    expect(read.map((r) => r instanceof EntryRule)).toEqual([true, true, true, true, true]);
    const rules = buildPolicy(doc).ruleset.chains['inet fw c']?.rules ?? [];
    const [a, b, c, d] = rules.map((r) => r.id);
    expect([a === b, c === d, a === c]).toEqual([true, true, false]);
    expect(rules.slice(0, 4).map((r) => r.action.kind)).toEqual(['accept', 'drop', 'accept', 'drop']);
    const r = both(text, 'v.nft');
    expect(r.fast).toBe(r.slow);
  });

  it('give interface inference what rule by rule gives, with runs split by other rules, inserted and flushed', () => {
    // Names first seen in runs and in rules between them (a named set: left to the passes), `insert rule`
    // before them all, a flushed chain, the networks of more than four rules: the order of the interfaces,
    // their networks and the rules the notes name are those of the rules one by one.
    const lines = [
      'table inet fw {',
      '  set s { type ipv4_addr; }',
      '  chain c {',
      '    type filter hook forward priority 0;',
      '    iifname "eth3" ip saddr 10.3.0.0/16 accept',
      '    iifname "eth1" ip saddr 10.1.0.0/16 accept',
      '    iifname "eth2" ip saddr @s accept',
      '    iifname "eth1" ip saddr 10.1.1.0/24 accept',
      '    iifname "eth1" ip saddr 10.1.2.0/24 accept',
      '    oifname "eth4" ip daddr 10.4.0.0/16 accept',
      '    iifname "eth1" ip saddr 10.1.3.0/24 accept',
      '    iifname "eth1" ip saddr 10.1.4.0/24 accept',
      '  }',
      '  chain d {',
      '    iifname "eth9" accept',
      '  }',
      '}',
      'flush chain inet fw d',
      'add rule inet fw d iifname "eth8" ip saddr 10.8.0.0/16 accept',
      'insert rule inet fw c iifname "eth0" ip saddr 10.0.0.0/16 accept',
      'insert rule inet fw c iifname "eth7" tcp dport vmap { 22 : accept, 23 : drop }',
      'add rule inet fw d iifname "eth6" tcp dport vmap { 22 : accept, 23 : drop }',
      'add element inet fw s { 10.2.0.1 }',
      '',
    ];
    const text = lines.join('\n');
    const r = both(text, 'runs.nft');
    expect(r.fast).toBe(r.slow);
    const policy = buildPolicy(readText(text, 'runs.nft', {}, new Preparer({})));
    expect(policy.interfaces.map((i) => i.name)).toEqual([
      'eth7',
      'eth0',
      'eth3',
      'eth1',
      'eth2',
      'eth4',
      'eth8',
      'eth6',
    ]);
  });

  it('make the model rule of a rule read straight from the source while reading it, `add rule` at its command', () => {
    const text =
      'table inet fw {\n  chain c {\n    iifname "lan0" tcp dport 22 accept\n  }\n}\n' +
      'add rule inet fw c   iifname "lan1" tcp dport 22 jump d\nadd chain inet fw d\n';
    const doc = readText(text, 'm.nft', {}, new Preparer({}));
    const read = doc.tables[0]?.chains.get('c')?.rules ?? [];
    expect(read.map((r) => (r instanceof EntryRule ? 'entry' : r instanceof ReadEntry))).toEqual(['entry', true]);
    const policy = buildPolicy(doc);
    const rules = policy.ruleset.chains['inet fw c']?.rules ?? [];
    // The model rule is the one made while reading, given its action (a jump to a chain added later) by buildChain.
    expect(rules.map((r) => r)).toEqual(read.map((r) => (r instanceof ReadEntry ? r.entry : r)));
    expect(rules[1]?.action).toEqual({ kind: 'jump', chain: 'inet fw d' });
    expect({ ...rules[1]?.loc }).toEqual({ file: 'm.nft', line: 6, column: 1, endLine: 6, endColumn: 56 });
    const r = both(text, 'm.nft');
    expect(r.pre).toBe(2);
    expect(r.fast).toBe(r.slow);
  });

  it('keep the nft release option (ct state != a,b)', () => {
    const text = `table inet t { chain c { type filter hook forward priority 0; ct state != established,related drop; } }`;
    for (const nftVersion of [undefined, '1.0.6', '1.0.9']) {
      const options: ParseOptions = nftVersion ? { nftVersion } : {};
      const r = both(text, 'v.nft', options);
      expect(r.pre).toBe(1);
      expect(r.fast).toBe(r.slow);
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
    for (const f of files) {
      const r = both(readFileSync(f, 'utf8'), f, { readInclude: includes(dirname(f)) });
      expect(r.fast, f).toBe(r.slow);
    }
  });
});
