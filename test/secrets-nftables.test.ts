import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusFiles, filesUnder, itLeaksNoSecret, leaks, lintWithEveryProfile, outputsOf } from './helpers/secrets.js';

/**
 * nftables rulesets have no secret fields of their own, but /etc/nftables.conf files carry what
 * operators put there: WireGuard private and preshared keys, passwords and tokens in comments and
 * in `define`s. Harvest every such value from the fixtures and the corpus and require that none
 * appears in any output format (text, JSON, SARIF), with every profile.
 */
const KEY_NAME = /(?:priv(?:ate)?[_ -]?key|preshared[_ -]?key|psk|secret|passw(?:or)?d|token|api[_ -]?key)/i;
const BASE64_KEY = /[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=/g; // 32-byte keys (WireGuard)
const LONG_HEX = /\b[0-9a-f]{32,}\b/gi;

export function secretsOf(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const hash = line.indexOf('#');
    const comment = hash >= 0 ? line.slice(hash + 1) : '';
    const define = /^(?:re)?define\s+(\w+)\s*=\s*(.+)$/.exec(line);
    if (define && KEY_NAME.test(define[1]!)) out.add(define[2]!.trim().replace(/^"|"$/g, ''));
    for (const part of [comment, line]) {
      for (const m of part.matchAll(BASE64_KEY)) out.add(m[0]);
      for (const m of part.matchAll(LONG_HEX)) out.add(m[0]);
    }
    const kv = /(?:priv(?:ate)?\s*key|preshared\s*key|psk|secret|password|token)\s*[:=]\s*(\S{8,})/i.exec(comment);
    if (kv) out.add(kv[1]!);
  }
  return [...out].filter((s) => s.length >= 8);
}

// The shared corpus only in the corpus tier (npm run test:corpus).
const all = [...filesUnder('fixtures/nftables'), ...corpusFiles('corpus/nftables', 'corpus/nftables-json')];

describe('no output carries secrets (nftables)', () => {
  it('finds secrets to look for in the fixtures (the harvest works)', () => {
    const s = secretsOf(readFileSync('fixtures/nftables/wireguard-site.nft', 'utf8'));
    expect(s).toEqual(
      expect.arrayContaining([
        'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=',
        'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=',
        'Zx9!kR2#mQ7@vL4$',
        'ghp_4fJ8s2LkQw9ZxV7bN1mC3tR6yU0pE5aH2dGq',
        '5w5Xm2nCg8sVh1QpTz0rYf3uJ7kLdA9bEe4oWiNqRcM=',
      ]),
    );
  });

  it('the leak check fails when a secret is in the output (the test can fail)', () => {
    const s = secretsOf(readFileSync('fixtures/nftables/wireguard-site.nft', 'utf8'));
    const report = lintWithEveryProfile('fixtures/nftables/wireguard-site.nft');
    const poisoned = { ...report, findings: [{ ...report.findings[0]!, message: `key ${s[0]!} in a message` }] };
    expect(leaks(outputsOf(poisoned), s)).toContain(s[0]);
    expect(leaks(outputsOf(report), s)).toEqual([]);
  });

  itLeaksNoSecret(all, secretsOf);
});
