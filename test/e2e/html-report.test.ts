import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';
import { formatHtml } from '../../src/reporters/html.js';

/**
 * Renders the HTML report in headless Chromium (Debian package `chromium`, driven by
 * playwright-core; no browser download, no network), checks the rendered DOM and that the status
 * filters work, and keeps a screenshot in test-results/html-report.png.
 */
const CHROMIUM = process.env.FWLINT_CHROMIUM ?? '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`html-report e2e skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(missing)('HTML report in Chromium', () => {
  let browser: BrowserContext | undefined;
  let profileDir: string;
  let rowCount = 0;
  let file: string;
  beforeAll(async () => {
    profileDir = mkdtempSync(join(tmpdir(), 'fwlint-chromium-'));
    const { report } = lintFiles(
      ['fixtures/pfsense/example-site.xml', 'fixtures/fortigate/example-site.conf'],
      [loadProfile('ipnordic')],
      'auto',
      { phones: [], wan: [], audiences: [], devices: [] },
    );
    file = join(profileDir, 'report.html');
    rowCount = report.requirements?.length ?? 0; // one row per requirement verdict
    writeFileSync(file, formatHtml(report));
    // A new, empty profile directory (--user-data-dir): nothing from the machine's own profile.
    browser = await chromium.launchPersistentContext(join(profileDir, 'user-data'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(profileDir, { recursive: true, force: true });
  });

  it('shows a compliance matrix per firewall and provider, with working status filters, and loads nothing', async () => {
    const page = await browser!.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('section.matrix').count()).toBe(2);
    expect(await page.locator('section.matrix h2').first().textContent()).toContain(
      'fixtures/pfsense/example-site.xml',
    );
    const rows = page.locator('tr[data-status]');
    expect(rowCount).toBeGreaterThan(50);
    expect(await rows.count()).toBe(rowCount);
    const visible = () => page.locator('tr[data-status]:visible').count();
    const failing = await page.locator('tr[data-status="fail"]').count();
    expect(failing).toBeGreaterThan(5);
    // Show only failures.
    for (const st of ['pass', 'uncertain', 'not-checked']) await page.locator(`input[data-filter="${st}"]`).uncheck();
    expect(await visible()).toBe(failing);
    // Evidence quotes the configuration lines, and the fix is for the firewall's vendor.
    const sip = page.locator('tr[data-status="fail"]', { hasText: 'ipnordic-sip-udp' }).first();
    await sip.locator('summary').click();
    expect(await sip.locator('pre').first().textContent()).toContain('<type>block</type>');
    expect(await sip.textContent()).toContain('Firewall > Rules');
    mkdirSync(resolve('test-results'), { recursive: true });
    await page.screenshot({ path: resolve('test-results/html-report.png'), fullPage: false });
    // Everything back.
    for (const st of ['pass', 'uncertain', 'not-checked']) await page.locator(`input[data-filter="${st}"]`).check();
    expect(await visible()).toBe(rowCount);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);
});
