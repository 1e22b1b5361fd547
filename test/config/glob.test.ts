import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/cli/inputs.js';
import { compileGlob, isGlob, matchesAny } from '../../src/config/glob.js';

const m = (pattern: string, path: string) => compileGlob(pattern)(path);

describe('globs (picomatch syntax, linear matching)', () => {
  it('brace alternatives of wildcards match at any depth', () => {
    expect(m('{*.xml,*.rsc}', 'a.rsc')).toBe(true);
    expect(m('{*.xml,*.rsc}', 'd/e/a.xml')).toBe(true);
    expect(m('{*.xml,*.rsc}', 'a.nft')).toBe(false);
  });
  it('a trailing slash, also after **, covers everything below', () => {
    expect(m('x/**/', 'x/a/b.xml')).toBe(true);
    expect(m('x/**/', 'y/a/b.xml')).toBe(false);
    expect(m('site-a/', 'site-a/b/c.xml')).toBe(true);
    expect(m('stockholm/**', 'stockholm/a.xml')).toBe(true);
  });
  it('anchors patterns with a slash at the base, and matches names at any depth otherwise', () => {
    expect(m('sites/**/*.xml', 'sites/x.xml')).toBe(true);
    expect(m('sites/*.xml', 'other/sites/x.xml')).toBe(false);
    expect(m('./sites/*.xml', 'sites/x.xml')).toBe(true);
    expect(m('*.xml', 'a/b/c.xml')).toBe(true);
    expect(m('[ab]?c', 'd/bxc')).toBe(true);
    expect(m('.hidden/*', '.hidden/x')).toBe(true);
    expect(m('{a/b,c}', 'a/b')).toBe(true);
    expect(matchesAny('a/b.rsc', ['*.xml', '*.rsc'])).toBe(true);
  });
  it('tells globs from plain paths', () => {
    expect(isGlob('a.xml')).toBe(false);
    expect(isGlob('{a,b}')).toBe(true);
    expect(isGlob('x/**')).toBe(true);
  });
  it('finishes pathological patterns at once (no exponential backtracking)', () => {
    // With a backtracking regular expression each of these runs for hours (file names are at most 255 bytes).
    expect(m('**/'.repeat(3000) + 'z', 'a/'.repeat(2500) + 'y')).toBe(false);
    expect(m('a*'.repeat(50) + 'b', 'a'.repeat(250))).toBe(false);
    expect(m('**/a*a*a*a*a*a*a*a*'.repeat(20) + 'b', 'a/'.repeat(50) + 'a'.repeat(250))).toBe(false);
    expect(m('a*'.repeat(40) + 'b', 'a'.repeat(100) + 'b')).toBe(true);
  });
});

describe('names that read as globs (folders such as "Oslo (HQ)")', () => {
  it('a pattern segment matches a name spelled as it is, or escaped', () => {
    expect(m('Oslo (HQ)/**', 'Oslo (HQ)/fw.xml')).toBe(true);
    expect(m('Oslo \\(HQ\\)/**', 'Oslo (HQ)/fw.xml')).toBe(true);
    expect(m('site\\[2\\]/*', 'site[2]/fw.xml')).toBe(true);
    expect(m('site[2]/*', 'site[2]/fw.xml')).toBe(true);
    // The pattern still means what it means.
    expect(m('site[2]/*', 'site2/fw.xml')).toBe(true);
    expect(m('Oslo (HQ)/**', 'Bergen/fw.xml')).toBe(false);
  });
  it('a path given to lint that exists is that file, not a pattern (pre-commit passes staged files by name)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-parens-'));
    mkdirSync(join(dir, 'Oslo (HQ)'));
    copyFileSync('fixtures/pfsense/rules/clean.xml', join(dir, 'Oslo (HQ)', 'fw.xml'));
    expect(expandInputs(['Oslo (HQ)/fw.xml'], dir).files).toEqual([join(dir, 'Oslo (HQ)', 'fw.xml')]);
    expect(expandInputs(['Oslo (HQ)'], dir).files).toEqual([join(dir, 'Oslo (HQ)', 'fw.xml')]);
    expect(expandInputs(['*/fw.xml'], dir).files).toEqual([join(dir, 'Oslo (HQ)', 'fw.xml')]);
  });
});
