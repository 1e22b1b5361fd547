import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfig, loadConfig, settingsFor } from '../../src/config/load.js';
import { compileGlob } from '../../src/config/glob.js';
import { exitCode } from '../../src/cli/lint.js';
import { writeStarterConfig } from '../../src/cli/init.js';
import { UsageError } from '../../src/model/errors.js';
import { lintRepo, repo } from './helpers.js';

const R = 'fixtures/pfsense/rules';
const ids = (fs: { ruleId: string; suppressions?: unknown[] }[]) =>
  fs
    .filter((f) => !f.suppressions?.length)
    .map((f) => f.ruleId)
    .sort();

describe('globs', () => {
  it('match like .gitignore: slash-less patterns at any depth, ** across folders', () => {
    expect(compileGlob('site-a/**')('site-a/fw/config.xml')).toBe(true);
    expect(compileGlob('site-a/**')('site-b/config.xml')).toBe(false);
    expect(compileGlob('*.xml')('deep/down/config.xml')).toBe(true);
    expect(compileGlob('sites/*/config.xml')('sites/a/config.xml')).toBe(true);
    expect(compileGlob('sites/*/config.xml')('sites/a/b/config.xml')).toBe(false);
    expect(compileGlob('**/*.{xml,rsc}')('a/b.rsc')).toBe(true);
  });
});

describe('config discovery and precedence', () => {
  it('is found from the working directory upwards, .fwlintrc.json too', () => {
    const dir = repo({ 'a/config.xml': `${R}/clean.xml` }, { profiles: ['ipnordic'] });
    mkdirSync(join(dir, 'a', 'deeper'));
    expect(findConfig(join(dir, 'a', 'deeper'))).toBe(join(dir, 'fwlint.config.json'));
    const rc = repo({}, undefined);
    writeFileSync(join(rc, '.fwlintrc.json'), '{"profiles":["ipnordic"]}');
    expect(findConfig(rc)).toBe(join(rc, '.fwlintrc.json'));
  });
  it('applies overrides by glob, later ones winning, and CLI flags over everything', () => {
    const dir = repo(
      {},
      {
        profiles: ['ipnordic'],
        phones: ['opt1'],
        overrides: [
          { files: ['site-a/**'], profiles: ['tele2-vaxel'], rules: { FWL007: 'off' } },
          { files: ['site-a/hq/**'], phones: ['10.20.0.0/24@opt1'], rules: { 'wan-icmp-blocked': 'error' } },
        ],
      },
    );
    const c = loadConfig(join(dir, 'fwlint.config.json'), dir);
    expect(settingsFor(c, join(dir, 'site-b/x.xml'), {})).toMatchObject({
      profiles: ['ipnordic'],
      phones: ['opt1'],
      rules: {},
    });
    expect(settingsFor(c, join(dir, 'site-a/x.xml'), {})).toMatchObject({
      profiles: ['tele2-vaxel'],
      rules: { FWL007: 'off' },
    });
    expect(settingsFor(c, join(dir, 'site-a/hq/x.xml'), {})).toMatchObject({
      profiles: ['tele2-vaxel'],
      phones: ['10.20.0.0/24@opt1'],
      rules: { FWL007: 'error' },
    });
    expect(settingsFor(c, join(dir, 'site-a/hq/x.xml'), { profiles: ['mitel-mx-one'], phones: [] })).toMatchObject({
      profiles: ['mitel-mx-one'],
      phones: ['10.20.0.0/24@opt1'],
    });
  });
  it('names the key, the file and the line of a bad config', () => {
    const dir = repo({}, '{\n  "profiles": ["ipnordic"],\n  "rules": { "FWL007": "loud" }\n}\n');
    expect(() => loadConfig(join(dir, 'fwlint.config.json'), dir)).toThrow(
      /^fwlint\.config\.json:3:\d+: \/rules\/FWL007: must be equal to one of the allowed values/,
    );
    const unknown = repo({}, { profiles: ['ipnordic'], colour: true });
    expect(() => loadConfig(join(unknown, 'fwlint.config.json'), unknown)).toThrow(
      /\/: must NOT have additional properties 'colour'/,
    );
    const broken = repo({}, '{ "profiles": [ }');
    expect(() => loadConfig(join(broken, 'fwlint.config.json'), broken)).toThrow(
      /^fwlint\.config\.json:1:\d+: not valid JSON/,
    );
    const noRule = repo({}, { rules: { FWL999: 'off' } });
    expect(() => loadConfig(join(noRule, 'fwlint.config.json'), noRule)).toThrow(UsageError);
  });
  it('requires a reason on every ignore entry', () => {
    const dir = repo({}, { profiles: ['ipnordic'], ignore: [{ rule: 'FWL004' }] });
    expect(() => loadConfig(join(dir, 'fwlint.config.json'), dir)).toThrow(
      /\/ignore\/0: must have required property 'reason'/,
    );
    const blank = repo({}, { profiles: ['ipnordic'], ignore: [{ rule: 'FWL004', reason: '   ' }] });
    expect(() => loadConfig(join(blank, 'fwlint.config.json'), blank)).toThrow(/a reason is required/);
  });
  it('turns rules off and changes levels per override', async () => {
    const dir = repo(
      { 'a/config.xml': `${R}/fwl007-no-ping.xml`, 'b/config.xml': `${R}/fwl007-no-ping.xml` },
      {
        profiles: ['ipnordic'],
        overrides: [
          { files: ['a/**'], rules: { FWL007: 'off' } },
          { files: ['b/**'], rules: { FWL007: 'error' } },
        ],
      },
    );
    const { report } = await lintRepo(dir, ['a/config.xml', 'b/config.xml']);
    expect(report.findings.map((f) => `${f.loc.file} ${f.ruleId} ${f.level}`)).toEqual(['b/config.xml FWL007 error']);
  });
});

