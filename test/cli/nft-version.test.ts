/** `--nft-version`: the nft release that loads the ruleset decides how `ct state != a,b` compiles (docs/semantics.md#nft-syntax). */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli.js';

const FILE = 'fixtures/nftables/rules/fwl008-uncertain-flag-list.nft';
const SITE = ['--profile', 'ipnordic', '--phones', '10.20.0.0/24@vlan20', '--wan', 'wan0', '--format', 'json'];
const fwl008 = (out: string) =>
  (JSON.parse(out) as { findings: { ruleId: string; level: string; uncertain: boolean }[] }).findings.filter(
    (f) => f.ruleId === 'FWL008',
  );

beforeAll(ensureBuilt, 120_000);

describe('fwlint lint --nft-version', () => {
  it('without it, `ct state != a,b` in a text ruleset is uncertain', async () => {
    const r = await runCli(['lint', FILE, ...SITE]);
    expect(fwl008(r.out).map((f) => [f.level, f.uncertain])).toEqual([['warning', true]]);
  });
  it('with 1.0.6 (cmp neq on the combined bits: every packet matches) the drop is exact', async () => {
    const r = await runCli(['lint', FILE, ...SITE, '--nft-version', 'v1.0.6']);
    expect(fwl008(r.out).map((f) => [f.level, f.uncertain])).toEqual([['error', false]]);
  });
  it('refuses a value that is not a release, in one line, exit 2', async () => {
    const r = await runCli(['lint', FILE, ...SITE, '--nft-version', 'latest']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('--nft-version latest');
  });
});
