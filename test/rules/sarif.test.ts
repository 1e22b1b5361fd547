import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { allFixtures } from '../helpers/fixtures.js';
import { ensureMultitoolExecutable, validateSarif } from '../helpers/sarif-validator.js';

/** How many fixtures each vendor folder holds at least, and how many findings one run over them gives at least. */
const VENDORS: Record<string, { fixtures: number; findings: number }> = {
  pfsense: { fixtures: 25, findings: 50 },
  fortigate: { fixtures: 22, findings: 50 },
  mikrotik: { fixtures: 16, findings: 51 },
  nftables: { fixtures: 19, findings: 101 },
};
const PROFILES = ['tele2-vaxel', 'ipnordic', 'spectralink-versity', 'mitel-mx-one', 'openscape-business'];

describe('SARIF of every fixture passes the official validator (GitHub rules)', () => {
  for (const [vendor, min] of Object.entries(VENDORS)) {
    it(`one run over every ${vendor} fixture and every profile: no errors, no warnings`, () => {
      const fixtures = allFixtures(`fixtures/${vendor}`);
      expect(fixtures.length).toBeGreaterThanOrEqual(min.fixtures);
      ensureMultitoolExecutable();
      const { report, failed } = lintFiles(
        fixtures,
        PROFILES.map((p) => loadProfile(p)),
        'auto',
        {
          phones: [],
          wan: [],
          devices: [],
          pbx: '192.168.1.10',
          audiences: ['pc-software', 'wifi-calling'],
        },
      );
      expect(failed).toEqual([]);
      expect(report.findings.length).toBeGreaterThanOrEqual(min.findings);
      const file = join(mkdtempSync(join(tmpdir(), `fwlint-sarif-${vendor}-`)), `${vendor}.sarif`);
      writeFileSync(file, formatSarif(report));
      const v = validateSarif(file);
      expect(v.errors).toEqual([]);
      expect(v.warnings).toEqual([]);
    }, 60_000);
  }
});
