import { describe, expect, it } from 'vitest';
import { missingRequiredAllow } from '../../rules/missing-required-allow.js';
import type { Finding } from '../../src/model/finding.js';
import { loadProfile } from '../../src/profiles/load.js';
import { editedFixture } from '../helpers/fixtures.js';
import { lintFixture } from './expectations.js';

const text = (f: Finding) => `${f.message} ${f.details ?? ''}`;

/** Where the fix of a blocking finding puts the allowing rule follows from what decided (rules/blocked.ts ruleFix). */
describe('the fix of a blocked flow follows from the step that decided it', () => {
  const pf = lintFixture('fixtures/pfsense/rules/fwl001-floating-nonquick.xml', ['ipnordic']);

  it('a non-quick rule of a last-match chain (pf floating without Quick): a quick rule or one after it', () => {
    const f = pf.filter((x) => x.message.includes('"float block sip out"'));
    expect(f).toHaveLength(2);
    for (const x of f) {
      expect(x.details).toContain(
        'Allow it in a quick rule ("Quick" ticked on a floating rule) or in a rule after this one, or narrow this rule. ' +
          'This rule is not quick: the last matching rule wins, so an allowing rule before it is overridden.',
      );
      expect(x.details).not.toContain('before this rule');
    }
  });

  it('a quick rule of a last-match chain: before it, as in a first-match chain', () => {
    const f = pf.filter((x) => x.message.includes('"float block tls out (quick)"'));
    expect(f).toHaveLength(2);
    for (const x of f) expect(x.details).toContain('Allow it before this rule or narrow this rule.');
  });

  it('the default blocks a flow from the PBX: add the rule on the interface the PBX is behind, from its address', () => {
    // Review 25 item 7: the fix said "add a rule on PBX 10.30.0.10", an address where an interface belongs.
    const file = editedFixture('fixtures/pfsense/rules/fwl001-ambiguous-direction.xml', (xml) =>
      xml.replace(/<rule>(?:(?!<\/rule>)[\s\S])*PBX to anywhere[\s\S]*?<\/rule>/, ''),
    );
    const fs = lintFixture(file, ['mitel-mx-one'], {
      phones: ['opt1'],
      audiences: ['pbx'],
      devices: ['h323'],
      pbx: '10.30.0.10',
    }).filter((x) => x.ruleId === 'FWL001' && x.requirement === 'mxone-ntp');
    expect(fs).toHaveLength(1);
    expect(fs[0]!.details).toContain(
      'tcp/udp 123 from PBX 10.30.0.10 to any Internet address: blocked entirely. Decided by the default policy',
    );
    expect(fs[0]!.details).toMatch(
      /Nothing allows it, so the default applies: add a rule on PBX \(opt2\), where it arrives, that allows it from PBX 10\.30\.0\.10\.$/,
    );
  });

  it("the default blocks a flow from the phones: their network's label names the interface already", () => {
    const file = editedFixture('fixtures/pfsense/rules/fwl001-ambiguous-direction.xml', (xml) =>
      xml.replace(/<rule>(?:(?!<\/rule>)[\s\S])*Phones to anywhere[\s\S]*?<\/rule>/, ''),
    );
    const fs = lintFixture(file, ['mitel-mx-one'], { phones: ['opt1'], devices: ['h323'], pbx: '10.30.0.10' });
    const f = fs.find((x) => x.ruleId === 'FWL001' && x.details?.includes('Decided by the default policy'));
    expect(f?.details).toMatch(
      /Nothing allows it, so the default applies: add a rule on VOICE \(opt1\) 10\.20\.0\.0\/24 that allows it\.$/,
    );
  });

  it('a subject that names the whole flow (FWL009): the details begin with a sentence, "Blocked entirely."', () => {
    const [f] = lintFixture('fixtures/pfsense/rules/fwl009-no-dns.xml', ['ipnordic']).filter(
      (x) => x.ruleId === 'FWL009',
    );
    expect(f?.message).toBe('DNS (udp 53) from VOICE (opt1) to any resolver is blocked by rule "No DNS for phones".');
    // Before: "blocked entirely. Decided by …", a sentence in lower case.
    expect(f?.details).toMatch(/^Blocked entirely\. Decided by rule "No DNS for phones" \(line 58\)\. /);
  });

  it('a rule the platform adds for a setting (FortiGate allowaccess without ping): change the setting', () => {
    const [f] = lintFixture('fixtures/fortigate/rules/fwl007-no-ping.conf', ['ipnordic']);
    expect(f!.ruleId).toBe('FWL007');
    expect(text(f!)).toContain(
      'requires ICMP from WAN: change the setting this line holds to allow ICMP echo to the WAN address; it is a ' +
        'platform setting, not a rule (`fwlint rules show FWL007` gives the steps for each platform).',
    );
    expect(text(f!)).not.toContain('before this rule');
  });

  it('an explicit chain policy is no rule to allow it before: add a rule', () => {
    const [f] = lintFixture('fixtures/nftables/rules/fwl007-no-ping.nft', ['ipnordic'], {
      phones: ['10.20.0.0/24@vlan20'],
      wan: ['wan0'],
    });
    expect(f!.ruleId).toBe('FWL007');
    expect(f!.fromDefault).toBeFalsy();
    expect(text(f!)).toContain('requires ICMP from WAN: add a rule on the WAN interface that allows ICMP echo');
    expect(text(f!)).not.toContain('before this rule');
  });

  it("FWL001's pfSense and OPNsense help name the floating non-quick case", () => {
    const fix = missingRequiredAllow.meta.help.fix;
    for (const v of [fix.pfsense, fix.opnsense])
      expect(v).toContain('a floating block without "Quick" loses to a quick pass anywhere or to a later pass');
  });
});

