import { describe, expect, it } from 'vitest';
import { lintFixture } from './expectations.js';

const dir = 'fixtures/mikrotik/rules';

describe('MikroTik findings say what caused them', () => {
  it('defaults name the RouterOS default and the version that selects it', () => {
    const fs = lintFixture(`${dir}/defconf-voice.rsc`, ['ipnordic']);
    const sip = fs.find((f) => f.ruleId === 'FWL002')!;
    expect(sip.fromDefault).toBe(true);
    expect(`${sip.message} ${sip.details ?? ''}`).toContain(
      'This is the platform default: no `/ip firewall service-port set sip disabled=yes`: ' +
        'RouterOS enables the SIP helper by default on ports 5060,5061',
    );
    const t = fs.find((f) => f.ruleId === 'FWL003')!;
    expect(t.fromDefault).toBe(true);
    expect(`${t.message} ${t.details ?? ''}`).toContain('UDP idle timeout is 180 s');
    expect(`${t.message} ${t.details ?? ''}`).toContain(
      'the RouterOS 7.18.2 default 3m (180 s) applies to established UDP',
    );
    expect(`${t.message} ${t.details ?? ''}`).toContain('v7 default 30s');
    expect(t.loc).toMatchObject({ line: 2, column: 1, endLine: 2 });
  });

  it("a raw notrack of the phones' UDP: FWL005 points at the raw rule and says UDP, not all traffic", () => {
    const [f] = lintFixture(`${dir}/fwl005-notrack-udp.rsc`, ['ipnordic']).filter((x) => x.ruleId === 'FWL005');
    expect(f!.loc.line).toBe(57); // the raw rule, not the `/ip firewall nat` header
    expect(f!.message).toMatch(/^UDP traffic from vlan20-voice .* leaves without source NAT\.$/);
    expect(f!.details).toContain('rule "voice UDP untracked" (line 57) takes it out of connection tracking (notrack)');
  });

  it('connection tracking off and no forward rule: FWL010 points at the filter section, not the whole file', () => {
    const [f] = lintFixture(`${dir}/fwl010-conntrack-off.rsc`, ['ipnordic']).filter((x) => x.ruleId === 'FWL010');
    // The forward chain's end accepts: that default is the cause, where a rule would go (not the
    // connection-tracking switch's pass-through, which decides nothing, nor the file as a whole).
    expect(f!.loc).toMatchObject({ line: 37, endLine: 37 });
    expect(f!.details).toContain('By the default policy: RouterOS: a packet that matches no rule in a base chain');
    expect(f!.details).toContain('Add a rule before the chain');
  });

  it('v6 defaults say v6, and an explicit udp-timeout is named as not the one that counts', () => {
    const [t] = lintFixture(`${dir}/fwl003-v6-default.rsc`, ['ipnordic']);
    expect(t!.fromDefault).toBe(true);
    expect(`${t!.message} ${t!.details ?? ''}`).toContain('the RouterOS 6.49.6 default 3m (180 s)');
    expect(`${t!.message} ${t!.details ?? ''}`).toContain('udp-timeout=1m30s (line');
    expect(`${t!.message} ${t!.details ?? ''}`).toContain('only covers UDP that has not been answered');
  });

  it('explicit settings are not called defaults and point at the value', () => {
    const [t] = lintFixture(`${dir}/fwl003-explicit.rsc`, ['ipnordic']);
    expect(t!.fromDefault).toBe(false);
    expect(`${t!.message} ${t!.details ?? ''}`).toContain('UDP idle timeout is 120 s');
    expect(`${t!.message} ${t!.details ?? ''}`).toContain('udp-stream-timeout=2m (120 s)');
    expect(t!.loc).toMatchObject({ column: 5, endColumn: 26 });
    const [sip] = lintFixture(`${dir}/fwl002-verbose.rsc`, ['ipnordic']);
    expect(sip!.fromDefault).toBe(false);
    expect(`${sip!.message} ${sip!.details ?? ''}`).toContain(
      'service-port sip disabled=no: the SIP helper is on (ports 5060,5061',
    );
  });

  it('a finding at the chain end names the RouterOS "chain end accepts" default', () => {
    const fs = lintFixture(`${dir}/fwl004-forward-to-phone.rsc`, ['ipnordic']);
    const exposed = fs.find((f) => f.ruleId === 'FWL010')!;
    expect(`${exposed.message} ${exposed.details ?? ''}`).toContain('Through NAT rule "SIP to reception phone"');
    expect(`${exposed.message} ${exposed.details ?? ''}`).toContain(
      'RouterOS: a packet that matches no rule in a base chain is accepted (chain end accepts, docs/semantics.md#ros-filter)',
    );
  });

  it('a rule inside a jump chain is named by its comment, and the blocked slice is exact', () => {
    const fs = lintFixture(`${dir}/fwl001-blocked.rsc`, ['ipnordic']);
    const rtp = fs.find((f) => f.ruleId === 'FWL001' && f.level === 'error')!;
    expect(`${rtp.message} ${rtp.details ?? ''}`).toContain(
      'blocked for port 20000-20010. Decided by rule "block a slice of RTP"',
    );
  });

  it('port randomisation names endpoint-independent NAT', () => {
    const [f] = lintFixture(`${dir}/fwl006-eim-random.rsc`, ['openscape-business'], { audiences: ['home-router'] });
    expect(`${f!.message} ${f!.details ?? ''}`).toContain('endpoint-independent-nat randomise-ports=yes');
  });

  it('stray text is reported without quoting it', () => {
    const fs = lintFixture(`${dir}/fwl900-unsupported.rsc`, ['ipnordic']);
    const stray = fs.find((f) => f.message.includes('stray text'))!;
    expect(`${stray.message} ${stray.details ?? ''}`).not.toContain('end of pasted');
  });
});
