import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { RequirementVerdict } from '../../src/model/report.js';
import { loadProfile } from '../../src/profiles/load.js';

/**
 * The requirement verdicts of FWL002 (sip-alg-off) and FWL003 (udp-timeout) where the mechanism acts
 * only on some traffic: nftables statements before connection tracking, helpers and VoIP profiles on
 * other traffic than the phones', flows blocked after their timeout is assigned (docs/semantics.md
 * #nft-conntrack, #nft-helpers, #fgt-sip, #defaults).
 */

const NFT = { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] };
const FGT = { phones: ['voice'] };

interface Run {
  verdicts: RequirementVerdict[];
  notes: string[];
  /** Message and details of each finding. */
  findings: string[];
}

function run(file: string, opts: Partial<LintOptions>): Run {
  const { report } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones: [],
    wan: [],
    audiences: [],
    devices: [],
    ...opts,
  });
  return {
    verdicts: report.requirements ?? [],
    notes: report.notifications.map((n) => n.message),
    findings: report.findings.map((f) => `${f.message} ${f.details ?? ''}`),
  };
}

const verdict = (r: Run, id: string): RequirementVerdict => {
  const v = r.verdicts.find((x) => x.id === `ipnordic-${id}`);
  expect(v, id).toBeDefined();
  return v!;
};
const evidence = (v: RequirementVerdict): string => v.evidence.map((e) => e.text).join(' | ');

