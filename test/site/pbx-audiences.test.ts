import { describe, expect, it } from 'vitest';
import { explain, formatExplain } from '../../src/cli/explain.js';
import { lintFiles } from '../../src/cli/lint.js';
import { readConfig } from '../../src/cli/read.js';
import type { LintOptions } from '../../src/lint/run.js';
import { labelWithAddresses } from '../../src/lint/wording.js';
import { parseAddressSpec } from '../../src/model/address.js';
import { loadProfile } from '../../src/profiles/load.js';
import { editedFixture } from '../helpers/fixtures.js';

/**
 * Requirements judged from the right end (round 24, review items 1, 2, 4, 5, 6, 8, 15, 17):
 * fixtures/mikrotik/site/mitel-pbx-vlan.rsc holds the MX-ONE server 10.30.0.10 on vlan30-pbx, the
 * phones on vlan20-voice and PCs on bridge1, a name that says nothing.
 */
const MITEL = 'fixtures/mikrotik/site/mitel-pbx-vlan.rsc';

function run(file: string, profiles: string[], opts: Partial<LintOptions> = {}) {
  const { report, failed } = lintFiles(
    [file],
    profiles.map((p) => loadProfile(p)),
    'auto',
    { phones: [], wan: [], audiences: [], devices: [], ...opts },
  );
  const [first] = failed;
  if (first) throw first;
  const verdict = (id: string) => {
    const v = report.requirements?.find((r) => r.id === id);
    if (!v) throw new Error(`no verdict for ${id}`);
    return v;
  };
  return { report, verdict, notes: report.notifications.map((n) => n.message) };
}

describe('FWL009: DNS from the audience of the requirement', () => {
  it('Mitel "DNS for the MX-ONE server" is judged from the PBX, not from the phones', () => {
    // Before: mxone-dns-pbx passed with "DNS from the phones reaches a resolver", the phones' rule as evidence.
    const { report, verdict } = run(MITEL, ['mitel-mx-one'], { phones: ['vlan20-voice'], pbx: '10.30.0.10' });
    expect(verdict('mxone-dns')).toMatchObject({ status: 'pass', why: 'DNS from the phones reaches a resolver.' });
    expect(verdict('mxone-dns-pbx').status).toBe('fail');
    const f = report.findings.find((x) => x.requirement === 'mxone-dns-pbx');
    expect(f).toMatchObject({ ruleId: 'FWL009' });
    expect(f!.message).toMatch(/^DNS \(udp 53\) from PBX 10\.30\.0\.10 to any resolver is blocked by rule "drop rest"/);
  });

  it('without phones the PBX requirement is still judged from the PBX, never "found no problem" unchecked', () => {
    // Before: "FWL009 dns-blocked checked it and found no problem" although nothing was evaluated.
    const { verdict } = run('fixtures/pfsense/site/no-phone-evidence.xml', ['mitel-mx-one'], { pbx: '10.99.0.10' });
    expect(verdict('mxone-dns').status).toBe('not-checked');
    expect(verdict('mxone-dns-pbx').status).toBe('fail');
    expect(verdict('mxone-dns-pbx').why).toContain('from PBX 10.99.0.10');
  });

  it('a PBX on no interface: its DNS is not checked, with the reason; a note says how the PBX is taken', () => {
    // Before: no "PBX:" note, and the PBX's requirements said "the site does not know the PBX (pass --pbx)".
    const { verdict, notes, report } = run(MITEL, ['mitel-mx-one'], { phones: ['vlan20-voice'], pbx: '172.16.5.5' });
    expect(notes).toContain(
      `${MITEL}: PBX: 172.16.5.5, given with --pbx 172.16.5.5, is on no interface of this firewall: it is taken to ` +
        'be reached through the WAN (the default route), as a hosted PBX is, so flows between it and the phones ' +
        "are checked as traffic to and from the Internet, and the PBX's own requirements (audience pbx) are not checked here",
    );
    for (const id of ['mxone-dns-pbx', 'mxone-ntp']) {
      expect(verdict(id).status).toBe('not-checked');
      expect(verdict(id).why).toContain('the PBX 172.16.5.5 is on no interface of this firewall');
      expect(verdict(id).why).not.toContain('pass --pbx');
    }
    expect(report.files[0]!.sites![0]!.notes.some((n) => n.startsWith('PBX: 172.16.5.5'))).toBe(true);
  });
});

