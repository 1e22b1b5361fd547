import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nftablesParser } from '../../parsers/nftables/index.js';
import type { NDocument, NRule } from '../../parsers/nftables/ir.js';
import { readText } from '../../parsers/nftables/text-parser.js';
import type { Policy } from '../../src/model/policy.js';

/**
 * Constructs of nft(8) that `nft list ruleset` prints and fwlint once refused as syntax errors
 * (issue 10): fixtures/nftables/grammar-constructs.nft is accepted by `nft -c -f` (nftables 1.0.6).
 * What cannot change a verdict is read and ignored; what might is FWL900 at its line.
 */
const FILE = 'fixtures/nftables/grammar-constructs.nft';
const text = readFileSync(FILE, 'utf8');
const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function rule(src: string): NDocument {
  return readText(`table inet t {\n chain c {\n  ${src}\n }\n}\n`, 'r.nft');
}
/** Plain JSON (positions live in symbol-keyed properties, which toEqual would compare). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;
function stmts(src: string): unknown[] {
  return plain((rule(src).tables[0]!.chains.get('c')!.rules[0] as NRule).stmts) as unknown[];
}

describe('nft text grammar: what nft list ruleset prints', () => {
  const policy: Policy = nftablesParser.parse(text, FILE, 'nftables', {})[0]!;
  const doc = readText(text, FILE);
  const table = doc.tables[0]!;

  it('reads the whole fixture; FWL900 only for conditions of rules that decide something', () => {
    expect(policy.unsupported.map((u) => [u.loc.line, u.what])).toEqual([
      [lineOf('tcp flags syn / syn,rst'), 'tcp flags & syn,rst == syn'],
      [lineOf('ipsec in reqid 1'), 'ipsec in reqid 1'],
    ]);
  });

  it('anonymous chains (`jump { … }`) become chains of their own, one rule per line', () => {
    const anon = table.chains.get('__chain0');
    expect(anon?.rules.map((r) => (r as NRule).pos.line)).toEqual([
      lineOf('ip saddr 10.0.0.0/8 accept'),
      lineOf('ip6 saddr ::1'),
    ]);
    const jump = policy.ruleset.chains['inet filter input']!.rules.find((r) => r.action.kind === 'jump');
    expect(jump?.action).toEqual({ kind: 'jump', chain: 'inet filter __chain0' });
  });

  it('masks: `tcp flags syn / syn,rst` is the flags under the mask, as nft -j writes it', () => {
    expect(stmts('tcp flags syn / syn,rst drop')[0]).toEqual({
      match: {
        op: '==',
        left: { '&': [{ payload: { protocol: 'tcp', field: 'flags' } }, ['syn', 'rst']] },
        right: 'syn',
      },
    });
  });

  it('set elements carry counter, limit, quota, timeout and comment before the data', () => {
    const map = table.sets.get('port_verdicts')!;
    expect(plain(map.elements)).toEqual([
      [22, { jump: { target: 'ssh_in' } }],
      [5060, { accept: null }],
    ]);
    expect(table.sets.get('limited')!.elements).toEqual(['192.0.2.1', '192.0.2.2']);
    const q = readText(
      'table ip t { set s { type ipv4_addr; elements = { 1.1.1.1 quota 10 mbytes used 0 bytes } } }',
      'q',
    );
    expect(q.tables[0]!.sets.get('s')!.elements).toEqual(['1.1.1.1']);
  });

  it('class ids (`1:2`) are one value', () => {
    expect(plain(table.sets.get('prio')!.elements)).toEqual([[{ range: [1, 100] }, '1:2']]);
  });

  it('ipsec … reqid, sctp chunks, dscp and ct keys are selectors', () => {
    expect(stmts('ipsec in reqid . iifname vmap @m')[0]).toEqual({
      vmap: { key: { concat: [{ ipsec: { dir: 'in', key: 'reqid' } }, { meta: { key: 'iifname' } }] }, data: '@m' },
    });
    expect(stmts('sctp chunk data exists')[0]).toEqual({
      match: { op: '==', left: { 'sctp chunk': { name: 'data' } }, right: true },
    });
    expect(stmts('ct original ip saddr 10.0.0.1')[0]).toMatchObject({
      match: { left: { ct: { key: 'saddr', dir: 'original', family: 'ip' } } },
    });
  });

  it('binary operations follow nft precedence, with selectors on both sides and in parentheses', () => {
    expect(stmts('meta mark set ct mark & 0xffff0000 | meta mark & 0x0000ffff')[0]).toEqual({
      mangle: {
        key: { meta: { key: 'mark' } },
        value: {
          '|': [{ '&': [{ ct: { key: 'mark' } }, 0xffff0000] }, { '&': [{ meta: { key: 'mark' } }, 0xffff] }],
        },
      },
    });
    expect(stmts('ct mark set (meta mark | 0x10) << 8')[0]).toEqual({
      mangle: { key: { ct: { key: 'mark' } }, value: { '<<': [{ '|': [{ meta: { key: 'mark' } }, 16] }, 8] } },
    });
  });

  it('concatenations may hold constants; named objects and queues may come from a map', () => {
    expect(stmts('ip saddr . "lo" @s counter')[0]).toEqual({
      match: { op: '==', left: { concat: [{ payload: { protocol: 'ip', field: 'saddr' } }, 'lo'] }, right: '@s' },
    });
    expect(stmts('limit name ip6 saddr map @l')[0]).toEqual({
      limit: { map: { key: { payload: { protocol: 'ip6', field: 'saddr' } }, data: '@l' } },
    });
    expect(stmts('counter name meta mark >> 8 & 0xf map @c')[0]).toEqual({
      counter: { map: { key: { '&': [{ '>>': [{ meta: { key: 'mark' } }, 8] }, 15] }, data: '@c' } },
    });
    expect(stmts('queue flags bypass to ip saddr map @q')[0]).toEqual({
      queue: { flags: ['bypass'], num: { map: { key: { payload: { protocol: 'ip', field: 'saddr' } }, data: '@q' } } },
    });
  });

  it('rules that add to or update a set or map have nft -j shapes and mark it as filled at run time', () => {
    expect(stmts('add @m { ip saddr timeout 2s : 0x2 }')[0]).toEqual({
      map: { op: 'add', elem: { payload: { protocol: 'ip', field: 'saddr' } }, data: 2, map: '@m' },
    });
    expect(stmts('update @s { ip saddr . 10.0.0.4 . 80 }')[0]).toMatchObject({ set: { op: 'update', set: '@s' } });
  });
});
