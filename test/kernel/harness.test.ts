import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNftables } from '../../parsers/nftables/index.js';
import { loadProfile } from '../../src/profiles/load.js';
import { CAUSES, classify } from '../../tools/kernel/causes.js';
import { compare } from '../../tools/kernel/compare.js';
import { generateRuleset } from '../../tools/kernel/generate.js';
import { chosenOf } from '../../tools/kernel/kernel.js';
import { hostsOf } from '../../tools/kernel/netns.js';
import { plan } from '../../tools/kernel/plan.js';
import type { Probe } from '../../tools/kernel/probes.js';
import { fwlintAnswer, type Site } from '../../tools/kernel/fwlint-side.js';
import { out } from '../helpers/kernel-probes.js';

// The kernel run itself needs root and namespaces (npm run test:kernel); these tests cover the
// parts that decide what is probed and how answers are compared, without touching any network.

describe('kernel harness: generator', () => {
  it('is reproducible from the seed and varies with it', () => {
    expect(generateRuleset(7)).toBe(generateRuleset(7));
    expect(generateRuleset(7)).not.toBe(generateRuleset(8));
  });

  it('produces rulesets fwlint reads, covering the constructs the issue lists', () => {
    const all = Array.from({ length: 60 }, (_, i) => generateRuleset(i + 1));
    for (const [i, text] of all.entries()) expect(() => parseNftables(text, `gen-${i + 1}.nft`)).not.toThrow();
    const joined = all.join('\n');
    for (const s of [
      'table inet',
      'table ip ',
      'table ip6',
      'policy drop',
      'jump c',
      'goto c',
      'return',
      'flags interval',
      'vmap {',
      'ct state',
      'masquerade',
      'snat',
      'dnat',
      'random',
      'fully-random',
      'persistent',
      'notrack',
      'ct helper set',
      'ct timeout set',
      'hook output',
      'ipsec in',
      'meta l4proto { tcp, udp } th dport',
      'ct state != {',
    ])
      expect(joined, s).toContain(s);
  }, 60_000);
});

describe('kernel harness: probes', () => {
  it('probes first, middle and last port of each range, replies and timeouts for UDP, ping and SIP to the WAN', () => {
    const policy = parseNftables(readFileSync('fixtures/nftables/rules/clean.nft', 'utf8'), 'clean.nft');
    const p = plan({
      profile: loadProfile('ipnordic'),
      policy,
      phoneAddr: '10.20.0.10',
      wanAddr: '203.0.113.1',
      phonesCidr: '10.20.0.0/24',
    });
    const rtp = p.probes.filter((x) => x.kind === 'out' && x.why.includes('ipnordic-rtp')).map((x) => x.dport);
    expect(rtp).toEqual([10000, 37500, 65000]);
    const udp = p.probes.filter((x) => x.kind === 'out' && x.proto === 'udp').length;
    expect(p.probes.filter((x) => x.kind === 'reply')).toHaveLength(udp);
    expect(p.probes.filter((x) => x.kind === 'timeout')).toHaveLength(udp);
    expect(p.probes.some((x) => x.kind === 'ping' && x.dst === '203.0.113.1')).toBe(true);
    expect(p.probes.some((x) => x.kind === 'forward' && x.dport === 5060)).toBe(true);
    expect(p.skipped.join()).toContain('ipnordic-all-outbound');
  });

  it('probes every port-forward, also those nftables keeps as dnat rules of a NAT chain', () => {
    const file = 'fixtures/nftables/rules/fwl004-forward-to-phone.nft';
    const p = plan({
      profile: loadProfile('ipnordic'),
      policy: parseNftables(readFileSync(file, 'utf8'), file),
      phoneAddr: '10.20.0.10',
      wanAddr: '203.0.113.1',
      phonesCidr: '10.20.0.0/24',
    });
    const fwd = p.probes.filter((x) => x.kind === 'forward').map((x) => `${x.proto} ${x.dport} ${x.why.join()}`);
    expect(fwd).toEqual(['udp 5060 sip,line 50', 'tcp 8443 line 52']);
  });

  it('places router and phone inside the phones network', () => {
    expect(hostsOf('10.20.0.0/24')).toEqual({ router: '10.20.0.1', phone: '10.20.0.10', prefix: 24 });
    expect(hostsOf('192.168.5.8/29')).toEqual({ router: '192.168.5.9', phone: '192.168.5.10', prefix: 29 });
  });
});

