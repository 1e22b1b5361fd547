import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';

/**
 * FWL005 when the filters let none of the phones' traffic out: behind source NAT is a property of the NAT
 * configuration (docs/semantics.md), so the NAT stages alone decide (natIfAllowed), as phonesAreNated does.
 * Before, closing the forward filter turned a missing masquerade into a pass with no evidence ("checked it
 * and found no problem"), while the same NAT with the filter open failed (review 26 item 2).
 */
const dir = mkdtempSync(join(tmpdir(), 'fwlint-nat-closed-'));

/** A forward chain that accepts `accept` (a rule line, or nothing), and a masquerade for `masq` only. */
function ruleset(accept: string, masq: string): string {
  const file = join(dir, `${String(Math.random()).slice(2)}.nft`);
  writeFileSync(
    file,
    `table inet filter {
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
${accept}
	}
}
table ip nat {
	chain postrouting {
		type nat hook postrouting priority 100;
		ip saddr ${masq} oifname "wan0" masquerade
	}
}
`,
  );
  return file;
}

function nat(file: string) {
  const { report, failed } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones: ['10.20.0.0/24@lan0'],
    wan: ['wan0'],
    audiences: [],
    devices: [],
  });
  expect(failed).toEqual([]);
  return {
    verdict: report.requirements?.find((v) => v.id === 'ipnordic-nat-required'),
    fwl005: report.findings.filter((f) => f.ruleId === 'FWL005'),
  };
}

describe('FWL005 when the filters let nothing of the phones out', () => {
  it('fails as it does with the filter open when the masquerade does not cover the phones', () => {
    const open = nat(ruleset('\t\tiifname "lan0" accept', '192.168.1.0/24'));
    const closed = nat(ruleset('', '192.168.1.0/24'));
    expect(open.verdict?.status).toBe('fail');
    expect(closed.verdict?.status).toBe('fail');
    const [f] = closed.fwl005;
    expect(f?.message).toBe(
      'Traffic from lan0 10.20.0.0/24 to the Internet would leave without source NAT once the filters let it out.',
    );
    expect(f?.details).toMatch(/^no source-NAT rule matches it\. /);
    expect(f?.details).toContain(
      'The filters let none of this traffic out today; this is what the NAT configuration does to it once they do.',
    );
  });

  it('passes, citing the masquerade, when it covers them', () => {
    const closed = nat(ruleset('', '10.20.0.0/24'));
    expect(closed.verdict?.status).toBe('pass');
    const [e] = closed.verdict?.evidence ?? [];
    expect(e?.text).toContain('masquerade');
    expect(e?.text).toContain('the filters let none of this traffic out today');
    expect(e?.loc?.line).toBe(11);
  });
});
