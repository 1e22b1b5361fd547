import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Audience } from '../src/model/profile.js';
import type { Report } from '../src/model/report.js';
import { corpusAvailable } from './helpers/tiers.js';
import { corpusFiles, filesUnder, itLeaksNoSecret, leaks, lintWithEveryProfile, outputsOf } from './helpers/secrets.js';

/**
 * RouterOS exports (`export show-sensitive`, and every v6 export) carry Wi-Fi passphrases, PPP and
 * user passwords, IPsec and RoMON secrets, WireGuard keys and SNMP passwords as `key=value`.
 * Harvest every such value from the MikroTik fixtures and the corpus folder and require that none
 * appears in any output format, for every profile.
 */
const SECRET_KEY_NAMES = [
  'password|secret|secrets|pre-shared-key|preshared-key|private-key',
  'passphrase|psk|auth-key|authentication-key',
].join('|');
const SECRET_KEY = new RegExp(
  String.raw`(?:^|[\s"])((?:[\w.-]*-)?(?:${SECRET_KEY_NAMES})|\.passphrase)=("(?:[^"\\]|\\.)*"|[^\s"]+)`,
  'gim',
);

/** docs/semantics.md#ros-syntax: a trailing backslash joins the next line (minus its indentation). */
const joinContinuations = (text: string) => text.replace(/\\\r?\n[ \t]*/g, '');

function secretsOf(text: string): string[] {
  const out = new Set<string>();
  for (const m of joinContinuations(text).matchAll(SECRET_KEY)) {
    let v = m[2]!;
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    // Long values only: distinctive enough that finding one in the output means a leak.
    if (v.length >= 6 && !/^(yes|no|true|false|auto|none|default|disabled?|enabled?)$/i.test(v)) out.add(v);
  }
  return [...out];
}

// The shared corpus only in the corpus tier (npm run test:corpus).
const withCorpus = corpusAvailable('corpus/mikrotik');
const files = [...filesUnder('fixtures/mikrotik'), ...corpusFiles('corpus/mikrotik')];
const audiences: Audience[] = ['pc-software', 'wifi-calling', 'mobile-app', 'servers'];
const opts = { audiences };

describe('no output carries a RouterOS secret', () => {
  it('finds the secrets to look for, including ones split by a line continuation (the test can fail)', () => {
    const fixture = secretsOf(readFileSync('fixtures/mikrotik/home-office-sensitive.rsc', 'utf8'));
    expect(fixture).toEqual(
      expect.arrayContaining([
        'Correct-Horse-Battery-9931',
        'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=',
        'p6J3kOQd0r1lWbRk0v0kHq3XGm9sT2y7uE4aC8bN1xE=',
        'Pppoe-Secret-4471',
        'Ipsec-Shared-Secret-8812',
        'Ppp-Branch-Passw0rd-1',
        'Snmp-Auth-Pass-5562',
        'Snmp-Priv-Pass-7781',
        'Backup-Pass-3390',
        'Romon-Secret-6620',
        'Helpdesk-Passw0rd-2024',
      ]),
    );
    expect(fixture).not.toContain('Hq8ZsR0l2pUo3vY5wX7zA9bC1dE3fG5hJ7kL9mN1pQ0='); // a public key is no secret
  });

  it.runIf(withCorpus)('finds the secrets to look for in the shared corpus (corpus tier)', () => {
    const corpus = corpusFiles('corpus/mikrotik').flatMap((f) => secretsOf(readFileSync(f, 'utf8')));
    expect(corpus).toEqual(expect.arrayContaining(['TlenTlen', 'password!', 'qsefth123!']));
  });

  it('the leak check fires when a secret does reach an output', () => {
    const file = 'fixtures/mikrotik/home-office-sensitive.rsc';
    const report = lintWithEveryProfile(file, opts);
    const secret = 'Romon-Secret-6620';
    const tainted: Report = {
      ...report,
      findings: [...report.findings, { ...report.findings[0]!, ruleId: 'FWL900', message: `leaked ${secret}` }],
    };
    if (report.findings.length === 0) throw new Error('expected findings to taint');
    expect(leaks(outputsOf(tainted), [secret])).toEqual([secret]);
    const noted: Report = {
      ...report,
      notifications: [...report.notifications, { level: 'note', message: `x "${secret}" y` }],
    };
    expect(leaks(outputsOf(noted), [secret])).toEqual([secret]);
  });

  itLeaksNoSecret(files, secretsOf, opts);
});
