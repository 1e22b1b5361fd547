/** The compiled CLI as users run it (in this process, test/helpers/cli.ts): exit codes, formats, and the informational commands. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli.js';

const RULES = 'fixtures/pfsense/rules';
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env });

beforeAll(ensureBuilt, 120_000);

describe('fwlint lint exit codes', () => {
  it('exits 0 on a clean config', async () => {
    const r = await run(['lint', `${RULES}/clean.xml`, '--profile', 'ipnordic']);
    expect(r.code).toBe(0);
    // Clean, but opt-in requirements were not checked: never presented as a clean pass.
    expect(r.out).toContain('⚠ no problems found, but incomplete');
    expect(r.out).toMatch(/ipnordic: \d+ pass, 0 fail, \d+ not checked/);
    expect(r.err).toBe('');
  });
  it('exits 1 when a finding reaches --fail-on, 0 with --fail-on none', async () => {
    expect((await run(['lint', `${RULES}/fwl001-blocked.xml`, '--profile', 'ipnordic'])).code).toBe(1);
    expect(
      (await run(['lint', `${RULES}/fwl001-blocked.xml`, '--profile', 'ipnordic', '--fail-on', 'none'])).code,
    ).toBe(0);
  });
  it('counts warnings only from --fail-on warning', async () => {
    // FWL007 is a warning in ipnordic
    expect((await run(['lint', `${RULES}/fwl007-no-ping.xml`, '--profile', 'ipnordic'])).code).toBe(0);
    expect(
      (await run(['lint', `${RULES}/fwl007-no-ping.xml`, '--profile', 'ipnordic', '--fail-on', 'warning'])).code,
    ).toBe(1);
  });
  it('requires a profile and names the bundled ones', async () => {
    const r = await run(['lint', `${RULES}/clean.xml`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--profile .*ipnordic/);
  });
  it('refuses an unknown option with exit 2', async () => {
    expect((await run(['lint', `${RULES}/clean.xml`, '--profile', 'ipnordic', '--bogus'])).code).toBe(2);
  });
  it('refuses a second, different --pbx with exit 2 instead of keeping only the last', async () => {
    const lint = (...pbx: string[]) =>
      run(['lint', `${RULES}/clean.xml`, '--profile', 'ipnordic', ...pbx.flatMap((p) => ['--pbx', p])]);
    const two = await lint('10.30.0.10', '10.30.0.11');
    expect(two.code).toBe(2);
    expect(two.err).toBe(
      "fwlint: --pbx '10.30.0.11': --pbx takes one PBX and '10.30.0.10' was given already " +
        '(for sites with different PBXs, set "pbx" per folder in fwlint.config.json overrides)\n',
    );
    expect(two.out).toBe('');
    // The same PBX twice is one PBX.
    expect((await lint('10.30.0.10', '10.30.0.10')).code).toBe(0);
  });
});

describe('fwlint lint output', () => {
  it('writes JSON and SARIF to a file with -o', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-cli-'));
    const json = path.join(dir, 'r.json');
    expect(
      (
        await run([
          'lint',
          `${RULES}/fwl003-default-timeout.xml`,
          '--profile',
          'ipnordic',
          '--format',
          'json',
          '-o',
          json,
        ])
      ).code,
    ).toBe(1);
    interface JsonFinding {
      ruleId: string;
      fromDefault: boolean;
      message: string;
      details?: string;
    }
    const report = JSON.parse(fs.readFileSync(json, 'utf8')) as { findings: JsonFinding[] };
    const f = report.findings.find((x) => x.ruleId === 'FWL003' && x.fromDefault);
    expect(f).toMatchObject({ file: `${RULES}/fwl003-default-timeout.xml`, line: 6, level: 'error' });
    expect(`${f!.message} ${f!.details ?? ''}`).toContain("leaves udp.multiple at pf's default 60 s");
    const sarif = path.join(dir, 'r.sarif');
    await run([
      'lint',
      `${RULES}/fwl003-default-timeout.xml`,
      '--profile',
      'ipnordic',
      '--format',
      'sarif',
      '-o',
      sarif,
    ]);
    const log = JSON.parse(fs.readFileSync(sarif, 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.results.map((r) => r.ruleId)).toContain('FWL003');
  });
  it('colours only when asked and never with NO_COLOR', async () => {
    const args = ['lint', `${RULES}/fwl007-no-ping.xml`, '--profile', 'ipnordic'];
    expect((await run(args)).out).not.toContain('\u001b[');
    expect((await run(args, { FORCE_COLOR: '1' })).out).toContain('\u001b[');
    expect((await run(args, { FORCE_COLOR: '1', NO_COLOR: '1' })).out).not.toContain('\u001b[');
  });
  it('says which phones it assumed', async () => {
    expect((await run(['lint', `${RULES}/clean.xml`, '--profile', 'ipnordic'])).out).toContain(
      'phones: 10.20.0.0/24 on opt1, detected by interface name: interface VOICE (opt1)',
    );
  });
});

describe('fwlint explain', () => {
  it('traces a port range through the rules with lines', async () => {
    const r = await run([
      'explain',
      `${RULES}/fwl001-blocked.xml`,
      '--from',
      '10.20.0.0/24',
      '--to',
      '185.72.208.0/22',
      '--proto',
      'udp',
      '--port',
      '19990-20020',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /DROP port 20000-20010\n {2}decided by rule "Block a slice of RTP" at fixtures\/pfsense\/rules\/fwl001-blocked.xml:59/,
    );
    expect(r.out).toMatch(/ACCEPT port 19990-19999,20011-20020\n {2}decided by rule "Phones to ipnordic high ports"/);
  });
  it('traces traffic to the firewall itself', async () => {
    const r = await run([
      'explain',
      `${RULES}/fwl007-no-ping.xml`,
      '--from',
      '203.0.113.9',
      '--to',
      'self',
      '--proto',
      'icmp',
      '--in',
      'wan',
    ]);
    expect(r.out).toContain('to the firewall itself');
    expect(r.out).toMatch(/DROP[^\n]*\n {2}decided by default policy drop: pf default deny/);
  });
  it('an --in or --wan that names no interface exits 2 with the interfaces', async () => {
    // Before: --in nope exited 0 with "DROP (all of it)"; explain had no --wan.
    const file = `${RULES}/fwl001-blocked.xml`;
    const flow = ['explain', file, '--from', '10.20.0.0/24', '--to', '185.72.208.0/22'];
    const r = await run([...flow, '--in', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--in 'nope': no interface named 'nope' in ${file} (interfaces: wan, lan, VOICE (opt1))`);
    expect((await run([...flow, '--wan', 'nope'])).code).toBe(2);
    expect((await run([...flow, '--wan', 'wan'])).code).toBe(0);
    // Several VDOMs: an interface of one of them is enough; one of none exits 2.
    const vdoms = ['explain', 'fixtures/fortigate/rules/multi-vdom.conf', '--from', '203.0.113.9', '--to', '10.20.0.5'];
    const one = await run([...vdoms, '--in', 'wan1']);
    expect(one.code).toBe(0);
    expect(one.out).toContain('[guest]: any protocol from 203.0.113.9 to 10.20.0.5 in on wan1');
    const none = await run([...vdoms, '--in', 'nope']);
    expect(none.code).toBe(2);
    expect(none.err).toContain("--in 'nope': no interface named 'nope' in fixtures/fortigate/rules/multi-vdom.conf");
  });
  it('nftables: an internal source no interface holds arrives on any non-WAN interface, and says so', async () => {
    // Before: "in on wan0 out on wan0 … DROP (all of it)": a private source was taken to enter on the WAN.
    const flow = ['--from', '10.30.0.0/24', '--to', '185.72.208.0/22', '--proto', 'udp', '--port', '5060'];
    const r = await run(['explain', 'fixtures/nftables/site/any-non-wan.nft', ...flow]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('in on any except wan0 out on wan0');
    expect(r.out).toContain(
      '  ingress: no interface holds 10.30.0.0/24, so it is taken to arrive on any non-WAN interface ' +
        '(any except wan0); give --in to choose the interface',
    );
    expect(r.out).toMatch(/ACCEPT in on lan0\n {2}decided by rule "iifname lan0 oifname wan0 accept"/);
    // An Internet source arrives on the WAN; --wan names it as for lint.
    const inet = await run([
      'explain',
      'fixtures/nftables/site/any-non-wan.nft',
      ...flow,
      '--from',
      '203.0.113.9',
      '--wan',
      'ppp0',
    ]);
    expect(inet.out).toContain('203.0.113.9 is on the Internet, so it is taken to arrive on the WAN (ppp0)');
    const given = await run(['explain', 'fixtures/nftables/site/any-non-wan.nft', ...flow, '--in', 'lan0']);
    expect(given.out).not.toContain('ingress:');
    expect(given.out).toMatch(/^ACCEPT \(all of it\)/m);
  });
  it('never resolves hostnames', async () => {
    const r = await run(['explain', `${RULES}/clean.xml`, '--from', '10.20.0.0/24', '--to', 'sip.ipnordic.dk']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('hostnames are never resolved');
  });
});

describe('informational commands', () => {
  it('lists and shows profiles', async () => {
    const list = await run(['profiles']);
    expect(
      list.out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['ipnordic', 'mitel-mx-one', 'openscape-business', 'spectralink-versity', 'tele2-vaxel']);
    const show = await run(['profiles', 'show', 'ipnordic']);
    expect(show.out).toContain('185.72.208.0/22');
    expect(show.out).toMatch(/udp-timeout min 300/);
    expect((await run(['profiles', 'show', 'nope'])).code).toBe(2);
  });
  it('lists and shows rules by id or name', async () => {
    expect((await run(['rules'])).out.split('\n').filter(Boolean).length).toBe(15);
    const byName = await run(['rules', 'show', 'port-forward-to-phone']);
    expect(byName.out).toContain('FWL004 port-forward-to-phone');
    expect(byName.out).toContain('Firewall > NAT > Port Forward');
    expect((await run(['rules', 'show', 'FWL999'])).code).toBe(2);
  });
});
