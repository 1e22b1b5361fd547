import { describe, expect, it } from 'vitest';
import { box, type Box } from '../../src/engine/box.js';
import { evaluate, MAX_JUMP_DEPTH, tracePath, type Part } from '../../src/engine/evaluate.js';
import { jumpLimits } from '../../src/engine/limits.js';
import { formatAddrSet } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Chain, Policy, Rule, Ruleset, Stage } from '../../src/model/policy.js';
import { formatPortSet } from '../../src/model/ports.js';
import { at, chain, iface, ifs, net, ports, rule, TCP, testPolicy, UDP } from './fixtures.js';

const IFACES = [
  iface('wan', 'wan', '203.0.113.0/24', '203.0.113.10'),
  iface('voice', 'lan', '10.20.0.0/24', '10.20.0.1'),
];

function policy(chains: Chain[], forward: Stage[], input: Stage[] = []): Policy {
  return testPolicy(chains, forward, input, IFACES);
}

const outbound = (extra: Partial<Box> = {}) =>
  box({
    src: net('10.20.0.0/24'),
    dst: net('185.72.208.0/22'),
    proto: UDP,
    dport: ports(5060),
    iif: ifs('voice'),
    oif: ifs('wan'),
    state: NameSet.of(['new']),
    ...extra,
  });

const verdicts = (parts: Part[]) => parts.map((p) => `${p.verdict}@${p.decidedBy.rule?.loc.line ?? 'policy'}`).sort();

describe('source NAT before the out filter (pf: nat on the egress, then `out` rules)', () => {
  // pf.conf(5) TRANSLATION: "translation rules are applied before filter rules": an out rule sees the translated source.
  const fw = policy(
    [
      chain('in', [rule(10, { iif: ifs('voice') }, 'accept', { quick: true })], 'drop', 'last-match'),
      chain('nat', [
        rule(20, { oif: ifs('wan'), src: net('10.20.0.0/24') }, { kind: 'snat', to: { ports: 'random' } }),
      ]),
      chain('out', [rule(30, { src: net('10.20.0.0/24') }, 'drop', { quick: true })], 'accept', 'last-match'),
    ],
    [
      { name: 'in', chains: ['in'] },
      { name: 'nat', kind: 'snat', chains: ['nat'] },
      { name: 'out', chains: ['out'] },
    ],
  );

  it('rewrites the source to the egress address and the out rule on the private source never matches', () => {
    const parts = tracePath(fw, outbound(), { path: 'forward' });
    expect(parts).toHaveLength(1);
    const [p] = parts as [Part];
    expect(p.verdict).toBe('accept');
    expect(formatAddrSet(p.out.src)).toBe('203.0.113.10');
    expect(p.out.sport.isFull).toBe(true); // random: any source port
    expect(formatAddrSet(p.box.src)).toBe('10.20.0.0/24'); // the part is named in the original flow
    expect(p.translations.map((t) => [t.kind, t.rule.loc.line])).toEqual([['snat', 20]]);
  });

  it('does not translate established or untracked packets', () => {
    const parts = tracePath(fw, outbound({ state: NameSet.of(['established']) }), { path: 'forward' });
    expect(parts.map((p) => p.translations.length)).toEqual([0]);
    expect(verdicts(parts)).toEqual(['drop@30']);
  });
});

