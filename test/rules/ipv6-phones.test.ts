import { describe, expect, it } from 'vitest';
import { explain, formatExplain } from '../../src/cli/explain.js';
import { lintFiles } from '../../src/cli/lint.js';
import { readConfig } from '../../src/cli/read.js';
import { INTERNET, INTERNET_V4, INTERNET_V6 } from '../../src/lint/topology.js';
import type { LintOptions } from '../../src/lint/run.js';
import { parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import { loadProfile } from '../../src/profiles/load.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { editedFixture } from '../helpers/fixtures.js';

/**
 * Review 24 item 3: a phone network's IPv6 prefix was silently dropped. "Any Internet address" was
 * IPv4 only, so no IPv6 flow was built: a pfSense pass rule for IPv4 only (`inet`) passed every
 * Internet requirement, IPv6-only phones were "not checked: no path", and the phones' IPv4 source
 * NAT made fwlint skip the inbound requirements of their routed IPv6 prefix too. Item 13: "any
 * Internet address" held the site's own VIP, so a hairpin to it failed Google's requirements.
 */

const base: LintOptions = { phones: [], wan: [], audiences: [], devices: [] };

function run(file: string, profile: string, o: Partial<LintOptions>) {
  const { report, failed } = lintFiles([file], [loadProfile(profile)], 'auto', { ...base, ...o });
  expect(failed).toEqual([]);
  const json = toJsonReport(report);
  const req = (id: string) => {
    const v = json.requirements.find((r) => r.id === id);
    if (!v) throw new Error(`no verdict for ${id}`);
    return v;
  };
  return { findings: report.findings, notes: report.notifications.map((n) => n.message), req };
}

const addr = (s: string): AddrSet => {
  const a = parseAddressSpec(s);
  if (!a) throw new Error(s);
  return a;
};

describe('the Internet has an IPv6 part', () => {
  it('global unicast without special-purpose ranges; IPv4 kept apart', () => {
    for (const a of ['2a00:1450:4001::1', '2606:4700::1111', '2001:4860:4860::8888'])
      expect(addr(a).isSubsetOf(INTERNET_V6)).toBe(true);
    // Documentation (RFC 3849, RFC 9637), unique-local, link-local, loopback, multicast, 6to4, Teredo.
    for (const a of ['2001:db8::1', '3fff::1', 'fd00::1', 'fe80::1', '::1', 'ff02::1', '2002::1', '2001::1'])
      expect(addr(a).overlaps(INTERNET_V6)).toBe(false);
    expect(INTERNET.equals(INTERNET_V4.union(INTERNET_V6))).toBe(true);
    expect(INTERNET_V4.overlaps(INTERNET_V6)).toBe(false);
  });
});

describe('pfSense: a pass rule for IPv4 only (ipprotocol inet) on a dual-stack phone network', () => {
  const file = 'fixtures/pfsense/ipv6/dual-stack-inet.xml';

  it('fails the Internet requirements for IPv6, naming the family and the prefix', () => {
    const { findings, req } = run(file, 'spectralink-versity', { phones: ['opt1'] });
    expect(req('versity-ntp').status).toBe('fail');
    const ntp = findings.find((f) => f.requirement === 'versity-ntp' && f.ruleId === 'FWL001');
    expect(ntp?.message).toBe(
      'Required flow "NTP to public Internet time servers" is blocked for IPv6 by the default policy.',
    );
    expect(ntp?.details).toContain(
      'udp 123 from PHONES (opt1) 2001:db8:40::/64 to any IPv6 Internet address: blocked entirely.',
    );
    expect(ntp?.details).toContain('It is allowed over IPv4 only: phones that hold an IPv6 address try IPv6 first');
    expect(ntp?.details).toContain('add a rule on PHONES (opt1) 2001:db8:40::/64 that allows it.');
    // No flow mixes families, and no label shows both of them.
    for (const f of findings) {
      expect(f.details ?? '').not.toMatch(/2001:db8:40::\/64 10\.40/);
      expect(f.details ?? '').not.toMatch(/from 2001:[^ ]* to 10\./);
    }
  });

  it('inbound requirements are checked for the routed IPv6 prefix though IPv4 is behind NAT', () => {
    const { req, notes } = run(file, 'spectralink-versity', { phones: ['opt1'] });
    expect(req('versity-google-https-in')).toMatchObject({ status: 'fail' });
    expect(req('versity-google-https-in').why).toContain('is blocked for IPv6');
    expect(notes.some((n) => n.includes('inbound flows not checked'))).toBe(false);
  });

  it('a rule for both families (inet46) passes, each family said apart', () => {
    const { req } = run('fixtures/pfsense/ipv6/dual-stack-inet46.xml', 'spectralink-versity', { phones: ['opt1'] });
    expect(req('versity-ntp')).toMatchObject({
      status: 'pass',
      why:
        'Allowed: udp 123 from PHONES (opt1) 10.40.0.0/24 to any Internet address; ' +
        'udp 123 from PHONES (opt1) 2001:db8:40::/64 to any IPv6 Internet address.',
    });
  });
});

describe('nftables: IPv4 masquerade only, IPv6 routed', () => {
  const file = 'fixtures/nftables/ipv6/dual-stack.nft';
  const dual = { phones: ['10.40.0.0/24@vlan40', '2001:db8:40::/64@vlan40'], wan: ['wan0'] };

  it('the IPv6 prefix given with --phones is evaluated: outbound blocked for IPv6', () => {
    const { req, findings } = run(file, 'spectralink-versity', dual);
    expect(req('versity-ntp').status).toBe('fail');
    const ntp = findings.find((f) => f.requirement === 'versity-ntp');
    expect(ntp?.details).toContain('udp 123 from vlan40 2001:db8:40::/64 to any IPv6 Internet address');
    // The fix names the network that is blocked, not the IPv4 one that gets through.
    expect(ntp?.details).toContain('add a rule on vlan40 2001:db8:40::/64 that allows it.');
    // DNS over IPv4 serves the dual-stack network: its IPv6 prefix, given as a --phones of its own, adds no FWL009.
    expect(findings.filter((f) => f.ruleId === 'FWL009')).toEqual([]);
  });

  it('inbound HTTPS to the IPv6 prefix is checked and passes; IPv4 is said to be behind NAT', () => {
    const { req } = run(file, 'spectralink-versity', dual);
    expect(req('versity-google-https-in')).toMatchObject({ status: 'pass' });
    expect(req('versity-google-https-in').why).toBe(
      'Allowed: tcp 443 from any IPv6 Internet address to vlan40 2001:db8:40::/64. IPv4 is not checked: the ' +
        'phones are behind source NAT there, so inbound connections reach them only through port-forwards.',
    );
  });

  it('an inbound requirement from IPv4-only provider networks stays "behind source NAT" with dual-stack phones', () => {
    const { req } = run(file, 'tele2-vaxel', dual);
    expect(req('tele2-rtp-in')).toMatchObject({ status: 'not-checked' });
    expect(req('tele2-rtp-in').why).toContain('inbound flows not checked: the phones are behind source NAT');
  });

  it('IPv6-only phones: Internet flows are judged, not "no path"; NAT and IPv4-only providers not checked', () => {
    const v6only = { phones: ['2001:db8:40::/64@vlan40'], wan: ['wan0'] };
    const { req } = run(file, 'spectralink-versity', v6only);
    expect(req('versity-ntp').status).toBe('fail');
    expect(req('versity-google-https-in').status).toBe('pass');
    const ip = run(file, 'ipnordic', v6only);
    expect(ip.req('ipnordic-nat-required')).toMatchObject({ status: 'not-checked' });
    expect(ip.req('ipnordic-nat-required').why).toContain('source NAT is an IPv4 matter');
    const sip = ip.req('ipnordic-sip-udp');
    expect(sip.status).toBe('not-checked');
    expect(sip.why).toContain('the phones (2001:db8:40::/64) have only IPv6 addresses and the far end only IPv4 ones');
    // DNS is checked over IPv6 for an IPv6-only network. A ruleset carries no interface addresses, so only
    // Internet resolvers count here, and the forward chain drops IPv6 DNS to them.
    expect(ip.req('ipnordic-dns')).toMatchObject({ status: 'fail' });
    expect(ip.req('ipnordic-dns').why).toContain('DNS (udp 53) from vlan40 2001:db8:40::/64 to any resolver');
  });

  it('IPv6 phones reached from the Internet: FWL004 and FWL010 see it without a port-forward', () => {
    const { findings } = run('fixtures/nftables/ipv6/sip-open.nft', 'ipnordic', {
      phones: ['10.40.0.0/24@vlan40', '2001:db8:40::/64@vlan40'],
      wan: ['wan0'],
    });
    const fwl004 = findings.filter((f) => f.ruleId === 'FWL004');
    expect(fwl004.map((f) => f.message)).toEqual([
      'New connections from the Internet reach the phone addresses 2001:db8:40::/64 over IPv6 (udp port 5060).',
    ]);
    expect(fwl004[0]?.loc.line).toBe(8);
    const fwl010 = findings.filter((f) => f.ruleId === 'FWL010');
    expect(fwl010.map((f) => f.message)).toEqual([
      "SIP (5060) to the phones 2001:db8:40::/64 is accepted from any IPv6 Internet address outside the provider's networks.",
    ]);
  });

  it('HTTPS accepted to the IPv6 phones is FWL004 (not SIP: no FWL010); IPv4-only phones get neither', () => {
    const { findings } = run('fixtures/nftables/ipv6/dual-stack.nft', 'ipnordic', dual);
    // dual-stack.nft accepts HTTPS to the prefix, not SIP: FWL010 stays quiet, FWL004 reports the HTTPS.
    expect(findings.filter((f) => f.ruleId === 'FWL010')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'FWL004').map((f) => f.message)).toEqual([
      'New connections from the Internet reach the phone addresses 2001:db8:40::/64 over IPv6 (tcp port 443).',
    ]);
    const v4only = run('fixtures/nftables/ipv6/dual-stack.nft', 'ipnordic', {
      phones: ['10.40.0.0/24@vlan40'],
      wan: ['wan0'],
    });
    expect(v4only.findings.filter((f) => f.ruleId === 'FWL004' || f.ruleId === 'FWL010')).toEqual([]);
  });
});

