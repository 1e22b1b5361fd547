import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCode, lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Report } from '../../src/model/report.js';
import { loadProfile } from '../../src/profiles/load.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { formatJunit } from '../../src/reporters/junit.js';
import { formatMarkdown } from '../../src/reporters/markdown.js';
import { toSarifLog } from '../../src/reporters/sarif.js';
import { formatText } from '../../src/reporters/text.js';
import { runCli } from '../helpers/cli.js';
import { allFixtures } from '../helpers/fixtures.js';
import { lintRepo, repo } from '../workflow/helpers.js';

const IDS = ['tele2-vaxel', 'ipnordic', 'spectralink-versity', 'mitel-mx-one', 'openscape-business'];
const profiles = IDS.map((p) => loadProfile(p));
const none: LintOptions = { phones: [], wan: [], audiences: [], devices: [] };
const lint = (files: string[], ps = profiles, o: Partial<LintOptions> = {}): Report =>
  lintFiles(files, ps, 'auto', { ...none, ...o }).report;
const requirementCount = (ids: string[]) =>
  ids
    .map((id) => loadProfile(id))
    .reduce(
      (n, p) => n + p.flows.length + p.settings.length + (p.portForwards?.length ?? 0) + (p.notModelled?.length ?? 0),
      0,
    );

describe('requirement verdicts', () => {
  it('every requirement of every profile gets a verdict on every firewall of every fixture', () => {
    const report = lint(allFixtures());
    const json = toJsonReport(report);
    const firewalls = report.files.filter((f) => !f.failed).reduce((n, f) => n + f.firewalls.length, 0);
    expect(json.requirements).toHaveLength(firewalls * requirementCount(IDS));
    for (const v of json.requirements) {
      expect(['pass', 'fail', 'uncertain', 'not-checked']).toContain(v.status);
      expect(v.why, `${v.file} ${v.id}`).not.toBe('');
      if (v.status === 'fail') expect(v.findings.length, `${v.file} ${v.id}`).toBeGreaterThan(0);
      if (v.status === 'pass' && v.kind === 'flow') expect(v.evidence.length, `${v.file} ${v.id}`).toBeGreaterThan(0);
    }
    // Every fail points at findings that exist, by fingerprint.
    const fps = new Set(json.findings.map((f) => f.fingerprint));
    for (const v of json.requirements) for (const fp of v.findings) expect(fps.has(fp)).toBe(true);
  }, 120_000);

  it('ipnordic on the pfSense example: passes carry the accepting rule and its lines, skips say why', () => {
    const json = toJsonReport(lint(['fixtures/pfsense/example-site.xml'], [loadProfile('ipnordic')]));
    const by = new Map(json.requirements.map((v) => [v.id, v]));
    const c = json.summary.requirements?.[0];
    expect(c).toMatchObject({ profile: 'ipnordic', pass: 7, fail: 10, uncertain: 0 });
    expect((c?.pass ?? 0) + (c?.fail ?? 0) + (c?.notChecked ?? 0)).toBe(requirementCount(['ipnordic']));
    const rtp = by.get('ipnordic-rtp');
    expect(rtp?.status).toBe('pass');
    expect(rtp?.evidence[0]).toMatchObject({ file: 'fixtures/pfsense/example-site.xml', line: 211 });
    expect(rtp?.evidence[0]?.text).toContain('rule "Phones RTP to provider" (line 211) accepts udp 10000-65000');
    expect(rtp?.evidence[0]?.quote).toContain('<type>pass</type>');
    const sip = by.get('ipnordic-sip-udp');
    expect(sip).toMatchObject({ status: 'fail', severity: 'error', checkedBy: 'FWL001' });
    expect(sip?.why).toContain('blocked by rule "Block SIP from phones (old PBX lockdown)"');
    expect(by.get('ipnordic-wifi-ike')).toMatchObject({ status: 'not-checked' });
    expect(by.get('ipnordic-wifi-ike')?.why).toContain('wifi-calling not checked (opt in with --audience)');
    expect(by.get('ipnordic-gigaset-prov')?.why).toContain('not checked for gigaset, snom (opt in with --device)');
  });

  it('a firewall without a WAN interface leaves Internet-bound requirements not checked, never passed', () => {
    // A ruleset that names no WAN interface (no masquerade/snat rule, no --wan).
    const file = join(mkdtempSync(join(tmpdir(), 'fwlint-nowan-')), 'nowan.nft');
    writeFileSync(
      file,
      'table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority 0; policy drop;\n' +
        '\t\tiifname "lan0" ip saddr 10.20.0.0/24 accept\n\t}\n}\n',
    );
    const json = toJsonReport(lint([file], [loadProfile('ipnordic')], { phones: ['10.20.0.0/24@lan0'] }));
    const sip = json.requirements.find((v) => v.id === 'ipnordic-sip-udp');
    expect(sip?.status).toBe('not-checked');
    expect(sip?.why).toContain('no WAN interface identified');
    const icmp = json.requirements.find((v) => v.id === 'ipnordic-icmp-from-wan');
    expect(icmp?.status).toBe('not-checked');
    expect(icmp?.why).toContain('no WAN interface identified');
  });

  it('opting in checks the audience: no note, a verdict', () => {
    const json = toJsonReport(
      lint(['fixtures/pfsense/example-site.xml'], [loadProfile('ipnordic')], { audiences: ['wifi-calling'] }),
    );
    expect(json.requirements.find((v) => v.id === 'ipnordic-wifi-ike')?.status).not.toBe('not-checked');
  });

  it('a run with requirements not checked is not a clean pass; --fail-on incomplete fails it', () => {
    const report = lint(['fixtures/pfsense/rules/clean.xml'], [loadProfile('ipnordic')]);
    expect(report.findings.filter((f) => !f.suppressions?.length)).toEqual([]);
    const text = formatText(report, { color: false });
    expect(text).not.toContain('✔ no problems');
    expect(text).toMatch(/Requirements:\n {2}ipnordic: \d+ pass, 0 fail, \d+ not checked/);
    expect(text).toContain('⚠ no problems found, but incomplete');
    expect(exitCode(report, [], 'error')).toBe(0);
    expect(exitCode(report, [], ['incomplete'])).toBe(1);
    expect(exitCode(report, [], ['none'])).toBe(0);
    expect(formatMarkdown(report)).toContain('no problems found, but');
  });
});

