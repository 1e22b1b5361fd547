/**
 * FWL900 (rules/unsupported-statement.ts) reports one construct kind once per file: at its first place
 * in the file, with the other places related in file order; a place with the same reason says "also",
 * not the whole reason again. Constructs with the same reason are one kind.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFixture } from './expectations.js';

// The regular chain comes first in the file, but the parser converts the base chain first.
const RULESET = [
  'table inet fw {',
  '\tchain ping {',
  '\t\ticmp type echo-request limit rate 5/second accept',
  '\t}',
  '\tchain input {',
  '\t\ttype filter hook input priority 0; policy drop;',
  '\t\ticmp type echo-request limit rate 5/second accept',
  '\t\tjump ping',
  '\t}',
  '}',
  '',
].join('\n');

describe('FWL900 grouping', () => {
  it('points at the first place in the file and relates the others with a short message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-fwl900-'));
    const file = join(dir, 'fw.nft');
    writeFileSync(file, RULESET);
    const fs = lintFixture(file, ['ipnordic'], { wan: ['wan0'] }).filter((f) => f.ruleId === 'FWL900');
    expect(fs).toHaveLength(1);
    const [f] = fs;
    expect(f!.message).toBe('Not modelled: limit rate 5/second (2 places).');
    expect(f!.loc.line).toBe(3);
    expect(f!.related?.map((r) => [r.loc.line, r.message])).toEqual([[7, 'also limit rate 5/second']]);
  });

  it('joins constructs with the same reason under the words they share', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-fwl900-'));
    const file = join(dir, 'fw.nft');
    writeFileSync(file, RULESET.replace('rate 5/second accept\n\t}', 'rate 1/second accept\n\t}'));
    const fs = lintFixture(file, ['ipnordic'], { wan: ['wan0'] }).filter((f) => f.ruleId === 'FWL900');
    expect(fs.map((f) => f.message)).toEqual(['Not modelled: limit rate … (2 places).']);
    expect(fs[0]!.related?.map((r) => [r.loc.line, r.message])).toEqual([[7, 'also limit rate 5/second']]);
  });
});

describe('FWL900 on masked tcp flags', () => {
  it('names the field, so every tcp flags condition is one kind, and keeps the == nft prints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-fwl900-'));
    const file = join(dir, 'fw.nft');
    writeFileSync(
      file,
      [
        'table inet fw {',
        '\tchain input {',
        '\t\ttype filter hook input priority 0; policy accept;',
        '\t\ttcp flags != syn ct state new drop',
        '\t\ttcp flags & (fin | syn) == fin | syn drop',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
    const fs = lintFixture(file, ['ipnordic'], { wan: ['wan0'] }).filter((f) => f.ruleId === 'FWL900');
    expect(fs.map((f) => f.message)).toEqual(['Not modelled: tcp flags … (2 places).']);
    expect(fs[0]!.related?.map((r) => r.message)).toEqual(['also tcp flags & (fin | syn) == fin | syn']);
  });
});