describe('nftables: only an ip table filters', () => {
  it('FWL004 says IPv6 is not filtered and asks for a chain that sees it', () => {
    const { findings } = run('fixtures/nftables/ipv6/ip-table-only.nft', 'ipnordic', {
      phones: ['10.40.0.0/24@vlan40', '2001:db8:40::/64@vlan40'],
      wan: ['wan0'],
    });
    const [f, ...more] = findings.filter((x) => x.ruleId === 'FWL004');
    expect(more).toEqual([]);
    expect(f?.message).toBe(
      'New connections from the Internet reach the phone addresses 2001:db8:40::/64 over IPv6 (all protocols).',
    );
    expect(f?.details).toMatch(/^No base chain on the way sees IPv6, so IPv6 is not filtered/);
    expect(f?.details).toContain('Filter it: add a chain that sees IPv6 and accepts only replies');
  });

  it('FWL010: the details say what decided (no chain sees IPv6) and the fix, not the headline again', () => {
    // Review 25 item 7: a headline too long with its ports was cut, and the details began with it whole.
    const { findings } = run('fixtures/nftables/ipv6/ip-table-only.nft', 'ipnordic', {
      phones: ['10.40.0.0/24@vlan40', '2001:db8:40::/64@vlan40'],
      wan: ['wan0'],
    });
    const [f, ...more] = findings.filter((x) => x.ruleId === 'FWL010');
    expect(more).toEqual([]);
    expect(f?.message).toBe(
      "SIP to the phones 2001:db8:40::/64 is accepted from any IPv6 Internet address outside the provider's networks.",
    );
    expect(f?.details).toMatch(
      /^SIP ports concerned: 5060-5061\. No base chain on the way sees IPv6, so IPv6 is not filtered \(/,
    );
    expect(f?.details).not.toContain('is accepted from');
    expect(f?.details).toMatch(/ Filter it: add a chain that sees this traffic and accepts SIP to the phones only /);
  });
});

describe('RouterOS: /ipv6 firewall filter drops what /ip firewall filter accepts', () => {
  it('the IPv6 part fails, naming the /ipv6 rule', () => {
    const { req, findings } = run('fixtures/mikrotik/ipv6/dual-stack.rsc', 'spectralink-versity', {
      phones: ['vlan40-voice'],
    });
    expect(req('versity-ntp').status).toBe('fail');
    const ntp = findings.find((f) => f.requirement === 'versity-ntp');
    expect(ntp?.message).toBe(
      'Required flow "NTP to public Internet time servers" is blocked for IPv6 by rule "drop other IPv6".',
    );
    expect(ntp?.loc.line).toBe(23);
  });
});

describe('item 13: the site\'s own VIP is no "Internet address" of a requirement', () => {
  it('FortiGate: a VIP on extintf any does not fail Google or the EMM', () => {
    const { req, findings } = run('fixtures/fortigate/ipv6/vip-any.conf', 'spectralink-versity', { phones: ['voice'] });
    for (const id of ['versity-google-tcp-out', 'versity-emm-https-out', 'versity-ntp'])
      expect(req(id)).toMatchObject({ status: 'pass' });
    expect(req('versity-emm-https-out').why).toBe(
      'Allowed: tcp 443 from VOICE (voice) 10.40.0.0/24 to any Internet address.',
    );
    expect(findings.filter((f) => f.ruleId === 'FWL001')).toEqual([]);
  });

  it('pfSense: a port-forward for every destination names no own address; the Internet stays whole', () => {
    const { req } = run('fixtures/pfsense/ipv6/rdr-any.xml', 'spectralink-versity', { phones: ['opt1'] });
    expect(req('versity-ntp')).toMatchObject({
      status: 'pass',
      why:
        'Allowed: udp 123 from PHONES (opt1) 10.40.0.0/24 to any Internet address; ' +
        'udp 123 from PHONES (opt1) 2001:db8:40::/64 to any IPv6 Internet address.',
    });
  });
});

describe('NAT keeps the address family', () => {
  it('pfSense without ipv6allow, a WAN with an IPv6 address: IPv4 phones are translated to IPv4, not blocked as IPv6', () => {
    // Review 25 item 1: automatic outbound NAT took the WAN's IPv6 address as a target for IPv4
    // sources, and "Block all IPv6" then dropped every IPv4 phone flow (a false FWL001 per flow).
    const { findings, req } = run('fixtures/pfsense/ipv6/no-ipv6allow-v6-wan.xml', 'ipnordic', { phones: ['opt1'] });
    expect(findings.filter((f) => f.ruleId === 'FWL001')).toEqual([]);
    expect(req('ipnordic-all-outbound').status).toBe('pass');
    expect(req('ipnordic-sip-udp').status).toBe('pass');
    expect(findings.some((f) => f.details?.includes('Block all IPv6'))).toBe(false);
  });
});

describe('the IPv6 Internet in words', () => {
  it('global prefixes on the WAN and the phones: the far end is still "any IPv6 Internet address"', () => {
    // Review 25 item 2: with global (not documentation) prefixes the phones' own /64 and the WAN's
    // address were cut out of the IPv6 Internet, and the far end was written "2000::/16, 2001:1::/32, …".
    const file = editedFixture('fixtures/pfsense/ipv6/dual-stack-inet.xml', (t) =>
      t.replaceAll('2001:db8:', '2a02:1234:'),
    );
    const { findings } = run(file, 'spectralink-versity', { phones: ['opt1'] });
    const details = findings.map((f) => f.details ?? '').join('\n');
    expect(details).toContain(
      'udp 123 from PHONES (opt1) 2a02:1234:40::/64 to any IPv6 Internet address: blocked entirely.',
    );
    expect(details).toMatch(/from any IPv6 Internet address to PHONES \(opt1\) 2a02:1234:40::\/64: blocked entirely/);
    expect(details).not.toContain('2000::/16');
  });
});

describe('explain keeps one family per packet', () => {
  it("`any` at one end is the other end's family", () => {
    // Review 25 item 4: --from an IPv4 network --to any traced a "DROP to any IPv6" section, a packet
    // that cannot exist; --from any --to an IPv6 prefix a "DROP from any IPv4" one.
    const file = 'fixtures/pfsense/ipv6/dual-stack-inet.xml';
    const [policy] = readConfig(file, file, 'auto');
    const v4 = formatExplain(policy!, explain(policy!, { from: '10.40.0.0/24', to: 'any', proto: 'udp', port: '123' }));
    expect(v4).toContain('udp port 123 from 10.40.0.0/24 to any IPv4 in on opt1');
    expect(v4).not.toMatch(/^(DROP|ACCEPT).*(IPv6|::)/m);
    expect(v4).toMatch(/^ACCEPT out on wan$/m);
    const v6 = formatExplain(
      policy!,
      explain(policy!, { from: 'any', to: '2001:db8:40::/64', proto: 'udp', port: '5060' }),
    );
    expect(v6).toContain('from any IPv6 to 2001:db8:40::/64');
    expect(v6).not.toMatch(/^(DROP|ACCEPT).*IPv4/m);
  });
});

describe('phones with only unique-local IPv6', () => {
  it('Internet requirements are not checked with the reason, not "no network has a path"', () => {
    // Review 25 item 3: the reason was the vague "no network of its audience has a path to the destination".
    const { req } = run('fixtures/nftables/ipv6/dual-stack.nft', 'spectralink-versity', {
      phones: ['fd12:3456:40::/64@vlan40'],
      wan: ['wan0'],
    });
    expect(req('versity-ntp').status).toBe('not-checked');
    expect(req('versity-ntp').why).toContain(
      'the phones (fd12:3456:40::/64) have only unique-local or link-local IPv6 addresses, which do not reach the IPv6 Internet',
    );
    expect(req('versity-ntp').why).toContain('NAT66 or NPTv6');
  });
});

describe('RouterOS without an /ipv6 firewall', () => {
  it("IPv6 to the phones is not filtered, said as such, not as the IPv4 chain's end accepting it", () => {
    // Review 25 item 5: the finding blamed "RouterOS: a packet that matches no rule in a base chain is
    // accepted" at the /ip firewall filter, whose forward chain ends in a drop: the IPv4 chains never see IPv6.
    const file = editedFixture('fixtures/mikrotik/ipv6/dual-stack.rsc', (t) =>
      t.replace(/\/ipv6 firewall filter\n(?:add [^\n]*\n)+/, ''),
    );
    const { findings } = run(file, 'ipnordic', { phones: ['vlan40-voice'] });
    const fwl004 = findings.find((f) => f.ruleId === 'FWL004');
    expect(fwl004?.details).toContain('No base chain on the way sees IPv6, so IPv6 is not filtered');
    expect(fwl004?.details).toContain('/ip firewall chains see only IPv4 packets');
    expect(fwl004?.details).not.toContain('a packet that matches no rule in a base chain is accepted');
  });
});
