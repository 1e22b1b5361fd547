import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCode } from '../../src/cli/lint.js';
import { fingerprint } from '../../src/reporters/fingerprint.js';
import type { Finding } from '../../src/model/finding.js';
import { writeBaseline } from '../../src/suppress/baseline.js';
import { lintRepo, repo } from './helpers.js';

const R = 'fixtures/pfsense/rules';

interface BaselineEntry {
  fingerprint: string;
  blockedEntirely?: number;
}

describe('baselines', () => {
  it('records findings and reports only new ones; baselined ones appear as suppressed', async () => {
    const dir = repo({ 'site.xml': `${R}/fwl001-blocked.xml` }, { profiles: ['ipnordic'] });
    const first = await lintRepo(dir, ['site.xml']);
    const base = join(dir, 'fwlint-baseline.json');
    expect(writeBaseline(base, first.report.findings)).toBe(first.report.findings.length);

    // Unrelated lines inserted above every finding: all stay baselined, fingerprints unchanged.
    const text = readFileSync(join(dir, 'site.xml'), 'utf8');
    writeFileSync(
      join(dir, 'site.xml'),
      text.replace('<system>', '<system>\n    <timezone>Etc/UTC</timezone>\n    <language>en_US</language>'),
    );
    const moved = await lintRepo(dir, ['site.xml'], {}, { baseline: base });
    expect(moved.report.findings.map((f) => f.loc.line)).toEqual(first.report.findings.map((f) => f.loc.line + 2));
    expect(moved.report.findings.map(fingerprint)).toEqual(first.report.findings.map(fingerprint));
    expect(moved.report.findings.every((f) => f.suppressions?.[0]?.source === `baseline ${base}`)).toBe(true);
    expect(exitCode(moved.report, moved.failed, 'note')).toBe(0);

    // A new problem is reported.
    writeFileSync(
      join(dir, 'site.xml'),
      readFileSync(join(dir, 'site.xml'), 'utf8').replace('<optimization>conservative</optimization>', ''),
    );
    const fresh = await lintRepo(dir, ['site.xml'], {}, { baseline: base });
    expect(fresh.report.findings.filter((f) => !f.suppressions).map((f) => f.ruleId)).toEqual(['FWL003']);
    expect(exitCode(fresh.report, fresh.failed, 'error')).toBe(1);
  });
  it('reports again a finding whose flow went from blocked in part to blocked entirely', async () => {
    // A tracker, as pfSense writes on every rule: the rule keeps its identity when its ports change.
    const site = readFileSync(`${R}/fwl001-blocked.xml`, 'utf8').replace(
      '<descr>Block a slice of RTP</descr>',
      '<descr>Block a slice of RTP</descr>\n      <tracker>1700000001</tracker>',
    );
    const dir = repo({ 'site.xml': site }, { profiles: ['ipnordic'] });
    const first = await lintRepo(dir, ['site.xml']);
    const base = join(dir, 'fwlint-baseline.json');
    writeBaseline(base, first.report.findings);
    const rtp = (fs: Finding[]) => fs.find((f) => f.message.includes('RTP media'))!;
    expect(rtp(first.report.findings).details).toContain('blocked for port 20000-20010.');
    const entry = (JSON.parse(readFileSync(base, 'utf8')) as { findings: BaselineEntry[] }).findings.find(
      (e) => e.fingerprint === fingerprint(rtp(first.report.findings)),
    );
    expect(entry?.blockedEntirely).toBe(0);

    // The same rule now blocks all of RTP: the same cause, so the same fingerprint.
    const text = readFileSync(join(dir, 'site.xml'), 'utf8');
    writeFileSync(join(dir, 'site.xml'), text.replace('<port>20000-20010</port>', '<port>10000-65000</port>'));
    const worse = await lintRepo(dir, ['site.xml'], {}, { baseline: base });
    const now = rtp(worse.report.findings);
    expect(fingerprint(now)).toBe(entry?.fingerprint);
    expect(now.suppressions).toBeUndefined();
    expect(now.details).toBe(
      `Worse than when baseline ${base} accepted it: no flow was blocked entirely then, 1 flow is now. ` +
        'udp 10000-65000 from VOICE (opt1) 10.20.0.0/24 to 185.72.208.0/22: blocked entirely. ' +
        'Decided by rule "Block a slice of RTP" (line 59). Allow it before this rule or narrow this rule.',
    );
    expect(exitCode(worse.report, worse.failed, 'error')).toBe(1);
    // Nothing else got worse: the other findings stay accepted.
    expect(worse.report.findings.filter((f) => !f.suppressions).map((f) => f.message)).toEqual([now.message]);

    // A baseline written by an older fwlint (no blockedEntirely) keeps accepting it, as it did.
    const old = JSON.parse(readFileSync(base, 'utf8')) as { findings: Partial<BaselineEntry>[] };
    for (const e of old.findings) delete e.blockedEntirely;
    writeFileSync(base, JSON.stringify(old));
    const older = await lintRepo(dir, ['site.xml'], {}, { baseline: base });
    expect(older.report.findings.every((f) => f.suppressions?.length)).toBe(true);

    // Recorded as it is now, it is accepted again.
    writeBaseline(base, (await lintRepo(dir, ['site.xml'])).report.findings);
    const again = await lintRepo(dir, ['site.xml'], {}, { baseline: base });
    expect(again.report.findings.every((f) => f.suppressions?.length)).toBe(true);
  });
  it('counts flows blocked entirely from the finding, not from words of its rule names', async () => {
    // The blocking rule's own description says "blocked entirely": before, the count was read from the
    // details' wording, so this rule's name made a flow blocked in part count as blocked entirely.
    const site = readFileSync(`${R}/fwl001-blocked.xml`, 'utf8').replace(
      '<descr>Block a slice of RTP</descr>',
      '<descr>RTP blocked entirely for tests</descr>',
    );
    const dir = repo({ 'site.xml': site }, { profiles: ['ipnordic'] });
    const { findings } = (await lintRepo(dir, ['site.xml'])).report;
    const rtp = findings.find((f) => f.message.includes('RTP media'))!;
    expect(rtp.details).toContain('blocked for port 20000-20010.');
    expect(rtp.details).toContain('"RTP blocked entirely for tests"');
    expect(rtp.blockedEntirely).toBe(0);
    const base = join(dir, 'fwlint-baseline.json');
    writeBaseline(base, findings);
    const entry = (JSON.parse(readFileSync(base, 'utf8')) as { findings: BaselineEntry[] }).findings.find(
      (e) => e.fingerprint === fingerprint(rtp),
    );
    expect(entry?.blockedEntirely).toBe(0);
  });
  it('refuses a file that is not a baseline', async () => {
    const dir = repo({ 'site.xml': `${R}/clean.xml` }, { profiles: ['ipnordic'] });
    writeFileSync(join(dir, 'b.json'), '{"findings": 3}');
    await expect(lintRepo(dir, ['site.xml'], {}, { baseline: join(dir, 'b.json') })).rejects.toThrow(
      /not an fwlint baseline/,
    );
  });
});
