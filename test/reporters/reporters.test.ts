import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Sarif from 'sarif';
import type { Finding } from '../../src/model/finding.js';
import type { Report, RuleMeta } from '../../src/model/report.js';
import { formatText, shouldColor } from '../../src/reporters/text.js';
import { formatJson } from '../../src/reporters/json.js';
import { fingerprint, FINGERPRINT_KEY } from '../../src/reporters/fingerprint.js';
import { artifactUri, fileUri, formatSarif } from '../../src/reporters/sarif.js';
import {
  NET_VALIDATOR,
  ensureMultitoolExecutable,
  validateSarif,
  validateSarifSchema,
} from '../helpers/sarif-validator.js';

const ESC = '\u001b[';
const WD = '/home/ci/repo';

const RULES: RuleMeta[] = [
  {
    id: 'FWL001',
    name: 'missing-provider-allow',
    shortDescription: 'A flow the provider requires is blocked.',
    fullDescription:
      'Traffic the VoIP provider document requires (for example SIP signalling to the provider network) ' +
      'is not allowed by the firewall policy.',
    defaultLevel: 'error',
    securitySeverity: 7.5,
    precision: 'high',
    tags: ['voip', 'reliability', 'firewall'],
    help: {
      what: 'A required flow (protocol, ports, remote network) is dropped by the policy.',
      why: 'Phones cannot register or calls lose audio.',
      fix: {
        pfsense: 'Firewall > Rules > LAN: add a pass rule for the flow **above** the blocking rule.',
        fortigate: 'config firewall policy\n  edit 0\n    set action accept\n  next\nend',
        generic: 'Allow the flow before any rule that drops it.',
      },
    },
  },
  {
    id: 'FWL003',
    name: 'sip-alg-enabled',
    shortDescription: 'SIP ALG is enabled.',
    fullDescription:
      'The firewall rewrites SIP messages (SIP ALG / helper), which the provider requires to be disabled.',
    defaultLevel: 'warning',
    securitySeverity: 0,
    precision: 'very-high',
    tags: ['voip'],
    help: {
      what: 'The SIP ALG or conntrack helper is active.',
      why: 'ALGs corrupt SIP headers and SDP, causing one-way audio.',
      fix: { fortigate: 'config system settings\n  set default-voip-alg-mode kernel-helper-based\nend' },
    },
  },
  {
    id: 'FWL010',
    name: 'udp-timeout-short',
    shortDescription: 'UDP session timeout shorter than the provider requires.',
    fullDescription:
      'The idle timeout for UDP sessions is below the provider minimum, so NAT bindings expire between keep-alives.',
    defaultLevel: 'note',
    securitySeverity: 3.9,
    precision: 'medium',
    tags: ['voip', 'nat'],
    help: {
      what: 'UDP idle timeout below the minimum.',
      why: 'Registrations time out; inbound calls fail.',
      fix: { mikrotik: '/ip firewall connection tracking set udp-timeout=3m', nftables: 'Add a ct timeout object.' },
    },
  },
  {
    id: 'FWL901',
    name: 'parse-error',
    shortDescription: 'The file could not be parsed.',
    fullDescription: 'The configuration file is not readable as the vendor format it claims to be.',
    defaultLevel: 'error',
    securitySeverity: 0,
    precision: 'very-high',
    tags: ['parse'],
    help: {
      what: 'Parse failure.',
      why: 'Nothing in the file was checked.',
      fix: { generic: 'Re-export the configuration.' },
    },
  },
];

function finding(over: Partial<Finding> & Pick<Finding, 'ruleId' | 'ruleName' | 'level' | 'message' | 'loc'>): Finding {
  return { fingerprintParts: [over.ruleId, over.message], ...over };
}

const FILE_A = 'firewalls/site a/config.xml'; // space: must be URL-encoded in SARIF
const FILE_B = 'firewalls/hq.conf';
const FILE_C = 'firewalls/broken.rsc';