describe('the PBX is never a phone nor a PC', () => {
  it('FWL004/FWL010: a forward to the PBX given with --pbx on the phone VLAN is no forward to a phone', () => {
    const file = 'fixtures/pfsense/rules/fwl004-forward-to-phone.xml';
    const before = run(file, ['ipnordic'], { phones: ['opt1'] });
    expect(before.report.findings.filter((f) => f.ruleId === 'FWL004')).toHaveLength(2);
    // Before: both forwards to 10.20.0.50 were "to the phone address 10.20.0.50", with --pbx 10.20.0.50 too.
    const { report, notes } = run(file, ['ipnordic'], { phones: ['opt1'], pbx: '10.20.0.50' });
    expect(report.findings.filter((f) => f.ruleId === 'FWL004' || f.ruleId === 'FWL010')).toEqual([]);
    expect(notes).toContain(
      `${file} [fw-clean]: phones: 10.20.0.0/24 (without the PBX 10.20.0.50) on opt1, given with --phones opt1`,
    );
    // Flows from the phones name the part left out once, not the network twice.
    const sip = report.requirements?.find((v) => v.id === 'ipnordic-all-outbound');
    expect(sip?.why).toContain('from VOICE (opt1) 10.20.0.0/24 without 10.20.0.50 to ');
  });

  it('a PBX detected as one host of the phone network is taken out of the flagged phones too', () => {
    // An alias named "pbx" for 10.20.0.50 on the phone VLAN: before, only --pbx took it out of --phones,
    // so the forwards to it were FWL004 "forwards to a phone" while the site named it the PBX.
    const file = editedFixture('fixtures/pfsense/rules/fwl004-forward-to-phone.xml', (t) =>
      t.replace(
        '  <filter>',
        '  <aliases>\n    <alias><name>pbx</name><type>host</type><address>10.20.0.50</address></alias>\n  </aliases>\n  <filter>',
      ),
    );
    const { report, notes } = run(file, ['ipnordic'], { phones: ['opt1'] });
    expect(notes.some((n) => /PBX: 10\.20\.0\.50 .*detected by/.test(n))).toBe(true);
    expect(notes.some((n) => n.includes('phones: 10.20.0.0/24 (without the PBX 10.20.0.50) on opt1'))).toBe(true);
    expect(report.findings.filter((f) => f.ruleId === 'FWL004' || f.ruleId === 'FWL010')).toEqual([]);
  });

  it('a PBX detected as a whole interface does not overrule --phones on that interface', () => {
    // The phones' interface is named for the PBX: the flag is the user's word, the name only a hint.
    const file = editedFixture('fixtures/pfsense/rules/fwl004-forward-to-phone.xml', (t) =>
      t.replace('<descr>VOICE</descr>', '<descr>PBX</descr>'),
    );
    const { report, notes } = run(file, ['ipnordic'], { phones: ['opt1'] });
    expect(notes.some((n) => n.includes('phones: 10.20.0.0/24 on opt1, given with --phones opt1'))).toBe(true);
    expect(report.findings.filter((f) => f.ruleId === 'FWL004')).toHaveLength(2);
  });

  it('assumed PCs leave out the PBX and its interface, and requirements on them are not checked without --pcs', () => {
    // Before: roles.pcs held vlan30-pbx, and the SSH requirement failed "from PBX 10.30.0.10 to 10.30.0.10".
    const { report, verdict } = run(MITEL, ['mitel-mx-one'], { phones: ['vlan20-voice'], pbx: '10.30.0.10' });
    const pcs = report.files[0]!.sites![0]!.roles.pcs!;
    expect(pcs.map((n) => [n.interface, n.source])).toEqual([['bridge1', 'assumed']]);
    expect(verdict('mxone-ssh')).toMatchObject({
      status: 'not-checked',
      why:
        'Mitel MX-ONE: not checked: the site does not know the PCs (pass --pcs; bridge1 192.168.88.0/24 is only ' +
        'assumed to hold them, with no name saying so).',
    });
    expect(report.findings.filter((f) => f.requirement === 'mxone-ssh')).toEqual([]);
  });

  it('a network without the PBX is written as given, then what is left out', () => {
    const a = (t: string) => parseAddressSpec(t)!;
    const written = a('10.30.0.0/24');
    const less = written.subtract(a('10.30.0.10'));
    // Before: "vlan30-srv 10.30.0.0/24 except 10.30.0.10", and "VOICE 10.30.0.0/24 10.30.0.0/24 except …".
    expect(labelWithAddresses('vlan30-srv', less, written)).toBe('vlan30-srv 10.30.0.0/24 without 10.30.0.10');
    expect(labelWithAddresses('VOICE 10.30.0.0/24', less, written)).toBe('VOICE 10.30.0.0/24 without 10.30.0.10');
    expect(labelWithAddresses('VOICE 10.30.0.0/24', written, written)).toBe('VOICE 10.30.0.0/24');
  });

  it('with --pcs the SSH requirement names the PCs that are blocked', () => {
    const { report } = run(MITEL, ['mitel-mx-one'], { phones: ['vlan20-voice'], pbx: '10.30.0.10', pcs: ['bridge1'] });
    const ssh = report.findings.filter((f) => f.requirement === 'mxone-ssh');
    expect(ssh).toHaveLength(1);
    expect(ssh[0]!.details).toContain('tcp 22 from 192.168.88.0/24 to PBX 10.30.0.10: blocked entirely');
  });
});

