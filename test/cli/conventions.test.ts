/**
 * The CLI conventions of ESLint/Checkov/Trivy users (issue 16): --quiet, --max-warnings, --rule,
 * --exclude, --color/--no-color, `-` for stdin with --stdin-filename, -v/--version, --help.
 * Runs the compiled CLI (in this process unless standard input is given); no timing is asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runCli, type CliOptions } from '../helpers/cli.js';

const RULES = 'fixtures/pfsense/rules';
// FWL007 is a warning in ipnordic; this export has exactly that one finding.
const PING = `${RULES}/fwl007-no-ping.xml`;
const T = 120_000;
/** The compiled CLI, in this process; with standard input it is spawned (test/helpers/cli.ts). */
const run = (args: string[], opts: CliOptions = {}) => runCli(args, opts);

interface JsonFinding {
  ruleId: string;
  level: string;
  file: string;
  line: number;
  fingerprint: string;
  suppressed?: unknown;
}
const findings = (out: string): JsonFinding[] => (JSON.parse(out) as { findings: JsonFinding[] }).findings;
const files = (out: string): string[] => (JSON.parse(out) as { files: { path: string }[] }).files.map((f) => f.path);

beforeAll(ensureBuilt, T);

describe('--quiet and --max-warnings', () => {
  it(
    '--quiet shows and counts errors only',
    async () => {
      const loud = await run(['lint', PING, '--profile', 'ipnordic', '--fail-on', 'warning']);
      expect(loud.code).toBe(1);
      expect(loud.out).toContain('FWL007');
      const quiet = await run(['lint', PING, '--profile', 'ipnordic', '--fail-on', 'warning', '--quiet']);
      expect(quiet.out).not.toContain('FWL007');
      expect(quiet.out).not.toContain('note:');
      expect(quiet.code).toBe(0);
      // The failing requirement is still listed: the closing line does not say "no problems" under it,
      // nor points at notes --quiet left out.
      expect(quiet.out).toContain('✖ fail      ICMP to the WAN address allowed');
      expect(quiet.out).toMatch(
        /\n⚠ no errors, but 1 requirement fails with warnings or notes only \(--quiet shows errors only\); \d+ requirements not checked\n$/,
      );
      expect(quiet.out).not.toContain('no problems');
      const md = await run(['lint', PING, '--profile', 'ipnordic', '--quiet', '--format', 'markdown']);
      expect(md.out).toMatch(/^## fwlint: ⚠️ no errors, but 1 requirement fails with warnings or notes only/);
      const clean = await run(['lint', `${RULES}/clean.xml`, '--profile', 'ipnordic', '--quiet']);
      expect(clean.out).toMatch(
        /\n⚠ no problems found, but incomplete: \d+ requirements not checked; 1 requirement is not modelled by fwlint\n$/,
      );
      const errors = await run(['lint', `${RULES}/fwl003-default-timeout.xml`, '--profile', 'ipnordic', '-q']);
      expect(errors.code).toBe(1);
      expect(errors.out).toContain('FWL003');
    },
    T,
  );
  it(
    '--max-warnings N exits 1 only above N unsuppressed warnings, with a line saying why',
    async () => {
      const over = await run(['lint', PING, '--profile', 'ipnordic', '--max-warnings', '0']);
      expect(over.code).toBe(1);
      expect(over.err).toContain('1 warning, more than --max-warnings 0');
      expect((await run(['lint', PING, '--profile', 'ipnordic', '--max-warnings', '1'])).code).toBe(0);
      // --quiet drops the warnings, so they do not count (as in ESLint)
      expect((await run(['lint', PING, '--profile', 'ipnordic', '--max-warnings', '0', '--quiet'])).code).toBe(0);
      const bad = await run(['lint', PING, '--profile', 'ipnordic', '--max-warnings', 'many']);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/^fwlint: --max-warnings 'many': expected a whole number/);
    },
    T,
  );
});