function makeReport(): Report {
  return {
    tool: { name: 'fwlint', version: '0.1.0', informationUri: 'https://github.com/example/fwlint' },
    workingDirectory: WD,
    files: [
      { path: FILE_A, vendor: 'pfsense', version: '23.3', firewalls: ['site-a'] },
      { path: FILE_B, vendor: 'fortigate', version: '7.4.2', firewalls: ['root', 'voice'] },
      { path: FILE_C, vendor: 'mikrotik', firewalls: [], failed: true },
    ],
    findings: [
      finding({
        ruleId: 'FWL010',
        ruleName: 'udp-timeout-short',
        level: 'note',
        message: "UDP timeout 60 s (pfSense default for 'normal' optimization) is below 180 s",
        loc: { file: FILE_A, line: 120, column: 3, endLine: 120 },
        fromDefault: true,
        profile: 'ipnordic',
        requirement: 'udp-timeout',
        fingerprintParts: ['udp-timeout', 'optimization=normal'],
      }),
      finding({
        ruleId: 'FWL001',
        ruleName: 'missing-provider-allow',
        level: 'error',
        message: 'UDP 5060 to 194.50.55.0/24 [provider SBC] is blocked.',
        loc: { file: FILE_A, line: 40, column: 5, endLine: 52, endColumn: 12 },
        related: [
          { loc: { file: FILE_A, line: 30, column: 5, endLine: 38 }, message: 'the block rule "Block all"' },
          { loc: { file: FILE_B, line: 7, column: 1, endLine: 7 }, message: 'alias defined here' },
        ],
        profile: 'ipnordic',
        requirement: 'sip-udp',
        fingerprintParts: ['sip-udp', 'lan', 'Block all'],
      }),
      finding({
        ruleId: 'FWL003',
        ruleName: 'sip-alg-enabled',
        level: 'warning',
        message: 'SIP ALG is enabled (proxy-based, FortiOS default).',
        loc: { file: FILE_B, line: 210, column: 1, endLine: 215 },
        firewall: 'voice',
        fromDefault: true,
        uncertain: true,
        profile: 'ipnordic',
        requirement: 'sip-alg-off',
        fingerprintParts: ['sip-alg-off'],
      }),
      finding({
        ruleId: 'FWL901',
        ruleName: 'parse-error',
        level: 'error',
        message: "Unexpected token 'ad' at the start of a command.",
        loc: { file: FILE_C, line: 3, column: 1, endLine: 3, endColumn: 3 },
        fingerprintParts: ['parse'],
      }),
    ],
    notifications: [
      { level: 'note', message: 'Assumed phones are in 10.0.10.0/24 (no --phones given).' },
      {
        level: 'warning',
        message: 'Requirement stun-outbound skipped: hostnames are not resolved.',
        loc: { file: FILE_B, line: 1, column: 1, endLine: 1 },
      },
    ],
    rules: RULES,
    profiles: [{ id: 'ipnordic', name: 'ipnordic', document: 'ipnordic network specifications (001)' }],
  };
}

function emptyReport(): Report {
  return {
    ...makeReport(),
    files: [{ path: FILE_A, vendor: 'pfsense', firewalls: ['a'] }],
    findings: [],
    notifications: [],
  };
}

// -------------------------------------------------------------------------------------------------

