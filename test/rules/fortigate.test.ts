import { describe, expect, it } from 'vitest';
import type { LintOptions } from '../../src/lint/run.js';
import { expectedFindings, found, lintFixture } from './expectations.js';

const dir = 'fixtures/fortigate/rules';

interface Case {
  file: string;
  profiles: string[];
  opts?: Partial<LintOptions>;
  why: string;
}

const osbiz = { pbx: '192.168.1.10', devices: ['osbiz-x'] };

// Every rule that can apply to FortiGate has a fixture that must trigger it and one that must not
// (clean.conf, or a named twin); the expect comments give the exact multiset of rule@line.
// FWL008 cannot apply: FortiOS sessions always carry the replies of accepted traffic.
const cases: Case[] = [
  { file: 'clean.conf', profiles: ['ipnordic'], why: 'meets every ipnordic requirement: no rule may fire' },
  {
    file: 'clean.conf',
    profiles: ['ipnordic'],
    opts: { phones: ['voice'] },
    why: 'same, with the phones given explicitly',
  },
  {
    file: 'clean.conf',
    profiles: ['openscape-business'],
    why: 'port-preserving NAT, ALG off: nothing for OpenScape either',
  },
  {
    file: 'fwl001-blocked.conf',
    profiles: ['ipnordic'],
    why: 'file order, not policy id; a policy without action denies; group of iprange + subnet; service group',
  },
  {
    file: 'fwl002-default-alg.conf',
    profiles: ['ipnordic'],
    why: 'default VoIP ALG mode (proxy-based) and a voip-profile on a policy',
  },
  {
    file: 'fwl002-session-helper.conf',
    profiles: ['ipnordic'],
    why: 'kernel-helper-based, but the sip session-helper entry remains',
  },
  {
    file: 'fwl003-default-timeout.conf',
    profiles: ['ipnordic'],
    why: 'default udp-idle-timer 180 s and a 120 s per-service timer',
  },
  {
    file: 'fwl003-explicit-timer.conf',
    profiles: ['ipnordic'],
    why: 'explicit udp-idle-timer 120 s (uncertain: a session-ttl UDP port entry exists)',
  },
  {
    file: 'fwl004-vip-to-phone.conf',
    profiles: ['ipnordic'],
    why: 'VIPs to phones; the SIP one open to any source; an unused VIP is not applied',
  },
  { file: 'fwl005-no-nat.conf', profiles: ['ipnordic'], why: 'phone policy without nat enable' },
  {
    file: 'fwl006-port-random.conf',
    profiles: ['openscape-business'],
    why: 'port-random enable randomizes source ports',
  },
  {
    file: 'fwl006-fixedport.conf',
    profiles: ['openscape-business'],
    why: 'fixedport with an IP pool, and the default port preservation: no FWL006',
  },
  { file: 'fwl007-no-ping.conf', profiles: ['ipnordic'], why: 'allowaccess on the WAN lacks ping' },
  {
    file: 'fwl009-no-dns.conf',
    profiles: ['ipnordic'],
    why: 'no DNS service to the Internet and no dns-server on the voice interface',
  },
  {
    file: 'fwl010-sip-open.conf',
    profiles: ['ipnordic'],
    why: 'SIP from any source routed to the phones; SIP-TLS from the provider only is fine',
  },
  { file: 'fwl011-no-forward.conf', profiles: ['openscape-business'], opts: osbiz, why: 'no VIP to the PBX at all' },
  {
    file: 'fwl011-forwards.conf',
    profiles: ['openscape-business'],
    opts: osbiz,
    why: 'wrong mapped port; a deny policy before the VIP policy; a missing forward',
  },
  {
    file: 'fwl012-fqdn.conf',
    profiles: ['ipnordic'],
    opts: { devices: ['snom'] },
    why: 'Snom provisioning hostname, FQDN address',
  },
  { file: 'fwl900-schedule.conf', profiles: ['ipnordic'], why: 'a schedule fwlint does not evaluate' },
  { file: 'multi-vdom.conf', profiles: ['ipnordic'], why: 'two VDOMs, each its own firewall' },
];

describe('FortiGate rule fixtures (expect comments give rule and line)', () => {
  for (const c of cases) {
    it(`${c.file} [${c.profiles.join(',')}${c.opts ? ` ${JSON.stringify(c.opts)}` : ''}]: ${c.why}`, () => {
      expect(found(lintFixture(`${dir}/${c.file}`, c.profiles, c.opts))).toEqual(expectedFindings(`${dir}/${c.file}`));
    });
  }

  it('device-specific requirements stay out without --device', () => {
    expect(found(lintFixture(`${dir}/fwl012-fqdn.conf`, ['ipnordic']))).toEqual([]);
  });

  it('every rule that applies to FortiGate has a triggering fixture here', () => {
    const ids = new Set(cases.flatMap((c) => expectedFindings(`${dir}/${c.file}`).map((e) => e.split('@')[0])));
    expect([...ids].sort()).toEqual([
      'FWL001',
      'FWL002',
      'FWL003',
      'FWL004',
      'FWL005',
      'FWL006',
      'FWL007',
      'FWL009',
      'FWL010',
      'FWL011',
      'FWL012',
      'FWL900',
    ]);
  });
});