describe('the fix of a flow the default blocks names only the networks it blocks', () => {
  it('two phone networks, UDP blocked on VOICE2 only: the fix names VOICE2, not VOICE (review 24, item 17)', () => {
    // Before: "add a rule on VOICE (opt1) 10.20.0.0/24, VOICE2 (opt2) 10.30.0.0/24 that allows it".
    const fs = lintFixture('fixtures/pfsense/rules/fwl001-one-network-blocked.xml', ['ipnordic'], {
      phones: ['opt1', 'opt2'],
    }).filter((f) => f.ruleId === 'FWL001');
    expect(fs).toHaveLength(4);
    for (const f of fs) {
      expect(f.details).toContain('from VOICE2 (opt2) 10.30.0.0/24 to 185.72.208.0/22: blocked');
      expect(f.details).toMatch(/add a rule on VOICE2 \(opt2\) 10\.30\.0\.0\/24 that allows it\.$/);
      expect(text(f)).not.toContain('VOICE (opt1)');
    }
  });
});

describe('headlines of blocked flows keep the flow name whole and shorten the cause first', () => {
  it('nftables: every FWL001 headline names its flow whole (before: "Basic telephone functions…")', () => {
    const names = new Map(loadProfile('ipnordic').flows.map((f) => [f.id, f.description]));
    const fs = lintFixture('fixtures/nftables/rules/fwl001-two-tables.nft', ['ipnordic'], {
      phones: ['10.20.0.0/24@vlan20'],
      wan: ['wan0'],
    }).filter((x) => x.ruleId === 'FWL001');
    expect(fs.length).toBeGreaterThan(3);
    for (const f of fs) {
      const name = names.get(f.requirement!)!;
      // The name whole, or without its trailing parenthesis (a host name), never cut.
      expect(
        [name, name.replace(/\s+\([^()]*\)$/, '')].some((n) => f.message.includes(`"${n}"`)),
        f.message,
      ).toBe(true);
    }
    const tls = fs.find((x) => x.requirement === 'ipnordic-sip-tls');
    // A chain policy keeps its chain (two tables each have one) while the name can lose its parenthesis.
    expect(tls?.message).toBe(
      'Required flow "Basic telephone functions over TLS" is blocked by the inet fw forward chain policy.',
    );
  });

  it('one chain policy has one name in every headline of a run: a long flow name is cut, not the chain', () => {
    // Review 25 item 7: a headline too long for the chain's name said "by the chain policy" instead.
    const fs = lintFixture('fixtures/nftables/ipv6/dual-stack.nft', ['spectralink-versity'], {
      phones: ['10.40.0.0/24@vlan40', '2001:db8:40::/64@vlan40'],
      wan: ['wan0'],
    }).filter((x) => x.ruleId === 'FWL001');
    expect(fs.length).toBeGreaterThan(3);
    for (const f of fs) {
      expect(f.message).toMatch(/ is blocked for IPv6 by the inet filter forward chain policy\.$/);
      expect(f.message.length).toBeLessThanOrEqual(120);
    }
    const push = fs.find((x) => x.requirement === 'versity-google-push-in');
    // Cut before a parenthesis it would leave open.
    expect(push?.message).toBe(
      'Required flow "Google push notifications…" is blocked for IPv6 by the inet filter forward chain policy.',
    );
  });
});