describe('destination NAT before the filter', () => {
  const dnat = (line: number, extra = {}) =>
    rule(
      line,
      { iif: ifs('wan'), proto: UDP, dport: ports(15060, 15061), dst: net('203.0.113.10') },
      { kind: 'dnat', to: { addr: net('10.20.0.50'), port: 5060 }, ...extra },
    );
  const fwd = chain(
    'fwd',
    [rule(40, { dst: net('10.20.0.50'), dport: ports(5060), nat: NameSet.of(['dnat']) }, 'accept')],
    'drop',
  );
  const inp = chain('inp', [], 'drop');
  const stages = (pre: Chain): Policy =>
    policy(
      [pre, fwd, inp],
      [
        { name: 'prerouting', kind: 'dnat', chains: [pre.name] },
        { name: 'forward', chains: ['fwd'] },
      ],
      [
        { name: 'prerouting', kind: 'dnat', chains: [pre.name] },
        { name: 'input', chains: ['inp'] },
      ],
    );
  const arriving = box({
    src: net('198.51.100.0/24'),
    dst: net('203.0.113.10'),
    proto: UDP,
    dport: ports(15060, 15062),
    iif: ifs('wan'),
    state: NameSet.of(['new']),
  });

  it('splits the class, shifts a port range, routes the translated part through the forward filter', () => {
    const parts = tracePath(stages(chain('pre', [dnat(5)])), arriving);
    const byPort = Object.fromEntries(parts.map((p) => [formatPortSet(p.box.dport), p]));
    expect(Object.keys(byPort).sort()).toEqual(['15060', '15061', '15062']);
    const sip = byPort['15060']!;
    expect(sip.path).toBe('forward');
    expect(sip.verdict).toBe('accept');
    expect(sip.decidedBy.rule?.loc.line).toBe(40);
    expect(formatAddrSet(sip.out.dst)).toBe('10.20.0.50');
    expect(formatPortSet(sip.out.dport)).toBe('5060');
    expect(sip.out.oif.equals(ifs('voice'))).toBe(true);
    expect(formatPortSet(byPort['15061']!.out.dport)).toBe('5061'); // offset kept
    expect(byPort['15061']!.verdict).toBe('drop');
    const local = byPort['15062']!; // not translated: to the firewall itself
    expect([local.path, local.verdict, local.translations.length]).toEqual(['input', 'drop', 0]);
  });

  it('jump/return inside a NAT chain: the returned part is not translated', () => {
    const sub = chain('sub', [rule(7, { dport: ports(15061) }, 'return'), dnat(8)]);
    const pre = chain('pre', [rule(6, { iif: ifs('wan') }, { kind: 'jump', chain: 'sub' })]);
    const fw = stages(pre);
    fw.ruleset.chains.sub = sub;
    const parts = tracePath(fw, { ...arriving, dport: ports(15060, 15061) });
    const t = parts.map((p) => [formatPortSet(p.box.dport), p.translations.map((x) => x.rule.loc.line)]).sort();
    expect(t).toEqual([
      ['15060', [8]],
      ['15061', []],
    ]);
  });

  it('rdr pass skips the filter stages up to the next NAT stage', () => {
    const parts = tracePath(stages(chain('pre', [dnat(5, { pass: true })])), { ...arriving, dport: ports(15061) });
    expect(parts.map((p) => [p.verdict, p.path])).toEqual([['accept', 'forward']]);
  });
});

describe('connection tracking', () => {
  const fw = (raw: Chain) =>
    policy(
      [
        raw,
        chain('nat', [rule(20, { oif: ifs('wan') }, { kind: 'snat', to: { ports: 'preserve' } })]),
        chain(
          'fwd',
          [
            rule(30, { state: NameSet.of(['established', 'related']) }, 'accept'),
            rule(31, { iif: ifs('voice') }, 'accept'),
          ],
          'drop',
        ),
      ],
      [
        { name: 'raw', kind: 'raw', chains: [raw.name] },
        { name: 'forward', chains: ['fwd'] },
        { name: 'postrouting', kind: 'snat', chains: ['nat'] },
      ],
    );

  it('notrack: no NAT, and the reply finds no state (policy drop despite ct state established accept)', () => {
    const p = fw(chain('raw', [rule(5, { proto: UDP, dport: ports(5060) }, 'notrack')], 'accept'));
    const out = tracePath(p, outbound(), { path: 'forward' });
    expect(out.map((x) => [x.verdict, x.untracked, x.translations.length])).toEqual([['accept', true, 0]]);
    const reply = box({
      src: net('185.72.208.0/22'),
      dst: net('10.20.0.0/24'),
      proto: UDP,
      sport: ports(5060),
      iif: ifs('wan'),
      oif: ifs('voice'),
      state: NameSet.of(['untracked']),
    });
    expect([...new Set(verdicts(tracePath(p, reply, { path: 'forward' })))]).toEqual(['drop@policy']);
  });

  it('notrack after connection tracking (a filter stage, not raw) changes nothing: the packet stays tracked', () => {
    const raw = fw(chain('raw', [rule(5, { proto: UDP, dport: ports(5060) }, 'notrack')], 'accept'));
    const late = { name: 'late', chains: ['raw'] };
    const p = {
      ...raw,
      ruleset: { ...raw.ruleset, forward: raw.ruleset.forward.map((s) => (s.name === 'raw' ? late : s)) },
    };
    const out = tracePath(p, outbound(), { path: 'forward' });
    expect(out.map((x) => [x.verdict, x.untracked, x.translations.length])).toEqual([['accept', false, 1]]);
  });

  it('tracked traffic is translated and its reply is accepted as established', () => {
    const p = fw(chain('raw', [rule(5, { proto: TCP }, 'notrack')], 'accept'));
    const out = tracePath(p, outbound(), { path: 'forward' });
    expect(out.map((x) => [x.verdict, x.untracked, x.translations.length])).toEqual([['accept', false, 1]]);
    expect(out[0]?.udpTimeout?.value).toBe(120);
  });

  it('a ct timeout set before conntrack (raw) attaches nothing: the platform default applies (nft_ct_timeout_obj_eval)', () => {
    const p = fw(
      chain(
        'raw',
        [
          rule(5, { proto: UDP }, 'continue', {
            udpTimeout: { value: 600, source: 'explicit', loc: at(5), reason: 'ct timeout set' },
          }),
        ],
        'accept',
      ),
    );
    expect(tracePath(p, outbound(), { path: 'forward' }).map((x) => x.udpTimeout?.value)).toEqual([
      p.sessions.udpTimeout.value,
    ]);
  });
});

