import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { Setting } from '../../src/model/location.js';
import type { Policy, Rule } from '../../src/model/policy.js';
import { loadProfile } from '../../src/profiles/load.js';
import { fingerprint } from '../../src/reporters/fingerprint.js';
import { sipAlgEnabled } from '../../rules/sip-alg-enabled.js';
import { FILE, at, policy, profile, requirement } from '../helpers/model.js';
import { runRule } from '../helpers/rule-tester.js';

/**
 * A settings finding (FWL002, FWL003) is identified by what it is about — the kind of setting, its
 * value and the rule it is part of — not by its reason, which is fwlint's wording: a release that
 * rewrites a reason must not give the finding a new fingerprint (GitHub code scanning would close
 * the alert and open another). Before, the key was [reason, value].
 */

const alg = profile({ settings: [requirement({ id: 'alg-off', kind: 'sip-alg-off' })] });

const on = (line: number, reason: string, endLine = line): Setting<boolean> => ({
  value: true,
  source: 'explicit',
  loc: { ...at(line), endLine },
  reason,
});

/** A forward policy spanning lines 10-15, as a FortiGate `edit 7` block. */
const policy7: Rule = {
  id: 'policy:7',
  loc: { file: FILE, line: 10, column: 5, endLine: 15 },
  label: 'policy 7',
  match: {},
  action: { kind: 'accept' },
};

const model = (sipAlg: Setting<boolean>[]): Policy =>
  policy({
    sessions: { sipAlg, udpTimeout: { value: 300, source: 'default', loc: at(1), reason: 'default' } },
    ruleset: {
      chains: { forward: { name: 'forward', mode: 'first-match', rules: [policy7] } },
      forward: [],
      input: [],
    },
  });

const fingerprints = (sipAlg: Setting<boolean>[]) =>
  runRule(sipAlgEnabled, { name: 'x', policy: model(sipAlg), profile: alg }).map(fingerprint);

describe('settings findings: fingerprints rest on the setting, not on the wording of its reason', () => {
  it('the same setting with a reworded reason keeps its fingerprint', () => {
    const [before] = fingerprints([on(3, 'default-voip-alg-mode proxy-based: the SIP ALG handles SIP')]);
    const [after] = fingerprints([on(3, 'default-voip-alg-mode proxy-based: every policy gets the SIP ALG')]);
    expect(before).toBeDefined();
    expect(after).toBe(before);
  });

  it('moving the setting to another line keeps it too', () => {
    expect(fingerprints([on(4, 'the ALG is on')])).toEqual(fingerprints([on(3, 'the ALG is on')]));
  });

  it('a setting inside a rule is told apart from a global one by the rule, whatever both reasons say', () => {
    const a = fingerprints([on(3, 'global mode'), on(12, 'policy 7 uses voip-profile "default"')]);
    const b = fingerprints([on(3, 'global mode, reworded'), on(12, 'policy 7 has a voip-profile, reworded')]);
    expect(a).toHaveLength(2);
    expect(new Set(a).size).toBe(2);
    expect(b).toEqual(a);
    // The key names the policy by its id, not by its line.
    const [, inRule] = runRule(sipAlgEnabled, {
      name: 'x',
      policy: model([on(3, 'global'), on(12, 'in policy 7')]),
      profile: alg,
    });
    expect(inRule?.fingerprintParts).toEqual([
      'test-provider',
      'alg-off',
      'sip-alg-off',
      'value=true',
      'rule=policy:7',
    ]);
  });

  it('two settings outside any rule with the same value still get different fingerprints, the first unchanged', () => {
    const one = fingerprints([on(3, 'session-helper (sip)')]);
    const two = fingerprints([on(3, 'session-helper (sip)'), on(5, 'session-helper (sip)')]);
    expect(two).toHaveLength(2);
    expect(new Set(two).size).toBe(2);
    expect(two[0]).toBe(one[0]);
  });
});

describe('settings findings on the rule fixtures', () => {
  const lint = (file: string, phones: string[] = []) =>
    lintFiles([file], [loadProfile('ipnordic')], 'auto', {
      phones,
      wan: [],
      audiences: [],
      devices: [],
    }).report.findings.filter((f) => f.ruleId === 'FWL002' || f.ruleId === 'FWL003');

  it('nftables: two rules assigning the same SIP helper (one reason) are two findings with two fingerprints', () => {
    // Before: both keys were [the helper's reason, "true"], so both findings had one fingerprint.
    const file = join(mkdtempSync(join(tmpdir(), 'fwlint-helper-')), 'two-helpers.nft');
    writeFileSync(
      file,
      'table inet fw {\n\tct helper sip-5060 {\n\t\ttype "sip" protocol udp;\n\t}\n' +
        '\tchain prerouting {\n\t\ttype filter hook prerouting priority filter; policy accept;\n' +
        '\t\tiifname "vlan20" ip saddr 10.20.0.0/24 udp dport 5060 ct helper set "sip-5060"\n' +
        '\t\tiifname "vlan20" ip saddr 10.20.0.0/24 udp dport 5061 ct helper set "sip-5060"\n' +
        '\t}\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n' +
        '\t\toifname "wan0" masquerade\n\t}\n}\n',
    );
    const fs = lint(file, ['10.20.0.0/24@vlan20']).filter((f) => f.ruleId === 'FWL002');
    expect(fs.map((f) => f.loc.line)).toEqual([7, 8]);
    expect(fs[0]?.details).toBe(fs[1]?.details);
    expect(new Set(fs.map(fingerprint)).size).toBe(2);
  });

  it('FortiGate: the default ALG mode and a policy with a voip-profile are two findings, the second keyed by its policy', () => {
    const fs = lint('fixtures/fortigate/rules/fwl002-default-alg.conf');
    expect(fs.map((f) => f.fingerprintParts.slice(2))).toEqual([
      ['sip-alg-off', 'value=true'],
      ['sip-alg-off', 'value=true', 'rule=policy:1'],
    ]);
  });

  it("pfSense: the global UDP timeout and a rule's <statetimeout> are two findings, keyed by value and rule", () => {
    const fs = lint('fixtures/pfsense/rules/fwl003-default-timeout.xml');
    expect(fs.map((f) => f.fingerprintParts.slice(2)).sort()).toEqual([
      ['udp-timeout', 'value=120', 'rule=rule-992dfc5d9a96'],
      ['udp-timeout', 'value=60'],
    ]);
  });
});
