import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { positions, type Expr } from '../../parsers/nftables/ir.js';
import { fastJson } from '../../parsers/nftables/json-fast.js';
import { KEYS, scanJson, visitJson } from '../../parsers/nftables/json-scanner.js';

/**
 * The native JSON.parse path (json-fast.ts) must give every container the span and key positions the
 * jsonc-parser visitor gives it, and step aside wherever it could not.
 */

/** Every container's position and key spans, depth first, as one comparable list. */
function layout(e: Expr, out: unknown[] = []): unknown[] {
  if (typeof e !== 'object' || e === null) return out;
  out.push(positions.get(e) ?? null, (e as { [KEYS]?: unknown })[KEYS] ?? null);
  if (Array.isArray(e)) for (const x of e) layout(x, out);
  else for (const x of Object.values(e)) layout(x, out);
  return out;
}

const RULES = {
  file: 't.json',
  maxDepth: 512,
  spanDepth: 5,
  keyedDepth: 4,
  keyed: new Set(['chain', 'ct timeout', 'policy']),
  maxNumber: 2 ** 64,
  setKeys: () => undefined,
};

const DOC = {
  nftables: [
    { metainfo: { version: '1.0.9', json_schema_version: 1 } },
    { table: { family: 'inet', name: 'fw', handle: 1 } },
    {
      chain: { family: 'inet', table: 'fw', name: 'in', type: 'filter', hook: 'input', prio: 0, policy: 'drop' },
    },
    {
      'ct timeout': {
        family: 'inet',
        table: 'fw',
        name: 'voip',
        protocol: 'udp',
        policy: { unreplied: 30, replied: 600 },
      },
    },
    {
      rule: {
        family: 'inet',
        table: 'fw',
        chain: 'in',
        expr: [
          { match: { op: '==', left: { payload: { protocol: 'udp', field: 'dport' } }, right: { set: [5060, 5061] } } },
          {
            vmap: {
              key: { meta: { key: 'iifname' } },
              data: {
                set: [
                  ['lan"\\\\', { accept: null }],
                  ['wan', { drop: null }],
                ],
              },
            },
          },
        ],
      },
    },
  ],
};

describe('nftables JSON: the native parse path', () => {
  it('gives the visitor’s positions on one line, pretty-printed, and with CRLF or CR line ends', () => {
    const one = JSON.stringify(DOC);
    const pretty = JSON.stringify(DOC, null, 2);
    for (const text of [one, pretty, pretty.replace(/\n/g, '\r\n'), pretty.replace(/\n/g, '\r')]) {
      expect(fastJson(text, RULES)).toBeDefined();
      expect(layout(scanJson(text, 't.json'))).toEqual(layout(visitJson(text, 't.json')));
    }
  });

  it('steps aside for duplicate keys, integer-like keys, __proto__, refused numbers and invalid JSON', () => {
    for (const text of [
      '{"nftables": [{"table": {"name": "a", "name": "b"}}]}',
      '{"nftables": [{"b": [], "x": 1, "b": {}}]}',
      '{"nftables": [{"2": {}, "1": []}]}',
      '{"nftables": [], "__proto__": {}}',
      '{"nftables": [1.5]}',
      '{"nftables": [1e400]}',
      '{"nftables": [],}',
      '\uFEFF{"nftables": []}',
    ])
      expect(fastJson(text, RULES)).toBeUndefined();
  });

  it('reads the fixtures as the visitor does', () => {
    const dir = join(import.meta.dirname, '../../fixtures/nftables/twin');
    for (const name of ['ruleset.json', 'ruleset-oneline.json']) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(fastJson(text, RULES)).toBeDefined();
      expect(layout(scanJson(text, 't.json'))).toEqual(layout(visitJson(text, 't.json')));
    }
  });
});
