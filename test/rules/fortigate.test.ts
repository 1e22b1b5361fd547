import { describe, expect, it } from 'vitest';
import { lint as lintFiles } from '../../src/index.js';
import type { LintOptions } from '../../src/lint/run.js';
import { lintFixture } from './expectations.js';

const dir = 'fixtures/fortigate/rules';

describe('FortiGate finding messages', () => {
  const lint = (file: string, profiles = ['ipnordic'], opts?: Partial<LintOptions>) =>
    lintFixture(`${dir}/${file}`, profiles, opts);

  it('one FWL900 for an attribute several policies carry, each policy named where it is', () => {
    const fs = lint('fwl900-groups.conf').filter((x) => x.ruleId === 'FWL900');
    expect(fs).toHaveLength(1);
    const [f] = fs;
    expect(f!.message).toBe('Not modelled: firewall policy groups (2 places).');
    expect(f!.details).toContain('policy 1 "staff-web": the policy matches only traffic of authenticated user groups');
    expect(f!.related?.map((r) => [r.loc.line, r.message.slice(0, 22)])).toEqual([[112, 'policy 2 "staff-voice"']]);
  });

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
    expect(`${f.message} ${f.details ?? ''}`).toContain('policy 1 "phones-sip" uses voip-profile "default"');
  });

  it('the default UDP timeout says 180 s is the default and tells the schema doubt, which both values fail', () => {
    const f = lint('fwl003-default-timeout.conf').find((x) => x.ruleId === 'FWL003' && x.fromDefault)!;
    expect(`${f.message} ${f.details ?? ''}`).toContain('UDP idle timeout is 180 s');
    expect(`${f.message} ${f.details ?? ''}`).toContain('This is the platform default');
    expect(`${f.message} ${f.details ?? ''}`).toContain('udp-idle-timer');
    // The help text's 60 s is below 300 s too: a certain failure that still tells the doubt (it was uncertain).
    expect(f.uncertain).toBeFalsy();
    expect(f.details).toContain('Not confirmed, but it fails either way: the FortiOS 7.6.5 schema');
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
    // The CLI that adds it, for the interface at hand (`append` keeps the services already allowed).
    expect(f!.details).toContain('(add it with `config system interface` / `edit "wan1"` / `append allowaccess ping`;');
  });

  it('central NAT without a central-snat-map entry for the phones: FWL005 blames central NAT, not the policy', () => {
    // With central NAT policies do no source NAT (docs/semantics.md#fgt-nat): the policy's `set nat enable`
    // exempts nothing, the missing central-snat-map entry is the cause.
    const [none] = lint('fwl005-central-nat-no-map.conf').filter((x) => x.ruleId === 'FWL005');
    const noneText = `${none!.message} ${none!.details ?? ''}`;
    expect(none!.message).toContain('leaves without source NAT');
    expect(noneText).toContain('central NAT is on and there is no central-snat-map');
    expect(noneText).not.toContain('policy 1');
    expect(noneText).not.toContain('exempts');
    expect(none!.loc.line).toBe(18); // `set central-nat enable`
    const [other] = lint('fwl005-central-nat-map-other.conf').filter((x) => x.ruleId === 'FWL005');
    const otherText = `${other!.message} ${other!.details ?? ''}`;
    expect(otherText).toContain('central NAT is on and no central-snat-map entry matches it');
    expect(otherText).not.toContain('policy 1');
    expect(other!.loc.line).toBe(104); // `config firewall central-snat-map`
  });

  it('FWL010 through a VIP names the VIP and the policy', () => {
    const f = lint('fwl004-vip-to-phone.conf').find((x) => x.ruleId === 'FWL010')!;
    expect(`${f.message} ${f.details ?? ''}`).toContain('VIP "PHONE-SIP"');
    expect(`${f.message} ${f.details ?? ''}`).toContain('policy 2 "sip-to-phone"');
  });

  it('FWL006 gives the FortiOS reason', () => {
    const [f] = lintFixture('fixtures/fortigate/rules/fwl006-port-random.conf', ['openscape-business'], {
      audiences: ['home-router'],
    });
    expect(`${f!.message} ${f!.details ?? ''}`).toContain('port-random enable');
  });

  it('multi-VDOM findings name their VDOM', () => {
    const fs = lint('multi-vdom.conf', ['ipnordic'], { phones: ['10.20.0.0/24', '10.30.0.0/24'] });
    expect(fs.map((f) => `${f.ruleId}:${f.firewall}`).sort()).toEqual(['FWL002:guest', 'FWL005:guest']);
    // The firewall's own 10.30.0.1 is never translated: "(10.30.0.0/24 except 10.30.0.1)" after the label was noise.
    // The rest says what to change (it used to stop at "requires the phones to be behind NAT.").
    const details = fs.find((f) => f.ruleId === 'FWL005')?.details ?? '';
    expect(details).toContain('exempts it from NAT. ');
    expect(details).toMatch(
      /behind NAT: make this rule translate them, narrow it so it leaves them out, or translate them before it \(`fwlint/,
    );
    expect(fs.find((f) => f.ruleId === 'FWL005')?.message).toBe(
      'Traffic from guest 10.30.0.0/24 to the Internet leaves without source NAT.',
    );
  });

  it('a VDOM without phones while another VDOM has them: its phone requirements are not checked, not failed', async () => {
    // The guest VDOM's SIP ALG is on (FortiOS default) but the phones' SIP never passes it.
    const r = await lintFiles(`${dir}/multi-vdom.conf`, { profiles: ['ipnordic'] });
    const v = (fw: string, id: string) => r.requirements?.find((x) => x.firewall === fw && x.id === id);
    for (const id of ['ipnordic-sip-alg-off', 'ipnordic-udp-timeout', 'ipnordic-sip-udp']) {
      expect(v('guest', id)?.status, id).toBe('not-checked');
      expect(v('guest', id)?.why, id).toBe(
        'ipnordic [guest]: not checked: the phones are on [voice], not on this firewall, so their requirements are judged there.',
      );
    }
    expect(r.findings.filter((f) => f.firewall === 'guest')).toEqual([]);
    expect(v('voice', 'ipnordic-udp-timeout')?.why).toBe(
      "The UDP idle timeout of the phones' traffic is at least 300 s.",
    );
    expect(v('voice', 'ipnordic-sip-alg-off')?.why).toBe('SIP ALG is off for the phones.');
  });

  it('a file of VDOMs none of which holds phones keeps judging each on its settings', async () => {
    const r = await lintFiles(`${dir}/multi-vdom.conf`, { profiles: ['ipnordic'], phones: ['10.99.0.0/24'] });
    const v = (fw: string, id: string) => r.requirements?.find((x) => x.firewall === fw && x.id === id);
    expect(v('guest', 'ipnordic-sip-alg-off')?.status).toBe('fail');
    expect(v('guest', 'ipnordic-udp-timeout')?.why).toBe('The UDP idle timeout is at least 300 s.');
  });
});

describe('FWL011 on a forward to another host', () => {
  it('names the host the port-forward sends the traffic to', () => {
    // The fixture's VIP "PBX-HFA" forwards tcp 4060 to 192.168.1.10; the PBX given here is another host.
    const fs = lintFixture('fixtures/fortigate/rules/fwl011-forwards.conf', ['openscape-business'], {
      pbx: '10.20.0.10',
    });
    const hfa = fs.find((f) => f.ruleId === 'FWL011' && f.message.includes('HFA signalling (not encrypted)'));
    expect(hfa?.message).toContain('goes to 192.168.1.10, not to the PBX.');
    expect(hfa?.details).toContain('VIP "PBX-HFA" (line 88) forwards tcp 4060 there.');
  });
});
