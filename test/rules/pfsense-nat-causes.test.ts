/**
 * pfSense NAT causes the model states itself: a WAN without a gateway gets no automatic outbound rule
 * (docs/semantics.md#pf-nat), and FWL005 names that, not the outbound NAT mode.
 */
import { describe, expect, it } from 'vitest';
import { lintFixture } from './expectations.js';

const dir = 'fixtures/pfsense/rules';

describe('FWL005: a WAN without a gateway under automatic outbound NAT', () => {
  const fs = lintFixture(`${dir}/fwl005-wan-no-gateway.xml`, ['ipnordic']).filter((f) => f.ruleId === 'FWL005');

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
