import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';

/**
 * FWL009 on RouterOS (review 26 items 4 and 5). The router answers clients' DNS only with
 * `/ip dns set allow-remote-requests=yes` (default no, MikroTik manual "DNS"; docs/semantics.md#ros-dns):
 * without it, DNS the input chain accepts is not answered, so the firewall-resolver branch never counts.
 * DNS let through only to some Internet destinations (the provider's range) is uncertain, naming them:
 * fwlint cannot know which resolver the phones are given.
 */
const dir = mkdtempSync(join(tmpdir(), 'fwlint-ros-dns-'));

/** A router with phones on bridge1, input open to the LAN, and `forwardDns` as the forward chain's DNS rule. */
function router(dnsSettings: string, forwardDns: string): string {
  const file = join(dir, `${String(Math.random()).slice(2)}.rsc`);
  writeFileSync(
    file,
    `# dec/08/2026 03:00:00 by RouterOS 7.14
/interface bridge
add name=bridge1
/interface list
add name=WAN
add name=LAN
/interface list member
add interface=ether1 list=WAN
add interface=bridge1 list=LAN
/ip address
add address=10.20.0.1/24 interface=bridge1 network=10.20.0.0
add address=198.51.100.2/24 interface=ether1 network=198.51.100.0
${dnsSettings}/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=accept chain=input in-interface-list=LAN
add action=drop chain=input
add action=accept chain=forward connection-state=established,related
${forwardDns}add action=accept chain=forward in-interface-list=LAN dst-address=185.72.208.0/22 protocol=tcp
add action=drop chain=forward
/ip firewall nat
add action=masquerade chain=srcnat out-interface-list=WAN
/ip firewall service-port
set sip disabled=yes
`,
  );
  return file;
}

function dns(file: string) {
  const { report, failed } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones: ['bridge1'],
    wan: ['ether1'],
    audiences: [],
    devices: [],
  });
  expect(failed).toEqual([]);
  return {
    verdict: report.requirements?.find((v) => v.id === 'ipnordic-dns'),
    fwl009: report.findings.filter((f) => f.ruleId === 'FWL009'),
  };
}

describe('FWL009 and the RouterOS DNS server', () => {
  it('fails when only the router could answer and allow-remote-requests is not set (default no)', () => {
    const { verdict, fwl009 } = dns(router('', ''));
    expect(verdict?.status).toBe('fail');
    const [f] = fwl009;
    expect(f?.message).toBe('DNS (udp 53) from bridge1 10.20.0.0/24 to any resolver is blocked by filter rule #5.');
    expect(f?.details).toContain('The firewall itself does not answer DNS (/ip dns allow-remote-requests=no, line 1).');
  });

  it('fails when allow-remote-requests=no is written, naming its line', () => {
    const { fwl009 } = dns(router('/ip dns\nset allow-remote-requests=no servers=9.9.9.9\n', ''));
    expect(fwl009[0]?.details).toContain('(/ip dns allow-remote-requests=no, line 14)');
  });

  it('passes on the router itself with allow-remote-requests=yes', () => {
    const { verdict } = dns(router('/ip dns\nset allow-remote-requests=yes servers=9.9.9.9\n', ''));
    expect(verdict?.status).toBe('pass');
    expect(verdict?.evidence[0]?.text).toBe(
      'filter rule #1 (line 17) accepts DNS (udp 53) from bridge1 10.20.0.0/24 to the firewall itself',
    );
  });

  it('is uncertain when DNS is let through only to the provider range, naming it', () => {
    const { verdict, fwl009 } = dns(
      router('', 'add action=accept chain=forward protocol=udp dst-port=53 dst-address=185.72.208.0/22\n'),
    );
    expect(verdict?.status).toBe('uncertain');
    const [f] = fwl009;
    expect(f?.message).toBe(
      'DNS (udp 53) from bridge1 10.20.0.0/24 is allowed only to 185.72.208.0/22, not to any resolver.',
    );
    expect(f?.details).toContain('fwlint cannot know which resolver the phones are given');
    expect(f?.details).toContain('The firewall itself does not answer DNS');
    expect(f?.uncertain).toBe(true);
    expect(f?.level).toBe('warning');
    expect(fwl009).toHaveLength(1);
  });

  it('passes on the router itself when the forward chain lets DNS through to the provider range only', () => {
    const { verdict } = dns(
      router(
        '/ip dns\nset allow-remote-requests=yes\n',
        'add action=accept chain=forward protocol=udp dst-port=53 dst-address=185.72.208.0/22\n',
      ),
    );
    expect(verdict?.status).toBe('pass');
    expect(verdict?.evidence.map((e) => e.text)).toEqual([
      'filter rule #1 (line 17) accepts DNS (udp 53) from bridge1 10.20.0.0/24 to the firewall itself',
    ]);
  });

  it('passes when DNS is let through to every Internet address', () => {
    const { verdict } = dns(router('', 'add action=accept chain=forward protocol=udp dst-port=53\n'));
    expect(verdict?.status).toBe('pass');
    expect(verdict?.evidence[0]?.text).toContain('to Internet resolvers');
  });
});
