/**
 * FWL012 names what a deny rule's run-time members are: a GeoIP alias is country lists, not hostnames
 * (rules/unverifiable-requirement.ts membersOf).
 */
import { describe, expect, it } from 'vitest';
import { lintFixture } from './expectations.js';

describe('FWL012 on a rule with GeoIP members', () => {
  const fs = lintFixture('fixtures/pfsense/opnsense-mvc.xml', ['ipnordic']).filter((f) => f.ruleId === 'FWL012');

  it('calls them GeoIP countries in the headline and country lists in the details', () => {
    const deny = fs.find((f) => f.loc.line === 241);
    expect(deny?.message).toMatch(/blocks GeoIP countries fwlint cannot resolve offline/);
    expect(deny?.details).toMatch(/^If any of the country \(GeoIP\) lists of rule "No calls to blocked countries"/);
  });

  it('never calls them hostnames', () => {
    for (const f of fs) expect(`${f.message} ${f.details ?? ''}`).not.toMatch(/hostname/);
  });
});
