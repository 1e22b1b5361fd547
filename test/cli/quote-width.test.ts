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
