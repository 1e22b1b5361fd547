import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, shared } from './helpers/tiers.js';
import { lintFiles } from '../src/cli/lint.js';
import { listProfiles } from '../src/profiles/load.js';
import { formatJson } from '../src/reporters/json.js';
import { formatSarif } from '../src/reporters/sarif.js';
import { formatText } from '../src/reporters/text.js';

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

const files = [
  ...['fixtures/pfsense'].flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.xml'))
      .map((f) => join(d, f)),
  ),
  // The shared corpus only in the corpus tier (npm run test:corpus).
  ...(corpusAvailable('corpus/pfsense')
    ? readdirSync(shared('corpus/pfsense')).map((f) => join(shared('corpus/pfsense'), f))
    : []),
];

describe('no output carries secrets', () => {
  it('finds secrets to look for (the test can fail)', () => {
    const all = files.flatMap((f) => secretsOf(readFileSync(f, 'utf8')));
    expect(all.length).toBeGreaterThan(corpusAvailable('corpus/pfsense') ? 10 : 2);
  });
  for (const file of files) {
    const secrets = secretsOf(readFileSync(file, 'utf8'));
    if (secrets.length === 0) continue;
    it(`${file}: ${secrets.length} secret value(s) absent from text, JSON and SARIF`, () => {
      const { report } = lintFiles([file], listProfiles(), 'auto', {
        phones: [],
        wan: [],
        audiences: [],
        devices: [],
        pbx: '192.168.1.10',
      });
      const outputs = [formatText(report, { color: false }), formatJson(report), formatSarif(report)].join('\n');
      // JSON escapes '/' nowhere but may escape quotes; compare raw and JSON-escaped forms.
      const leaked = secrets.filter((s) => outputs.includes(s) || outputs.includes(JSON.stringify(s).slice(1, -1)));
      expect(leaked).toEqual([]);
    });
  }
});
