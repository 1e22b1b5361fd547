import { describe, expect, it } from 'vitest';
import { explain, formatExplain } from '../../src/cli/explain.js';
import { lintFiles } from '../../src/cli/lint.js';
import { readConfig } from '../../src/cli/read.js';
import type { LintOptions } from '../../src/lint/run.js';
import { loadProfile } from '../../src/profiles/load.js';
import { matchingPatterns } from '../../src/site/evidence.js';

/**
 * An `iifname`/`oifname` pattern (`"vlan*"`, `"ppp*"`) matches an interface given only on the command
 * line (nft(8): a trailing `*` matches by prefix). Before, such a name met only the rules without an
 * interface: false FWL001/FWL009 for `iifname "vlan*"` and a false FWL005 for `oifname "ppp*" masquerade`.
 */
const PATTERNS = 'fixtures/nftables/rules/clean-interface-patterns.nft';
const NESTED = 'fixtures/nftables/site/interface-patterns-nested.nft';

function lint(file: string, opts: Partial<LintOptions>) {
  const { report, failed } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones: [],
    wan: [],
    audiences: [],
    devices: [],
    ...opts,
  });
  expect(failed).toEqual([]);
  return report;
}

function trace(
  file: string,
  o: { from: string; to: string; proto: string; port: string; in?: string; wan?: string[] },
) {
  const [p] = readConfig(file, file, 'auto');
  return formatExplain(p!, explain(p!, o));
}

describe('nftables interface patterns match names given on the command line', () => {
  it('--phones …@vlan20 and --wan ppp0 meet the rules with "vlan*" and "ppp*", masquerade included', () => {
    const r = lint(PATTERNS, { phones: ['10.20.0.0/24@vlan20'], wan: ['ppp0'] });
    expect(r.findings.map((f) => `${f.ruleId}@${f.loc.line}`)).toEqual([]);
    const nat = r.requirements?.find((v) => v.id === 'ipnordic-nat-required');
    expect(nat?.status).toBe('pass');
    expect(nat?.evidence.map((e) => e.text).join(' ')).toContain('oifname ppp* masquerade');
    const notes = r.notifications.map((n) => n.message);
    expect(notes).toContain(
      `${PATTERNS}: --phones 10.20.0.0/24@vlan20: no rule names interface vlan20, but the pattern "vlan*" (line 28) ` +
        'matches it (a trailing * matches by prefix), so vlan20 is evaluated as "vlan*", which stands for the ' +
        'interfaces matching it that no rule names',
    );
    expect(notes.some((m) => m.includes('--wan ppp0: no rule names interface ppp0, but the pattern "ppp*"'))).toBe(
      true,
    );
    // Not the note for a name no rule matches, nor the warning for an unknown WAN.
    expect(notes.some((m) => m.includes('only rules without an interface apply'))).toBe(false);
    expect(notes.some((m) => m.includes('is not an interface this configuration names'))).toBe(false);
  });

  it('a name no pattern matches keeps the note that only rules without an interface apply', () => {
    const r = lint(PATTERNS, { phones: ['10.20.0.0/24@eth1'], wan: ['ppp0'] });
    const notes = r.notifications.map((n) => n.message);
    expect(
      notes.some((m) => m.includes('--phones 10.20.0.0/24@eth1: no rule names interface eth1 (the rules name:')),
    ).toBe(true);
    expect(r.findings.some((f) => f.ruleId === 'FWL001')).toBe(true);
  });

  it('of two matching patterns the longer one stands for the name, and the shorter one applies as well', () => {
    // vlan20 matches "vlan2*" (its SIP drop, line 13) and "vlan*" (the accept, line 14); vlan30 only "vlan*".
    const v20 = lint(NESTED, { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] });
    expect(v20.findings.map((f) => `${f.ruleId}@${f.loc.line}`)).toEqual(['FWL001@13', 'FWL001@13']);
    expect(v20.requirements?.find((v) => v.id === 'ipnordic-rtp')?.status).toBe('pass');
    expect(v20.notifications.map((n) => n.message)).toContain(
      `${NESTED}: --phones 10.20.0.0/24@vlan20: no rule names interface vlan20, but the pattern "vlan2*" (line 13) ` +
        'matches it (a trailing * matches by prefix), so vlan20 is evaluated as "vlan2*", which stands for the ' +
        'interfaces matching it that no rule names; the rules with "vlan*" (line 14) apply to it too',
    );
    expect(v20.notifications.map((n) => n.message)).toContain(
      `${NESTED}: interface pattern "vlan*" matches the interfaces of the longer pattern "vlan2*" and the interface ` +
        '"vlan*", which stands for the others matching it',
    );
    const v30 = lint(NESTED, { phones: ['10.20.0.0/24@vlan30'], wan: ['wan0'] });
    expect(v30.findings).toEqual([]);
  });

  it('explain --in vlan20 agrees with lint and says which pattern it took', () => {
    const flow = { from: '10.20.0.5', to: '185.72.208.10', proto: 'udp', port: '5060', in: 'vlan20', wan: ['ppp0'] };
    const t = trace(PATTERNS, flow);
    expect(t).toContain('in on vlan* out on ppp*');
    expect(t).toContain('  --in vlan20: no rule names interface vlan20, but the pattern "vlan*" (line 28)');
    expect(t).toContain('  --wan ppp0: no rule names interface ppp0, but the pattern "ppp*"');
    expect(t).toMatch(/^ACCEPT \(all of it\)\n {2}decided by rule "iifname vlan\* oifname ppp\* accept"/m);
    expect(t).toContain('SNAT by rule "oifname ppp* masquerade"');
    const nested = trace(NESTED, { ...flow, wan: ['wan0'] });
    expect(nested).toMatch(/^DROP \(all of it\)\n {2}decided by rule "iifname vlan2\* udp dport 5060 drop"/m);
    expect(trace(NESTED, { ...flow, in: 'vlan30', wan: ['wan0'] })).toMatch(/^ACCEPT \(all of it\)/m);
  });

  it('only nftables: other vendors declare their interfaces, and a name the rules name is itself', () => {
    const [p] = readConfig(PATTERNS, PATTERNS, 'auto');
    expect(matchingPatterns(p!, 'vlan20').map((i) => i.name)).toEqual(['vlan*']);
    expect(matchingPatterns(p!, 'lo')).toEqual([]);
    expect(matchingPatterns({ ...p!, vendor: 'mikrotik' }, 'vlan20')).toEqual([]);
    expect(matchingPatterns({ ...p!, vendor: 'fortigate' }, 'ppp0')).toEqual([]);
  });
});
