import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { formatAddrSet } from '../../src/model/address.js';
import { ParseError } from '../../src/model/errors.js';
import type { Match, Policy } from '../../src/model/policy.js';
import { formatPortSet, formatProtoSet } from '../../src/model/ports.js';
import { loadProfile } from '../../src/profiles/load.js';
import { nftablesParser } from '../../parsers/nftables/index.js';

const TWIN = join(import.meta.dirname, '../../fixtures/nftables/twin');

function parse(text: string, file: string): Policy {
  return nftablesParser.parse(text, file, 'nftables', {})[0]!;
}

function parseError(f: () => unknown): ParseError {
  try {
    f();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a ParseError');
}

function describeMatch(m: Match): string {
  const parts: string[] = [];
  if (m.src) parts.push(`src ${formatAddrSet(m.src, 20)}`);
  if (m.dst) parts.push(`dst ${formatAddrSet(m.dst, 20)}`);
  if (m.proto) parts.push(`proto ${formatProtoSet(m.proto)}`);
  if (m.sport) parts.push(`sport ${formatPortSet(m.sport)}`);
  if (m.dport) parts.push(`dport ${formatPortSet(m.dport)}`);
  for (const k of ['iif', 'oif', 'state', 'nat'] as const) if (m[k]) parts.push(`${k} ${m[k].toString()}`);
  return parts.join(' ');
}

/** Everything of a policy except where it came from. */
function shape(p: Policy) {
  return {
    chains: Object.fromEntries(
      Object.entries(p.ruleset.chains).map(([n, c]) => [
        n,
        {
          policy: c.policy && [c.policy.action, c.policy.source],
          rules: c.rules.map((r) => [r.id, r.label, r.action, describeMatch(r.match), r.udpTimeout?.value]),
        },
      ]),
    ),
    forward: p.ruleset.forward,
    input: p.ruleset.input,
    dnat: p.nat.dnat.map((d) => [d.id, describeMatch(d.match), formatAddrSet(d.to.addr), d.to.port]),
    snat: p.nat.snat.map((s) => [s.id, describeMatch(s.match), s.action, s.ports]),
    sip: p.sessions.sipAlg.map((s) => [s.value, s.source]),
    udp: [p.sessions.udpTimeout.value, p.sessions.udpTimeout.source],
    interfaces: p.interfaces.map((i) => [i.name, i.role]),
  };
}

describe('nft -j JSON reader', () => {
  const text = readFileSync(join(TWIN, 'ruleset.nft'), 'utf8');
  const pretty = readFileSync(join(TWIN, 'ruleset.json'), 'utf8');
  const oneline = readFileSync(join(TWIN, 'ruleset-oneline.json'), 'utf8');
  const fromText = parse(text, 'ruleset.nft');
  const fromPretty = parse(pretty, 'ruleset.json');
  const fromOneLine = parse(oneline, 'ruleset-oneline.json');

  it('builds the same model as the text listing of the same ruleset', () => {
    expect(shape(fromPretty)).toEqual(shape(fromText));
    expect(shape(fromOneLine)).toEqual(shape(fromText));
    expect(fromPretty.version).toBe('1.0.6');
  });

  it('locates each rule at its rule object: by line when pretty-printed', () => {
    const lines = pretty.split('\n');
    const ruleLines = lines.flatMap((l, i) => (l.includes('"rule": {') ? [i + 1] : []));
    const fw = fromPretty.ruleset.chains['inet guard forward']!.rules.filter((r) => !r.implicit);
    expect(fw).toHaveLength(1);
    expect(ruleLines).toContain(fw[0]!.loc.line);
    expect(lines[fw[0]!.loc.line - 1]!.indexOf('{') + 1).toBe(fw[0]!.loc.column);
    expect(fw[0]!.loc.endLine).toBeGreaterThan(fw[0]!.loc.line);
  });

  it('locates each rule at its rule object: by column on the one line nft -j prints', () => {
    const drop = fromOneLine.ruleset.chains['inet guard forward']!.rules[0]!;
    expect(drop.loc.line).toBe(1);
    expect(
      oneline.slice(drop.loc.column - 1).startsWith('{"family": "inet", "table": "guard", "chain": "forward"'),
    ).toBe(true);
    expect(oneline[drop.loc.endColumn! - 2]).toBe('}');
  });

  it('reads explicit chain policies at their key, ct timeout policies and ct helper statements', () => {
    const fwd = fromPretty.ruleset.chains['inet fw forward']!.policy!;
    expect(fwd.source).toBe('explicit');
    expect(pretty.split('\n')[fwd.loc.line - 1]).toContain('"policy": "drop"');
    const t = fromPretty.ruleset.chains['inet fw prerouting']!.rules[0]!.udpTimeout!;
    expect(t).toMatchObject({ value: 120, source: 'default' });
    expect(pretty.split('\n')[t.loc.line - 1]).toContain('"policy": {');
    const sip = fromPretty.sessions.sipAlg[0]!;
    expect(sip.value).toBe(true);
    // the statement object `{ "ct helper": "sip-5060" }` inside the rule's expr
    expect(
      pretty
        .split('\n')
        .slice(sip.loc.line - 1, sip.loc.endLine)
        .join('\n'),
    ).toMatch(/^\s*\{\s*"ct helper": "sip-5060"\s*\}$/);
  });

  it('gives the same findings for the text and both JSON forms (lines aside)', () => {
    const profiles = [loadProfile('ipnordic'), loadProfile('openscape-business')];
    const opts = { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'], audiences: ['home-router' as const], devices: [] };
    const norm = (file: string) =>
      lintFiles([join('fixtures/nftables/twin', file)], profiles, 'auto', opts)
        .report.findings.map(
          (f) =>
            `${f.ruleId} ${f.level} ${f.fromDefault ? 'default' : ''} ${f.message.replace(/line \d+(, column \d+)?/g, 'line N')}`,
        )
        .sort();
    const t = norm('ruleset.nft');
    expect(t.length).toBeGreaterThanOrEqual(8);
    expect(norm('ruleset.json')).toEqual(t);
    expect(norm('ruleset-oneline.json')).toEqual(t);
    expect(
      t
        .filter((f) => f.startsWith('FWL'))
        .map((f) => f.slice(0, 6))
        .sort(),
    ).toEqual(
      // FWL002 and FWL010 once per profile
      ['FWL001', 'FWL001', 'FWL002', 'FWL002', 'FWL003', 'FWL004', 'FWL006', 'FWL007', 'FWL010', 'FWL010'].sort(),
    );
  });

  it('refuses broken JSON and documents that are not nft -j output, with line and column', () => {
    expect(parseError(() => parse('{"nftables": [{"table": {"family": "inet", "name": "t"}}', 'x.json'))).toMatchObject(
      { line: 1, column: 57, message: 'unexpected end of input' },
    );
    expect(
      parseError(() =>
        parse('{\n  "nftables": [\n    {"table": {"family": "inet", "name": "t",}}\n  ]\n}\n', 'x.json'),
      ),
    ).toMatchObject({ line: 3, column: 46, message: 'expected a string key' });
    expect(parseError(() => parse('{"something": []}', 'x.json'))).toMatchObject({
      line: 1,
      column: 1,
      message: 'not an `nft -j` document: expected {"nftables": [ … ]}',
    });
    expect(
      parseError(() => parse('{"nftables": [{"table": {"family": "bogus", "name": "t"}}]}', 'x.json')).message,
    ).toBe('unknown family "bogus"');
    expect(
      parseError(() => parse('{"nftables": [{"rule": {"family": "inet", "table": "t", "chain": "c"}}]}', 'x.json'))
        .message,
    ).toBe('"rule" needs an "expr" array');
    expect(parseError(() => parse('{"nftables": [1]}', 'x.json')).message).toContain('one key');
  });

  it('reports unknown objects and commands that change the ruleset as FWL900', () => {
    const p = parse(
      '{"nftables": [{"delete": {"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 4}}}, {"frobnicate": {}}]}',
      'x.json',
    );
    expect(p.unsupported.map((u) => u.what)).toEqual(['delete command', 'JSON object "frobnicate"']);
  });
});
