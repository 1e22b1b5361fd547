import { describe, expect, it } from 'vitest';
import { explain, formatExplain } from '../../src/cli/explain.js';
import { readConfig } from '../../src/cli/read.js';
import type { Policy } from '../../src/model/policy.js';
import { lintFixture } from '../rules/expectations.js';

/**
 * Packet-path fixtures (fixtures/<vendor>/path/), written from the vendors' documentation cited in
 * each file: what a packet meets in which order, what NAT does to it, and the verdict.
 */
function load(path: string): Policy {
  const policies = readConfig(path, path, 'auto');
  expect(policies).toHaveLength(1);
  return policies[0]!;
}

function trace(
  path: string,
  o: { from: string; to: string; proto: string; port: string; in?: string; out?: string },
): string {
  const p = load(path);
  return formatExplain(p, explain(p, o));
}

const ids = (fs: { ruleId: string; loc: { line: number } }[]) => fs.map((f) => `${f.ruleId}@${f.loc.line}`).sort();

describe('pf: NAT before the out rules, rdr before the in rules', () => {
  const natOut = 'fixtures/pfsense/path/nat-before-out.xml';
  it('a floating out block on the phone subnet never matches: the out rules see the WAN address', () => {
    const text = trace(natOut, { from: '10.20.0.5', to: '185.72.208.1', proto: 'udp', port: '5060-5061' });
    expect(text).toContain('stages: in -> nat (snat) -> out');
    expect(text).toContain('SNAT by automatic outbound NAT on wan (line ');
    expect(text).toContain(': 10.20.0.5 -> 198.51.100.2 (source port rewritten');
    expect(text).not.toContain('block the phone subnet');
    // the rule on the translated source does match
    expect(text).toMatch(/DROP port 5061\n {2}decided by rule "Floating: block udp 5061 from the WAN address/);
    expect(text).toMatch(/ACCEPT port 5060\n/);
  });

  it('lint: the phones reach the provider (no FWL001 from the floating block)', () => {
    const fs = lintFixture(natOut, ['ipnordic'], { phones: ['10.20.0.0/24@opt1'], wan: ['wan'] });
    expect(fs.filter((f) => f.ruleId === 'FWL001' && f.message.includes('phone subnet'))).toEqual([]);
  });

  const rdr = 'fixtures/pfsense/path/rdr-before-in.xml';
  it('rdr: the in rule on the translated address accepts the forward', () => {
    const text = trace(rdr, { from: '185.72.208.1', to: '198.51.100.2', proto: 'udp', port: '15060' });
    expect(text).toContain('DNAT by port forward "SIP to the PBX" (line 66): 198.51.100.2:15060 -> 192.168.1.10:5060');
    expect(text).toContain('decided by rule "NAT SIP to the PBX"');
    expect(text).toContain('after destination NAT: rdr (dnat) -> in -> nat (snat) -> out (routed through)');
    // from elsewhere the in rule does not match: pf's default block
    const other = trace(rdr, { from: '203.0.113.99', to: '198.51.100.2', proto: 'udp', port: '15060' });
    expect(other).toMatch(/^DROP \(all of it\)\n {2}decided by default policy drop: pf default deny/m);
  });

  it('rdr pass: no filter rule is evaluated', () => {
    const text = trace(rdr, { from: '203.0.113.99', to: '198.51.100.2', proto: 'tcp', port: '16000' });
    expect(text).toMatch(/ACCEPT \(all of it\)\n {2}decided by port forward "Web admin \(rdr pass\)"/);
    expect(text).not.toContain('in/pf-in');
  });
});

describe('FortiGate: VIP before the policy lookup', () => {
  const f = 'fixtures/fortigate/path/vip-mapped-policy.conf';
  it('the policy to the mapped address accepts the provider, with the translation shown', () => {
    const text = trace(f, { from: '185.72.208.5', to: '203.0.113.10', proto: 'udp', port: '5060' });
    expect(text).toContain('DNAT by VIP "phone-sip" (line 45): 203.0.113.10:5060 -> 10.20.0.50:5060');
    expect(text).toContain('decided by policy 2 "sip-to-phone"');
    const other = trace(f, { from: '198.51.100.5', to: '203.0.113.10', proto: 'udp', port: '5060' });
    expect(other).toContain('decided by default policy drop: FortiOS implicit deny');
    expect(other).toContain('DNAT by VIP "phone-sip"');
  });

  it('lint: FWL004 for the VIP to a phone; SIP only from the provider, so no FWL010', () => {
    const fs = lintFixture(f, ['ipnordic'], { phones: ['10.20.0.0/24@voice'], wan: ['wan1'] });
    expect(ids(fs.filter((x) => ['FWL004', 'FWL010'].includes(x.ruleId)))).toEqual(['FWL004@45']);
  });
});

describe('nftables: dnat at prerouting, then forward on the translated address', () => {
  const f = 'fixtures/nftables/path/dnat-then-forward.nft';
  it('explain shows the translation and the forward rule that accepts the translated packet', () => {
    const text = trace(f, { from: '198.51.100.7', to: '203.0.113.10', proto: 'udp', port: '15060', in: 'wan0' });
    expect(text).toMatch(/DNAT by rule .* \(line 23\): 203\.0\.113\.10:15060 -> 10\.20\.0\.50:5060/);
    expect(text).toMatch(
      /^ACCEPT \(all of it\)\n {2}decided by rule "iifname wan0 ip daddr 10\.20\.0\.50 udp dport 5060 accept"/m,
    );
  });

  it('lint: a port-forward to a phone (FWL004); the forward rule also accepts SIP routed to the phone (FWL010)', () => {
    const fs = lintFixture(f, ['ipnordic'], { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] });
    // The forward rule does not ask for `ct status dnat`: it accepts udp 5060 to 10.20.0.50 from any
    // source, forwarded or not; the port-forward itself (15060) is not a SIP port.
    expect(ids(fs.filter((x) => ['FWL004', 'FWL010'].includes(x.ruleId)))).toEqual(['FWL004@23', 'FWL010@16']);
  });
});

