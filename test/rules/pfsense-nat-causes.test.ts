/**
 * pfSense NAT the model states itself (docs/semantics.md#pf-nat): a WAN without a gateway gets no
 * automatic outbound rule, and FWL005 names that rather than the outbound NAT mode; a `<nordr/>` port
 * forward is `no rdr`, which exempts what it matches from the later forwards (first match wins), and
 * lint and explain agree on it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pfsenseParser } from '../../parsers/pfsense/index.js';
import { explain } from '../../src/cli/explain.js';
import { lintFixture } from './expectations.js';

const dir = 'fixtures/pfsense/rules';
const lint = (file: string) => lintFixture(`${dir}/${file}`, ['ipnordic']);

function policy(file: string) {
  const path = `${dir}/${file}`;
  const [p] = pfsenseParser.parse(readFileSync(path, 'utf8'), path, 'pfsense');
  return p!;
}

describe('FWL005: a WAN without a gateway under automatic outbound NAT', () => {
  const fs = lint('fwl005-wan-no-gateway.xml').filter((f) => f.ruleId === 'FWL005');

  it('points at the <wan> element and names the missing gateway, with the fix', () => {
    expect(fs).toHaveLength(1);
    const [f] = fs;
    expect(f!.loc.line).toBe(17);
    expect(f!.uncertain).toBeFalsy();
    expect(f!.details).toContain(
      'automatic outbound NAT covers only interfaces with a gateway, and wan has none (line 17, ' +
        'docs/semantics.md#pf-nat): set its gateway, or add a hybrid or manual outbound NAT rule for it.',
    );
    expect(`${f!.message} ${f!.details ?? ''}`).not.toContain('outbound NAT mode automatic');
  });
});

describe('<nordr/> is `no rdr`: an exemption from the later port forwards', () => {
  const sip = { from: '203.0.113.9', to: '198.51.100.2', proto: 'udp' };

  it('a no rdr before a forward of the same traffic cancels it: no FWL004, no FWL010, no FWL900', () => {
    const ids = lint('nordr-before-forward.xml').map((f) => f.ruleId);
    expect(ids.filter((id) => ['FWL004', 'FWL010', 'FWL900'].includes(id))).toEqual([]);
  });

  it('explain shows the no rdr deciding that nothing is translated', () => {
    const r = explain(policy('nordr-before-forward.xml'), { ...sip, port: '5060' });
    expect(r.parts.map((p) => p.verdict)).toEqual(['drop']);
    const rdr = r.parts[0]!.trail.find((s) => s.stage === 'rdr');
    expect(rdr?.rule?.label).toBe('port forward "No forward for SIP (scanners)"');
    expect(rdr?.effect).toBe('accept'); // leaves the NAT stage untranslated
    expect(r.parts[0]!.translations).toEqual([]);
  });

  it('a no rdr that covers part of a forward narrows it: FWL004 and FWL010 name port 5060 only', () => {
    const fs = lint('fwl010-nordr-partial.xml');
    const f4 = fs.find((f) => f.ruleId === 'FWL004');
    const f10 = fs.find((f) => f.ruleId === 'FWL010');
    expect(f4?.message).toBe(
      'port forward "SIP to the reception phone" forwards udp port 5060 from the Internet to the phone address 10.20.0.50.',
    );
    expect(f10?.message).toBe(
      "SIP (5060) to the phones 10.20.0.50 is accepted from any Internet address outside the provider's networks.",
    );
    expect(fs.filter((f) => f.uncertain)).toEqual([]);
  });

  it('explain agrees: 5060 is forwarded, 5061 is exempted by the no rdr', () => {
    const r = explain(policy('fwl010-nordr-partial.xml'), { ...sip, port: '5060-5061' });
    const byPort = new Map(r.parts.map((p) => [p.box.dport.bounds[0], p]));
    expect(byPort.get(5060)?.verdict).toBe('accept');
    expect(byPort.get(5060)?.translations.map((t) => t.rule.label)).toEqual([
      'port forward "SIP to the reception phone"',
    ]);
    expect(byPort.get(5061)?.verdict).toBe('drop');
    expect(byPort.get(5061)?.trail.find((s) => s.stage === 'rdr')?.rule?.label).toBe(
      'port forward "No forward for 5061"',
    );
  });
});
