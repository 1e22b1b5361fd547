import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/model/redact.js';
import { runCli } from '../helpers/cli.js';

/** `nft -j` writes a whole ruleset on one line; a quote of a rule must not be that line. */
describe('evidence quotes of one-line JSON', () => {
  it('quote at most 200 characters around the cause, with the cut marked', async () => {
    const file = 'fixtures/nftables/twin/ruleset-oneline.json';
    const run = await runCli([
      'lint',
      file,
      '--profile',
      'ipnordic',
      '--phones',
      '10.20.0.0/24@vlan20',
      '--wan',
      'wan0',
      '--fail-on',
      'none',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as {
      findings: { quote?: string }[];
      requirements?: { evidence: { quote?: string }[] }[];
    };
    const quotes = [
      ...report.findings.map((f) => f.quote),
      ...(report.requirements ?? []).flatMap((v) => v.evidence.map((e) => e.quote)),
    ].filter((q): q is string => q !== undefined);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) {
      expect(q.length).toBeLessThanOrEqual(202);
      expect(q.startsWith('…') && q.endsWith('…')).toBe(true);
    }
    // The cut starts where the cause does: the object of the rule that decided.
    expect(quotes.some((q) => q.startsWith('…{"family": "inet", "table": '))).toBe(true);
  });

  it('keeps the nft vocabulary of "key" readable and still redacts a secret "key"', () => {
    expect(redact('{"meta": {"key": "iifname"}}')).toBe('{"meta": {"key": "iifname"}}');
    expect(redact('{"ct": {"key": "state"}}')).toBe('{"ct": {"key": "state"}}');
    expect(redact('{"key": "Sup3rSecretKey"}')).toBe('{"key": "[redacted]"}');
    expect(redact('{"psk": "iifname"}')).toBe('{"psk": "[redacted]"}');
  });
});

/** Compact XML (no whitespace between elements) holds no spaces to cut at: tags are the boundaries. */
describe('evidence quotes of one-line XML', () => {
  it('quotes a rule written on one line, from its start tag, not "… …"', async () => {
    const src = readFileSync('fixtures/pfsense/rules/fwl003-statetimeout-both-long.xml', 'utf8');
    // The phones' rule on one line, as compact exports write it; its <statetimeout> is the pass evidence.
    const oneLine = src.replace(/<rule>(?:(?!<\/rule>)[\s\S])*Phones to anywhere[\s\S]*?<\/rule>/, (r) =>
      r.replace(/\n\s*/g, ''),
    );
    expect(oneLine).not.toBe(src);
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-quote-'));
    try {
      const file = join(dir, 'compact.xml');
      writeFileSync(file, oneLine);
      const run = await runCli(['lint', file, '--profile', 'ipnordic', '--fail-on', 'none', '--format', 'json']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.out) as { requirements?: { id: string; evidence: { quote?: string }[] }[] };
      const timeout = report.requirements?.find((v) => v.id === 'ipnordic-udp-timeout');
      const quotes = (timeout?.evidence ?? []).map((e) => e.quote ?? '');
      const rule = quotes.find((q) => q.includes('<statetimeout>600</statetimeout><descr>Phones'));
      expect(rule, quotes.join(' | ')).toBeDefined();
      expect(rule?.startsWith('<rule><type>pass</type>'), rule).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Review 26 item 7: empty pfSense elements were left out of quotes, but some are the setting itself:
 * `<not></not>` quoted away showed "a rule to the provider" for one to everything but the provider.
 */
describe('evidence quotes of pfSense rules keep presence-only elements', () => {
  it('keeps <not>, <any> and <quick>, and still leaves out empty elements that say nothing', async () => {
    const run = await runCli([
      'lint',
      'fixtures/pfsense/quote/presence-flags.xml',
      '--profile',
      'ipnordic',
      '--phones',
      'lan',
      '--fail-on',
      'none',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as { requirements: { id: string; evidence: { quote?: string }[] }[] };
    const quote = (id: string) => report.requirements.find((v) => v.id === id)?.evidence.find((e) => e.quote)?.quote;
    expect(quote('ipnordic-dns')).toContain('<address>185.72.208.0/22</address>\n\t\t<not></not>\n\t</destination>');
    const ping = quote('ipnordic-icmp-from-wan') ?? '';
    expect(ping).toContain('<floating>yes</floating>\n\t<quick></quick>');
    expect(ping).toContain('<source>\n\t\t<any></any>\n\t</source>');
    expect(ping).not.toContain('<tag></tag>');
  });
});
