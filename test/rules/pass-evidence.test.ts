import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';

const verdicts = (file: string, profile: string, kind: string) => {
  const p = loadProfile(profile);
  const ids = p.settings.filter((s) => s.kind === kind).map((s) => s.id);
  expect(ids.length).toBeGreaterThan(0);
  // The linted firewall as the home router of OpenScape's System Device@Home (section 5): its requirements are opt-in.
  const audiences = ['home-router' as const];
  const { report } = lintFiles([file], [p], 'auto', { phones: [], wan: [], audiences, devices: [] });
  // Audiences not opted in leave theirs not checked (the PBX's); the phones' requirement is the one asserted.
  return (report.requirements ?? []).filter((v) => ids.includes(v.id) && v.status !== 'not-checked');
};

describe('a setting requirement that holds names the line that makes it hold', () => {
  it('FWL003: the UDP timeout setting, quoted', () => {
    const [v] = verdicts('fixtures/pfsense/rules/fwl001-blocked.xml', 'ipnordic', 'udp-timeout');
    expect(v?.status).toBe('pass');
    expect(v?.why).toBe("The UDP idle timeout of the phones' traffic is at least 300 s.");
    expect(v?.evidence).toHaveLength(1);
    const [e] = v?.evidence ?? [];
    expect(e?.text).toBe('UDP idle timeout is 900 s (optimization conservative: pfSense sets udp.multiple 900)');
    expect(e?.loc?.line).toBe(9);
    expect(e?.quote).toBe('<optimization>conservative</optimization>');
  });

  it('FWL002: the SIP helper turned off, or the platform default that has none', () => {
    const [ros] = verdicts('fixtures/mikrotik/rules/clean.rsc', 'ipnordic', 'sip-alg-off');
    expect(ros?.status).toBe('pass');
    expect(ros?.evidence.map((e) => e.text).join(' ')).toContain('SIP ALG is off');
    expect(ros?.evidence.every((e) => e.loc && !e.fromDefault)).toBe(true);
    const [pf] = verdicts('fixtures/pfsense/rules/clean.xml', 'ipnordic', 'sip-alg-off');
    expect(pf?.evidence).toEqual([expect.objectContaining({ fromDefault: true })]);
  });

  it('FWL006: the NAT rule that keeps the source ports', () => {
    const [v] = verdicts(
      'fixtures/pfsense/rules/fwl006-static-port.xml',
      'openscape-business',
      'source-port-preservation',
    );
    expect(v?.status).toBe('pass');
    expect(v?.evidence.length).toBeGreaterThan(0);
    expect(v?.evidence.every((e) => e.text.includes('keeps the source port') && e.loc)).toBe(true);
  });

  it('FWL005, FWL007, FWL008, FWL009: the rules that translate or accept the traffic, with their lines', () => {
    const file = 'fixtures/nftables/rules/clean.nft';
    const expected: [string, string, number][] = [
      ['nat-required', 'translates the source address of traffic from vlan20', 50],
      ['icmp-from-wan', 'accepts ICMP echo from the Internet to the WAN address', 27],
      ['return-traffic', 'accepts replies to', 41],
      ['dns', 'accepts DNS (udp 53) from vlan20 to Internet resolvers', 32],
    ];
    for (const [kind, text, line] of expected) {
      const [v] = verdicts(file, 'ipnordic', kind);
      expect(v?.status, kind).toBe('pass');
      expect(v?.evidence.map((e) => e.text).join(' '), kind).toContain(text);
      expect(
        v?.evidence.map((e) => e.loc?.line),
        kind,
      ).toContain(line);
    }
  });

  it('a requirement that fails records no pass', () => {
    const [v] = verdicts(
      'fixtures/pfsense/rules/fwl006-random-ports.xml',
      'openscape-business',
      'source-port-preservation',
    );
    expect(v?.status).toBe('fail');
    expect(v?.evidence.every((e) => !e.text.includes('keeps the source port'))).toBe(true);
  });
});