describe('kernel harness: comparison', () => {
  it('compares delivery, source address and port behaviour', () => {
    const natKept = { passed: true, seenSrc: '203.0.113.1', seenSport: 40002 };
    const f = { passed: true, by: 'r', nat: { addr: '203.0.113.1', ports: 'preserve' as const } };
    expect(compare(out, natKept, f).agree).toBe(true);
    expect(compare(out, { ...natKept, seenSport: 61000 }, f).agree).toBe(false);
    expect(compare(out, { passed: true, seenSrc: '10.20.0.10', seenSport: 40002 }, f).agree).toBe(false);
    expect(compare(out, { passed: false }, { passed: false, by: 'policy drop' }).agree).toBe(true);
    expect(compare(out, { skipped: 'x' }, f).agree).toBeUndefined();
  });

  it('reads a timeout right after its refresh: up to 3 s below the configured value', () => {
    const t: Probe = { ...out, kind: 'timeout', of: out };
    const f = { passed: true, by: 'x', timeout: 600 };
    expect(compare(t, { timeout: 599 }, f).agree).toBe(true);
    expect(compare(t, { timeout: 119 }, f).agree).toBe(false);
    expect(compare(t, { timeout: 'untracked' }, f).agree).toBe(false);
  });

  it('a timeout of another order of unordered chains is consistent, not agreement and not a disagreement', () => {
    // Equal-priority base chains of different tables (src/engine/unordered.ts): the kernel ran the later
    // table's chain first in every fresh load seen, fwlint's primary answer is file order. Before, 23 new
    // disagreements.
    const t: Probe = { ...out, kind: 'timeout', of: out };
    const f = { passed: true, by: 'x', timeout: 900, otherTimeouts: [600], uncertain: 'order undefined' };
    const l = compare(t, { timeout: 599 }, f);
    expect(l.agree).toBe(false);
    expect(l.uncertain).toBe(true);
    expect(compare(t, { timeout: 899 }, f).agree).toBe(true);
    expect(compare(t, { timeout: 89 }, f).uncertain).toBeUndefined();
  });

  it('counts an explicitly uncertain answer apart: consistent when the kernel did the other verdict', () => {
    const f = { passed: true, by: 'policy accept', uncertain: 'rule X might match' };
    const l = compare(out, { passed: false }, f);
    expect(l.agree).toBe(false);
    expect(l.uncertain).toBe(true);
    expect(l.fwlint).toContain('uncertain: rule X might match');
    expect(compare(out, { passed: false }, { passed: true, by: 'policy accept' }).uncertain).toBeUndefined();
  });

  it('never counts an uncertain answer as agreement, even when the kernel did the verdict fwlint leans to', () => {
    const f = { passed: false, by: 'rule X', uncertain: 'rule X might match' };
    const l = compare(out, { passed: false }, f);
    expect(l.agree).toBe(false);
    expect(l.uncertain).toBe(true);
  });
});

describe('kernel harness: known disagreements', () => {
  const known = JSON.parse(readFileSync('test/kernel/known-disagreements.json', 'utf8')) as {
    causes: Record<string, string>;
    fixtures: { ruleset: string; probe: string; cause: string }[];
  };

  it('lists every cause with an existing minimal fixture, and only existing fixtures', () => {
    for (const c of CAUSES) expect(known.causes[c.id], c.id).toBeDefined();
    for (const [id, text] of Object.entries(known.causes)) {
      const file = /fixtures\/nftables\/kernel\/[\w.-]+\.nft/.exec(text)?.[0];
      expect(file && existsSync(file), id).toBe(true);
      expect(
        known.fixtures.some((e) => e.cause === id && e.ruleset === file),
        id,
      ).toBe(true);
    }
    for (const e of known.fixtures) expect(existsSync(e.ruleset), e.ruleset).toBe(true);
  });

  it('recognizes nothing on a fixed cause: reply-before-denat agrees now', () => {
    const text = (f: string) => readFileSync(`fixtures/nftables/kernel/${f}`, 'utf8');
    const reply: Probe = { ...out, kind: 'reply', of: out };
    expect(CAUSES).toEqual([]);
    expect(
      classify(reply, { passed: false }, { passed: true, by: '' }, text('reply-before-denat.nft')),
    ).toBeUndefined();
  });
});