describe('findings grouped by cause', () => {
  it('one FWL001 per requirement and blocking rule or default, however many networks it blocks', () => {
    const report = lint(allFixtures(), profiles, { audiences: ['pc-software', 'wifi-calling'] });
    const seen = new Map<string, number>();
    for (const f of report.findings.filter((x) => x.ruleId === 'FWL001')) {
      const k = JSON.stringify([f.loc.file, f.firewall, f.profile, f.requirement, f.loc.line]);
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);
  }, 120_000);

  it('FWL900: one finding per construct kind and file, the other places as related locations', () => {
    const report = lint(allFixtures(), [loadProfile('ipnordic')]);
    const fwl900 = report.findings.filter((f) => f.ruleId === 'FWL900');
    const kinds = new Set(fwl900.map((f) => JSON.stringify([f.loc.file, f.firewall, f.message])));
    expect(kinds.size).toBe(fwl900.length);
    for (const f of fwl900) expect(f.related?.length ?? 0).toBeLessThanOrEqual(50);
  }, 120_000);
});

describe('SARIF that GitHub keeps', () => {
  it('caps results at the limit, most severe first, and says how many were left out', () => {
    const report = lint(allFixtures(), [loadProfile('ipnordic')]);
    const run = toSarifLog(report, { maxResults: 5 }).runs[0];
    expect(run?.results).toHaveLength(5);
    expect(run?.results?.every((r) => r.level === 'error')).toBe(true);
    const note = run?.invocations?.[0]?.toolExecutionNotifications?.[0];
    expect(note?.message.text).toContain(`${report.findings.length - 5} of ${report.findings.length} results left out`);
  }, 120_000);

  it('parse errors and unmodelled statements are not security alerts', () => {
    const rules = toSarifLog(lint(['fixtures/pfsense/traps.xml'])).runs[0]?.tool.driver.rules ?? [];
    for (const id of ['FWL900', 'FWL901', 'FWL902', 'FWL001']) {
      const r = rules.find((x) => x.id === id);
      expect(r?.properties?.tags).not.toContain('security');
      expect(r?.properties).not.toHaveProperty('security-severity');
      expect(r?.helpUri).toContain(`docs/rules/${id}.md`);
    }
    expect(rules.find((x) => x.id === 'FWL010')?.properties?.['security-severity']).toBe('7.5');
  });

  it('is the same from a subfolder as from the repository root (URIs, fingerprints, baselines)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-sub-'));
    // The compiled CLI's main() in this process, in each working directory (test/helpers/cli.ts).
    const run = (cwd: string, file: string, out: string) =>
      runCli(['lint', file, '--profile', 'ipnordic', '--format', `sarif:${join(dir, out)}`], {
        cwd,
        env: { GITHUB_WORKSPACE: '' },
      });
    await run(process.cwd(), 'fixtures/pfsense/example-site.xml', 'root.sarif');
    await run(join(process.cwd(), 'fixtures'), 'pfsense/example-site.xml', 'sub.sarif');
    const read = (n: string) => readFileSync(join(dir, n), 'utf8');
    const root = read('root.sarif');
    expect(root).toContain('"uri": "fixtures/pfsense/example-site.xml"');
    expect(read('sub.sarif')).toBe(root);
  }, 60_000);
});

