import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import { MAX_HEADLINE } from '../../src/lint/wording.js';
import { loadProfile } from '../../src/profiles/load.js';
import { allFixtures } from '../helpers/fixtures.js';

/** Issue 14: every message over every fixture and profile says what is wrong in one short sentence. */
const profiles = ['tele2-vaxel', 'ipnordic', 'spectralink-versity', 'mitel-mx-one', 'openscape-business'].map((p) =>
  loadProfile(p),
);
const runs: LintOptions[] = [
  { phones: [], wan: [], audiences: [], devices: [] },
  {
    phones: [],
    wan: [],
    pbx: '192.168.1.10',
    audiences: ['pc-software', 'wifi-calling', 'mobile-app', 'servers'],
    devices: ['snom', 'gigaset'],
  },
];

describe('finding messages over every fixture', () => {
  const findings = runs.flatMap((o) => lintFiles(allFixtures(), profiles, 'auto', o).report.findings);

  it(`start with one sentence of at most ${MAX_HEADLINE} characters`, () => {
    expect(findings.length).toBeGreaterThan(100);
    const long = [
      ...new Set(findings.filter((f) => f.message.length > MAX_HEADLINE).map((f) => `${f.ruleId} ${f.message}`)),
    ];
    expect(long).toEqual([]);
    const multi = findings.filter((f) => /[.!?]\s+[A-Z]/.test(f.message.replace(/"[^"]*"/g, '""')));
    expect(multi.map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
  });

  it('cut a long first sentence after a whole word, and keep all of it in the details', () => {
    const cut = findings.filter((f) => /…\.?$/.test(f.message));
    expect(cut.length).toBeGreaterThan(0);
    const lost = cut.filter((f) => {
      const stem = f.message.replace(/…\.?$/, '');
      const at = (f.details ?? '').indexOf(stem);
      return at < 0 || /\w/.test((f.details ?? '').charAt(at + stem.length));
    });
    expect(lost.map((f) => `${f.ruleId} ${f.message} || ${f.details ?? ''}`)).toEqual([]);
  });

  it('cite docs the user has, never the internal reference or [U] markers', () => {
    const bad = findings.filter((f) => /vendor-semantics|\[U\]/.test(`${f.message} ${f.details ?? ''}`));
    expect(bad.map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
  });

  it('summarise address ranges instead of listing them', () => {
    const lists = findings.filter((f) => /(\d+\.0\.0\.0\/8, ){3}/.test(`${f.message} ${f.details ?? ''}`));
    expect(lists.map((f) => `${f.ruleId} ${f.message} ${f.details ?? ''}`)).toEqual([]);
  });

  it('never tell the user to remove a default', () => {
    const bad = findings.filter(
      (f) => f.fromDefault && /\bremove (it|this rule)\b/i.test(`${f.message} ${f.details ?? ''}`),
    );
    expect(bad.map((f) => `${f.ruleId} ${f.message} ${f.details ?? ''}`)).toEqual([]);
  });
});
