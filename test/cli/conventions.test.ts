/**
 * The CLI conventions of ESLint/Checkov/Trivy users (issue 16): --quiet, --max-warnings, --rule,
 * --exclude, --color/--no-color, `-` for stdin with --stdin-filename, -v/--version, --help.
 * Spawns the compiled CLI; no timing is asserted.
 */
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const RULES = 'fixtures/pfsense/rules';
// FWL007 is a warning in ipnordic; this export has exactly that one finding.
const PING = `${RULES}/fwl007-no-ping.xml`;
const T = 120_000;

function run(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}) {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: T,
    input: opts.input ?? '',
    env: { ...base, ...opts.env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

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

beforeAll(() => {
  if (!fs.existsSync(MAIN)) execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
}, T);

describe('--quiet and --max-warnings', () => {
  it(
    '--quiet shows and counts errors only',
    () => {
      const loud = run(['lint', PING, '--profile', 'ipnordic', '--fail-on', 'warning']);
      expect(loud.code).toBe(1);
      expect(loud.out).toContain('FWL007');
      const quiet = run(['lint', PING, '--profile', 'ipnordic', '--fail-on', 'warning', '--quiet']);
      expect(quiet.out).not.toContain('FWL007');
      expect(quiet.out).not.toContain('note:');
      expect(quiet.code).toBe(0);
      const errors = run(['lint', `${RULES}/fwl003-default-timeout.xml`, '--profile', 'ipnordic', '-q']);
      expect(errors.code).toBe(1);
      expect(errors.out).toContain('FWL003');
    },
    T,
  );
  it(
    '--max-warnings N exits 1 only above N unsuppressed warnings, with a line saying why',
    () => {
      const over = run(['lint', PING, '--profile', 'ipnordic', '--max-warnings', '0']);
      expect(over.code).toBe(1);
      expect(over.err).toContain('1 warning(s), more than --max-warnings 0');
      expect(run(['lint', PING, '--profile', 'ipnordic', '--max-warnings', '1']).code).toBe(0);
      // --quiet drops the warnings, so they do not count (as in ESLint)
      expect(run(['lint', PING, '--profile', 'ipnordic', '--max-warnings', '0', '--quiet']).code).toBe(0);
      const bad = run(['lint', PING, '--profile', 'ipnordic', '--max-warnings', 'many']);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/^fwlint: --max-warnings 'many': expected a whole number/);
    },
    T,
  );
});

describe('--rule ID=level', () => {
  it(
    'sets levels by id or name, over the config file, and off drops the rule',
    () => {
      const err = run(['lint', PING, '--profile', 'ipnordic', '--rule', 'FWL007=error', '--format', 'json']);
      expect(err.code).toBe(1);
      expect(findings(err.out).map((f) => [f.ruleId, f.level])).toEqual([['FWL007', 'error']]);
      const off = run(['lint', PING, '--profile', 'ipnordic', '--rule', 'wan-icmp-blocked=off', '--format', 'json']);
      expect(findings(off.out)).toEqual([]);
      // the command line wins over the config file's "rules"; the last --rule for a rule wins
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-rule-'));
      fs.copyFileSync(path.join(ROOT, PING), path.join(dir, 'fw.xml'));
      fs.writeFileSync(
        path.join(dir, 'fwlint.config.json'),
        JSON.stringify({ profiles: ['ipnordic'], rules: { FWL007: 'off' } }),
      );
      expect(findings(run(['lint', 'fw.xml', '--format', 'json'], { cwd: dir }).out)).toEqual([]);
      const over = run(['lint', 'fw.xml', '--format', 'json', '--rule', 'FWL007=off', '--rule', 'FWL007=note'], {
        cwd: dir,
      });
      expect(findings(over.out).map((f) => f.level)).toEqual(['note']);
    },
    T,
  );
  it(
    'refuses an unknown rule or level with one line listing the choices, exit 2',
    () => {
      const id = run(['lint', PING, '--profile', 'ipnordic', '--rule', 'FWL999=off']);
      expect(id.code).toBe(2);
      expect(id.err).toMatch(
        /^fwlint: --rule 'FWL999=off': unknown rule 'FWL999' \(expected ID=LEVEL with one of FWL001, /,
      );
      expect(id.err.trim().split('\n')).toHaveLength(1);
      const level = run(['lint', PING, '--profile', 'ipnordic', '--rule', 'FWL007=fatal']);
      expect(level.code).toBe(2);
      expect(level.err).toBe("fwlint: --rule 'FWL007=fatal': level 'fatal' is not one of off, error, warning, note\n");
      expect(run(['lint', PING, '--profile', 'ipnordic', '--rule', 'FWL007']).code).toBe(2);
    },
    T,
  );
});

describe('--exclude GLOB', () => {
  it(
    'leaves out files, globs and whole directories that match',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-exclude-'));
      fs.mkdirSync(path.join(dir, 'sites/old'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, `${RULES}/clean.xml`), path.join(dir, 'sites/a.xml'));
      fs.copyFileSync(path.join(ROOT, PING), path.join(dir, 'sites/b.xml.bak'));
      fs.copyFileSync(path.join(ROOT, PING), path.join(dir, 'sites/old/c.xml'));
      const lint = (...args: string[]) =>
        run(['lint', ...args, '--profile', 'ipnordic', '--format', 'json'], { cwd: dir });
      expect(files(lint('sites').out)).toEqual(['sites/a.xml', 'sites/b.xml.bak', 'sites/old/c.xml']);
      expect(files(lint('sites', '--exclude', '*.bak', '--exclude', 'sites/old/').out)).toEqual(['sites/a.xml']);
      expect(files(lint('sites/**/*.xml', '--exclude', '**/old/**').out)).toEqual(['sites/a.xml']);
      // a file given by name (as pre-commit passes them) is excluded too
      expect(files(lint('sites/a.xml', 'sites/b.xml.bak', '--exclude', '*.bak').out)).toEqual(['sites/a.xml']);
      const none = lint('sites/old', '--exclude', 'sites/old/');
      expect(none.code).toBe(2);
      expect(none.err).toContain('excluded by --exclude');
    },
    T,
  );
});

describe('--color / --no-color', () => {
  it(
    'win over NO_COLOR and FORCE_COLOR',
    () => {
      const args = ['lint', PING, '--profile', 'ipnordic'];
      expect(run([...args, '--color']).out).toContain('\u001b[');
      expect(run([...args, '--color'], { env: { NO_COLOR: '1' } }).out).toContain('\u001b[');
      expect(run([...args, '--no-color'], { env: { FORCE_COLOR: '1' } }).out).not.toContain('\u001b[');
      expect(run(args, { env: { FORCE_COLOR: '1' } }).out).toContain('\u001b[');
    },
    T,
  );
});

describe('- reads standard input', () => {
  const text = () => fs.readFileSync(path.join(ROOT, PING), 'utf8');
  it(
    'detects the vendor from the content and reports <stdin>, or --vendor decides',
    () => {
      const r = run(['lint', '-', '--profile', 'ipnordic', '--format', 'json'], { input: text() });
      expect(r.code).toBe(0);
      expect(findings(r.out).map((f) => [f.file, f.ruleId, f.line])).toEqual([['<stdin>', 'FWL007', 39]]);
      const wrong = run(['lint', '-', '--profile', 'ipnordic', '--vendor', 'fortigate'], { input: text() });
      expect(wrong.code).toBe(2);
      expect(wrong.err).toMatch(/^fwlint: <stdin>:\d+:\d+: /);
      const unknown = run(['lint', '-', '--profile', 'ipnordic'], { input: 'not a firewall\n' });
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain('<stdin>:1:1: cannot tell which firewall this is from');
    },
    T,
  );
  it(
    '--stdin-filename gives locations, fingerprints, config overrides and baseline entries of that file',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-stdin-'));
      fs.mkdirSync(path.join(dir, 'sites'));
      fs.writeFileSync(path.join(dir, 'sites/fw.xml'), text());
      fs.writeFileSync(
        path.join(dir, 'fwlint.config.json'),
        JSON.stringify({ profiles: ['ipnordic'], overrides: [{ files: ['sites/*.xml'], rules: { FWL007: 'error' } }] }),
      );
      const fromFile = run(['lint', 'sites/fw.xml', '--format', 'json'], { cwd: dir });
      const fromStdin = run(['lint', '-', '--stdin-filename', 'sites/fw.xml', '--format', 'json'], {
        cwd: dir,
        input: text(),
      });
      expect(fromStdin.code).toBe(1);
      expect(findings(fromStdin.out)).toEqual(findings(fromFile.out));
      expect(findings(fromStdin.out)[0]).toMatchObject({ file: 'sites/fw.xml', level: 'error' });
      // a baseline written from the file suppresses the same finding read from stdin
      expect(run(['lint', 'sites/fw.xml', '--write-baseline', 'base.json'], { cwd: dir }).code).toBe(0);
      const based = run(['lint', '-', '--stdin-filename', 'sites/fw.xml', '--baseline', 'base.json'], {
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
    () => {
      const v = run(['-v']);
      expect(v.code).toBe(0);
      expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
      expect(run(['--version']).out).toBe(v.out);
    },
    T,
  );
  it(
    'help shows examples, exit codes and environment variables, and every new option',
    () => {
      const top = run(['--help']);
      expect(top.code).toBe(0);
      const lint = run(['lint', '--help']);
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
    () => {
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
      const r = run(['lint', '.', '--format', 'json'], { cwd: sub });
      expect(files(r.out)).toEqual(['a.xml']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('more than --max-warnings 0');
      expect(run(['lint', '.', '--max-warnings', '5'], { cwd: sub }).code).toBe(0);
      config({ exclude: ['sites/old/'], quiet: true, failOn: 'warning' });
      const quiet = run(['lint', '.'], { cwd: dir });
      expect(quiet.out).not.toContain('FWL007');
      expect(quiet.code).toBe(0);
      config({ maxWarnings: -1 });
      const bad = run(['lint', '.'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/^fwlint: fwlint\.config\.json:1:\d+: \/maxWarnings: must be >= 0/);
    },
    T,
  );
});
