import { describe, expect, it } from 'vitest';
import { exitCode, lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Report } from '../../src/model/report.js';
import { loadProfile } from '../../src/profiles/load.js';
import { formatHtml } from '../../src/reporters/html.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { formatJunit } from '../../src/reporters/junit.js';
import { formatMarkdown } from '../../src/reporters/markdown.js';
import { toSarifLog } from '../../src/reporters/sarif.js';
import { formatText } from '../../src/reporters/text.js';

/**
 * Review 24, item 16: requirements a provider document states that fwlint does not model (DHCP, NDP,
 * QoS, dynamic DNS...) were left out of the profiles without a word, so a clean report hid them. Each
 * is now listed in the profile's `notModelled` and reported, on every run, as a not-checked
 * requirement with its reason and the document's words, in every format.
 */

const none: LintOptions = { phones: [], wan: [], audiences: [], devices: [] };
const FILE = 'fixtures/pfsense/rules/clean.xml';
const DHCP_REASON =
  "DHCP is broadcast on the devices' own network segment and answered there by a DHCP server or by the " +
  "firewall's own DHCP server or relay, which fwlint does not model; check that the devices get an address.";

function lint(): Report {
  const { report, failed } = lintFiles([FILE], [loadProfile('spectralink-versity')], 'auto', none);
  expect(failed).toEqual([]);
  return report;
}

describe('requirements the profile lists as not modelled', () => {
  const report = lint();
  const json = toJsonReport(report);
  const dhcp = json.requirements.find((v) => v.id === 'versity-dhcp');

  it('JSON: a not-checked verdict of kind not-modelled, with the reason and the verbatim quote', () => {
    // Before: no verdict at all for DHCP (the profile left the rows out).
    expect(dhcp).toMatchObject({
      kind: 'not-modelled',
      status: 'not-checked',
      severity: 'error',
      checkedBy: 'none',
      why: `Spectralink Versity: not checked: DHCP (udp 67/68) available to the devices: ${DHCP_REASON}`,
      source: { section: 'General Networking Services' },
    });
    expect(dhcp?.source?.quote).toContain('need to be available to the devices');
    expect(dhcp?.source?.quote).toContain('67 UDP DHCP 68 UDP DHCP');
    expect(json.requirements.find((v) => v.id === 'versity-airwatch-cn500')?.status).toBe('not-checked');
  });

  it('text: a note with the reason, counted among the requirements not checked', () => {
    const text = formatText(report, { color: false });
    expect(text).toContain(`note: Spectralink Versity: not checked: DHCP (udp 67/68) available to the devices: `);
    expect(text).toContain(DHCP_REASON);
  });

  it('SARIF, markdown, JUnit and HTML say it as they say the other not-checked requirements', () => {
    const sarif = JSON.stringify(toSarifLog(report));
    expect(sarif).toContain('not checked: DHCP (udp 67/68) available to the devices');
    const md = formatMarkdown(report);
    expect(md).toContain('not checked: DHCP (udp 67/68) available to the devices');
    expect(md).toContain('`versity-dhcp`');
    const junit = formatJunit(report);
    expect(junit).toMatch(/<testcase [^>]*name="[^"]*versity-dhcp[^"]*"[^>]*><skipped message="not checked: [^"]*DHCP/);
    const html = formatHtml(report);
    expect(html).toContain('Not modelled by fwlint: no rule checks it');
    expect(html).toContain('67 UDP DHCP 68 UDP DHCP');
  });

  it('SARIF: its notification carries the document section and quote as a result does (providerDocument)', () => {
    // Review 25 item 7: only JSON and HTML gave the quote. SARIF gives a result's document under
    // properties.providerDocument; a not-modelled requirement has no result, so its notification does.
    // Text, markdown, JUnit and github show no requirement's document section or quote, so not this one's.
    const notes = toSarifLog(report).runs[0]?.invocations?.[0]?.toolExecutionNotifications ?? [];
    const note = notes.find((n) => n.message.text?.includes('not checked: DHCP (udp 67/68)'));
    expect(note?.properties).toMatchObject({
      profile: 'spectralink-versity',
      requirements: ['versity-dhcp'],
      providerDocument: { section: 'General Networking Services', quote: dhcp?.source?.quote },
    });
    // Other notes (not about one not-modelled requirement) carry none.
    const others = notes.filter((n) => !/not checked: (DHCP|AirWatch CN500)/.test(n.message.text ?? ''));
    expect(others.length).toBeGreaterThan(0);
    for (const n of others) expect(n.properties).toBeUndefined();
  });

  it('never makes a run incomplete: no flag can check it, so --fail-on incomplete passes and the report says so', () => {
    // A run where every other requirement was checked: before, the not-modelled entries alone made
    // every run "incomplete", so --fail-on incomplete failed whatever the user passed.
    const checked: Report = {
      ...report,
      requirements: (report.requirements ?? []).filter((v) => v.status !== 'not-checked' || v.kind === 'not-modelled'),
    };
    expect(checked.requirements?.filter((v) => v.kind === 'not-modelled')).toHaveLength(2);
    expect(exitCode(checked, [], ['incomplete'])).toBe(0);
    const text = formatText(checked, { color: false });
    expect(text).toMatch(/spectralink-versity: \d+ pass, 0 fail, 2 not checked \(2 not modelled\)/);
    expect(text).toContain('✔ no problems; 2 requirements are not modelled by fwlint (see the notes above)');
    const md = formatMarkdown(checked);
    expect(md).toContain('## fwlint: ✅ no problems (2 requirements are not modelled by fwlint)');
    // Not bold: nothing a flag could check is left (bold marks what makes a run incomplete).
    expect(md).toMatch(/\| spectralink-versity \| \d+ \| 0 \| 0 \| 2 \|/);
    expect(toJsonReport(checked).summary.requirements?.[0]).toMatchObject({ notChecked: 2, notModelled: 2 });
    // One requirement a flag could check makes it incomplete again.
    expect(exitCode(report, [], ['incomplete'])).toBe(1);
  });

  it('every bundled profile lists what it leaves out, and MSCML is modelled as a flow to a named server', () => {
    const ids = (id: string) => (loadProfile(id).notModelled ?? []).map((n) => n.id);
    expect(ids('spectralink-versity')).toEqual(['versity-dhcp', 'versity-airwatch-cn500']);
    expect(ids('mitel-mx-one')).toEqual(['mxone-dhcp', 'mxone-ndp']);
    expect(ids('tele2-vaxel')).toEqual(['tele2-dhcp', 'tele2-dhcp-options']);
    expect(ids('ipnordic')).toEqual(['ipnordic-qos']);
    expect(ids('openscape-business')).toEqual(['osbiz-dyndns']);
    expect(loadProfile('mitel-mx-one').flows.find((f) => f.id === 'mxone-mscml')).toMatchObject({
      direction: 'outbound',
      protocol: 'udp',
      ports: ['5090'],
      remote: { servers: ['media-server'] },
      audience: 'pbx',
      severity: 'warning',
    });
  });
});
