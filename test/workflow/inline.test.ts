/** Inline suppressions in each vendor's own comment syntax, on the object the finding points at. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quoted, withoutDirective } from '../../parsers/toolkit/labels.js';
import type { FileSettings } from '../../src/config/settings.js';
import { lintRepo, repo } from './helpers.js';

interface Case {
  vendor: string;
  fixture: string;
  file: string;
  /** Rewrites the fixture so the object behind one FWL004 finding carries the directive. */
  annotate: (text: string, directive: string) => string;
  cli?: Partial<FileSettings>;
}

const cases: Case[] = [
  {
    vendor: 'RouterOS comment=',
    fixture: 'fixtures/mikrotik/rules/fwl004-forward-to-phone.rsc',
    file: 'router.rsc',
    annotate: (t, d) => t.replace('comment="SIP to reception phone"', `comment="SIP to reception phone ${d}"`),
  },
  {
    vendor: 'FortiGate set comment (VIP)',
    fixture: 'fixtures/fortigate/rules/fwl004-vip-to-phone.conf',
    file: 'fw.conf',
    annotate: (t, d) => t.replace('set comment "desk phone 50"', `set comment "desk phone 50 ${d}"`),
  },
  {
    vendor: 'nftables comment',
    fixture: 'fixtures/nftables/rules/fwl004-forward-to-phone.nft',
    file: 'ruleset.nft',
    annotate: (t, d) =>
      t.replace('tcp dport 8443 dnat to 10.20.0.10:443', `tcp dport 8443 dnat to 10.20.0.10:443 comment "${d}"`),
    cli: { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] },
  },
  {
    vendor: 'nftables # line above the rule',
    fixture: 'fixtures/nftables/rules/fwl004-forward-to-phone.nft',
    file: 'ruleset.nft',
    annotate: (t, d) =>
      t.replace('\t\t# expect: FWL004\n\t\tiifname $WAN tcp dport 8443', `\t\t# ${d}\n\t\tiifname $WAN tcp dport 8443`),
    cli: { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] },
  },
];

describe('inline fwlint-disable', () => {
  for (const c of cases) {
    it(`${c.vendor}: with a reason it suppresses that finding only; without one it is reported`, async () => {
      const src = readFileSync(c.fixture, 'utf8');
      const base = repo({ [c.file]: src }, { profiles: ['ipnordic'] });
      const before = (await lintRepo(base, [c.file], c.cli)).report.findings.filter((f) => f.ruleId === 'FWL004');
      expect(before.length).toBeGreaterThan(0);

      const ok = repo(
        { [c.file]: c.annotate(src, 'fwlint-disable FWL004 -- approved by the provider') },
        { profiles: ['ipnordic'] },
      );
      const after = (await lintRepo(ok, [c.file], c.cli)).report.findings.filter((f) => f.ruleId === 'FWL004');
      expect(
        after.filter((f) => f.suppressions?.[0]?.kind === 'inSource').map((f) => f.suppressions![0]!.justification),
      ).toEqual(['approved by the provider']);
      expect(after.filter((f) => !f.suppressions).length).toBe(before.length - 1);

      const bad = repo({ [c.file]: c.annotate(src, 'fwlint-disable FWL004') }, { profiles: ['ipnordic'] });
      const findings = (await lintRepo(bad, [c.file], c.cli)).report.findings;
      expect(findings.filter((f) => f.ruleId === 'FWL004' && !f.suppressions).length).toBe(before.length);
      expect(findings.some((f) => f.ruleId === 'FWL902')).toBe(true);
    });
  }
});

describe('rule names leave out the fwlint-disable directive of their comment', () => {
  const directive = 'fwlint-disable FWL007 -- PBX isolation, ticket 12';
  const named: { vendor: string; fixture: string; file: string; annotate: (t: string) => string; label: string }[] = [
    {
      vendor: 'RouterOS comment=',
      fixture: 'fixtures/mikrotik/rules/fwl001-blocked.rsc',
      file: 'router.rsc',
      annotate: (t) => t.replace('comment="block a slice of RTP"', `comment="block a slice of RTP ${directive}"`),
      label: 'rule "block a slice of RTP"',
    },
    {
      vendor: 'pfSense <descr>',
      fixture: 'fixtures/pfsense/rules/fwl001-blocked.xml',
      file: 'config.xml',
      annotate: (t) =>
        t.replace('<descr>Block a slice of RTP</descr>', `<descr>Block a slice of RTP ${directive}</descr>`),
      label: 'rule "Block a slice of RTP"',
    },
    {
      vendor: 'nftables comment',
      fixture: 'fixtures/nftables/rules/fwl001-two-tables.nft',
      file: 'ruleset.nft',
      annotate: (t) =>
        t.replace(
          'ip saddr $PHONES udp dport 10000-20000 drop',
          `ip saddr $PHONES udp dport 10000-20000 drop comment "guard slice ${directive}"`,
        ),
      label: 'rule "guard slice" in inet guard forward',
    },
  ];
  it('withoutDirective: the text before it, without separators; a comment that is only a directive stays', () => {
    expect(withoutDirective('drop rest; fwlint-disable FWL001 -- PBX isolation')).toBe('drop rest');
    expect(withoutDirective('# keep\nfwlint-disable FWL001 -- x\ndrop rest')).toBe('# keep\n\ndrop rest');
    expect(withoutDirective('fwlint-disable FWL001 -- x')).toBe('fwlint-disable FWL001 -- x');
    expect(withoutDirective('plain')).toBe('plain');
    expect(quoted(`${' '.repeat(100_000)}x fwlint-disable FWL001 -- y`)).toBe('"x"');
  });
  for (const c of named)
    it(`${c.vendor}: the finding names the rule by its comment without the directive`, async () => {
      const dir = repo({ [c.file]: c.annotate(readFileSync(c.fixture, 'utf8')) }, { profiles: ['ipnordic'] });
      const { report } = await lintRepo(dir, [c.file]);
      const fwl001 = report.findings.filter((f) => f.ruleId === 'FWL001');
      expect(fwl001.some((f) => f.message.includes(`by ${c.label}.`))).toBe(true);
      expect(fwl001.filter((f) => `${f.message} ${f.details ?? ''}`.includes('fwlint-disable'))).toEqual([]);
      expect(report.findings.filter((f) => f.ruleId === 'FWL902')).toEqual([]); // the directive is still read
    });
});
