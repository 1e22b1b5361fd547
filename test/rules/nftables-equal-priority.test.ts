import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain, formatExplain } from '../../src/cli/explain.js';
import { lintFiles } from '../../src/cli/lint.js';
import { readConfig } from '../../src/cli/read.js';
import { loadProfile } from '../../src/profiles/load.js';
import { parseNftables } from '../../parsers/nftables/index.js';

/**
 * Base chains of different tables on one hook with equal priority run in an order nft leaves
 * undefined (the kernel may run them in the reverse of the file's order). Before, FWL003 judged the
 * last `ct timeout set` in file order as certain; now a timeout that fails only in some orders is
 * uncertain, and verdicts that hold in every order stay certain (docs/semantics.md#nft-hooks).
 */
const dir = mkdtempSync(join(tmpdir(), 'fwlint-eqprio-'));

function lint(file: string) {
  const { report, failed } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones: ['10.20.0.0/24@vlan20'],
    wan: ['wan0'],
    audiences: [],
    devices: [],
  });
  expect(failed).toEqual([]);
  const timeout = report.requirements?.find((v) => v.id === 'ipnordic-udp-timeout');
  return { report, timeout, fwl003: report.findings.filter((f) => f.ruleId === 'FWL003') };
}

/** Two tables whose prerouting chains (priority `prio`) assign `a` and `b` seconds; `extra` goes into table b. */
function twoTables(a: number, b: number, extra = '', prio = ['filter', 'filter']): string {
  return `table inet a {
	ct timeout ta {
		protocol udp
		l3proto ip
		policy = { replied : ${String(a)} }
	}
	chain pre {
		type filter hook prerouting priority ${prio[0] ?? 'filter'}; policy accept;
		meta l4proto udp ct timeout set "ta"
	}
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname "wan0" icmp type echo-request accept
		iifname "vlan20" meta l4proto { tcp, udp } th dport 53 accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "vlan20" oifname "wan0" accept
	}
}
table inet b {
	ct timeout tb {
		protocol udp
		l3proto ip
		policy = { replied : ${String(b)} }
	}
	chain pre {
		type filter hook prerouting priority ${prio[1] ?? 'filter'}; policy accept;
		meta l4proto udp ct timeout set "tb"
	}
${extra}}
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" masquerade
	}
}
`;
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('nftables: equal priorities in different tables', () => {
  it('a timeout outside the range in file order but within it in the other order is uncertain, with the reason', () => {
    const { fwl003, timeout } = lint('fixtures/nftables/rules/fwl003-equal-priority.nft');
    expect(fwl003).toHaveLength(1);
    expect(fwl003[0]!.uncertain).toBe(true);
    expect(`${fwl003[0]!.message} ${fwl003[0]!.details ?? ''}`).toContain(
      'Uncertain: nft leaves the order of inet site pre and inet branch pre (hook prerouting, priority 0) ' +
        'undefined: equal priorities in different tables (docs/semantics.md#nft-hooks); if inet site pre runs last, ' +
        'the UDP idle timeout is 600 s (ct timeout udp-long sets replied : 600 s',
    );
    expect(timeout?.status).toBe('uncertain');
    // explain shows the same flow through both chains and says their order is undefined.
    const [p] = readConfig('fixtures/nftables/rules/fwl003-equal-priority.nft', 'eq.nft', 'auto');
    const flow = { from: '10.20.0.5', to: '185.72.208.10', proto: 'udp', port: '5060', in: 'vlan20', wan: ['wan0'] };
    const t = formatExplain(p!, explain(p!, flow));
    expect(t).toContain(
      '  order: nft leaves the order of inet site pre and inet branch pre (hook prerouting, priority 0) undefined: ' +
        'equal priorities in different tables (docs/semantics.md#nft-hooks); shown in file order',
    );
    expect(t).toMatch(/^ACCEPT \(all of it\)/m);
  });

  it('the other order giving the low value is uncertain too (the kernel may run the later chain first)', () => {
    const { fwl003, timeout } = lint(write('low-last.nft', twoTables(90, 600)));
    expect(fwl003.map((f) => [f.message.slice(0, 26), f.uncertain])).toEqual([['UDP idle timeout is 90 s; ', true]]);
    expect(`${fwl003[0]!.message} ${fwl003[0]!.details ?? ''}`).toContain(
      'if they run in the order fwlint evaluates (inet a pre, then inet b pre), the UDP idle timeout is 600 s',
    );
    expect(timeout?.status).toBe('uncertain');
  });

  it('both orders within the range: a certain pass; both outside it: a certain fail that names both', () => {
    const fine = lint(write('fine.nft', twoTables(600, 900)));
    expect(fine.fwl003).toEqual([]);
    expect(fine.timeout?.status).toBe('pass');
    expect(lint('fixtures/nftables/rules/clean-equal-priority.nft').timeout?.status).toBe('pass');

    const low = lint(write('low.nft', twoTables(60, 90)));
    expect(low.fwl003.map((f) => [f.message.slice(0, 26), f.uncertain])).toEqual([
      ['UDP idle timeout is 60 s; ', false],
      ['UDP idle timeout is 90 s; ', false],
    ]);
    expect(low.timeout?.status).toBe('fail');
    for (const f of low.fwl003)
      expect(`${f.message} ${f.details ?? ''}`).toContain(
        'it governs in some orders only (nft leaves the order of inet a pre and inet b pre',
      );
  });

  it('different priorities, or a chain that sets nothing for the flow: certain as before', () => {
    const ordered = lint(write('ordered.nft', twoTables(600, 90, '', ['filter', 'filter + 1'])));
    expect(ordered.fwl003.map((f) => f.uncertain)).toEqual([false]);
    expect(ordered.timeout?.status).toBe('fail');
    // Table b's assignment matches only TCP: the phones' UDP gets table a's 90 s in every order.
    const tcp = twoTables(90, 600).replace(
      'meta l4proto udp ct timeout set "tb"',
      'meta l4proto tcp ct timeout set "tb"',
    );
    expect(lint(write('tcp-only.nft', tcp)).fwl003.map((f) => f.uncertain)).toEqual([false]);
  });

  it('a drop in one table and an accept in the other: the drop wins in either order (certain FWL001)', () => {
    const drop =
      '\tchain fwd {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tudp dport 5060 drop\n\t}\n';
    const { report } = lint(write('drop.nft', twoTables(600, 900, drop)));
    const sip = report.findings.filter((f) => f.ruleId === 'FWL001' && f.requirement === 'ipnordic-sip-udp');
    expect(sip.map((f) => f.uncertain ?? false)).toEqual([false]);
    expect(report.requirements?.find((v) => v.id === 'ipnordic-sip-udp')?.status).toBe('fail');
  });

  it('the model marks such chains as unordered in their stage; other families and nat chains are told apart', () => {
    const p = parseNftables(
      [
        'table ip a { chain f { type filter hook forward priority 0; } }',
        'table ip6 b { chain f { type filter hook forward priority 0; } }',
        'table inet c { chain f { type filter hook forward priority 0; } }',
        'table ip d { chain f { type filter hook forward priority 5; } }',
        'table ip n1 { chain p { type nat hook postrouting priority srcnat; oifname "wan0" masquerade; } }',
        'table ip n2 { chain p { type nat hook postrouting priority srcnat; oifname "wan0" snat to 192.0.2.1; } }',
        '',
      ].join('\n'),
      'eq.nft',
    );
    const forward = p.ruleset.forward.find((s) => s.name === 'forward');
    expect(forward?.chains).toEqual(['ip a f', 'ip6 b f', 'inet c f', 'ip d f']);
    expect(forward?.unordered?.map((g) => g.chains)).toEqual([['ip a f', 'ip6 b f', 'inet c f']]);
    expect(p.ruleset.forward.find((s) => s.kind === 'snat')?.unordered?.map((g) => g.chains)).toEqual([
      ['ip n1 p', 'ip n2 p'],
    ]);
    expect(p.notes).toContain(
      'ip a f, ip6 b f and inet c f are all on the forward hook with priority 0: nft leaves their order undefined; ' +
        'fwlint evaluates them in file order and reports a UDP timeout that depends on it (which `ct timeout set` ' +
        'runs last) as uncertain',
    );
    expect(p.notes.some((n) => n.startsWith('ip n1 p and ip n2 p are both nat chains on the postrouting hook'))).toBe(
      true,
    );
    // Two tables of families that never see the same packets are not unordered.
    const apart = parseNftables(
      'table ip a { chain f { type filter hook forward priority 0; } }\ntable ip6 b { chain f { type filter hook forward priority 0; } }\n',
      'apart.nft',
    );
    expect(apart.ruleset.forward[0]?.unordered).toBeUndefined();
  });
});
