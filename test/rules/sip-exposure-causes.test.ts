/**
 * FWL010 reports one finding per cause (a filter rule, or a port forward with the filter rule that passes
 * its traffic), whatever the number of phone networks it exposes and whether the SIP is routed or
 * port-forwarded: the same exposure reported twice reads as two problems.
 */
import { describe, expect, it } from 'vitest';
import { lintFixture } from './expectations.js';

const dir = 'fixtures/pfsense/rules';
const fwl010 = (file: string) => lintFixture(`${dir}/${file}`, ['ipnordic']).filter((f) => f.ruleId === 'FWL010');

describe('FWL010: one finding per cause', () => {
  it('a port forward and its associated filter rule: one finding, at the port forward, naming the rule', () => {
    const fs = fwl010('fwl010-forward-associated.xml');
    expect(fs).toHaveLength(1);
    const [f] = fs;
    expect(f!.loc.line).toBe(84); // the port forward, not the associated rule (line 55)
    expect(f!.message).toBe(
      "SIP (5060) to the phones 10.20.0.50 is accepted from any Internet address outside the provider's networks.",
    );
    expect(f!.details).toContain(
      'Through port forward "SIP to the reception phone" (line 84), by rule "NAT SIP to the reception phone" (line 55).',
    );
    expect(f!.details).toContain('The same filter rule also accepts SIP routed to the phones directly.');
    expect(f!.related?.map((r) => r.loc.line)).toEqual([55]);
  });

  it('one rule exposing two phone networks: one finding that lists both', () => {
    const fs = fwl010('fwl010-two-phone-networks.xml');
    expect(fs).toHaveLength(1);
    const [f] = fs;
    expect(f!.loc.line).toBe(58);
    expect(f!.message).toBe(
      "SIP (5061) to the phones in 2 networks is accepted from any Internet address outside the provider's networks.",
    );
    expect(f!.details).toContain('Phone networks concerned: VOICE (opt1) 10.20.0.0/24; VOICE2 (opt2) 10.30.0.0/24.');
    expect(f!.details).toContain('By rule "SIP-TLS to the phones" (line 58).');
  });

  it('two profiles give two findings for one cause: each names its profile (review 26 item 11)', () => {
    const fs = lintFixture(`${dir}/fwl010-two-phone-networks.xml`, ['ipnordic', 'tele2-vaxel']).filter(
      (f) => f.ruleId === 'FWL010',
    );
    expect(
      fs.map((f) =>
        (f.details ?? '').endsWith(
          `(as the ${f.profile === 'ipnordic' ? 'ipnordic' : 'Tele2 Växel / Trio Connect'} profile lists them) or remove it.`,
        ),
      ),
    ).toEqual([true, true]);
    expect(new Set(fs.map((f) => f.details)).size).toBe(2);
  });
});