describe('untracked traffic: no NAT, replies find no state', () => {
  it('nftables notrack: the phones leave without NAT (FWL005) and replies hit policy drop (FWL008)', () => {
    const fs = lintFixture('fixtures/nftables/path/notrack.nft', ['ipnordic'], {
      phones: ['10.20.0.0/24@vlan20'],
      wan: ['wan0'],
    });
    // FWL005 points at the notrack (the cause), not at the NAT chain, and says which traffic it concerns.
    expect(ids(fs.filter((x) => ['FWL005', 'FWL008'].includes(x.ruleId)))).toEqual(['FWL005@15', 'FWL008@21']);
    const fwl005 = fs.find((x) => x.ruleId === 'FWL005');
    expect(fwl005?.message).toMatch(/^UDP traffic from vlan20 .* on port 5060 leaves without source NAT\.$/);
    expect(fwl005?.details).toContain('takes it out of connection tracking (notrack)');
    expect(fs.filter((x) => x.ruleId === 'FWL900')).toEqual([]);
  });

  it('RouterOS connection tracking enabled=no: no NAT (FWL005), replies dropped by the final drop (FWL008)', () => {
    const fs = lintFixture('fixtures/mikrotik/path/conntrack-disabled.rsc', ['ipnordic'], {
      phones: ['10.20.0.0/24@vlan20-voice'],
      wan: ['ether1'],
    });
    // FWL005 points at `set enabled=no` (the cause), not at the masquerade rule it makes ineffective.
    expect(ids(fs.filter((x) => ['FWL005', 'FWL008', 'FWL900'].includes(x.ruleId)))).toEqual([
      'FWL005@14',
      'FWL008@18',
    ]);
    const fwl005 = fs.find((x) => x.ruleId === 'FWL005');
    expect(fwl005?.message).toMatch(/^Traffic from /);
    expect(fwl005?.details).toContain('connection tracking is off (enabled=no, line');
  });
});

describe('RouterOS: jump and return inside dstnat and srcnat', () => {
  const f = 'fixtures/mikrotik/path/nat-jump-return.rsc';
  it('dstnat: the returned source stays addressed to the router; the rest is forwarded to the phone', () => {
    const fwd = trace(f, { from: '198.51.100.7', to: '203.0.113.2', proto: 'udp', port: '5060', in: 'ether1' });
    expect(fwd).toContain('DNAT by NAT rule "SIP to phone" (line 27): 203.0.113.2:5060 -> 10.20.0.50:5060');
    expect(fwd).toContain('dstnat/nat:forwards: dnat');
    const ret = trace(f, { from: '198.51.100.99', to: '203.0.113.2', proto: 'udp', port: '5060', in: 'ether1' });
    expect(ret).not.toContain('DNAT');
    expect(ret).toContain('dstnat/nat:forwards: return');
  });

  it('srcnat: the phones return from the user chain and the accept exempts them (FWL005 at the accept)', () => {
    const fs = lintFixture(f, ['ipnordic'], { phones: ['10.20.0.0/24@vlan20-voice'], wan: ['ether1'] });
    expect(ids(fs.filter((x) => x.ruleId === 'FWL005'))).toEqual(['FWL005@29']);
    const lan = trace(f, { from: '192.168.88.5', to: '185.72.208.1', proto: 'udp', port: '5060', out: 'ether1' });
    expect(lan).toContain('SNAT by NAT rule "LAN out" (line 31): 192.168.88.5 -> 203.0.113.2');
  });
});