describe('--rule ID=level', () => {
  it(
    'sets levels by id or name, over the config file, and off drops the rule',
    async () => {
      const err = await run(['lint', PING, '--profile', 'ipnordic', '--rule', 'FWL007=error', '--format', 'json']);
      expect(err.code).toBe(1);
      expect(findings(err.out).map((f) => [f.ruleId, f.level])).toEqual([['FWL007', 'error']]);
      const off = await run([
        'lint',
        PING,
        '--profile',
        'ipnordic',
        '--rule',
        'wan-icmp-blocked=off',
        '--format',
        'json',
      ]);
      expect(findings(off.out)).toEqual([]);
      // Turned off on the command line: the verdict does not blame a configuration file no run read.
      const icmp = (JSON.parse(off.out) as { requirements: { checkedBy: string; why: string }[] }).requirements.find(
        (v) => v.checkedBy === 'FWL007',
      );
      expect(icmp?.why).toContain('FWL007 is turned off (by --rule or the configuration file\'s "rules").');
      // the command line wins over the config file's "rules"; the last --rule for a rule wins
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-rule-'));
      fs.copyFileSync(path.join(ROOT, PING), path.join(dir, 'fw.xml'));
      fs.writeFileSync(
        path.join(dir, 'fwlint.config.json'),
        JSON.stringify({ profiles: ['ipnordic'], rules: { FWL007: 'off' } }),
      );
      expect(findings((await run(['lint', 'fw.xml', '--format', 'json'], { cwd: dir })).out)).toEqual([]);
      const over = await run(['lint', 'fw.xml', '--format', 'json', '--rule', 'FWL007=off', '--rule', 'FWL007=note'], {
        cwd: dir,
      });
      expect(findings(over.out).map((f) => f.level)).toEqual(['note']);
    },
    T,
  );
  it(
    'refuses an unknown rule or level with one line listing the choices, exit 2',
    async () => {
      const id = await run(['lint', PING, '--profile', 'ipnordic', '--rule', 'FWL999=off']);
      expect(id.code).toBe(2);
      expect(id.err).toMatch(
        /^fwlint: --rule 'FWL999=off': unknown rule 'FWL999' \(expected ID=LEVEL with one of FWL001, /,
      );
      expect(id.err.trim().split('\n')).toHaveLength(1);
      const level = await run(['lint', PING, '--profile', 'ipnordic', '--rule', 'FWL007=fatal']);
      expect(level.code).toBe(2);
      expect(level.err).toBe("fwlint: --rule 'FWL007=fatal': level 'fatal' is not one of off, error, warning, note\n");
      expect((await run(['lint', PING, '--profile', 'ipnordic', '--rule', 'FWL007'])).code).toBe(2);
    },
    T,
  );
});

describe('--exclude GLOB', () => {
  it(
    'leaves out files, globs and whole directories that match',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-exclude-'));
      fs.mkdirSync(path.join(dir, 'sites/old'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, `${RULES}/clean.xml`), path.join(dir, 'sites/a.xml'));
      fs.copyFileSync(path.join(ROOT, PING), path.join(dir, 'sites/b.xml.bak'));
      fs.copyFileSync(path.join(ROOT, PING), path.join(dir, 'sites/old/c.xml'));
      const lint = (...args: string[]) =>
        run(['lint', ...args, '--profile', 'ipnordic', '--format', 'json'], { cwd: dir });
      expect(files((await lint('sites')).out)).toEqual(['sites/a.xml', 'sites/b.xml.bak', 'sites/old/c.xml']);
      expect(files((await lint('sites', '--exclude', '*.bak', '--exclude', 'sites/old/')).out)).toEqual([
        'sites/a.xml',
      ]);
      expect(files((await lint('sites/**/*.xml', '--exclude', '**/old/**')).out)).toEqual(['sites/a.xml']);
      // a file given by name (as pre-commit passes them) is excluded too
      expect(files((await lint('sites/a.xml', 'sites/b.xml.bak', '--exclude', '*.bak')).out)).toEqual(['sites/a.xml']);
      const none = await lint('sites/old', '--exclude', 'sites/old/');
      expect(none.code).toBe(2);
      expect(none.err).toContain('excluded by --exclude');
    },
    T,
  );
});

describe('--color / --no-color', () => {
  it(
    'win over NO_COLOR and FORCE_COLOR',
    async () => {
      const args = ['lint', PING, '--profile', 'ipnordic'];
      expect((await run([...args, '--color'])).out).toContain('\u001b[');
      expect((await run([...args, '--color'], { env: { NO_COLOR: '1' } })).out).toContain('\u001b[');
      expect((await run([...args, '--no-color'], { env: { FORCE_COLOR: '1' } })).out).not.toContain('\u001b[');
      expect((await run(args, { env: { FORCE_COLOR: '1' } })).out).toContain('\u001b[');
    },
    T,
  );
});

