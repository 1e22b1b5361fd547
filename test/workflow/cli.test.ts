/** The compiled CLI on a config repository: directories, config file, formats, exit codes. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli.js';
import { repo } from './helpers.js';

const R = 'fixtures/pfsense/rules';
/** The compiled CLI's main() in this process (test/helpers/cli.ts), in `cwd`. */
const run = (cwd: string, args: string[]) => runCli(args, { cwd });

beforeAll(ensureBuilt, 120_000);

describe('fwlint lint on a config repository', () => {
  it('lints a directory with the config file, skipping files in no supported format', async () => {
    const dir = repo(
      { 'a/fw.xml': `${R}/fwl007-no-ping.xml`, 'b/fw.xml': `${R}/clean.xml`, 'notes.txt': '<nothing here>' },
      { profiles: ['ipnordic'], failOn: 'warning' },
    );
    const r = await run(dir, ['lint', '.']);
    expect(r.code).toBe(1); // failOn from the config file
    expect(r.out).toContain('a/fw.xml');
    expect(r.out).toContain('note: skipped 1 file(s) in no supported format: notes.txt');
    expect((await run(dir, ['lint', '.', '--fail-on', 'error'])).code).toBe(0); // the flag wins
    expect((await run(dir, ['lint', '.', '--no-config', '--profile', 'ipnordic'])).code).toBe(0); // default fail-on error
  });
  it('lints many files in parallel with the same result as one by one', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++)
      files[`site-${i}/config.xml`] = i % 2 ? `${R}/fwl001-blocked.xml` : `${R}/fwl004-forward-to-phone.xml`;
    const dir = repo(files, { profiles: ['ipnordic'] });
    interface JsonReport {
      files: unknown[];
      findings: { file: string; fingerprint: string }[];
    }
    const all = JSON.parse((await run(dir, ['lint', '.', '--format', 'json'])).out) as JsonReport;
    expect(all.files.length).toBe(12);
    const lintTwo = ['lint', 'site-3/config.xml', 'site-4/config.xml', '--format', 'json'];
    const one = JSON.parse((await run(dir, lintTwo)).out) as JsonReport;
    const pick = (r: JsonReport) => r.findings.filter((f) => /site-[34]\//.test(f.file)).map((f) => f.fingerprint);
    expect(pick(all)).toEqual(pick(one));
  });
  it('writes and uses a baseline; suppressed findings do not fail the run', async () => {
    const dir = repo({ 'fw.xml': `${R}/fwl001-blocked.xml` }, { profiles: ['ipnordic'] });
    expect((await run(dir, ['lint', 'fw.xml', '--write-baseline', 'fwlint-baseline.json'])).code).toBe(0);
    const r = await run(dir, ['lint', 'fw.xml', '--baseline', 'fwlint-baseline.json']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no problems found, but incomplete: .*, 4 suppressed/);
  });
  it('emits GitHub workflow commands and JUnit XML', async () => {
    const dir = repo({ 'fw.xml': `${R}/fwl003-default-timeout.xml` }, { profiles: ['ipnordic'] });
    const gh = (await run(dir, ['lint', 'fw.xml', '--format', 'github'])).out;
    expect(gh).toMatch(
      /^::error file=fw\.xml,line=6,col=3,endLine=6,title=FWL003 udp-timeout-out-of-range::UDP idle timeout is 60 s/m,
    );
    const junit = (await run(dir, ['lint', 'fw.xml', '--format', 'junit'])).out;
    expect(junit).toMatch(/<testsuites name="fwlint" tests="\d+" failures="[1-9]\d*" errors="0">/);
    expect(junit).toContain(
      'name="ipnordic-udp-timeout: UDP timeout at least 300 s"><failure type="error" message="UDP idle timeout is ',
    );
  });
  it('fwlint init writes a starting config that lints', async () => {
    const dir = repo({ 'hq/fw.xml': `${R}/clean.xml` });
    expect((await run(dir, ['init'])).code).toBe(0);
    const cfg = JSON.parse(readFileSync(join(dir, 'fwlint.config.json'), 'utf8')) as {
      $schema?: string;
      phones: string[];
      overrides: { files: string[] }[];
    };
    expect(cfg.overrides[0]!.files).toEqual(['hq/**']);
    // No node_modules/fwlint here (a bundle, hook or Action user): no $schema pointing at nothing.
    expect(cfg.$schema).toBeUndefined();
    // The message after init asks to edit "phones": it is there, empty (fwlint looks for the phones).
    expect(cfg.phones).toEqual([]);
    expect((await run(dir, ['init'])).code).toBe(2); // no overwrite without --force
    expect((await run(dir, ['lint', '.'])).code).toBe(0);
    writeFileSync(join(dir, 'fwlint.config.json'), '{"profiles": ["nope"]}');
    const bad = await run(dir, ['lint', '.']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown profile/);
  });
});
