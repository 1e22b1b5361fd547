import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Report } from '../../src/model/report.js';
import { loadProfile } from '../../src/profiles/load.js';
import { toJsonReport } from '../../src/reporters/json.js';

/**
 * Review 24, item 16: Mitel MX-ONE's H.225.0 RAS rows say "MX-ONE> VoIP Clients" in the Direction
 * column and "Registration and Admission ... Reports to the MX-ONE" in the Usage column. The profile
 * marks such flows with `ambiguousDirection`; FWL001 judges them both ways: pass when both pass, fail
 * when both fail, uncertain (quoting the document) when only one way is allowed. The fixture allows
 * UDP 1718-1719 from the phones to the MX-ONE only and TCP 3727 from the MX-ONE to the phones only.
 */

const FIXTURE = 'fixtures/pfsense/rules/fwl001-ambiguous-direction.xml';
const opts: LintOptions = { phones: ['opt1'], wan: [], audiences: [], devices: ['h323'], pbx: '10.30.0.10' };
const QUOTE =
  '"MX-ONE> VoIP Clients | Registration and Admission to make/receive calls. To send Status and Quality Reports to the MX-ONE."';

function lint(file: string): Report {
  const { report, failed } = lintFiles([file], [loadProfile('mitel-mx-one')], 'auto', opts);
  expect(failed).toEqual([]);
  return report;
}

/** The fixture with `edit` applied, written to a temporary file. */
function variant(name: string, edit: (xml: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwlint-ambiguous-'));
  const file = join(dir, name);
  writeFileSync(file, edit(readFileSync(FIXTURE, 'utf8')));
  return file;
}

const verdict = (r: Report, id: string) => toJsonReport(r).requirements.find((v) => v.id === id);
const fwl001 = (r: Report, id: string) => r.findings.filter((f) => f.ruleId === 'FWL001' && f.requirement === id);

describe('a flow whose direction the document leaves ambiguous is judged both ways', () => {
  it('allowed as stated (phones to the MX-ONE), blocked reversed: uncertain, not pass', () => {
    // Before: mxone-h323-ras "pass" (only the stated direction was evaluated).
    const r = lint(FIXTURE);
    const v = verdict(r, 'mxone-h323-ras');
    expect(v?.status).toBe('uncertain');
    expect(v?.why).toBe(
      'uncertain: Required flow "H.225.0 RAS from H.323 phones to…" is blocked inbound, allowed outbound: ' +
        'its direction is ambiguous.',
    );
    const [f, ...more] = fwl001(r, 'mxone-h323-ras');
    expect(more).toEqual([]);
    expect(f).toMatchObject({ uncertain: true, level: 'warning', loc: { line: 80 } });
    expect(f?.details).toContain(`The document is ambiguous about its direction: ${QUOTE}`);
    expect(f?.details).toContain('Allowed outbound: udp 1718-1719 from VOICE (opt1) 10.20.0.0/24 to 10.30.0.10.');
    expect(f?.details).toContain('udp 1718-1719 from 10.30.0.10 to VOICE (opt1) 10.20.0.0/24: blocked entirely.');
  });

  it('blocked as stated, allowed reversed (the MX-ONE to the phones): uncertain, not fail', () => {
    // Before: mxone-h323-ras-tls "fail", an error-free warning with no word of the ambiguity.
    const r = lint(FIXTURE);
    expect(verdict(r, 'mxone-h323-ras-tls')?.status).toBe('uncertain');
    const [f] = fwl001(r, 'mxone-h323-ras-tls');
    expect(f).toMatchObject({ uncertain: true, loc: { line: 62 } });
    expect(f?.message).toContain('is blocked outbound, allowed inbound: its direction is ambiguous.');
    expect(f?.details).toContain('Allowed inbound: tcp 3727 from 10.30.0.10 to VOICE (opt1) 10.20.0.0/24.');
  });

  it('allowed both ways: pass, saying both ways were checked', () => {
    const file = variant('open.xml', (x) =>
      x.replace(/\s*<!-- expect: FWL001 -->\s*<rule>\s*<type>block<\/type>[\s\S]*?<\/rule>/g, ''),
    );
    const r = lint(file);
    for (const id of ['mxone-h323-ras', 'mxone-h323-ras-tls']) {
      expect(verdict(r, id)?.status, id).toBe('pass');
      expect(verdict(r, id)?.why, id).toContain('(both ways: the document is ambiguous about its direction).');
    }
    expect(r.findings.filter((f) => f.ruleId === 'FWL001')).toEqual([]);
  });

  it('blocked both ways: fail, the stated direction reported, saying the reverse is blocked too', () => {
    const both = (x: string) =>
      x
        .replace('<port>3727</port>', '<port>1718-3727</port>')
        .replace('<protocol>tcp</protocol>', '<protocol>tcp/udp</protocol>')
        .replace('<port>1718-1719</port>', '<port>1718-3727</port>')
        .replace('<protocol>udp</protocol>', '<protocol>tcp/udp</protocol>');
    const r = lint(variant('closed.xml', both));
    for (const id of ['mxone-h323-ras', 'mxone-h323-ras-tls']) {
      expect(verdict(r, id)?.status, id).toBe('fail');
      const [f, ...more] = fwl001(r, id);
      expect(more).toEqual([]);
      expect(f?.uncertain).toBeFalsy();
      expect(f?.details).toContain(`The document is ambiguous about its direction: ${QUOTE}`);
      expect(f?.details).toMatch(/; inbound, it is blocked too: (udp 1718-1719|tcp 3727) from 10\.30\.0\.10 to VOICE/);
    }
  });
});
