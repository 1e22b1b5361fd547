import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusAvailable } from './helpers/tiers.js';
import { corpusFiles, filesUnder, itLeaksNoSecret, leaks, lintWithEveryProfile, outputsOf } from './helpers/secrets.js';

/**
 * Config files hold password hashes, keys, PSKs and certificates. Harvest every such value from
 * each file and require that none appears in any output format.
 */
const SECRET_TAG_NAMES = [
  String.raw`(?:bcrypt-|sha512-)?hash|password\w*|\w*passwordagain|prv|crt|private-key|pre-shared-key|ipsecpsk`,
  'authorizedkeys|privkey|secret|radiuskey|mobilekey|srv_key|ddnsdomainkey|key|tls|shared_key|crypto_password',
  'redis_password',
].join('|');
const SECRET_TAGS = new RegExp(String.raw`<(${SECRET_TAG_NAMES})>([^<]{6,})<\/\1>`, 'g');

function secretsOf(xml: string): string[] {
  const out = new Set<string>();
  for (const m of xml.matchAll(SECRET_TAGS)) {
    const v = m[2]!.trim();
    // Long values: distinctive enough that finding them in output means a leak.
    if (v.length >= 8 && !/^(yes|no|true|false|enabled?|disabled?|none|sha\d+|md5)$/i.test(v)) out.add(v.slice(0, 40));
  }
  return [...out];
}

const files = [...filesUnder('fixtures/pfsense'), ...corpusFiles('corpus/pfsense')];

describe('no output carries secrets', () => {
  it('finds secrets to look for (the test can fail)', () => {
    const all = files.flatMap((f) => secretsOf(readFileSync(f, 'utf8')));
    expect(all.length).toBeGreaterThan(corpusAvailable('corpus/pfsense') ? 10 : 2);
    expect(leaks(`message with ${all[0]} inside`, all)).toContain(all[0]);
  });
  itLeaksNoSecret(files, secretsOf);

  it('configuration lines quoted as evidence (JSON, HTML, Markdown) are redacted', () => {
    const secret = 'Quoted-Rule-Secret-7731';
    const text = readFileSync('fixtures/pfsense/rules/fwl001-blocked.xml', 'utf8').replace(
      '<descr>Block a slice of RTP</descr>',
      `<descr>Block a slice of RTP</descr>\n      <password>${secret}</password>`,
    );
    expect(text).toContain(secret);
    const file = join(mkdtempSync(join(tmpdir(), 'fwlint-quote-')), 'site.xml');
    writeFileSync(file, text);
    const report = lintWithEveryProfile(file);
    const quotes = report.requirements?.flatMap((v) => v.evidence.map((e) => e.quote ?? '')) ?? [];
    expect(quotes.some((q) => q.includes('<password>[redacted]'))).toBe(true);
    expect(leaks(outputsOf(report), [secret])).toEqual([]);
  });
});