describe('jumps: linear in repeated jumps, loops end at the one depth limit', () => {
  it('a chain that jumps twice to the next, 40 levels deep, evaluates at once', () => {
    const chains: Chain[] = [];
    for (let i = 0; i < 40; i++)
      chains.push(
        chain(`c${i}`, [
          rule(i * 2 + 1, {}, { kind: 'jump', chain: `c${i + 1}` }),
          rule(i * 2 + 2, {}, { kind: 'jump', chain: `c${i + 1}` }),
        ]),
      );
    chains.push(chain('c40', [rule(100, { dport: ports(5060) }, 'drop')]));
    chains[0]!.policy = { action: 'accept', loc: at(1), reason: 'p', source: 'default' };
    const rs: Ruleset = {
      chains: Object.fromEntries(chains.map((c) => [c.name, c])),
      forward: [{ name: 'f', chains: ['c0'] }],
      input: [],
    };
    const t0 = Date.now();
    const parts = evaluate(rs, 'forward', outbound({ dport: ports(5000, 6000) }));
    expect(Date.now() - t0).toBeLessThan(5000);
    // Depth 16 is the limit: the drop 40 chains down is never reached, and the jump at the limit is reported.
    expect(parts.every((p) => p.verdict === 'accept')).toBe(true);
    expect(parts.some((p) => p.limits.length > 0)).toBe(true);
    expect(jumpLimits(rs).map((u) => u.loc.line)).toEqual([(MAX_JUMP_DEPTH - 1) * 2 + 1, (MAX_JUMP_DEPTH - 1) * 2 + 2]);
  });

  it('a loop with a conditional and an unconditional jump ends cleanly with a limit note', () => {
    const loop = chain('loop', [
      rule(2, { proto: UDP }, { kind: 'jump', chain: 'loop' }),
      rule(3, {}, { kind: 'jump', chain: 'loop' }),
      rule(4, {}, 'drop'),
    ]);
    const base = chain('base', [rule(1, {}, { kind: 'jump', chain: 'loop' })], 'accept');
    const rs: Ruleset = { chains: { loop, base }, forward: [{ name: 'f', chains: ['base'] }], input: [] };
    const parts = evaluate(rs, 'forward', outbound());
    expect(verdicts(parts)).toEqual(['drop@4']);
    expect(parts[0]?.limits.map((r) => r.loc.line)).toEqual([2, 3]);
    expect(jumpLimits(rs).map((u) => [u.loc.line, u.what])).toEqual([
      [2, 'jump depth limit: jump loop'],
      [3, 'jump depth limit: jump loop'],
    ]);
  });
});