describe('JUnit', () => {
  const xml = formatJunit(
    lint(['fixtures/pfsense/example-site.xml', 'fixtures/fortigate/traps.conf'], [loadProfile('ipnordic')]),
  );

  it('has one test case per requirement, skipped when not checked, with names free of line numbers', () => {
    const cases = [...xml.matchAll(/<testcase [^>]*name="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(cases.filter((n) => n.startsWith('ipnordic-'))).toHaveLength(2 * requirementCount(['ipnordic']));
    expect(cases.some((n) => /line \d/.test(n))).toBe(false);
    expect(xml).toContain(
      '<skipped message="not checked: ipnordic: requirements for mobile-app, pc-software, wifi-calling',
    );
    expect(xml).not.toMatch(/<testcase[^>]* (file|line)=/);
    expect(xml).not.toMatch(/<testsuites[^>]* skipped=/);
  });

  // Findings in fwlint.config.json (FWL902: an ignore entry expired or stale) belong to no linted file.
  const configRun = async () => {
    const dir = repo(
      { 'site/fw.xml': 'fixtures/pfsense/rules/clean.xml' },
      {
        profiles: ['ipnordic'],
        ignore: [
          { rule: 'FWL004', files: ['site/**'], reason: 'old forward', expires: '2026-01-31' },
          { rule: 'FWL007', reason: 'not monitored' },
        ],
      },
    );
    return lintRepo(dir, ['site/fw.xml'], {}, { today: '2026-02-01' });
  };
  it('reports findings located in the config file as failures, as the exit code counts them', async () => {
    const { report, failed } = await configRun();
    expect(exitCode(report, failed, 'warning')).toBe(1);
    const out = formatJunit(report);
    expect(out).toMatch(/<testsuites name="fwlint" tests="\d+" failures="1" errors="0">/);
    expect(out).toContain('<testsuite name="fwlint.config.json: other checks" tests="1" failures="1"');
    expect(out).toContain(
      '<testcase classname="fwlint.checks.fwlint_config_json" name="FWL902 suppression-problem">' +
        '<failure type="warning" message="Suppression of FWL004 expired on 2026-01-31',
    );
    expect(out).toContain('<failure type="note" message="Suppression of FWL007 matches no finding');
  });

  const xmllint = spawnSync('xmllint', ['--version']).status === 0;
  if (!xmllint) console.warn('JUnit schema check skipped: xmllint is missing (apt-get install libxml2-utils)');
  it.skipIf(!xmllint)('is valid against the Jenkins JUnit schema (xmllint)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-junit-'));
    for (const [name, text] of [
      ['junit.xml', xml],
      ['config.xml', formatJunit((await configRun()).report)],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = spawnSync('xmllint', ['--noout', '--schema', 'test/schemas/junit-10.xsd', file], {
        encoding: 'utf8',
      });
      expect(r.stderr).toContain('validates');
      expect(r.status).toBe(0);
    }
  });
});
