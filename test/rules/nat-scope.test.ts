import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import { loadProfile } from '../../src/profiles/load.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { editedFixture } from '../helpers/fixtures.js';

/**
 * Review 25 item 9: whether the phones sit behind source NAT decided whether the inbound requirements
 * were checked, and it was read from the traffic the filters let out. With no pass rule for the phones
 * nothing left, so the same automatic outbound NAT counted as absent and "Google services HTTPS into
 * the devices" failed on top of the real outbound failures; with a pass rule it was "not checked:
 * behind source NAT". NAT is a matter of the NAT configuration: judged by what it does to the phones'
 * traffic once the filters allow it.
 */

const opts: LintOptions = { phones: ['opt1'], wan: [], audiences: [], devices: [] };

/** The IPv4-only version of the dual-stack fixture (its phones' IPv6 prefix taken out). */
const v4only = (t: string) => t.replace(/<ipaddrv6>2001:db8:40::1<\/ipaddrv6><subnetv6>64<\/subnetv6>/, '');
const noPass = (t: string) => t.replace(/<rule><type>pass<\/type>.*?<\/rule>/s, '');

function verdict(file: string, id: string) {
  const { report, failed } = lintFiles([file], [loadProfile('spectralink-versity')], 'auto', opts);
  expect(failed).toEqual([]);
  const v = toJsonReport(report).requirements.find((r) => r.id === id);
  if (!v) throw new Error(`no verdict for ${id}`);
  return v;
}

const fixture = 'fixtures/pfsense/ipv6/dual-stack-inet.xml';

describe('phones behind source NAT: judged by the NAT configuration, not by what the filters let out', () => {
  it('with a pass rule, the inbound requirement is not checked (behind source NAT)', () => {
    const v = verdict(editedFixture(fixture, v4only), 'versity-google-https-in');
    expect(v.status).toBe('not-checked');
    expect(v.why).toContain('the phones are behind source NAT');
  });

  it('without a pass rule, the same automatic outbound NAT still keeps the inbound requirement out of scope', () => {
    const file = editedFixture(fixture, (t) => noPass(v4only(t)));
    const v = verdict(file, 'versity-google-https-in');
    expect(v.status).toBe('not-checked');
    expect(v.why).toContain('the phones are behind source NAT');
    // The outbound requirements still fail: the filters block them.
    expect(verdict(file, 'versity-ntp').status).toBe('fail');
  });

  it('without a pass rule and with outbound NAT disabled, the inbound requirement is checked', () => {
    const file = editedFixture(fixture, (t) =>
      noPass(v4only(t)).replace('<mode>automatic</mode>', '<mode>disabled</mode>'),
    );
    expect(verdict(file, 'versity-google-https-in').status).toBe('fail');
  });
});

describe('FortiGate policy NAT: no accepting policy, no NAT to read', () => {
  it('FWL005 does not fail a network no policy lets out (nat.mode policy): the SNAT stage alone says nothing', () => {
    // An internal network with no policy at all: nothing of it leaves, and no policy holds its NAT.
    const file = editedFixture('fixtures/fortigate/example-site.conf', (t) =>
      t.replace(
        'config system interface\n',
        [
          'config system interface',
          '    edit "lab"',
          '        set vdom "root"',
          '        set ip 192.168.77.1 255.255.255.0',
          '        set role lan',
          '    next',
          '',
        ].join('\n'),
      ),
    );
    const { report, failed } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
      ...opts,
      phones: ['all-internal'],
    });
    expect(failed).toEqual([]);
    const v = toJsonReport(report).requirements.find((r) => r.id === 'ipnordic-nat-required');
    expect(v?.status).toBe('pass');
  });
});
