import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Finding } from '../../src/model/finding.js';
import type { RequirementVerdict } from '../../src/model/report.js';
import { loadProfile } from '../../src/profiles/load.js';

/**
 * FWL002 where a SIP helper is bound to ports other than the phones' SIP (RouterOS service-port `ports`,
 * a FortiGate session-helper entry's protocol and port: docs/semantics.md#ros-sip, #fgt-sip), and FWL002 /
 * FWL003 where RouterOS connection tracking is off (docs/semantics.md#ros-conntrack): no helper, and no
 * connection whose UDP idle timeout could expire.
 */

interface Run {
  verdicts: RequirementVerdict[];
  findings: Finding[];
}

function run(file: string, opts: Partial<LintOptions>): Run {
  const { report } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones: [],
    wan: [],
    audiences: [],
    devices: [],
    ...opts,
  });
  return { verdicts: report.requirements ?? [], findings: report.findings };
}

const verdict = (r: Run, id: string): RequirementVerdict => {
  const v = r.verdicts.find((x) => x.id === `ipnordic-${id}`);
  expect(v, id).toBeDefined();
  return v!;
};

/** 1-based line of the first line of `file` that is exactly `text`. */
const lineOf = (file: string, text: string): number => {
  const i = readFileSync(file, 'utf8').split('\n').indexOf(text);
  expect(i, text).toBeGreaterThanOrEqual(0);
  return i + 1;
};

const MT = 'fixtures/mikrotik/rules';
const FGT = 'fixtures/fortigate/rules';
const MT_PHONES = { phones: ['10.20.0.0/24'] };
const FGT_PHONES = { phones: ['10.20.0.0/24@voice'] };

const dir = mkdtempSync(join(tmpdir(), 'fwlint-helper-ports-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('FWL002: a SIP helper acts only on the ports it is bound to', () => {
  it('RouterOS service-port sip ports=5062: on, but not for the phones SIP (5060/5061): pass, the ports line as evidence', () => {
    const file = `${MT}/fwl002-sip-port-other.rsc`;
    for (const opts of [MT_PHONES, {}]) {
      const r = run(file, opts);
      const v = verdict(r, 'sip-alg-off');
      expect(v.status).toBe('pass');
      expect(v.evidence).toHaveLength(1);
      expect(v.evidence[0]!.text).toContain("SIP ALG is on, but not for the phones' traffic");
      expect(v.evidence[0]!.text).toContain('service-port sip ports=5062');
      expect(v.evidence[0]!.text).not.toContain('platform default');
      expect(v.evidence[0]!.loc?.line).toBe(lineOf(file, 'set sip ports=5062'));
      expect(r.findings.filter((f) => f.ruleId === 'FWL002')).toEqual([]);
    }
  });

  it('RouterOS service-port sip ports=5060: the helper sees the phones SIP: fail at the ports line, not a default', () => {
    const file = `${MT}/fwl002-sip-port-5060.rsc`;
    const r = run(file, MT_PHONES);
    expect(verdict(r, 'sip-alg-off').status).toBe('fail');
    const [f, ...more] = r.findings.filter((x) => x.ruleId === 'FWL002');
    expect(more).toEqual([]);
    expect(f!.loc.line).toBe(lineOf(file, 'set sip ports=5060'));
    expect(f!.fromDefault).toBe(false);
    expect(`${f!.message} ${f!.details ?? ''}`).not.toContain('platform default');
    expect(`${f!.message} ${f!.details ?? ''}`).toContain('ports=5060');
  });

  it('FortiGate kernel-helper-based, sip session helper on UDP 5065: pass with that helper as evidence', () => {
    const file = `${FGT}/fwl002-helper-other-port.conf`;
    const r = run(file, FGT_PHONES);
    const v = verdict(r, 'sip-alg-off');
    expect(v.status).toBe('pass');
    const helper = v.evidence.find((e) => e.text.includes('session-helper 13'));
    expect(helper?.text).toContain("SIP ALG is on, but not for the phones' traffic");
    expect(helper?.text).toContain('protocol 17, port 5065');
    expect(helper?.loc?.line).toBe(lineOf(file, '    edit 13'));
    expect(r.findings.filter((f) => f.ruleId === 'FWL002')).toEqual([]);
  });

  it('nftables: a sip helper assigned only to connections to UDP 5062 is not on the phones SIP; on 5060 it is', () => {
    const nft = (port: number): string => {
      const file = join(dir, `helper-${port}.nft`);
      writeFileSync(
        file,
        'table inet fw {\n\tct helper sip-x {\n\t\ttype "sip" protocol udp;\n\t}\n' +
          '\tchain prerouting {\n\t\ttype filter hook prerouting priority filter; policy accept;\n' +
          `\t\tiifname "vlan20" ip saddr 10.20.0.0/24 udp dport ${port} ct helper set "sip-x"\n` +
          '\t}\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n' +
          '\t\toifname "wan0" masquerade\n\t}\n}\n',
      );
      return file;
    };
    const opts = { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] };
    const other = verdict(run(nft(5062), opts), 'sip-alg-off');
    expect(other.status).toBe('pass');
    expect(other.evidence.map((e) => e.text).join(' | ')).toContain("SIP ALG is on, but not for the phones' traffic");
    expect(verdict(run(nft(5060), opts), 'sip-alg-off').status).toBe('fail');
  });

  it('FortiGate kernel helper on UDP 5060 (the factory entry) still fails', () => {
    const r = run(`${FGT}/fwl002-session-helper.conf`, FGT_PHONES);
    expect(verdict(r, 'sip-alg-off').status).toBe('fail');
  });

  it('FortiGate proxy-based: the SIP ALG acts on the policies whatever port the session helper has', () => {
    const text = readFileSync(`${FGT}/fwl002-helper-other-port.conf`, 'utf8').replace(
      'set default-voip-alg-mode kernel-helper-based',
      'set default-voip-alg-mode proxy-based',
    );
    const file = join(dir, 'proxy-helper-5065.conf');
    writeFileSync(file, text);
    const r = run(file, FGT_PHONES);
    expect(verdict(r, 'sip-alg-off').status).toBe('fail');
    const fs = r.findings.filter((f) => f.ruleId === 'FWL002');
    expect(fs.map((f) => f.loc.line)).toEqual([lineOf(file, '    set default-voip-alg-mode proxy-based')]);
  });
});