describe('fwlint init', () => {
  it("writes overrides that do not overlap: a parent folder's settings never reach a subfolder's files", async () => {
    const dir = repo({
      'sites/a/b/router.rsc': 'fixtures/mikrotik/terse-v7.rsc',
      'sites/a/my site.nft': 'fixtures/nftables/wireguard-site.nft',
      'z/fw.xml': `${R}/clean.xml`,
    });
    writeStarterConfig(dir, false);
    const path = join(dir, 'fwlint.config.json');
    const doc = JSON.parse(readFileSync(path, 'utf8')) as {
      overrides: { $comment: string; files: string[]; phones: string[]; profiles?: string[]; wan?: string[] }[];
    };
    expect(doc.overrides.map((o) => o.files)).toEqual([['sites/a/*'], ['sites/a/b/**'], ['z/**']]);
    expect(doc.overrides[0]!.$comment).toContain('covers only the files directly in sites/a/');
    // Filled in as the comments ask: each site its provider and phones; the RouterOS site sets no profile.
    for (const o of doc.overrides) {
      if (o.$comment.includes('(nftables)'))
        Object.assign(o, { profiles: ['spectralink-versity'], phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] });
      if (o.$comment.includes('(mikrotik)')) o.phones = ['vlan20-voice'];
    }
    writeFileSync(path, JSON.stringify(doc, null, 2));
    const c = loadConfig(path, dir);
    expect(settingsFor(c, join(dir, 'sites/a/b/router.rsc'), {})).toMatchObject({
      profiles: ['ipnordic'],
      phones: ['vlan20-voice'],
      wan: [],
    });
    expect(settingsFor(c, join(dir, 'sites/a/my site.nft'), {})).toMatchObject({
      profiles: ['spectralink-versity'],
      phones: ['10.20.0.0/24@vlan20'],
    });
    // Before, the nftables site's phones (no interface vlan20 in the RouterOS file) made this exit 2.
    const { failed } = await lintRepo(dir, ['sites/a/b/router.rsc', 'sites/a/my site.nft', 'z/fw.xml']);
    expect(failed).toEqual([]);
  });
});

