import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, shared } from './helpers/tiers.js';
import { lintFiles } from '../src/cli/lint.js';
import type { Report } from '../src/model/report.js';
import { listProfiles } from '../src/profiles/load.js';
import { formatJson } from '../src/reporters/json.js';
import { formatSarif } from '../src/reporters/sarif.js';
import { formatText } from '../src/reporters/text.js';

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

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? (n === 'include' ? [] : files(p)) : [p];
  });
}

// The shared corpus only in the corpus tier (npm run test:corpus).
const CORPUS = ['corpus/nftables', 'corpus/nftables-json'].filter(corpusAvailable).map(shared);
const all = [...files('fixtures/nftables'), ...CORPUS.flatMap(files)];

function outputs(report: Report): string {
  return [formatText(report, { color: false }), formatJson(report), formatSarif(report)].join('\n');
}

function leaked(secrets: string[], out: string): string[] {
  // JSON and SARIF escape '/' nowhere but may escape quotes and '+': compare raw and JSON-escaped forms.
  return secrets.filter(
    (s) => out.includes(s) || out.includes(JSON.stringify(s).slice(1, -1)) || out.includes(s.slice(0, 20)),
  );
}

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
    const { report } = lintFiles(['fixtures/nftables/wireguard-site.nft'], listProfiles(), 'auto', {
      phones: [],
      wan: [],
      audiences: [],
      devices: [],
    });
    const poisoned = { ...report, findings: [{ ...report.findings[0]!, message: `key ${s[0]!} in a message` }] };
    expect(leaked(s, outputs(poisoned))).toContain(s[0]);
    expect(leaked(s, outputs(report))).toEqual([]);
  });

  for (const file of all) {
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
      expect(report.files[0]!.failed ?? false).toBe(false);
      expect(leaked(secrets, outputs(report))).toEqual([]);
    });
  }
});
