/**
 * Issue 10: a configuration damaged at a secret line made the parse error quote the start of the
 * secret (FortiGate: "found `MIIFJDBWBgkqhkiG9w0BBQ0w…`"), in every output format and on stderr.
 * For each vendor, a file damaged at a secret must not show any 8-character piece of it anywhere
 * (standard output or error).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const PEM = 'MIIFJDBWBgkqhkiG9w0BBQ0wSTAxBgkqhkiG9w0BBQwwJAQQ7Xr2vKq9sLm3';
const HEADER = '#config-version=FG100F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin';

interface Case {
  name: string;
  text: string;
  secrets: string[];
}

const cases: Case[] = [
  {
    name: 'fortigate-private-key.conf',
    text:
      `${HEADER}\nconfig vpn certificate local\n    edit "c1"\n` +
      `        set private-key -----BEGIN ENCRYPTED PRIVATE KEY-----\n${PEM}\n-----END ENCRYPTED PRIVATE KEY-----"\n` +
      `    next\nend\n`,
    secrets: [PEM],
  },
  {
    name: 'fortigate-psk.conf',
    text:
      `${HEADER}\nconfig vpn ipsec phase1-interface\n    edit "p1"\n` +
      `        set psksecret ENC Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==\n  oops\n    next\nend\n`,
    secrets: ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=='],
  },
  {
    name: 'mikrotik-secret.rsc',
    text:
      '# by RouterOS 7.11\n/ppp secret\nadd name=alice password="Sup3rS3cretPw!" service=pptp oops {\n' +
      '/interface wireless security-profiles\nadd name=p wpa2-pre-shared-key=Wp4KeyVerySecret99 [find\n',
    secrets: ['Sup3rS3cretPw', 'Wp4KeyVerySecret99'],
  },
  {
    name: 'pfsense-psk.xml',
    text:
      '<?xml version="1.0"?>\n<pfsense>\n<version>22.2</version>\n' +
      '<system><user><name>admin</name>' +
      '<bcrypt-hash>$2y$10$Q9dKx8vL2mN4pR6tS8uW0eYgHjKlMnOpQrStUvWxYz12345</bcrypt-hash></user></system>\n' +
      '<ipsec><phase1><pre-shared-key>PskS3cretValue42<</pre-shared-key></phase1></ipsec>\n</pfsense>\n',
    secrets: ['Q9dKx8vL2mN4pR6tS8uW0eYgHjKlMnOpQrStUvWxYz12345', 'PskS3cretValue42'],
  },
  {
    name: 'nftables-key.nft',
    text: `table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\t${PEM} accept\n\t}\n}\n`,
    secrets: [PEM],
  },
];

function pieces(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) out.push(secret.slice(i, i + 8));
  return out;
}

describe('a config damaged at a secret never shows the secret', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fwlint-secrets-'));
  for (const c of cases) {
    const file = path.join(dir, c.name);
    writeFileSync(file, c.text);
    for (const format of ['text', 'json', 'sarif', 'github', 'junit']) {
      it(`${c.name} --format ${format}`, async () => {
        // The compiled CLI in this process: stdout and stderr as a spawned one writes them.
        const r = await runCli(['lint', file, '--profile', 'ipnordic', '--no-config', '--format', format]);
        expect([0, 1, 2]).toContain(r.code);
        const all = r.out + r.err;
        for (const s of c.secrets) for (const p of pieces(s)) expect(all).not.toContain(p);
      });
    }
  }
});
