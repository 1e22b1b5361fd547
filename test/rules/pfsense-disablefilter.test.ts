/**
 * pfSense `<system><disablefilter>` ("Disable all packet filtering"): pf is off, so fwlint reads every
 * packet as passing, untranslated and without a state (docs/semantics.md#pf-disablefilter). The vendor
 * describes the option only in outline, so what rests on that reading is uncertain, naming the element
 * and its line; FWL005 names the option as the cause, and FWL003 passes as it does for RouterOS
 * connection tracking switched off: there is no state whose UDP timeout could expire.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pfsenseParser } from '../../parsers/pfsense/index.js';
import { explain, formatExplain } from '../../src/cli/explain.js';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';

const FILE = 'fixtures/pfsense/rules/fwl010-disablefilter.xml';
const LINE = 17; // <disablefilter>enabled</disablefilter>
const DOUBT = `Uncertain: fwlint reads <system><disablefilter> (line ${LINE}) as pf switched off`;

const { report } = lintFiles([FILE], [loadProfile('ipnordic')], 'auto', {
  phones: [],
  wan: [],
  audiences: [],
  devices: [],
});
const finding = (id: string) => {
  const f = report.findings.find((x) => x.ruleId === id);
  expect(f, id).toBeDefined();
  return f!;
};
const verdict = (id: string) => {
  const v = (report.requirements ?? []).find((x) => x.id === `ipnordic-${id}`);
  expect(v, id).toBeDefined();
  return v!;
};

describe('<disablefilter>: findings that rest on pf being off are uncertain', () => {
  it('FWL010 (SIP open through the accepting chain policy) is uncertain, naming the element and its line', () => {
    const f = finding('FWL010');
    expect(f.loc.line).toBe(LINE);
    expect(f.uncertain).toBe(true);
    expect(f.details).toContain(DOUBT);
  });

  it('FWL005 is uncertain and its cause is <disablefilter>, not the outbound NAT mode', () => {
    const f = finding('FWL005');
    expect(f.loc.line).toBe(LINE);
    expect(f.uncertain).toBe(true);
    const text = `${f.message} ${f.details ?? ''}`;
    expect(text).toContain(
      `pf is disabled (<system><disablefilter>, line ${LINE}), so no packet is filtered, translated`,
    );
    expect(text).toContain('change the setting this line holds');
    expect(text).not.toContain('outbound NAT mode');
    expect(text).not.toContain('notrack');
    expect(f.details).toContain(DOUBT);
  });

  it('FWL003 does not fail at 60 s: no state can time out, and the pass is uncertain for the same reason', () => {
    expect(report.findings.filter((f) => f.ruleId === 'FWL003')).toEqual([]);
    const v = verdict('udp-timeout');
    expect(v.status).toBe('uncertain');
    expect(v.why).toContain('UDP is not connection-tracked');
    expect(v.why).toContain(`<system><disablefilter> (line ${LINE})`);
    expect(v.evidence.map((e) => e.loc?.line)).toEqual([LINE]);
  });

  it('FWL900 says what fwlint assumed and cites the section that explains it', () => {
    const f = finding('FWL900');
    expect(f.uncertain).toBeFalsy();
    expect(f.details).toContain('docs/semantics.md#pf-disablefilter');
    expect(f.details).not.toContain('#pf-order');
  });

  it('a pass that does not rest on it stays a pass (no siproxd: SIP ALG off)', () => {
    expect(verdict('sip-alg-off').status).toBe('pass');
  });
});

describe('<disablefilter>: explain agrees with lint', () => {
  const [policy] = pfsenseParser.parse(readFileSync(FILE, 'utf8'), FILE, 'pfsense');
  const r = explain(policy!, { from: '203.0.113.9', to: '10.20.0.5', proto: 'udp', port: '5060' });

  it('accepts SIP from the Internet untracked, by the chain policy at the element, and says it is uncertain', () => {
    expect(r.parts.map((p) => [p.verdict, p.untracked])).toEqual([['accept', true]]);
    expect(r.parts[0]!.decidedBy.policy?.loc.line).toBe(LINE);
    expect(formatExplain(policy!, r)).toContain(
      `  uncertain: fwlint reads <system><disablefilter> (line ${LINE}) as pf switched off`,
    );
  });
});
