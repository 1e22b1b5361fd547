/**
 * Issue 10: RouterOS scripts and hand-edited exports (`:foreach`, `{ … }` blocks, `source={` spanning
 * lines, `[find …]`, stray prose) are reported once per block as FWL900, and the commands around
 * them are still read.
 */
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';

const FILE = 'fixtures/regressions/mikrotik/script-blocks.rsc';
const opts = { phones: [], wan: [], audiences: [], devices: [] };

describe('RouterOS scripts in an export', () => {
  const { report, failed } = lintFiles([FILE], [loadProfile('ipnordic')], 'auto', opts, process.cwd());
  const fwl900 = report.findings.filter((f) => f.ruleId === 'FWL900');

  it('is read, not refused', () => {
    expect(failed).toEqual([]);
  });

  it('reports each block once, at its first line', () => {
    // Script statements share one reason, so they are one FWL900 with the other places related.
    expect(fwl900.map((f) => f.loc.line)).toEqual([6, 15, 20]);
    expect(fwl900.flatMap((f) => [f.loc.line, ...(f.related ?? []).map((r) => r.loc.line)])).toEqual([
      6, 10, 16, 15, 20,
    ]);
    const block = fwl900.find((f) => f.loc.line === 20);
    expect(`${block?.message} ${block?.details}`).toMatch(/script block.*spanning lines/);
  });

  it('quotes no script text (a block may hold secrets)', () => {
    for (const f of fwl900) expect(`${f.message} ${f.details ?? ''}`).not.toMatch(/:local x|removed|hi"/);
  });

  it('still reads the commands after the blocks (masquerade on ether1 makes it the WAN)', () => {
    expect(report.notifications.map((n) => n.message).join('\n')).toMatch(
      /ether1 \(out-interface of masquerade at line 18\)/,
    );
  });
});
