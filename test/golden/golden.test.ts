import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { TOOL } from '../../src/cli/meta.js';
import type { LintOptions } from '../../src/lint/run.js';
import { loadProfile } from '../../src/profiles/load.js';
import { formatJson } from '../../src/reporters/json.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { formatGithub } from '../../src/reporters/github.js';
import { formatHtml } from '../../src/reporters/html.js';
import { formatJunit } from '../../src/reporters/junit.js';
import { formatMarkdown } from '../../src/reporters/markdown.js';
import { formatText } from '../../src/reporters/text.js';
import { allFixtures } from '../helpers/fixtures.js';
import { ensureMultitoolExecutable, validateSarif } from '../helpers/sarif-validator.js';

/**
 * Golden outputs, reviewed by hand: test/golden/*.json and *.sarif. Regenerate with
 * UPDATE_GOLDEN=1 npx vitest run test/golden, then read the diff before committing it.
 * The working directory and the tool version are replaced by placeholders so goldens do not
 * depend on the machine.
 */
const cwd = process.cwd();
const opts: LintOptions = { phones: [], wan: [], audiences: [], devices: [] };

function normalize(text: string): string {
  const uri = pathToFileURL(cwd).href;
  return text.split(uri).join('file:///WORKDIR').split(JSON.stringify(cwd).slice(1, -1)).join('/WORKDIR').split(`"${TOOL.version}"`).join('"VERSION"');
}

function golden(name: string, actual: string): void {
  const path = join('test/golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  // A missing golden fails: it is written only on request, and then reviewed before committing.
  expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 npx vitest run test/golden, then review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const cases = [
  { name: 'example-site.ipnordic', files: ['fixtures/pfsense/example-site.xml'], profiles: ['ipnordic'] },
  { name: 'blocked.ipnordic', files: ['fixtures/pfsense/rules/fwl001-blocked.xml'], profiles: ['ipnordic'] },
  { name: 'fortigate.ipnordic', files: ['fixtures/fortigate/example-site.conf'], profiles: ['ipnordic'] },
];

describe('golden outputs', () => {
  for (const c of cases) {
    const { report } = lintFiles(c.files, c.profiles.map((p) => loadProfile(p)), 'auto', opts, cwd);
    it(`${c.name}.json`, () => {
      golden(`${c.name}.json`, normalize(formatJson(report)));
    });
    it(`${c.name}.sarif`, () => {
      golden(`${c.name}.sarif`, normalize(formatSarif(report)));
    });
    it(`${c.name}.txt`, () => {
      golden(`${c.name}.txt`, normalize(formatText(report, { color: false })));
    });
    it(`${c.name}.md`, () => {
      golden(`${c.name}.md`, normalize(formatMarkdown(report)));
    });
    it(`${c.name}.junit.xml`, () => {
      golden(`${c.name}.junit.xml`, normalize(formatJunit(report)));
    });
    it(`${c.name}.html`, () => {
      golden(`${c.name}.html`, normalize(formatHtml(report)));
    });
    it(`${c.name}.github`, () => {
      golden(`${c.name}.github`, normalize(formatGithub(report)));
    });
  }
});

describe('SARIF of every fixture passes the official validator (GitHub rules)', () => {
  const fixtures = allFixtures();
  it(`validates one run over all ${fixtures.length} fixtures and every profile`, () => {
    expect(fixtures.length).toBeGreaterThan(15);
    ensureMultitoolExecutable();
    const names = ['tele2-vaxel', 'ipnordic', 'spectralink-versity', 'mitel-mx-one', 'openscape-business'];
    const profiles = names.map((p) => loadProfile(p));
    const lintOpts: LintOptions = { ...opts, pbx: '192.168.1.10', audiences: ['pc-software', 'wifi-calling'] };
    const { report } = lintFiles(fixtures, profiles, 'auto', lintOpts, cwd);
    expect(report.findings.length).toBeGreaterThan(50);
    const file = join(mkdtempSync(join(tmpdir(), 'fwlint-sarif-')), 'all.sarif');
    writeFileSync(file, formatSarif(report));
    const v = validateSarif(file);
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([]);
  }, 60_000);
});
