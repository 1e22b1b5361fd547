import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';

/**
 * A RouterOS script of an address-list feed alone (no export header, no interface, no rule, no
 * setting) is a fragment: the defaults fwlint would fill in (SIP helper, 180 s UDP timeout,
 * connection tracking off without rules) are not the router's, so no setting is judged on it.
 */
const dir = mkdtempSync(join(tmpdir(), 'fwlint-fragment-'));

function verdicts(text: string) {
  const file = join(dir, 'feed.rsc');
  writeFileSync(file, text);
  const { report } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones: [],
    wan: [],
    audiences: [],
    devices: [],
  });
  return { report, status: (id: string) => report.requirements?.find((v) => v.id === `ipnordic-${id}`) };
}

describe('RouterOS fragments', () => {
  it('an address-list feed: the settings are not checked, with the reason; no finding', () => {
    // Before: FWL003 failed on the default 180 s and FWL002 passed on "tracking stays off without rules".
    const { report, status } = verdicts(
      '/ip firewall address-list\nadd list=greylist address=192.0.2.7\nadd list=greylist address=198.51.100.9\n',
    );
    expect(report.findings).toEqual([]);
    for (const id of ['udp-timeout', 'sip-alg-off']) {
      expect(status(id)?.status, id).toBe('not-checked');
      expect(status(id)?.why, id).toContain(
        'settings not checked: the file looks like a fragment of a configuration (it configures no interface, ' +
          'firewall rule or connection-tracking or service-port setting (only /ip firewall address-list), and has ' +
          'no export header)',
      );
    }
  });

  it('the same feed with a setting of its own, or an export header, is judged as before', () => {
    const withSetting = verdicts(
      '/ip firewall address-list\nadd list=greylist address=192.0.2.7\n' +
        '/ip firewall service-port\nset sip disabled=yes\n',
    );
    expect(withSetting.status('sip-alg-off')?.status).toBe('pass');
    const exported = verdicts(
      '# 2024-05-01 10:00:00 by RouterOS 7.14\n/ip firewall address-list\nadd list=greylist address=192.0.2.7\n',
    );
    expect(exported.status('udp-timeout')?.status).toBe('fail');
  });
});
