import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusAvailable } from './helpers/tiers.js';
import { corpusFiles, filesUnder, itLeaksNoSecret, leaks } from './helpers/secrets.js';

/**
 * FortiOS configurations hold encrypted passwords, PSKs and API keys (`set password ENC …`,
 * `set psksecret ENC …`), private keys and certificates (multi-line quoted PEM blocks) and plain
 * secrets in some attributes. Harvest every such value from the fixtures and the corpus and require
 * that none appears in any output format.
 */
const ENC = /^\s*set\s+[\w-]+\s+ENC\s+(\S{8,})/gm;
const PLAIN_NAMES = [
  'password',
  'passwd',
  'psksecret',
  'secret',
  'key',
  'passphrase',
  'api-key',
  'auth-pwd',
  'server-key',
  'login-passwd',
  'radius-secret',
].join('|');
const PLAIN = new RegExp(String.raw`^\s*set\s+(?:${PLAIN_NAMES})\s+"?([^"\s]{8,})"?\s*$`, 'gm');
const PEM = /-----BEGIN [A-Z ]+-----\s*([\s\S]*?)-----END [A-Z ]+-----/g;

export function secretsOf(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(ENC)) out.add(m[1]!.slice(0, 40));
  for (const m of text.matchAll(PLAIN)) if (m[1] !== 'ENC') out.add(m[1]!.slice(0, 40));
  for (const m of text.matchAll(PEM)) {
    // Every body line of a key or certificate, long enough to be unmistakable.
    for (const line of m[1]!.split('\n')) {
      const t = line.trim().replace(/"$/, '');
      if (t.length >= 16 && !t.includes(':')) out.add(t.slice(0, 40));
    }
  }
  return [...out];
}

// The shared corpus only in the corpus tier (npm run test:corpus).
const withCorpus = corpusAvailable('corpus/fortigate');
const files = [...filesUnder('fixtures/fortigate'), ...corpusFiles('corpus/fortigate')];

describe('no output carries FortiGate secrets', () => {
  it('secrets are found to look for (the test can fail)', () => {
    const all = files.flatMap((f) => secretsOf(readFileSync(f, 'utf8')));
    expect(all.length).toBeGreaterThanOrEqual(withCorpus ? 50 : 5);
    // The fixture's own secrets are harvested: ENC password, PSK, key and certificate bodies.
    const traps = secretsOf(readFileSync('fixtures/fortigate/traps.conf', 'utf8'));
    expect(traps).toEqual(
      expect.arrayContaining([
        'Zm9ydGlnYXRlLXRyYXBzLWVuY3J5cHRlZC1wYXNz',
        'cHJlLXNoYXJlZC1rZXktb2YtdGhlLXRyYXBzLWZp',
        'TUlJQ2FrZUZha2VQcml2YXRlS2V5Rm9yRndsaW50',
        'RmFrZUNlcnRpZmljYXRlRm9yRndsaW50VGVzdHNP',
      ]),
    );
    // and the check catches a leak, raw or JSON-escaped
    expect(leaks(`message with ${traps[0]} inside`, traps)).toEqual([traps[0]]);
    expect(leaks(JSON.stringify({ m: 'x/y' }), ['x/y'])).toEqual(['x/y']);
  });

  itLeaksNoSecret(files, secretsOf);
});
