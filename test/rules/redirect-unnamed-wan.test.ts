import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain, formatExplain } from '../../src/cli/explain.js';
import { lintFiles } from '../../src/cli/lint.js';
import { readConfig } from '../../src/cli/read.js';
import type { LintOptions } from '../../src/lint/run.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { loadProfile } from '../../src/profiles/load.js';

/**
 * Review 26 items 2 and 3. A redirect (nftables `redirect`) sends a packet to the firewall itself,
 * whatever its address there (nft(8); net/netfilter/nf_nat_redirect.c): before, an ingress interface
 * of unknown address kept the destination (a false FWL004 "forwards to the phone") and a required flow
 * redirected to the firewall passed. A `--wan` the ruleset never names had no address, so FWL007
 * passed on nothing and explain printed no verdict.
 */
const REDIRECT = 'fixtures/nftables/site/redirect-unnamed-wan.nft';
const REDIRECT_FWL001 = 'fixtures/nftables/rules/fwl001-redirect-to-firewall.nft';
const NO_ADDRESS = 'fixtures/mikrotik/site/wan-without-address.rsc';

function lint(files: string[], opts: Partial<LintOptions>) {
  const { report, failed } = lintFiles(files, [loadProfile('ipnordic')], 'auto', {
    phones: [],
    wan: [],
    audiences: [],
    devices: [],
    ...opts,
  });
  expect(failed).toEqual([]);
  return { report, json: toJsonReport(report) };
}

function trace(
  file: string,
  o: { from: string; to: string; proto: string; port?: string; in?: string; wan?: string[] },
) {
  const [p] = readConfig(file, file, 'auto');
  return formatExplain(p!, explain(p!, o));
}

describe('nftables redirect goes to the firewall itself', () => {
  it('Internet SIP redirected on an interface of unknown address is no port-forward to a phone (no FWL004)', () => {
    const { report } = lint([REDIRECT], { phones: ['10.20.0.0/24@lan0'], wan: ['eth0'] });
    expect(report.findings.filter((f) => f.ruleId === 'FWL004')).toEqual([]);
    const out = trace(REDIRECT, {
      from: '8.8.8.8',
      to: '10.20.0.5',
      proto: 'udp',
      port: '5060',
      in: 'eth0',
      wan: ['eth0'],
    });
    // Before: `10.20.0.5:5060 -> 10.20.0.5:5070`, routed on to the phone.
    expect(out).toContain("10.20.0.5:5060 -> (the firewall's own address) port 5070");
    expect(out).toContain('after destination NAT: prerouting nat (dnat) -> input (to the firewall itself)');
    expect(out).toContain('DROP (all of it)');
  });

  it('a required flow redirected to the firewall is uncertain, not a pass, and says where it went', () => {
    const { report, json } = lint([REDIRECT_FWL001], { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] });
    const sip = json.requirements.find((v) => v.id === 'ipnordic-sip-udp');
    expect(sip?.status).toBe('uncertain');
    const f = report.findings.find((x) => x.ruleId === 'FWL001' && x.requirement === 'ipnordic-sip-udp');
    expect(f).toMatchObject({ uncertain: true, level: 'warning' });
    expect(f?.loc.line).toBe(52);
    expect(f?.message).toMatch(
      /^Required flow "Basic telephone functions: SIP over UDP" is redirected to the firewall itself by rule "iifname vlan20/,
    );
    expect(f?.details).toContain('udp 5060 from vlan20 10.20.0.0/24 to 185.72.208.0/22: redirected entirely.');
    expect(f?.details).toContain('it never leaves for the far end unless a service on the firewall');
  });
});

describe('RouterOS action=redirect is judged the same way (one model: redirectTarget)', () => {
  it("the phones' SIP redirected to the router is uncertain; their DNS redirected to it is answered", () => {
    const dns = 'fixtures/mikrotik/rules/dns-redirect.rsc';
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-ros-redirect-'));
    const sip = join(dir, 'sip-redirect.rsc');
    const text = readFileSync(dns, 'utf8');
    const rule = 'add action=redirect chain=dstnat comment="phones use the router\'s resolver" \\\n';
    const edited = text.replace(
      `${rule}    in-interface=vlan20-voice protocol=udp dst-port=53`,
      `${rule}    in-interface=vlan20-voice protocol=udp dst-port=5060`,
    );
    expect(edited).not.toBe(text);
    writeFileSync(sip, edited);
    const redirected = lint([sip], {}).report.findings.filter((f) => f.ruleId === 'FWL001');
    // Before: SIP over UDP passed on the input chain's accept.
    // (Line 78: DNS is no longer redirected, so the forward drop of DNS blocks it to the provider's range.)
    expect(redirected.map((f) => [f.requirement, f.uncertain, f.loc.line])).toEqual([
      ['ipnordic-all-outbound', undefined, 78],
      ['ipnordic-all-outbound', true, 81],
      ['ipnordic-sip-udp', true, 81],
    ]);
    expect(redirected[2]?.message).toContain('is redirected to the firewall itself by NAT rule');
    // DNS: the router's resolver answers (FWL009 passes), and no FWL001 for the DNS part of "all outgoing".
    const { report, json } = lint([dns], {});
    expect(report.findings).toEqual([]);
    expect(json.requirements.find((v) => v.id === 'ipnordic-dns')?.status).toBe('pass');
  });
});

describe('a --wan the ruleset never names', () => {
  it('gets a placeholder address: the ping to it meets the input chain (FWL007 fails on `policy drop`)', () => {
    const { report, json } = lint([REDIRECT], { phones: ['10.20.0.0/24@lan0'], wan: ['eth0'] });
    const icmp = json.requirements.find((v) => v.id === 'ipnordic-icmp-from-wan');
    // Before: pass, "FWL007 wan-icmp-blocked checked it and found no problem", with no evidence.
    expect(icmp?.status).toBe('fail');
    const f = report.findings.find((x) => x.ruleId === 'FWL007');
    expect(f?.message).toBe(
      'ICMP from the Internet to the WAN address is blocked by the inet filter input chain policy.',
    );
    expect(f?.loc.line).toBe(11);
    expect(report.notifications.map((n) => n.message)).toContain(
      `${REDIRECT}: --wan 'eth0' is not an interface this configuration names (known: lan0): only the rules that ` +
        'name no interface, or exclude others, apply to it, and a placeholder stands for its address (the ' +
        "firewall's own, unknown to the ruleset).",
    );
  });

  it('explain traces a ping to it, even when the ruleset names no interface at all, and prints a verdict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-unnamed-'));
    const file = join(dir, 'input-drop.nft');
    writeFileSync(
      file,
      'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n' +
        '\t\tct state established,related accept\n\t}\n}\n',
    );
    for (const wan of [['eth0'], []]) {
      const out = trace(file, { from: '8.8.8.8', to: 'self', proto: 'icmp', wan });
      // Before: `to none` and no verdict.
      expect(out).toContain("icmp from 8.8.8.8 to (the firewall's own address)");
      expect(out).toContain('DROP (all of it)');
      expect(out).toContain('decided by chain policy drop');
    }
  });

  it('a WAN of no known address leaves ICMP to it not checked, never passed (RouterOS)', () => {
    const { json } = lint([NO_ADDRESS], { phones: ['bridge1'], wan: ['ether1'] });
    const icmp = json.requirements.find((v) => v.id === 'ipnordic-icmp-from-wan');
    expect(icmp).toMatchObject({
      status: 'not-checked',
      why: 'ipnordic: not checked: ICMP to the WAN address: no IPv4 address of ether1 is known, so there is nothing to ping.',
    });
  });
});