const dir = mkdtempSync(join(tmpdir(), 'fwlint-verdicts-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An nftables ruleset around `chains` (inet table fw) with the phones' forward and NAT rules. */
function nft(name: string, objects: string, chains: string, forward = ''): string {
  const path = join(dir, `${name}.nft`);
  writeFileSync(
    path,
    `flush ruleset

table inet fw {
${objects}
${chains}
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname "lo" accept
		iifname "wan0" icmp type echo-request accept
		iifname "vlan20" meta l4proto { tcp, udp } th dport 53 accept
	}

	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
${forward}		iifname { "vlan20", "lan0" } oifname "wan0" accept
	}
}

table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" masquerade
	}
}
`,
  );
  return path;
}

const TIMEOUT = `	ct timeout udp-voip {
		protocol udp
		l3proto ip
		policy = { unreplied : 60, replied : 600 }
	}
`;
const HELPER = `	ct helper sip-5060 {
		type "sip" protocol udp
		l3proto ip
	}
`;

describe('nftables: ct timeout set / ct helper set before connection tracking attach nothing', () => {
  it('priority raw (-300): the kernel 120 s governs, no SIP helper acts, a note says why', () => {
    const r = run('fixtures/nftables/rules/fwl003-timeout-before-conntrack.nft', NFT);
    const t = verdict(r, 'udp-timeout');
    expect(t.status).toBe('fail');
    expect(t.why).toContain('UDP idle timeout is 120 s');
    const s = verdict(r, 'sip-alg-off');
    expect(s.status).toBe('pass');
    expect(evidence(s)).toContain('`ct helper set "sip-5060"` at line 25 has no effect');
    expect(r.notes.filter((n) => n.includes('has no effect')).map((n) => n.replace(/^.*?: line/, 'line'))).toEqual([
      'line 24: `ct timeout set "udp-voip"` has no effect: inet fw raw (hook prerouting, priority -300) runs before ' +
        'connection tracking (-200 on prerouting and output), where the packet has no conntrack entry to attach it ' +
        'to (nft_ct_timeout_obj_eval; docs/semantics.md#nft-conntrack)',
      'line 25: `ct helper set "sip-5060"` has no effect: inet fw raw (hook prerouting, priority -300) runs before ' +
        'connection tracking (-200 on prerouting and output), where the packet has no conntrack entry to attach it ' +
        'to (nft_ct_helper_obj_eval; docs/semantics.md#nft-conntrack)',
    ]);
  });

  it('a numeric priority below -200, and a chain reached only by a jump from such a chain, the same', () => {
    const numeric = nft(
      'numeric',
      TIMEOUT,
      `	chain pre {
		type filter hook prerouting priority -300; policy accept;
		meta l4proto udp ct timeout set "udp-voip"
	}
`,
    );
    expect(verdict(run(numeric, NFT), 'udp-timeout').status).toBe('fail');
    const jumped = nft(
      'jumped',
      TIMEOUT,
      `	chain pre {
		type filter hook prerouting priority raw; policy accept;
		jump timeouts
	}

	chain timeouts {
		meta l4proto udp ct timeout set "udp-voip"
	}
`,
    );
    const r = run(jumped, NFT);
    expect(verdict(r, 'udp-timeout').status).toBe('fail');
    expect(r.notes.some((n) => n.includes('inet fw timeouts is reached only from inet fw pre'))).toBe(true);
  });

  it('an ingress chain runs before connection tracking too', () => {
    const r = run(
      nft(
        'ingress',
        TIMEOUT,
        `	chain in {
		type filter hook ingress device "vlan20" priority 0; policy accept;
		meta l4proto udp ct timeout set "udp-voip"
	}
`,
      ),
      NFT,
    );
    expect(verdict(r, 'udp-timeout').status).toBe('fail');
    expect(r.notes.some((n) => n.includes('inet fw in (hook ingress) runs before connection tracking'))).toBe(true);
  });

  it('after -200 (and on forward at any priority) the assignment counts', () => {
    for (const [name, hook, prio] of [
      ['m199', 'prerouting', '-199'],
      ['fwd300', 'forward', '-300'],
    ] as const) {
      const r = run(
        nft(
          name,
          TIMEOUT,
          `	chain t {
		type filter hook ${hook} priority ${prio}; policy accept;
		meta l4proto udp ct timeout set "udp-voip"
	}
`,
        ),
        NFT,
      );
      const t = verdict(r, 'udp-timeout');
      expect(t.status, name).toBe('pass');
      expect(evidence(t), name).toContain('UDP idle timeout is 600 s');
      expect(
        r.notes.some((n) => n.includes('effect')),
        name,
      ).toBe(false);
    }
  });

  it('a forward chain below -200 is after conntrack: its state matches see the replies as established', () => {
    const path = join(dir, 'forward-raw.nft');
    writeFileSync(
      path,
      `flush ruleset

table inet fw {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname "wan0" icmp type echo-request accept
		iifname "vlan20" meta l4proto { tcp, udp } th dport 53 accept
	}

	chain forward {
		type filter hook forward priority raw; policy drop;
		ct state established,related accept
		iifname "vlan20" oifname "wan0" accept
	}
}

table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" masquerade
	}
}
`,
    );
    expect(verdict(run(path, NFT), 'return-traffic').status).toBe('pass');
  });

  it("at exactly -200 the order is the hooks' registration order: counted, and marked unconfirmed or uncertain", () => {
    const r = run(
      nft(
        'at200',
        TIMEOUT + HELPER,
        `	chain pre {
		type filter hook prerouting priority -200; policy accept;
		meta l4proto udp ct timeout set "udp-voip"
		udp dport 5060 ct helper set "sip-5060"
	}
`,
      ),
      NFT,
    );
    const t = verdict(r, 'udp-timeout');
    expect(evidence(t)).toContain('Unconfirmed: `ct timeout set "udp-voip"` at line');
    // The 600 s rests on the unconfirmed hook order: uncertain, not pass.
    expect(t.status).toBe('uncertain');
    expect(t.why).toContain('Holds only if this unconfirmed point is right: `ct timeout set "udp-voip"` at line');
    const s = verdict(r, 'sip-alg-off');
    expect(s.status).toBe('uncertain');
    expect(r.findings.join(' ')).toContain('depends on the order the two hooks were registered');
    expect(r.notes.filter((n) => n.includes('may have no effect'))).toHaveLength(2);
  });
});

describe("nftables FWL002: a SIP helper counts only on the phones' traffic with the provider", () => {
  it('a helper on what the LAN sends is not on the phones: pass, with the helper as evidence', () => {
    const r = run('fixtures/nftables/rules/fwl002-helper-lan-only.nft', NFT);
    const s = verdict(r, 'sip-alg-off');
    expect(s.status).toBe('pass');
    expect(evidence(s)).toContain('SIP ALG is on, but not for the phones\' traffic (`ct helper set "sip-5060"`');
  });

  it('a helper on connections from the WAN to the phones, or on what they send, counts', () => {
    for (const [name, match] of [
      ['from-wan', 'iifname "wan0" udp dport 5060'],
      ['from-phones', 'iifname "vlan20" udp dport 5060'],
    ] as const) {
      const r = run(nft(name, HELPER, '', `\t\t${match} ct helper set "sip-5060"\n`), NFT);
      expect(verdict(r, 'sip-alg-off').status, name).toBe('fail');
    }
  });

  it('a helper only attaches to connections of its own protocol', () => {
    const r = run(nft('tcp-only', HELPER, '', '\t\tiifname "vlan20" tcp dport 5060 ct helper set "sip-5060"\n'), NFT);
    expect(verdict(r, 'sip-alg-off').status).toBe('pass');
  });
});

describe('FortiGate FWL002: each VoIP mechanism acts on its own policies', () => {
  it('kernel-helper-based, the VoIP profile on the LAN policy only: pass', () => {
    const s = verdict(run('fixtures/fortigate/rules/fwl002-profile-on-lan-policy.conf', FGT), 'sip-alg-off');
    expect(s.status).toBe('pass');
    expect(evidence(s)).toContain(
      'SIP ALG is on, but not for the phones\' traffic (policy 2 "lan-out" uses voip-profile "default"',
    );
  });

  it("proxy-based default, the phones' profile disables SIP and no sip session helper: pass", () => {
    const s = verdict(run('fixtures/fortigate/rules/fwl002-profile-sip-disabled.conf', FGT), 'sip-alg-off');
    expect(s.status).toBe('pass');
    expect(evidence(s)).toContain('policy 1 "phones-out" uses voip-profile "no-sip", whose SIP inspection is disabled');
    expect(evidence(s)).toContain('the session-helper table has no "sip" entry');
  });

  it('the same with the sip session-helper entry: uncertain (only KB 211669 says the helper takes over)', () => {
    const r = run('fixtures/fortigate/rules/fwl002-profile-sip-disabled-helper.conf', FGT);
    expect(verdict(r, 'sip-alg-off').status).toBe('uncertain');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toContain('Cause: session-helper 13 (sip, protocol 17, port 5060)');
    expect(r.findings[0]).toContain('Uncertain: that the SIP session helper takes over');
  });

  it('the default mode is reported where the phones use a policy without a profile, the profile where they have one', () => {
    const { report } = lintFiles(
      [`fixtures/fortigate/rules/fwl002-default-alg.conf`],
      [loadProfile('ipnordic')],
      'auto',
      {
        phones: [],
        wan: [],
        audiences: [],
        devices: [],
      },
    );
    const fs = report.findings.filter((f) => f.ruleId === 'FWL002');
    expect(fs.map((f) => [f.loc.line, f.fromDefault])).toEqual([
      [15, true],
      [102, false],
    ]);
  });
});

describe('FWL003: the timeout each flow gets on its path', () => {
  it('blocked flows: the timeout assigned before the drop, not the kernel default', () => {
    const r = run('fixtures/nftables/rules/fwl003-blocked-after-timeout.nft', NFT);
    expect(verdict(r, 'sip-udp').status).toBe('fail');
    const t = verdict(r, 'udp-timeout');
    expect(t.status).toBe('pass');
    expect(evidence(t)).toContain('UDP idle timeout is 600 s (ct timeout udp-voip sets replied : 600 s');
    expect(evidence(t)).toContain("the phones' UDP traffic is blocked (FWL001)");
  });

  it('the last assignment on the path governs (kernel fixture)', () => {
    const t = verdict(run('fixtures/nftables/kernel/ct-timeout-last-assignment-wins.nft', NFT), 'udp-timeout');
    expect(t.status).toBe('fail');
    expect(t.why).toContain('UDP idle timeout is 90 s');
  });

  it('pfSense, blocked: the global timeout, as before', () => {
    const t = verdict(run('fixtures/pfsense/rules/fwl001-blocked.xml', {}), 'udp-timeout');
    expect(t.status).toBe('pass');
    expect(evidence(t)).toBe('UDP idle timeout is 900 s (optimization conservative: pfSense sets udp.multiple 900)');
  });
});