describe('suppressions', () => {
  it('config ignore with reason: kept as suppressed, not in the exit code', async () => {
    const dir = repo(
      { 'site-a/config.xml': `${R}/fwl004-forward-to-phone.xml` },
      {
        profiles: ['ipnordic'],
        ignore: [
          {
            rule: 'port-forward-to-phone',
            files: ['site-a/**'],
            match: 'Phone web UI',
            reason: 'vendor support access, ticket 42',
            expires: '2026-12-31',
          },
        ],
      },
    );
    const { report, failed } = await lintRepo(dir, ['site-a/config.xml']);
    const fwd = report.findings.filter((f) => f.ruleId === 'FWL004');
    expect(fwd.map((f) => f.suppressions?.[0]?.justification ?? 'active')).toEqual([
      'vendor support access, ticket 42',
      'active',
    ]);
    expect(fwd[0]!.suppressions![0]).toMatchObject({ kind: 'external', source: 'fwlint.config.json:6' });
    expect(exitCode(report, failed, 'warning')).toBe(1); // the other forward and FWL010 remain
  });
  it('a suppressed finding does not affect the exit code', async () => {
    const dir = repo(
      { 'c.xml': `${R}/fwl007-no-ping.xml` },
      { profiles: ['ipnordic'], ignore: [{ rule: 'FWL007', reason: 'provider does not monitor this site' }] },
    );
    const { report, failed } = await lintRepo(dir, ['c.xml']);
    expect(report.findings.map((f) => [f.ruleId, !!f.suppressions])).toEqual([['FWL007', true]]);
    expect(exitCode(report, failed, 'note')).toBe(0);
  });
  it('an expired entry stops suppressing and is reported at its line', async () => {
    const dir = repo(
      { 'c.xml': `${R}/fwl007-no-ping.xml` },
      { profiles: ['ipnordic'], ignore: [{ rule: 'FWL007', reason: 'temporary', expires: '2026-01-31' }] },
    );
    const { report } = await lintRepo(dir, ['c.xml'], {}, { today: '2026-02-01' });
    expect(ids(report.findings)).toEqual(['FWL007', 'FWL902']);
    const e = report.findings.find((f) => f.ruleId === 'FWL902')!;
    expect(e.loc).toMatchObject({ file: 'fwlint.config.json', line: 6 });
    expect(`${e.message} ${e.details ?? ''}`).toContain('expired on 2026-01-31');
    // the last day still counts
    const onTime = await lintRepo(dir, ['c.xml'], {}, { today: '2026-01-31' });
    expect(ids(onTime.report.findings)).toEqual([]);
  });
  it('an entry that matches nothing is reported as stale', async () => {
    const dir = repo(
      { 'c.xml': `${R}/clean.xml`, 'd/e.xml': `${R}/fwl007-no-ping.xml` },
      {
        profiles: ['ipnordic'],
        ignore: [
          { rule: 'FWL004', reason: 'old forward', files: ['c.xml'] },
          { rule: 'FWL007', reason: 'not monitored', files: ['c.xml'] },
          { rule: 'FWL007', reason: 'not monitored', files: ['d/**'] },
        ],
      },
    );
    const { report } = await lintRepo(dir, ['c.xml', 'd/e.xml']);
    expect(report.findings.map((f) => [f.ruleId, f.loc.line, !!f.suppressions])).toEqual([
      ['FWL007', 39, true],
      ['FWL902', 6, false],
      ['FWL902', 13, false],
    ]);
  });
  it('match searches the details too (the networks, ports and objects the report prints under the message)', async () => {
    const dir = repo(
      { 'site.xml': `${R}/fwl001-blocked.xml` },
      {
        profiles: ['ipnordic'],
        ignore: [
          { rule: 'FWL001', match: 'blocked for port 20000-20010', reason: 'RTP slice used by the fax gateway' },
        ],
      },
    );
    const { report } = await lintRepo(dir, ['site.xml']);
    const accepted = report.findings.filter((f) => f.suppressions?.length);
    expect(accepted.map((f) => f.message)).toEqual([
      'Required flow "Basic telephone functions (sound): RTP media" is blocked by rule "Block a slice of RTP".',
    ]);
    expect(accepted[0]!.message).not.toContain('20000-20010');
    expect(report.findings.filter((f) => f.ruleId === 'FWL902')).toEqual([]);
  });
  it('judges an entry only when its files are in the run (pre-commit passes the staged files only)', async () => {
    const dir = repo(
      { 'site-a/config.xml': `${R}/fwl007-no-ping.xml`, 'site-b/config.xml': `${R}/clean.xml` },
      {
        profiles: ['ipnordic'],
        ignore: [
          { rule: 'FWL007', files: ['site-a/**'], reason: 'provider does not monitor this site' },
          { rule: 'FWL004', files: ['site-b/**'], reason: 'old forward', expires: '2026-01-31' },
          { rule: 'FWL003', files: ['site-b/**', 'site-c/**'], reason: 'timeouts set by the provider' },
          { rule: 'FWL010', reason: 'applies to every site' },
        ],
      },
    );
    // Lines of the entries in the config file: 6, 13, 21, 29.
    const problems = (fs: { ruleId: string; loc: { line: number } }[]) =>
      fs.filter((f) => f.ruleId === 'FWL902').map((f) => f.loc.line);
    const today = { today: '2026-02-01' };
    // Only site-a: its entry suppresses; site-b's expired and unused entries are not judged; the entry
    // without files applies to every file, so it is judged (stale) whenever a file is linted.
    const a = await lintRepo(dir, ['site-a/config.xml'], {}, today);
    expect(a.report.findings.map((f) => [f.ruleId, !!f.suppressions])).toEqual([
      ['FWL902', false],
      ['FWL007', true],
    ]);
    expect(problems(a.report.findings)).toEqual([29]);
    // Only site-b, from its folder (`fwlint lint config.xml` in a subfolder): site-a's entry is not stale.
    const b = await lintRepo(dir, ['config.xml'], {}, { ...today, cwd: join(dir, 'site-b') });
    expect(problems(b.report.findings)).toEqual([13, 21, 29]);
    // Everything: every entry is judged.
    const all = await lintRepo(dir, ['site-a/config.xml', 'site-b/config.xml'], {}, today);
    expect(problems(all.report.findings)).toEqual([13, 21, 29]);
    expect(all.report.findings.find((f) => f.ruleId === 'FWL007')?.suppressions).toBeDefined();
  });
  it('pfSense inline: fwlint-disable in <descr> with a reason suppresses; without one it is reported', async () => {
    const src = readFileSync(`${R}/fwl004-forward-to-phone.xml`, 'utf8');
    const withReason = src.replace(
      '<descr>Phone web UI</descr>',
      '<descr>Phone web UI fwlint-disable FWL004 -- support access until the phone is replaced</descr>',
    );
    const noReason = src.replace('<descr>Phone web UI</descr>', '<descr>Phone web UI fwlint-disable FWL004</descr>');
    const dir = repo({ 'ok.xml': withReason, 'bad.xml': noReason }, { profiles: ['ipnordic'] });
    const ok = (await lintRepo(dir, ['ok.xml'])).report.findings;
    const sup = ok.find((f) => f.ruleId === 'FWL004' && f.suppressions)!;
    expect(sup.suppressions![0]).toMatchObject({
      kind: 'inSource',
      justification: 'support access until the phone is replaced',
    });
    expect(ok.filter((f) => f.ruleId === 'FWL004' && !f.suppressions).length).toBe(1);
    const bad = (await lintRepo(dir, ['bad.xml'])).report.findings;
    expect(bad.filter((f) => f.ruleId === 'FWL004' && !f.suppressions).length).toBe(2);
    expect(bad.find((f) => f.ruleId === 'FWL902')!.message).toContain('without a reason suppresses nothing');
  });
});