describe('requirements whose ends share a subnet do not pass through the firewall', () => {
  it('PBX on the phone VLAN: phone<->PBX requirements are not checked, saying why; none fails', () => {
    // Before: phones->PBX were "no network of its audience has a path", PBX->phones failed "blocked entirely".
    const { report, verdict } = run(MITEL, ['mitel-mx-one'], { phones: ['vlan20-voice'], pbx: '10.20.0.5' });
    for (const id of ['mxone-sip-out', 'mxone-sip-in', 'mxone-sip-tls-in', 'mxone-phone-sw-http'])
      expect(verdict(id)).toMatchObject({
        status: 'not-checked',
        why:
          'Mitel MX-ONE: not checked: it does not pass through this firewall (same subnet: 10.20.0.0/24 on ' +
          'vlan20-voice): hosts on one subnet reach each other directly.',
      });
    expect(report.findings.filter((f) => f.ruleId === 'FWL001' && f.details?.includes('to vlan20-voice'))).toEqual([]);
    // The PBX's own Internet flows still pass through it, and are checked.
    expect(verdict('mxone-ntp').status).toBe('pass');
  });

  it('explain says the traffic does not pass through the firewall instead of tracing a DROP', () => {
    const [policy] = readConfig(MITEL, MITEL, 'auto');
    const o = { from: '10.20.0.5', to: '10.20.0.0/24', proto: 'udp', port: '40000-40199' };
    const text = formatExplain(policy!, explain(policy!, o));
    expect(text).toContain('(does not pass through this firewall)');
    expect(text).toContain(
      'same subnet: 10.20.0.5 and 10.20.0.0/24 are on the same subnet (10.20.0.0/24 on vlan20-voice)',
    );
    expect(text).not.toMatch(/DROP|ACCEPT|routed through/);
    // --in and --out trace it anyway (a filtering bridge).
    const forced = formatExplain(policy!, explain(policy!, { ...o, in: 'vlan20-voice', out: 'vlan20-voice' }));
    expect(forced).toContain('DROP (all of it)');
  });
});

describe('site-defined ports', () => {
  it('Mitel media-gateway RTP is not checked, as documented, even when the range is restricted', () => {
    // Before: fail "blocked for any port except 40000-40199" next to the note saying it is not checked.
    const { report, verdict } = run(MITEL, ['mitel-mx-one'], { phones: ['vlan20-voice'], pbx: '10.30.0.10' });
    expect(verdict('mxone-mgw-rtp').status).toBe('not-checked');
    expect(verdict('mxone-mgw-rtp').why).toContain('at least 200 consecutive ports');
    expect(report.findings.filter((f) => f.requirement === 'mxone-mgw-rtp')).toEqual([]);
  });
});

describe('audiences servers and mobile-app do not start from the phone networks', () => {
  it('Mitel CSTA and the mobile client are required from the other internal networks only', () => {
    // Before: "from bridge ...; from vlan20-voice 10.20.0.0/24 ... blocked": CSTA required from the desk phones.
    const { report } = run(MITEL, ['mitel-mx-one'], {
      phones: ['vlan20-voice'],
      pbx: '10.30.0.10',
      pcs: ['bridge1'],
      audiences: ['servers', 'mobile-app'],
    });
    for (const id of ['mxone-csta', 'mxone-csta-tls', 'mxone-mobile-client']) {
      const fs = report.findings.filter((f) => f.requirement === id);
      expect(fs, id).toHaveLength(1);
      expect(fs[0]!.details, id).toContain('from bridge1 192.168.88.0/24');
      expect(fs[0]!.details, id).not.toContain('vlan20-voice');
    }
  });
});

describe('the fix for an inbound flow blocked by the default names the interface it arrives on', () => {
  it("pfSense: the rule goes on the WAN tab, not on the phones' interface", () => {
    // Before: "add a rule on VOICE (opt1) that allows it": a pfSense rule there never sees traffic from the WAN.
    const { report } = run('fixtures/pfsense/rules/fwl005-no-nat.xml', ['spectralink-versity']);
    const f = report.findings.find((x) => x.requirement === 'versity-google-https-in');
    expect(f?.details).toContain(
      'Nothing allows it, so the default applies: add a rule on wan, where it arrives, that allows it to VOICE (opt1).',
    );
  });
});