describe('formatText', () => {
  it('has no ANSI codes without color', () => {
    const out = formatText(makeReport(), { color: false });
    expect(out).not.toContain(ESC);
  });

  it('uses ANSI codes with color', () => {
    const out = formatText(makeReport(), { color: true });
    expect(out).toContain(`${ESC}4m`); // underlined path
    expect(out).toContain(`${ESC}31merror`);
    expect(out).toContain(`${ESC}33mwarning`);
  });

  it('groups by file, sorts by line, aligns positions and shows firewall and rule id', () => {
    const out = formatText(makeReport(), { color: false });
    const lines = out.split('\n');
    const a = lines.indexOf(FILE_A);
    const b = lines.indexOf(FILE_B);
    const c = lines.indexOf(FILE_C);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b);
    // File A: line 40 (error) before line 120 (note); line numbers right-aligned.
    expect(lines[a + 1]).toMatch(/^ {3}40:5 {2}error {2}UDP 5060 .* {2}FWL001$/);
    expect(lines[a + 2]).toMatch(/related firewalls\/site a\/config\.xml:30:5 the block rule "Block all"/);
    expect(lines[a + 3]).toMatch(/related firewalls\/hq\.conf:7:1 alias defined here/);
    expect(lines[a + 4]).toMatch(/^ {2}120:3 {2}note {3}UDP timeout .* {2}FWL010$/);
    // Messages are not padded: the rule id follows each message after two spaces.
    expect(lines[a + 1]).toMatch(/[^ ] {2}FWL001$/);
    expect(lines[a + 4]).toMatch(/[^ ] {2}FWL010$/);
    expect(lines[b + 1]).toContain('[voice] SIP ALG is enabled');
    expect(lines[b + 1]).toContain('(uncertain)');
  });

  it('lists notifications before the summary and counts by level', () => {
    const out = formatText(makeReport(), { color: false });
    const lines = out.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('✖ 4 problems (2 errors, 1 warning, 1 note)');
    const note = lines.findIndex((l) => l.startsWith('note: Assumed phones'));
    expect(note).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('warning: firewalls/hq.conf:1:1: Requirement stun-outbound'))).toBe(true);
    expect(note).toBeLessThan(lines.length - 1);
  });

  it('says no problems when there are none', () => {
    expect(formatText(emptyReport(), { color: false })).toBe('✔ no problems\n');
    expect(formatText(emptyReport(), { color: true })).toContain(`${ESC}32m`);
  });
});

describe('shouldColor', () => {
  it('follows NO_COLOR, FORCE_COLOR and isTTY', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({}, {})).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor({ isTTY: true }, { FORCE_COLOR: '1', NO_COLOR: 'yes' })).toBe(false);
    expect(shouldColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
  });
});

describe('formatJson', () => {
  it('has the documented shape', () => {
    interface JsonReport {
      version: number;
      tool: unknown;
      summary: unknown;
      files: unknown[];
      findings: { ruleId: string; fingerprint: string; related: unknown }[];
      notifications: unknown;
    }
    const json = JSON.parse(formatJson(makeReport())) as JsonReport;
    expect(Object.keys(json)).toEqual([
      'version',
      'tool',
      'profiles',
      'files',
      'findings',
      'notifications',
      'requirements',
      'summary',
    ]);
    expect(json.version).toBe(1);
    expect(json.tool).toEqual({
      name: 'fwlint',
      version: '0.1.0',
      informationUri: 'https://github.com/example/fwlint',
    });
    expect(json.summary).toEqual({ errors: 2, warnings: 1, notes: 1, suppressed: 0, requirements: [] });
    expect(json.files[2]).toEqual({ path: FILE_C, vendor: 'mikrotik', firewalls: [], failed: true });
    expect(json.findings.map((f) => f.ruleId)).toEqual(['FWL001', 'FWL010', 'FWL003', 'FWL901']);
    const f = json.findings[0]!;
    expect(Object.keys(f)).toEqual([
      'ruleId',
      'ruleName',
      'level',
      'message',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'profile',
      'requirement',
      'fromDefault',
      'uncertain',
      'fingerprint',
      'suppressed',
      'related',
    ]);
    expect(f).toMatchObject({
      level: 'error',
      file: FILE_A,
      line: 40,
      column: 5,
      endLine: 52,
      endColumn: 12,
      fromDefault: false,
      uncertain: false,
    });
    expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(f.related).toEqual([
      { file: FILE_A, line: 30, column: 5, endLine: 38, message: 'the block rule "Block all"' },
      { file: FILE_B, line: 7, column: 1, endLine: 7, message: 'alias defined here' },
    ]);
    const alg = json.findings[2];
    expect(alg).toMatchObject({ firewall: 'voice', fromDefault: true, uncertain: true, related: [] });
    expect(alg).not.toHaveProperty('endColumn');
    expect(json.notifications).toEqual([
      { level: 'note', message: 'Assumed phones are in 10.0.10.0/24 (no --phones given).' },
      {
        level: 'warning',
        message: 'Requirement stun-outbound skipped: hostnames are not resolved.',
        file: FILE_B,
        line: 1,
        column: 1,
        endLine: 1,
      },
    ]);
  });

  it('is deterministic regardless of finding order', () => {
    const r = makeReport();
    const reversed = { ...r, findings: [...r.findings].reverse() };
    expect(formatJson(reversed)).toBe(formatJson(r));
  });
});