describe('replies before the NAT reversal (Stage.beforeReplyNat, docs/semantics.md#nft-nat)', () => {
  // The reply to a source-NATed flow reaches prerouting chains below -100 still addressed to the public
  // address and port; conntrack maps it back to the phone only in the NAT hook (nf_nat_inet_fn).
  const fw = (raw: Chain, snat: Rule) =>
    policy(
      [
        raw,
        chain('nat', [snat]),
        chain(
          'fwd',
          [
            rule(30, { state: NameSet.of(['established', 'related']) }, 'accept'),
            rule(31, { iif: ifs('voice') }, 'accept'),
          ],
          'drop',
        ),
      ],
      [
        { name: 'prerouting raw', kind: 'raw', chains: [raw.name], beforeReplyNat: true },
        { name: 'forward', chains: ['fwd'] },
        { name: 'postrouting', kind: 'snat', chains: ['nat'] },
      ],
    );
  const masquerade = rule(20, { oif: ifs('wan') }, { kind: 'snat', to: { ports: 'preserve' } });
  const randomPorts = rule(
    20,
    { oif: ifs('wan') },
    { kind: 'snat', to: { ports: 'random', toPorts: ports(20000, 30000) } },
  );
  const replyOf = (o: Part) =>
    box({
      src: o.box.dst,
      dst: o.box.src,
      proto: UDP,
      sport: o.box.dport,
      dport: o.box.sport,
      iif: ifs('wan'),
      oif: ifs('voice'),
      state: NameSet.of(['established']),
    });
  const trace = (p: Policy, sport: number) => {
    const o = at0(tracePath(p, outbound({ sport: ports(sport) }), { path: 'forward' }));
    return tracePath(p, replyOf(o), { path: 'forward', replyTo: o });
  };
  const at0 = (ps: Part[]): Part => {
    const [p] = ps;
    if (!p) throw new Error('no part');
    return p;
  };

  it('matches the public address there: a notrack on it loses the reply (decided by the notrack)', () => {
    const p = fw(chain('raw', [rule(5, { dst: net('203.0.113.10'), proto: UDP }, 'notrack')], 'accept'), masquerade);
    const parts = trace(p, 40002);
    expect(verdicts(parts)).toEqual(['drop@5']);
    expect(parts[0]?.maybe).toEqual([]);
    // Without the outbound part the engine cannot know the public address: the phone's address does not match.
    expect(
      verdicts(tracePath(p, replyOf(at0(tracePath(p, outbound(), { path: 'forward' }))), { path: 'forward' })),
    ).toEqual(['accept@30']);
  });

  it("never matches the phone's address there", () => {
    const p = fw(chain('raw', [rule(5, { dst: net('10.20.0.0/24') }, 'drop')], 'accept'), masquerade);
    expect(verdicts(trace(p, 40002))).toEqual(['accept@30']);
  });

  it('with kept source ports, the public port is the phone port: exact', () => {
    const p = fw(chain('raw', [rule(5, { proto: UDP, dport: ports(40000, 40010) }, 'notrack')], 'accept'), masquerade);
    expect(verdicts(trace(p, 40002))).toEqual(['drop@5']);
    expect(verdicts(trace(p, 50000))).toEqual(['accept@30']);
  });

  it('with ports chosen in a range: exact when the rule covers the range or misses it, else uncertain with the reason', () => {
    const whole = fw(
      chain('raw', [rule(5, { proto: UDP, dport: ports(20000, 30000) }, 'notrack')], 'accept'),
      randomPorts,
    );
    expect(verdicts(trace(whole, 40002))).toEqual(['drop@5']);
    const miss = fw(
      chain('raw', [rule(5, { proto: UDP, dport: ports(40000, 40010) }, 'notrack')], 'accept'),
      randomPorts,
    );
    const missed = trace(miss, 40002);
    expect(verdicts(missed)).toEqual(['accept@30']);
    expect(missed[0]?.maybe).toEqual([]);
    const part = fw(
      chain('raw', [rule(5, { proto: UDP, dport: ports(25000, 40000) }, 'notrack')], 'accept'),
      randomPorts,
    );
    const parts = trace(part, 40002);
    expect(verdicts(parts)).toEqual(['accept@30']);
    const doubt = parts[0]?.maybe[0];
    expect(doubt?.loc.line).toBe(5);
    expect(doubt?.match.uncertain?.[0]?.field).toBe('dport');
    expect(doubt?.match.uncertain?.[0]?.why).toMatch(/before conntrack maps it back.*one of 20000-30000/);
  });

  it('with the translation the kernel chose (observed in conntrack): exact for that packet', () => {
    const part = fw(
      chain('raw', [rule(5, { proto: UDP, dport: ports(25000, 40000) }, 'notrack')], 'accept'),
      randomPorts,
    );
    const o = at0(tracePath(part, outbound({ sport: ports(40002) }), { path: 'forward' }));
    const chosen = (sport: number) =>
      tracePath(part, replyOf(o), { path: 'forward', replyTo: o, chosen: { sport: ports(sport) } });
    const lost = chosen(26000);
    expect(verdicts(lost)).toEqual(['drop@5']);
    expect(lost[0]?.maybe).toEqual([]);
    const back = chosen(21000);
    expect(verdicts(back)).toEqual(['accept@30']);
    expect(back[0]?.maybe).toEqual([]);
    // The public address observed: a rule on another address does not match it.
    const other = fw(
      chain('raw', [rule(5, { dst: net('203.0.113.10'), proto: UDP }, 'notrack')], 'accept'),
      masquerade,
    );
    const m = at0(tracePath(other, outbound({ sport: ports(40002) }), { path: 'forward' }));
    const seen = (a: string) =>
      verdicts(tracePath(other, replyOf(m), { path: 'forward', replyTo: m, chosen: { src: net(a) } }));
    expect(seen('203.0.113.10')).toEqual(['drop@5']);
    expect(seen('203.0.113.11')).toEqual(['accept@30']);
  });
});
