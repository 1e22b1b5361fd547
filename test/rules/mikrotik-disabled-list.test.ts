import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFixture } from './expectations.js';

/**
 * An address list whose only entry is disabled holds nothing from the export (MikroTik manual, address
 * lists: disabled entries are not in the list), so a rule on it matches only what is added at run time.
 * The uncertain finding says which list and why, not only "addresses known only at run time".
 */
describe('RouterOS: a rule on an address list whose entries are all disabled', () => {
  it('names the list and the disabled entry in the uncertain finding', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fwlint-disabled-list-')), 'fw.rsc');
    writeFileSync(
      file,
      [
        '# 2025-01-01 00:00:00 by RouterOS 7.14',
        '/interface vlan',
        'add interface=ether2 name=vlan20 vlan-id=20',
        '/ip address',
        'add address=10.20.0.1/24 interface=vlan20',
        'add address=203.0.113.2/24 interface=ether1',
        '/ip firewall address-list',
        'add address=10.20.0.0/24 disabled=yes list=PHONES',
        '/ip firewall filter',
        'add action=accept chain=forward connection-state=established,related',
        'add action=accept chain=forward src-address-list=PHONES out-interface=ether1',
        'add action=drop chain=forward',
        '/ip firewall nat',
        'add action=masquerade chain=srcnat out-interface=ether1',
        '',
      ].join('\n'),
    );
    const fs = lintFixture(file, ['ipnordic'], { phones: ['10.20.0.0/24@vlan20'], wan: ['ether1'] });
    const sip = fs.find((f) => f.ruleId === 'FWL012' && f.message.includes('SIP over UDP'));
    expect(sip?.uncertain).toBe(true);
    expect(sip?.details).toContain(
      'unless filter rule #1 (line 11) matches (it matches addresses known only at run time, in PHONES (address ' +
        'list whose entries in the export are all disabled, line 8; it may be filled at run time))',
    );
  });
});
