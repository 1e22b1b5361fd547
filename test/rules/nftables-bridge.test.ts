import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain, formatExplain } from '../../src/cli/explain.js';
import { lintFiles } from '../../src/cli/lint.js';
import { readConfig } from '../../src/cli/read.js';
import { loadProfile } from '../../src/profiles/load.js';
import { parseNftables } from '../../parsers/nftables/index.js';
import { ANY_V6 } from '../../src/model/address.js';

/**
 * Bridge-family chains on prerouting and input see the packets that arrive on a bridge port, routed
 * ones included (and output and postrouting those the host sends through a bridge). fwlint does not
 * know whether the phones' interface is a bridge, so a drop there makes the verdicts it may touch
 * uncertain, naming the rule and the table; before, bridge tables were ignored ("bridged (not routed)
 * traffic") and everything passed. A bridge table that only accepts or counts changes nothing.
 */
const FILE = 'fixtures/nftables/bridge/bridge-drop.nft';

function lint(file: string) {
  const { report, failed } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones: ['10.20.0.0/24@vlan20'],
    wan: ['wan0'],
    audiences: [],
    devices: [],
  });
  expect(failed).toEqual([]);
  const status = (id: string) => report.requirements?.find((v) => v.id === id)?.status;
  return { report, status };
}