describe('RouterOS connection tracking off: no SIP helper and no UDP idle timeout', () => {
  it('enabled=no: FWL003 passes at that line, FWL002 evidence is that line (not a default), FWL005 still fails', () => {
    const file = `${MT}/fwl003-conntrack-off.rsc`;
    const at = lineOf(file, 'set enabled=no');
    const r = run(file, MT_PHONES);
    const t = verdict(r, 'udp-timeout');
    expect(t.status).toBe('pass');
    expect(t.evidence.map((e) => [e.text, e.loc?.line])).toEqual([
      [`connection tracking is off (enabled=no, line ${at}): no UDP session times out`, at],
    ]);
    expect(r.findings.filter((f) => f.ruleId === 'FWL003')).toEqual([]);
    const s = verdict(r, 'sip-alg-off');
    expect(s.status).toBe('pass');
    expect(s.evidence.map((e) => e.loc?.line)).toEqual([at]);
    expect(s.evidence[0]!.text).not.toContain('platform default');
    expect(s.evidence[0]!.fromDefault).toBeFalsy();
    expect(verdict(r, 'nat-required').status).toBe('fail');
  });

  it('enabled=auto (default) and no firewall rule: tracking stays off, said at the export header', () => {
    const text = readFileSync(`${MT}/fwl003-conntrack-off.rsc`, 'utf8');
    // Only interfaces and addresses: no firewall rule of any table, and no connection tracking line.
    const file = join(dir, 'no-rules.rsc');
    writeFileSync(file, text.slice(0, text.indexOf('/ip firewall connection tracking')));
    const r = run(file, MT_PHONES);
    const t = verdict(r, 'udp-timeout');
    expect(t.status).toBe('pass');
    expect(t.evidence).toHaveLength(1);
    expect(t.evidence[0]!.text).toContain('enabled=auto stays off while no firewall rule exists');
    expect(t.evidence[0]!.text).toContain('no UDP session times out');
    expect(t.evidence[0]!.loc?.line).toBe(1);
    expect(verdict(r, 'sip-alg-off').evidence[0]!.loc?.line).toBe(1);
  });
});
