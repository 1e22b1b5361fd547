import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { redactFinding, redactNotification, redactVerdict } from '../../src/cli/redaction.js';
import type { Finding } from '../../src/model/finding.js';
import type { RequirementVerdict } from '../../src/model/report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const loc = { file: 'f', line: 1, column: 1, endLine: 1 };

// A rule whose comment looks like a secret: its label reaches finding details and verdict reasons.
const RULESET = [
  'table inet fw {',
  '\tchain forward {',
  '\t\ttype filter hook forward priority filter; policy accept;',
  '\t\tudp dport 5060 drop comment "password=hunter2"',
  '\t}',
  '}',
  '',
].join('\n');

describe('report redaction (the CLI last line of defence)', () => {
  it('redacts details, related messages, verdict reasons and evidence, and keeps clean objects as they are', () => {
    const f: Finding = {
      ruleId: 'FWL001',
      ruleName: 'x',
      level: 'error',
      message: 'blocked',
      details: 'Decided by rule "password=hunter2".',
      loc,
      related: [{ loc, message: 'psk=abc' }],
      fingerprintParts: [],
    };
    const r = redactFinding(f);
    expect(r.details).toBe('Decided by rule "password=[redacted]".');
    expect(r.related?.[0]?.message).toBe('psk=[redacted]');
    expect(f.details).toContain('hunter2');
    const clean: Finding = { ...f, details: 'Decided by rule "drop sip".', related: [] };
    expect(redactFinding(clean)).toBe(clean);
    const v = {
      id: 'r',
      profile: 'p',
      file: 'f',
      kind: 'flow',
      description: 'd',
      status: 'fail',
      severity: 'error',
      why: 'blocked by rule "secret=x1"',
      findings: [],
      evidence: [{ text: 'rule "secret=x1"', quote: 'drop comment "secret=x1"' }],
      checkedBy: 'FWL001',
    } as RequirementVerdict;
    const rv = redactVerdict(v);
    expect(JSON.stringify(rv)).not.toContain('x1');
    const plain = { ...v, why: 'ok', evidence: [{ text: 'fine' }] };
    expect(redactVerdict(plain)).toBe(plain);
    const n = {
      level: 'note' as const,
      message: 'm',
      passed: { profile: 'p', requirement: 'r', why: 'key=zz', evidence: [] },
    };
    expect(redactNotification(n).passed?.why).toBe('key=[redacted]');
  });

  it('leaves the linted file a note starts with as it is, and redacts the rest of the note', () => {
    // A run of letters, digits and slashes this long looks like key material to redact().
    const file = 'configs/Customers/Office2024/core.rsc';
    const paths = new Set([file]);
    const note = { level: 'note' as const, message: `${file}: phones: 10.20.0.0/24 (secret=abc)` };
    expect(redactNotification(note).message).toContain('[redacted].rsc');
    expect(redactNotification(note, paths).message).toBe(`${file}: phones: 10.20.0.0/24 (secret=[redacted])`);
    const named = { level: 'note' as const, message: `${file} [fw-1]: phones not found` };
    expect(redactNotification(named, paths)).toBe(named);
    // Another file's path is not the user's name for this run's files: redacted as before.
    expect(redactNotification({ ...note, message: `other/Customers/Office2024/x.rsc: m` }, paths).message).toContain(
      '[redacted]',
    );
  });

  it('keeps a directory name that looks like key material in the notes of a run through the workers', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'fwlint-redact-path-'));
    const dir = path.join(root, 'Customers', 'Office2024');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 9; i++) writeFileSync(path.join(dir, `fw${i}.nft`), RULESET);
    const args = ['lint', 'Customers', '--profile', 'ipnordic', '--phones', '10.20.0.0/24@vlan20', '--wan', 'wan0'];
    for (const format of ['json', 'text']) {
      const r = spawnSync(process.execPath, [MAIN, ...args, '--no-config', '--fail-on', 'none', '--format', format], {
        encoding: 'utf8',
        cwd: root,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Customers/Office2024/fw0.nft: phones:');
      expect(r.stdout).not.toContain('[redacted].nft');
      expect(r.stdout).not.toContain('hunter2');
    }
  });

  it.each(['json', 'text', 'sarif', 'markdown', 'html', 'junit', 'github'])(
    'no %s report carries the secret a rule comment holds',
    (format) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'fwlint-redact-'));
      const file = path.join(dir, 'fw.nft');
      writeFileSync(file, RULESET);
      const args = ['lint', file, '--profile', 'ipnordic', '--phones', '10.20.0.0/24@vlan20', '--wan', 'wan0'];
      const r = spawnSync(process.execPath, [MAIN, ...args, '--no-config', '--fail-on', 'none', '--format', format], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('password=');
      expect(r.stdout).not.toContain('hunter2');
    },
  );

  it('a directory linted by workers (JSON rendered in the workers) carries no secret either', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fwlint-redact-dir-'));
    for (let i = 0; i < 9; i++) writeFileSync(path.join(dir, `fw${i}.nft`), RULESET);
    const args = ['lint', dir, '--profile', 'ipnordic', '--phones', '10.20.0.0/24@vlan20', '--wan', 'wan0'];
    const r = spawnSync(process.execPath, [MAIN, ...args, '--no-config', '--fail-on', 'none', '--format', 'json'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('password=[redacted]');
    expect(r.stdout).not.toContain('hunter2');
  });
});