describe('nftables bridge tables', () => {
  it('a bridge drop of SIP or DNS makes those verdicts uncertain, naming the rule and the bridge table', () => {
    const { report, status } = lint(FILE);
    expect(status('ipnordic-sip-udp')).toBe('uncertain');
    expect(status('ipnordic-all-outbound')).toBe('uncertain');
    expect(status('ipnordic-dns')).toBe('uncertain');
    // What no bridge drop matches stays certain.
    expect(status('ipnordic-rtp')).toBe('pass');
    expect(status('ipnordic-sip-tcp')).toBe('pass');
    expect(status('ipnordic-udp-timeout')).toBe('pass');
    const sip = report.requirements?.find((v) => v.id === 'ipnordic-sip-udp');
    expect(sip?.why).toContain(
      'unless rule "udp dport 5060 drop" in bridge l2 pre matches (it is in bridge table l2 (line 45), which sees ' +
        'routed packets only when they arrive on or leave by a bridge port, and fwlint does not know which ' +
        'interfaces are bridge ports (docs/semantics.md#nft-bridge))',
    );
    expect(report.requirements?.find((v) => v.id === 'ipnordic-dns')?.why).toContain(
      'rule "udp dport 53 drop" in bridge l2 pre (line 50) may drop it: it is in bridge table l2 (line 45)',
    );
    const fwl012 = report.findings.filter((f) => f.ruleId === 'FWL012');
    expect(fwl012.map((f) => [f.loc.line, f.uncertain])).toEqual([
      [49, true],
      [50, true],
    ]);
    // Nothing is a certain failure, and `ether type arp` is read (it never matches an IP packet), not FWL900.
    expect(report.findings.filter((f) => !f.uncertain)).toEqual([]);
    const notes = report.notifications.map((n) => n.message);
    expect(notes).toContain(
      `${FILE}: bridge table l2 (line 45): its prerouting chains see routed packets too when they arrive on (or ` +
        'leave by) a bridge port, and fwlint does not know which interfaces are bridge ports: the packets its ' +
        'drops match get an uncertain verdict (docs/semantics.md#nft-bridge)',
    );
    expect(notes.some((m) => m.includes('bridged (not routed)'))).toBe(false);
    expect(notes.some((m) => m.includes('bridge table quiet'))).toBe(false);
  });

  it('a bridge table that only accepts and counts changes no verdict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-bridge-'));
    const clean = readFileSync('fixtures/nftables/rules/clean.nft', 'utf8');
    const file = join(dir, 'quiet.nft');
    writeFileSync(
      file,
      `${clean}\ntable bridge quiet {\n\tchain pre {\n\t\ttype filter hook prerouting priority filter; policy accept;\n` +
        '\t\tudp dport 5060 counter\n\t\tether type ip accept\n\t}\n' +
        '\tchain fwd {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n}\n',
    );
    const { report } = lint(file);
    expect(report.findings).toEqual([]);
    expect(report.requirements?.filter((v) => v.status === 'uncertain' || v.status === 'fail')).toEqual([]);
    // The forward hook of a bridge sees bridged frames only: said, not evaluated.
    expect(report.notifications.map((n) => n.message)).toContain(
      `${file}: bridge table quiet: chain fwd (hook forward) filters only frames bridged from one bridge port to ` +
        'another, never routed traffic, so fwlint does not evaluate it',
    );
  });

  it('the model: bridge stages around the IP ones; drops never certain; a policy drop is such a rule', () => {
    const p = parseNftables(
      [
        'table inet fw { chain fwd { type filter hook forward priority 0; policy drop; accept; } }',
        'table bridge b {',
        '\tchain pre { type filter hook prerouting priority -200; policy drop; ether type arp accept; jump more; }',
        '\tchain more { udp dport 5060 drop; accept; }',
        '\tchain v6 { type filter hook input priority 0; ether type 0x86dd drop; meta protocol vlan drop; }',
        '\tchain out { type filter hook output priority 100; }',
        '}',
        '',
      ].join('\n'),
      'b.nft',
    );
    expect(p.ruleset.forward.map((s) => s.name)).toEqual([
      'bridge prerouting',
      'bridge input',
      'forward',
      'bridge output',
    ]);
    const pre = p.ruleset.chains['bridge b pre']!;
    expect(pre.policy).toBeUndefined();
    expect(pre.rules.map((r) => r.action.kind)).toEqual(['return', 'jump', 'drop']);
    expect(pre.rules[2]).toMatchObject({ label: 'policy drop of base chain bridge b pre', loc: { line: 3 } });
    const more = p.ruleset.chains['bridge b more']!;
    // An accept in a called chain ends the base chain: kept. The drop matches no state exactly.
    expect(more.rules.map((r) => r.action.kind)).toEqual(['drop', 'accept']);
    expect(more.rules[0]?.match.state?.isEmpty).toBe(true);
    expect(more.rules[0]?.match.uncertain?.[0]?.why).toContain('it is in bridge table b (line 2)');
    expect(p.unsupported).toEqual([]);
    // `ether type` (here as a number) is the family: IPv6 only; `meta protocol vlan` never matches an IP packet.
    const v6 = p.ruleset.chains['bridge b v6']!.rules;
    expect(v6[0]?.match.src?.equals(ANY_V6)).toBe(true);
    expect(v6[1]?.match.proto?.isEmpty).toBe(true);
    expect(p.ruleset.input.map((s) => s.name)).toEqual(['bridge prerouting', 'bridge input']);
  });

  it('explain agrees with lint: the bridge stages and the rule that may drop', () => {
    const [p] = readConfig(FILE, FILE, 'auto');
    const flow = { from: '10.20.0.5', to: '185.72.208.10', proto: 'udp', port: '5060', in: 'vlan20', wan: ['wan0'] };
    const t = formatExplain(p!, explain(p!, flow));
    expect(t).toContain('stages: bridge prerouting -> bridge input -> prerouting -> forward -> postrouting nat (snat)');
    expect(t).toMatch(/^ACCEPT \(all of it\)\n {2}decided by rule "iifname vlan20 oifname wan0 accept"/m);
    expect(t).toContain(
      '  uncertain: rule "udp dport 5060 drop" in bridge l2 pre (line 49) might match: it is in bridge table l2 (line 45)',
    );
    expect(t).not.toContain('hostnames or URL tables');
    expect(t).toContain(
      '    bridge prerouting/bridge l2 pre: accept    end of the chain, which has no policy: the packet goes on',
    );
    const rtp = formatExplain(p!, explain(p!, { ...flow, port: '10000' }));
    expect(rtp).not.toContain('uncertain:');
  });
});