describe('fingerprint', () => {
  const base = makeReport().findings[1]!;
  it('is 32 hex characters', () => {
    expect(fingerprint(base)).toMatch(/^[0-9a-f]{32}$/);
  });
  it('ignores line and column numbers', () => {
    const moved: Finding = { ...base, loc: { ...base.loc, line: 400, column: 1, endLine: 410 }, message: 'reworded' };
    expect(fingerprint(moved)).toBe(fingerprint(base));
  });
  it('ignores path spelling (./ and backslashes)', () => {
    expect(fingerprint({ ...base, loc: { ...base.loc, file: './' + FILE_A } })).toBe(fingerprint(base));
    expect(fingerprint({ ...base, loc: { ...base.loc, file: FILE_A.replace(/\//g, '\\') } })).toBe(fingerprint(base));
  });
  it('changes with content', () => {
    const fp = fingerprint(base);
    expect(fingerprint({ ...base, fingerprintParts: ['sip-udp', 'lan', 'Block all2'] })).not.toBe(fp);
    expect(fingerprint({ ...base, fingerprintParts: ['sip-udplan', 'Block all'] })).not.toBe(fp);
    expect(fingerprint({ ...base, ruleId: 'FWL002' })).not.toBe(fp);
    expect(fingerprint({ ...base, loc: { ...base.loc, file: 'other.xml' } })).not.toBe(fp);
    expect(fingerprint({ ...base, firewall: 'root' })).not.toBe(fp);
  });
});

// -------------------------------------------------------------------------------------------------

describe('formatSarif', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-sarif-test-'));
    ensureMultitoolExecutable();
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const log = (): Sarif.Log => JSON.parse(formatSarif(makeReport())) as Sarif.Log;

  it('has one run with tool, rules, results, invocations and automation details', () => {
    const l = log();
    expect(l.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(l.version).toBe('2.1.0');
    expect(l.runs).toHaveLength(1);
    const run = l.runs[0]!;
    expect(run.tool.driver).toMatchObject({
      name: 'fwlint',
      semanticVersion: '0.1.0',
      informationUri: 'https://github.com/example/fwlint',
    });
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(['FWL001', 'FWL003', 'FWL010', 'FWL901']);
    const r0 = run.tool.driver.rules![0]!;
    expect(r0).toMatchObject({
      name: 'missing-provider-allow',
      defaultConfiguration: { level: 'error' },
      properties: {
        // Not tagged security: a blocked flow is a reliability problem, so no security-severity.
        tags: ['voip', 'reliability', 'firewall'],
        precision: 'high',
        'problem.severity': 'error',
      },
    });
    expect(r0.properties).not.toHaveProperty('security-severity');
    expect(r0.helpUri).toBe('https://github.com/fwlint/fwlint/blob/main/docs/rules/FWL001.md');
    expect(r0.help!.markdown).toContain('### pfSense');
    expect(r0.help!.markdown).toContain('### FortiGate (FortiOS)\n\n```text\nconfig firewall policy\n  edit 0\n');
    expect(r0.help!.markdown).toContain('**above** the blocking rule.\n\n### FortiGate');
    expect(r0.help!.markdown).toContain('ipnordic network specifications (001)');
    expect(r0.help!.text).toContain('Why: Phones cannot register');
    expect(run.tool.driver.rules![1]!.properties).not.toHaveProperty('security-severity');
    expect(run.tool.driver.rules![1]!.properties!.tags).toEqual(['voip']);
    expect(run.tool.driver.rules![2]!.properties!['problem.severity']).toBe('recommendation');
    // Without --sarif-category, upload-sarif's category input decides.
    expect(run.automationDetails).toBeUndefined();
    const withCategory = (JSON.parse(formatSarif(makeReport(), { automationId: 'fw/site-a' })) as Sarif.Log).runs[0]!;
    expect(withCategory.automationDetails).toEqual({ id: 'fw/site-a' });
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///home/ci/repo/' } });
    expect(run.artifacts!.map((a) => a.location!.uri)).toEqual([
      'firewalls/site%20a/config.xml',
      'firewalls/hq.conf',
      'firewalls/broken.rsc',
    ]);
    const inv = run.invocations![0]!;
    expect(inv.executionSuccessful).toBe(false); // broken.rsc failed to parse
    expect(inv.toolExecutionNotifications!.map((n) => n.level)).toEqual(['note', 'warning', 'error']);
    expect(inv.toolExecutionNotifications![2]!.associatedRule).toEqual({ id: 'FWL901', index: 3 });
  });

  it('maps findings to results with locations, related locations, fingerprints and properties', () => {
    const run = log().runs[0]!;
    const results = run.results!;
    // Most severe first (GitHub keeps at most 25,000 per run), then by location.
    const rank = { error: 3, warning: 2, note: 1, none: 0 } as const;
    const levels = results.map((r) => rank[r.level ?? 'none']);
    expect(levels).toEqual([...levels].sort((a, b) => b - a));
    const r = results.find((x) => x.ruleId === 'FWL001')!;
    expect(r.ruleIndex).toBe(0);
    expect(r.level).toBe('error');
    expect(r.message.text).toBe(
      'UDP 5060 to 194.50.55.0/24 [provider SBC] is blocked. See [the block rule "Block all"](1); [alias defined here](2).',
    );
    expect(r.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'firewalls/site%20a/config.xml', uriBaseId: '%SRCROOT%', index: 0 },
      region: { startLine: 40, startColumn: 5, endLine: 52, endColumn: 12 },
    });
    expect(r.relatedLocations!.map((x) => [x.id, x.message!.text, x.physicalLocation!.artifactLocation!.uri])).toEqual([
      [1, 'the block rule "Block all"', 'firewalls/site%20a/config.xml'],
      [2, 'alias defined here', 'firewalls/hq.conf'],
    ]);
    const fp = fingerprint(makeReport().findings[1]!);
    expect(r.partialFingerprints).toEqual({ [FINGERPRINT_KEY]: fp, primaryLocationLineHash: `${fp}:1` });
    expect(r.properties).toEqual({
      fromDefault: false,
      uncertain: false,
      profile: 'ipnordic',
      requirement: 'sip-udp',
      requirements: ['sip-udp'],
    });
    expect(results.find((x) => x.ruleId === 'FWL003')!.properties).toEqual({
      fromDefault: true,
      uncertain: true,
      profile: 'ipnordic',
      requirement: 'sip-alg-off',
      requirements: ['sip-alg-off'],
      firewall: 'voice',
    });
    // No snippets of the configuration, anywhere.
    expect(JSON.stringify(run)).not.toContain('"snippet"');
  });

  it('writes URIs relative to %SRCROOT%, absolute outside the working directory', () => {
    expect(artifactUri('a/b c.xml', '/w')).toEqual({ uri: 'a/b%20c.xml', uriBaseId: '%SRCROOT%' });
    expect(artifactUri('./a/x#1.xml', '/w')).toEqual({ uri: 'a/x%231.xml', uriBaseId: '%SRCROOT%' });
    expect(artifactUri('a\\b.xml', '/w')).toEqual({ uri: 'a/b.xml', uriBaseId: '%SRCROOT%' });
    expect(artifactUri('/w/sub/c.xml', '/w/')).toEqual({ uri: 'sub/c.xml', uriBaseId: '%SRCROOT%' });
    expect(artifactUri('../other/c.xml', '/w/x')).toEqual({ uri: 'file:///w/other/c.xml' });
    expect(artifactUri('/etc/fw.conf', '/w')).toEqual({ uri: 'file:///etc/fw.conf' });
    expect(fileUri('C:\\Users\\me\\repo', true)).toBe('file:///C:/Users/me/repo/');
    expect(artifactUri('a:b/c.xml', '/w')).toEqual({ uri: 'a%3Ab/c.xml', uriBaseId: '%SRCROOT%' });
    expect(artifactUri('C:\\repo\\fw\\a.xml', 'C:\\repo')).toEqual({ uri: 'fw/a.xml', uriBaseId: '%SRCROOT%' });
  });

  it('escapes message text that would read as an embedded link', () => {
    const rep = makeReport();
    const f = { ...rep.findings[2]!, message: 'Object [a](1) is odd' };
    const run = (JSON.parse(formatSarif({ ...rep, findings: [f] })) as Sarif.Log).runs[0]!;
    expect(run.results![0]!.message.text).toBe('Object \\[a\\](1) is odd');
  });

  it('disambiguates identical fingerprints with an occurrence counter', () => {
    const rep = makeReport();
    const dup = { ...rep.findings[1]!, loc: { ...rep.findings[1]!.loc, line: 90 } };
    const run = (JSON.parse(formatSarif({ ...rep, findings: [...rep.findings, dup] })) as Sarif.Log).runs[0]!;
    const hashes = run
      .results!.filter((x) => x.ruleId === 'FWL001')
      .map((x) => x.partialFingerprints!.primaryLocationLineHash);
    expect(hashes).toHaveLength(2);
    expect(hashes[0]!.endsWith(':1')).toBe(true);
    expect(hashes[1]!.endsWith(':2')).toBe(true);
  });

  it('validates against the SARIF 2.1.0 JSON schema (ajv, draft-04 schema adapted)', () => {
    for (const rep of [makeReport(), emptyReport()]) {
      expect(validateSarifSchema(JSON.parse(formatSarif(rep)))).toEqual([]);
    }
    // The schema check does catch violations (the official validator does not; see the helper).
    const bad = JSON.parse(formatSarif(makeReport())) as Sarif.Log & { runs: { bogus?: number }[] };
    (bad.runs[0]!.results![0] as { level: string }).level = 'fatal';
    bad.runs[0]!.bogus = 1;
    const errors = validateSarifSchema(bad);
    expect(errors.some((e) => e.startsWith('schema /runs/0/results/0/level'))).toBe(true);
    expect(errors.some((e) => e.includes('bogus'))).toBe(true);
  });

  it('passes the official SARIF validator with GitHub rules: no errors, no warnings', () => {
    const outside: Report = {
      ...makeReport(),
      workingDirectory: '/home/ci/repo/sub',
      files: [{ path: '../elsewhere/fw 1.conf', vendor: 'nftables', firewalls: ['gw'] }],
      findings: [
        { ...makeReport().findings[2]!, loc: { file: '../elsewhere/fw 1.conf', line: 2, column: 1, endLine: 2 } },
      ],
      profiles: [],
    };
    const bare: Report = { ...emptyReport(), files: [], notifications: [], rules: [], profiles: [] };
    const cases: [string, Report][] = [
      ['full', makeReport()],
      ['empty', emptyReport()],
      ['outside', outside],
      ['bare', bare],
    ];
    for (const [name, rep] of cases) {
      const file = path.join(tmp, `${name}.sarif`);
      fs.writeFileSync(file, formatSarif(rep));
      const { errors, warnings, notes } = validateSarif(file);
      expect(errors, name).toEqual([]);
      expect(warnings, name).toEqual([]);
      // Only the notes documented as deliberate in src/reporters/sarif.ts.
      const noteRules = new Set(notes.map((n) => n.split(/[ :]/)[0]));
      const accepted = ['SARIF2002', 'SARIF2003', 'SARIF2006', 'SARIF2010', 'SARIF2011', 'SARIF2012', 'SARIF2013'];
      if (name === 'outside') accepted.push('SARIF2016'); // absolute file:// URI, by design
      expect(
        [...noteRules].filter((r) => !accepted.includes(r!)),
        name,
      ).toEqual([]);
    }
  }, 120_000);

  it.runIf(NET_VALIDATOR)(
    'the validator helper does report problems (e2e tier: Sarif.Multitool)',
    () => {
      const file = path.join(tmp, 'bad.sarif');
      const bad = JSON.parse(formatSarif(makeReport())) as Sarif.Log;
      delete (bad.runs[0]!.tool.driver as { informationUri?: string }).informationUri;
      delete (bad.runs[0]!.results![0]!.message as { text?: string }).text;
      fs.writeFileSync(file, JSON.stringify(bad));
      const { errors, warnings } = validateSarif(file);
      expect(errors.length).toBeGreaterThan(0);
      expect(warnings.some((w) => w.startsWith('SARIF2005'))).toBe(true);
    },
    120_000,
  );
});