describe('kernel harness: fwlint side (the packet path)', () => {
  // The disagreements the packet path (issue 11) fixed; their fixtures now agree with the kernel.
  const site = (f: string): Site => ({
    policy: parseNftables(readFileSync(`fixtures/nftables/kernel/${f}`, 'utf8'), f),
    phonesIf: 'vlan20',
    wanIf: 'wan0',
    wanAddr: '203.0.113.1',
    phonesCidr: '10.20.0.0/24',
    routerAddr: '10.20.0.1',
  });
  const rtp: Probe = { ...out, sport: 40005, dport: 10000 };

  it('takes an exemption before masquerade in the NAT chain as no NAT, and masquerade as the WAN address', () => {
    const s = site('nat-exemption-after-masquerade.nft');
    const media = fwlintAnswer(s, rtp);
    expect(media.passed).toBe(true);
    expect(media.nat).toBeUndefined();
    expect(media.natBy).toMatch(/^exempted by rule .*line \d+, chain ip nat postrouting/);
    expect(fwlintAnswer(s, out).nat).toEqual({ addr: '203.0.113.1', ports: 'preserve' });
  });

  it('gives the last ct timeout set on the path, naming its rule', () => {
    const f = fwlintAnswer(site('ct-timeout-last-assignment-wins.nft'), { ...out, kind: 'timeout', of: out });
    expect(f.timeout).toBe(90);
    expect(f.by).toMatch(/^90 s \(set by rule .*chain .*late/);
    expect(f.helperRefresh).toBeUndefined();
  });

  it('applies a dnat without input interface to the phones outbound traffic', () => {
    const f = fwlintAnswer(site('dnat-catches-outbound.nft'), out);
    expect(f.passed).toBe(false);
    expect(f.by).toContain('dnat by rule');
    expect(f.by).toContain('192.168.1.20');
  });

  it('leaves notracked media untracked: dropped by a ct state new rule, no timeout', () => {
    const s = site('notrack-media.nft');
    expect(fwlintAnswer(s, rtp).passed).toBe(false);
    expect(fwlintAnswer(s, out).passed).toBe(true);
  });

  const ping: Probe = {
    ...out,
    kind: 'ping',
    proto: 'icmp',
    src: '185.72.208.1',
    dst: '203.0.113.1',
    sport: 0,
    dport: 0,
  };
  const timeoutOf = (o: Probe): Probe => ({
    ...o,
    kind: 'timeout',
    src: o.dst,
    dst: o.src,
    sport: o.dport,
    dport: o.sport,
    of: o,
  });

  it('reads ct state in a chain before conntrack (raw) as invalid: a ct state new accept there does not match', () => {
    const s = site('ct-state-before-conntrack.nft');
    expect(fwlintAnswer(s, out).passed).toBe(false);
    expect(fwlintAnswer(s, ping).passed).toBe(false);
  });

  it('gives a flow with the SIP helper attached the helper timeout (sip_timeout, 3600 s)', () => {
    const f = fwlintAnswer(site('sip-helper-refreshes-timeout.nft'), timeoutOf(out));
    expect(f.timeout).toBe(3600);
    expect(f.by).toContain('SIP helper');
    // The helper sets it again on every packet leaving the router: a flow whose later packets are
    // dropped never gets it again (tools/kernel/helper-refresh.ts).
    expect(f.helperRefresh).toBe(true);
  });

  it('evaluates the echo reply through output and postrouting', () => {
    const f = fwlintAnswer(site('ping-reply-dropped-in-postrouting.nft'), ping);
    expect(f.passed).toBe(false);
    expect(f.by).toMatch(/echo reply is dropped by policy drop of chain inet fw postrouting/);
  });

  it('evaluates the echo reply as an echo reply (ICMP type 0): exact on the output hook', () => {
    const dropped = fwlintAnswer(site('echo-reply-type-on-output.nft'), ping);
    expect(dropped.passed).toBe(false);
    expect(dropped.uncertain).toBeUndefined();
    expect(dropped.by).toMatch(/echo reply is dropped by rule .*echo-repl/);
    const answered = fwlintAnswer(site('echo-request-type-on-output.nft'), ping);
    expect(answered.passed).toBe(true);
    expect(answered.uncertain).toBeUndefined();
  });

  it('lets a full-range th port match read ICMP too (exact), and a plain packet never match ipsec in', () => {
    expect(fwlintAnswer(site('th-matches-icmp.nft'), ping).passed).toBe(false);
    expect(fwlintAnswer(site('ipsec-match-assumed.nft'), ping).passed).toBe(false);
  });

  it('answers uncertain for ct state != a,b in a text ruleset (the nft release decides)', () => {
    const f = fwlintAnswer(site('negated-state-list.nft'), { ...timeoutOf(rtp), kind: 'reply' });
    expect(f.uncertain).toMatch(/nft release/);
  });

  it('answers exactly for ct state != a,b when told the nft release that loads it (1.0.6: cmp neq, matches all)', () => {
    const f = 'negated-state-list.nft';
    const told: Site = {
      ...site(f),
      policy: parseNftables(readFileSync(`fixtures/nftables/kernel/${f}`, 'utf8'), f, { nftVersion: '1.0.6' }),
    };
    const a = fwlintAnswer(told, { ...timeoutOf(rtp), kind: 'reply' });
    expect(a.uncertain).toBeUndefined();
    expect(a.passed).toBe(false);
  });

  const replyTo = (o: Probe): Probe => ({
    ...o,
    kind: 'reply',
    src: o.dst,
    dst: o.src,
    sport: o.dport,
    dport: o.sport,
    of: o,
  });

  it('loses a reply a notrack by public port takes out of tracking before the NAT reversal', () => {
    const s = site('reply-before-denat.nft');
    for (const o of [out, rtp]) {
      const f = fwlintAnswer(s, replyTo(o));
      expect(f.passed).toBe(false);
      expect(f.by).toMatch(/notrack.*chain ip raw prerouting/);
      expect(f.uncertain).toBeUndefined();
    }
  });

  it('evaluates chains before -100 with the public address, chains after it with the phone address', () => {
    const s = site('reply-before-denat-address.nft');
    // raw: ip daddr 203.0.113.1 udp sport 10000-20000 notrack (lost); mangle: ip daddr 10.20.0.0/24 drop (no match)
    expect(fwlintAnswer(s, replyTo(rtp)).passed).toBe(false);
    expect(fwlintAnswer(s, replyTo({ ...rtp, dport: 37500 })).passed).toBe(true);
    expect(fwlintAnswer(s, replyTo(out)).passed).toBe(true);
  });

  it('says when a rule that might match can change where the packet goes, not when it only counts', () => {
    const ping: Probe = {
      kind: 'ping',
      proto: 'icmp',
      src: '185.72.208.1',
      sport: 0,
      dst: '203.0.113.1',
      dport: 0,
      why: [],
    };
    const withRule = (rule: string): Site => ({
      ...site('reply-before-denat.nft'),
      policy: parseNftables(
        `table inet f {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    ${rule}\n  }\n}\n`,
        'inline.nft',
      ),
    });
    const counts = fwlintAnswer(withRule('th dport 10000-65000 counter'), ping);
    expect(counts.uncertain).toMatch(/might match/);
    expect(counts.uncertainActs).toBeUndefined();
    expect(fwlintAnswer(withRule('th dport 10000-65000 drop'), ping).uncertainActs).toBe(true);
  });

  it('asks a reply with the translation the kernel chose (conntrack): exact for that packet, can disagree', () => {
    // masquerade random; raw prerouting notracks replies to public ports 40000-65535 only.
    const file = 'fixtures/nftables/rules/fwl008-reply-before-nat-uncertain.nft';
    const s: Site = { ...site('reply-before-denat.nft'), policy: parseNftables(readFileSync(file, 'utf8'), file) };
    const r = replyTo(out);
    // Without the observation: uncertain, naming the rule (the lint's answer).
    expect(fwlintAnswer(s, r).uncertain).toMatch(/line \d+\) might match: .*translated port is one of/);
    // The rule is a notrack: the draw decides whether conntrack sees the reply (tools/kernel/draw.ts).
    expect(fwlintAnswer(s, r).uncertainActs).toBe(true);
    const entry = (port: number) =>
      `ipv4     2 udp      17 29 src=10.20.0.10 dst=185.72.208.1 sport=40002 dport=5060 [UNREPLIED] ` +
      `src=185.72.208.1 dst=203.0.113.1 sport=5060 dport=${port} mark=0 zone=0 use=2`;
    const seen = (port: number) => {
      const chosen = chosenOf([{ line: entry(port) }], out);
      expect(chosen).toEqual({ src: '203.0.113.1', sport: port });
      return { passed: true, seenSrc: '203.0.113.1', seenSport: port, ...(chosen ? { chosen } : {}) };
    };
    const lost = fwlintAnswer(s, r, seen(40123));
    expect(lost.passed).toBe(false);
    expect(lost.uncertain).toBeUndefined();
    expect(lost.by).toMatch(/masquerade.* chose 203\.0\.113\.1:40123 \(observed in conntrack\).*notrack/);
    const back = fwlintAnswer(s, r, seen(2345));
    expect(back.passed).toBe(true);
    expect(back.uncertain).toBeUndefined();
    // Exact now: a kernel that got the reply back despite the notrack would be a disagreement.
    expect(compare(r, { passed: true }, lost).agree).toBe(false);
    expect(compare(r, { passed: true }, lost).uncertain).toBeUndefined();
    // Another flow's entry is not this one's.
    expect(chosenOf([{ line: entry(40123) }], { ...out, sport: 40003 })).toBeUndefined();
  });

  it('asks replies the way FWL008 does and names the chain that decided', () => {
    const s = site('nat-exemption-after-masquerade.nft');
    const r = fwlintAnswer(s, {
      ...out,
      kind: 'reply',
      src: out.dst,
      dst: out.src,
      sport: 5060,
      dport: 40002,
      of: out,
    });
    expect(r.passed).toBe(true);
    expect(r.by).toMatch(/^established: rule .*line \d+, chain /);
  });
});
