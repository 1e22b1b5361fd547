import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/model/errors.js';

/** The one-line message loadConfig refuses `text` with. */
function refusal(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwlint-config-'));
  writeFileSync(join(dir, 'fwlint.config.json'), text);
  try {
    loadConfig(join(dir, 'fwlint.config.json'), dir);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('accepted');
}

describe('config file positions (jsonc-parser)', () => {
  it('points at an unknown key itself, inside an override', () => {
    const text =
      '{\n  "profiles": ["ipnordic"],\n  "overrides": [\n    { "files": ["a/**"],\n      "phone": ["x"] }\n  ]\n}\n';
    expect(refusal(text)).toBe("fwlint.config.json:5:7: /overrides/0: must NOT have additional properties 'phone'");
  });
  it('points at a bad value', () => {
    expect(refusal('{\n  "failOn": "sometimes"\n}')).toMatch(
      /^fwlint\.config\.json:2:13: \/failOn: must be equal to one/,
    );
  });
  it('points at a syntax error with a message of its own, not V8 text', () => {
    expect(refusal('{\n  "profiles": ["ipnordic"],\n  "wan": ["wan0",]\n}')).toBe(
      'fwlint.config.json:3:18: not valid JSON: expected a value',
    );
    expect(refusal('{\n  "profiles": ["ipnordic"]\n  "wan": []\n}')).toBe(
      "fwlint.config.json:3:3: not valid JSON: expected ',' or the end of the object/array",
    );
    expect(refusal('{ // no\n}')).toBe('fwlint.config.json:1:3: not valid JSON: comments are not allowed in JSON');
    expect(refusal('')).toBe('fwlint.config.json:1:1: not valid JSON: expected a value');
  });
  it('refuses deep nesting with one line, without overflowing the stack', () => {
    const depth = 100_000;
    const text = `{"$comment": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(refusal(text)).toBe('fwlint.config.json:1:77: not valid JSON: nested deeper than 64 levels');
  });
});
