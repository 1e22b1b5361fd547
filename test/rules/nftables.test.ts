import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Finding } from '../../src/model/finding.js';
import { loadProfile } from '../../src/profiles/load.js';
import { lintFixture } from './expectations.js';

const dir = 'fixtures/nftables/rules';
const PHONES = { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] };

describe('nftables finding messages', () => {
  const one = (file: string, id: string, opts: Partial<LintOptions> = PHONES, profile = 'ipnordic'): Finding => {
    const f = lintFixture(`${dir}/${file}`, [profile], opts).filter((x) => x.ruleId === id);
    expect(f.length).toBeGreaterThan(0);
    return f[0]!;
  };

  it('says which default caused a finding', () => {
    const k = one('fwl003-kernel-default.nft', 'FWL003');
    expect(k.fromDefault).toBe(true);
    expect(`${k.message} ${k.details ?? ''}`).toContain(
      'This is the platform default: no `ct timeout` object is assigned to this traffic, ' +
        "so the kernel's net.netfilter.nf_conntrack_udp_timeout_stream applies: 120 s",
    );
    const o = one('fwl003-timeout-omitted.nft', 'FWL003');
    expect(o.fromDefault).toBe(true);
    expect(`${o.message} ${o.details ?? ''}`).toContain(
      'ct timeout udp-voip leaves the replied state out of its policy, so nft fills in its built-in 120 s',
    );
    const n = lintFixture(`${dir}/fwl005-no-nat.nft`, ['ipnordic'], PHONES).filter((x) => x.ruleId === 'FWL005');
    // The label of a --phones value holds its addresses: they are not written a second time.
    expect(n.map((x) => x.message)).toEqual([
      'Traffic from vlan20 10.20.0.0/24 to the Internet leaves without source NAT: no source-NAT rule matches it.',
      'Traffic from vlan20 10.20.0.0/24 to the Internet leaves without source NAT.',
    ]);
    // The default's reason is said once, as the platform default (it named the mode twice before).
    expect(full(n.find((x) => x.fromDefault)!)).toContain(
      'This is the platform default: nftables translates only what a rule of a nat chain',
    );
    expect(full(n.find((x) => !x.fromDefault)!)).toContain(
      'rule "ip saddr 10.20.0.0/24 ip daddr 185.72.208.0/22 accept" in ip nat postrouting (line 50) exempts it from NAT',
    );
  });

  it('names the rule, the chain and the other table in blocking findings', () => {
    const f = lintFixture(`${dir}/fwl001-two-tables.nft`, ['ipnordic'], PHONES).filter((x) => x.loc.line === 43);
    const rtp = f.find((x) => x.requirement === 'ipnordic-rtp');
    expect(rtp?.message).toBe(
      'Required flow "Basic telephone functions (sound): RTP media" is blocked by rule "ip saddr 10.20.0.0/24 udp dport 1000…".',
    );
    expect(rtp?.details).toBe(
      'udp 10000-65000 from vlan20 10.20.0.0/24 to 185.72.208.0/22: blocked for port 10000-20000. ' +
        'Decided by rule "ip saddr 10.20.0.0/24 udp dport 10000-20000 drop" in inet guard forward (line 43). ' +
        'Allow it before this rule or narrow this rule.',
    );
    const s = one('fwl002-sip-helper.nft', 'FWL002');
    expect(`${s.message} ${s.details ?? ''}`).toContain(
      '`ct helper set "sip-5060"` assigns the conntrack helper sip-5060 of type "sip"',
    );
    expect(s.fromDefault).toBe(false);
  });

  it('only an ip6 table on the forward hook: IPv4 is not filtered, said so; never that the ip6 chain accepts it', () => {
    const { report } = lintFiles([`${dir}/fwl010-ip6-only-forward.nft`], [loadProfile('ipnordic')], 'auto', {
      phones: ['10.20.0.0/24@vlan20'],
      wan: ['wan0'],
      audiences: [],
      devices: [],
    });
    const [f] = report.findings.filter((x) => x.ruleId === 'FWL010');
    const text = `${f!.message} ${f!.details ?? ''}`;
    expect(text).toMatch(/no base chain on the way sees IPv4, so IPv4 is not filtered/i);
    expect(text).toContain('ip6 family of ip6 filter6 forward, line 27: an ip6 table only sees IPv6 packets');
    expect(text).not.toMatch(/^By /m);
    expect(text).not.toContain('Restrict the source');
    // The pass verdicts are unchanged; their evidence says the traffic is unfiltered, not accepted by the chain.
    const sip = report.requirements?.find((v) => v.id === 'ipnordic-sip-udp');
    expect(sip?.status).toBe('pass');
    const [e] = sip?.evidence ?? [];
    expect(e?.text).toBe(
      'udp 5060 from vlan20 10.20.0.0/24 to 185.72.208.0/22: no base chain on the way sees IPv4, so IPv4 is not ' +
        'filtered (ip6 family of ip6 filter6 forward, line 27: an ip6 table only sees IPv6 packets ' +
        '(docs/semantics.md#nft-syntax: families))',
    );
    expect(e?.text).not.toContain('accepts');
  });

  it("uses the host's sysctl values when given (--sysctl)", () => {
    const profiles = [loadProfile('ipnordic')];
    const opts = { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'], audiences: [], devices: [] };
    const run = (sysctl: Record<string, string>) =>
      lintFiles([`${dir}/fwl003-kernel-default.nft`], profiles, 'auto', opts, process.cwd(), {
        sysctl,
      }).report.findings.filter((f) => f.ruleId === 'FWL003');
    expect(run({})).toHaveLength(1);
    expect(run({ 'net.netfilter.nf_conntrack_udp_timeout_stream': '600' })).toEqual([]);
    const low = run({ 'net.netfilter.nf_conntrack_udp_timeout_stream': '180' });
    expect(`${low[0]!.message} ${low[0]!.details ?? ''}`).toContain('UDP idle timeout is 180 s');
    expect(low[0]!.fromDefault).toBe(false);
  });

  it('reads inline suppressions from the # lines above a rule and from its comment "…"', () => {
    const fs = lintFixture('fixtures/nftables/inline-suppression.nft', ['ipnordic'], PHONES);
    expect(fs.map((f) => `${f.ruleId}@${f.loc.line}${f.suppressions?.length ? ' suppressed' : ''}`).sort()).toEqual([
      'FWL010@42 suppressed',
      'FWL010@43',
      'FWL902@43',
    ]);
    expect(fs[0]!.suppressions?.[0]).toMatchObject({
      kind: 'inSource',
      justification: "the provider's SBCs have no fixed addresses",
    });
  });

  it('reports findings inside included files at the included file and line', () => {
    const fs = lintFixture('fixtures/nftables/site-include.nft', ['ipnordic'], PHONES);
    const inc = fs.filter((f) => f.loc.file === 'fixtures/nftables/include/voice.nft');
    expect(inc.map((f) => `${f.ruleId}@${f.loc.line}:${f.loc.column}`)).toEqual(['FWL001@7:3', 'FWL001@7:3']);
    expect(fs.filter((f) => f.loc.file === 'fixtures/nftables/site-include.nft').map((f) => f.ruleId)).toEqual([
      'FWL003',
    ]);
  });
});

function full(f: { message: string; details?: string }): string {
  return f.details ? `${f.message} ${f.details}` : f.message;
}