describe('- reads standard input', () => {
  const text = () => fs.readFileSync(path.join(ROOT, PING), 'utf8');
  it(
    'detects the vendor from the content and reports <stdin>, or --vendor decides',
    async () => {
      const r = await run(['lint', '-', '--profile', 'ipnordic', '--format', 'json'], { input: text() });
      expect(r.code).toBe(0);
      expect(findings(r.out).map((f) => [f.file, f.ruleId, f.line])).toEqual([['<stdin>', 'FWL007', 39]]);
      const wrong = await run(['lint', '-', '--profile', 'ipnordic', '--vendor', 'fortigate'], { input: text() });
      expect(wrong.code).toBe(2);
      expect(wrong.err).toMatch(/^fwlint: <stdin>:\d+:\d+: /);
      const unknown = await run(['lint', '-', '--profile', 'ipnordic'], { input: 'not a firewall\n' });
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain('<stdin>:1:1: cannot tell which firewall this is from');
    },
    T,
  );
  it(
    '--stdin-filename gives locations, fingerprints, config overrides and baseline entries of that file',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-stdin-'));
      fs.mkdirSync(path.join(dir, 'sites'));
      fs.writeFileSync(path.join(dir, 'sites/fw.xml'), text());
      fs.writeFileSync(
        path.join(dir, 'fwlint.config.json'),
        JSON.stringify({ profiles: ['ipnordic'], overrides: [{ files: ['sites/*.xml'], rules: { FWL007: 'error' } }] }),
      );
      const fromFile = await run(['lint', 'sites/fw.xml', '--format', 'json'], { cwd: dir });
      const fromStdin = await run(['lint', '-', '--stdin-filename', 'sites/fw.xml', '--format', 'json'], {
        cwd: dir,
        input: text(),
      });
      expect(fromStdin.code).toBe(1);
      expect(findings(fromStdin.out)).toEqual(findings(fromFile.out));
      expect(findings(fromStdin.out)[0]).toMatchObject({ file: 'sites/fw.xml', level: 'error' });
      // a baseline written from the file suppresses the same finding read from stdin
      expect((await run(['lint', 'sites/fw.xml', '--write-baseline', 'base.json'], { cwd: dir })).code).toBe(0);
      const based = await run(['lint', '-', '--stdin-filename', 'sites/fw.xml', '--baseline', 'base.json'], {
        cwd: dir,
        input: text(),
      });
      expect(based.code).toBe(0);
    },
    T,
  );
});

describe('-v/--version and --help', () => {
  it(
    'prints the version with -v and --version',
    async () => {
      const v = await run(['-v']);
      expect(v.code).toBe(0);
      expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
      expect((await run(['--version'])).out).toBe(v.out);
    },
    T,
  );
  it(
    'help shows examples, exit codes and environment variables, and every new option',
    async () => {
      const top = await run(['--help']);
      expect(top.code).toBe(0);
      const lint = await run(['lint', '--help']);
      expect(lint.code).toBe(0);
      for (const h of [top.out, lint.out]) {
        expect(h).toContain('Examples:');
        expect(h).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 /);
        expect(h).toContain('NO_COLOR');
        expect(h).toContain('FORCE_COLOR');
      }
      for (const o of ['--quiet', '--max-warnings', '--rule', '--exclude', '--color', '--no-color', '--stdin-filename'])
        expect(lint.out).toContain(o);
    },
    T,
  );
});

describe('quiet, maxWarnings and exclude in fwlint.config.json', () => {
  it(
    'act as the flags; exclude globs are relative to the config file and --exclude adds to them',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-config-conv-'));
      fs.mkdirSync(path.join(dir, 'sites/old'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, PING), path.join(dir, 'sites/a.xml'));
      fs.copyFileSync(path.join(ROOT, PING), path.join(dir, 'sites/old/b.xml'));
      const config = (extra: object) => {
        fs.writeFileSync(path.join(dir, 'fwlint.config.json'), JSON.stringify({ profiles: ['ipnordic'], ...extra }));
      };
      config({ maxWarnings: 0, exclude: ['sites/old/'] });
      // run from a subdirectory: the config's globs stay relative to the config file
      const sub = path.join(dir, 'sites');
      const r = await run(['lint', '.', '--format', 'json'], { cwd: sub });
      expect(files(r.out)).toEqual(['a.xml']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('more than --max-warnings 0');
      expect((await run(['lint', '.', '--max-warnings', '5'], { cwd: sub })).code).toBe(0);
      config({ exclude: ['sites/old/'], quiet: true, failOn: 'warning' });
      const quiet = await run(['lint', '.'], { cwd: dir });
      expect(quiet.out).not.toContain('FWL007');
      expect(quiet.code).toBe(0);
      config({ maxWarnings: -1 });
      const bad = await run(['lint', '.'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/^fwlint: fwlint\.config\.json:1:\d+: \/maxWarnings: must be >= 0/);
    },
    T,
  );
});