describe('FortiGate finding messages', () => {
  const lint = (file: string, profiles = ['ipnordic'], opts?: Partial<LintOptions>) =>
    lintFixture(`${dir}/${file}`, profiles, opts);

  it('a default-caused FWL002 says which default, and is marked as such', () => {
    const [f] = lint('fwl002-default-alg.conf').filter((x) => x.ruleId === 'FWL002' && x.fromDefault);
    expect(f).toBeDefined();
    expect(`${f!.message} ${f!.details ?? ''}`).toContain('This is the platform default');
    expect(`${f!.message} ${f!.details ?? ''}`).toContain('default-voip-alg-mode');
    expect(`${f!.message} ${f!.details ?? ''}`).toContain('proxy-based');
    expect(f!.uncertain).toBeFalsy();
  });

  it('the voip-profile FWL002 names the policy and is explicit', () => {
    const f = lint('fwl002-default-alg.conf').find((x) => x.ruleId === 'FWL002' && !x.fromDefault)!;
    expect(`${f.message} ${f.details ?? ''}`).toContain('policy 1 "phones-out" uses voip-profile "default"');
  });

  it('the default UDP timeout says 180 s is the default and flags the schema doubt', () => {
    const f = lint('fwl003-default-timeout.conf').find((x) => x.ruleId === 'FWL003' && x.fromDefault)!;
    expect(`${f.message} ${f.details ?? ''}`).toContain('UDP idle timeout is 180 s');
    expect(`${f.message} ${f.details ?? ''}`).toContain('This is the platform default');
    expect(`${f.message} ${f.details ?? ''}`).toContain('udp-idle-timer');
    expect(f.uncertain).toBe(true);
    const svc = lint('fwl003-default-timeout.conf').find((x) => x.ruleId === 'FWL003' && !x.fromDefault)!;
    expect(`${svc.message} ${svc.details ?? ''}`).toContain('service "RTP" sets udp-idle-timer 120');
  });

  it('an explicit udp-idle-timer with a UDP session-ttl entry is uncertain and says why', () => {
    const [f] = lint('fwl003-explicit-timer.conf');
    expect(f!.ruleId).toBe('FWL003');
    expect(f!.fromDefault).toBeFalsy();
    expect(f!.uncertain).toBe(true);
    expect(`${f!.message} ${f!.details ?? ''}`).toContain('session-ttl port entry 1');
  });

  it('a policy without action is named as a default deny', () => {
    const f = lint('fwl001-blocked.conf')
      .filter((x) => x.ruleId === 'FWL001')
      .map((x) => `${x.message} ${x.details ?? ''}`);
    expect(f.some((m) => m.includes('policy 7 "sip-tls-without-action" (no `set action`: deny by default)'))).toBe(
      true,
    );
    expect(f.some((m) => m.includes('policy 20 "block-rtp-slice"') && m.includes('port 20000-20010'))).toBe(true);
  });

  it('the implicit deny is named for default-caused FWL001/FWL009', () => {
    const fs = lint('fwl009-no-dns.conf');
    for (const f of fs) {
      expect(f.fromDefault).toBe(true);
      expect(`${f.message} ${f.details ?? ''}`).toContain('FortiOS implicit deny (policy 0)');
    }
  });

  it('FWL007 points at the allowaccess line and says ping is missing', () => {
    const [f] = lint('fwl007-no-ping.conf');
    expect(`${f!.message} ${f!.details ?? ''}`).toContain('allowaccess does not include ping');
  });

  it('FWL010 through a VIP names the VIP and the policy', () => {
    const f = lint('fwl004-vip-to-phone.conf').find((x) => x.ruleId === 'FWL010')!;
    expect(`${f.message} ${f.details ?? ''}`).toContain('VIP "PHONE-SIP"');
    expect(`${f.message} ${f.details ?? ''}`).toContain('policy 2 "sip-to-phone"');
  });

  it('FWL006 gives the FortiOS reason', () => {
    const [f] = lint('fwl006-port-random.conf', ['openscape-business']);
    expect(`${f!.message} ${f!.details ?? ''}`).toContain('port-random enable');
  });

  it('multi-VDOM findings name their VDOM', () => {
    const fs = lint('multi-vdom.conf');
    expect(fs.map((f) => `${f.ruleId}:${f.firewall}`).sort()).toEqual(['FWL002:guest']);
  });
});
