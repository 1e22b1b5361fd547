import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nftablesParser } from '../../parsers/nftables/index.js';
import { readJson } from '../../parsers/nftables/json-reader.js';
import { readText } from '../../parsers/nftables/text-parser.js';
import type { NDocument } from '../../parsers/nftables/ir.js';
import { formatAddrSet } from '../../src/model/address.js';
import type { Match, Policy } from '../../src/model/policy.js';
import { formatPortSet, formatProtoSet } from '../../src/model/ports.js';

/**
 * Corpus tier: the nftables project's own test dumps (../shared/corpus/nftables-testsuite, see its
 * README). Every `.nft` dump and its `nft -j` twin (`.json-nft`) are what nft printed for one
 * ruleset, so both must give the same model: chains with their rules' matches and actions, hooks,
 * NAT, sessions, interfaces, and the sets with their elements. Locations, ids and labels differ by
 * format and are left out. Skips (visibly) when the shared corpus is not there; FWLINT_CORPUS
 * names another corpus folder (e.g. from a git worktree).
 */
const CORPUS = process.env.FWLINT_CORPUS ?? join(import.meta.dirname, '../../../shared/corpus');
const DIR = join(CORPUS, 'nftables-testsuite');
const present = existsSync(DIR);

function describeMatch(m: Match): string {
  const parts: string[] = [];
  if (m.src) parts.push(`src ${formatAddrSet(m.src, 50)}`);
  if (m.dst) parts.push(`dst ${formatAddrSet(m.dst, 50)}`);
  if (m.proto) parts.push(`proto ${formatProtoSet(m.proto)}`);
  if (m.sport) parts.push(`sport ${formatPortSet(m.sport)}`);
  if (m.dport) parts.push(`dport ${formatPortSet(m.dport)}`);
  for (const k of ['iif', 'oif', 'state', 'nat'] as const) {
    const v = m[k];
    if (v) parts.push(`${k} ${v.toString()}`);
  }
  for (const s of m.symbolic ?? []) parts.push(`${s.field} ${s.negated ? '!' : ''}${s.kind}:${s.name}`);
  return parts.join(' ');
}

/** The model without where it came from. */
function modelShape(p: Policy): unknown {
  return {
    chains: Object.fromEntries(
      Object.entries(p.ruleset.chains).map(([n, c]) => [
        n,
        {
          mode: c.mode,
          policy: c.policy && [c.policy.action, c.policy.source],
          rules: c.rules.map((r) => [r.action, describeMatch(r.match), r.keepState, r.udpTimeout?.value]),
        },
      ]),
    ),
    forward: p.ruleset.forward,
    input: p.ruleset.input,
    dnat: p.nat.dnat.map((d) => [describeMatch(d.match), formatAddrSet(d.to.addr), d.to.port]),
    snat: p.nat.snat.map((s) => [describeMatch(s.match), s.action, s.ports]),
    sip: p.sessions.sipAlg.map((s) => [s.value, s.source]),
    udp: [p.sessions.udpTimeout.value, p.sessions.udpTimeout.source],
    interfaces: p.interfaces.map((i) => [i.name, i.role]),
    unsupported: p.unsupported.length,
  };
}

/** Sets and maps of the intermediate form: name, kind and how many elements (before any flattening). */
function setShape(d: NDocument): unknown {
  return d.tables.flatMap((t) =>
    [...t.sets.values()].map((s) => `${t.family} ${t.name} ${s.kind} ${s.name}: ${s.elements.length}`),
  );
}

function read(path: string): { policy: Policy; sets: unknown } {
  const text = readFileSync(path, 'utf8');
  const policy = nftablesParser.parse(text, path, 'nftables', {})[0];
  if (!policy) throw new Error(`${path}: no policy`);
  const doc = path.endsWith('.json-nft') ? readJson(text, path) : readText(text, path);
  return { policy, sets: setShape(doc) };
}

const files = present ? readdirSync(DIR).filter((n) => /\.(nft|json-nft)$/.test(n)) : [];
const twins = files.filter((n) => n.endsWith('.nft') && files.includes(n.replace(/\.nft$/, '.json-nft')));

if (!present)
  describe('nftables test suite dumps', () => {
    it.skip(`skipped: ${DIR} is missing (the corpus tier needs ../shared/corpus or FWLINT_CORPUS)`, () => undefined);
  });

describe.runIf(present)('nftables test suite dumps: text and JSON twins give the same model', () => {
  it('has twins to compare', () => {
    expect(twins.length).toBeGreaterThan(200);
  });
  for (const name of twins) {
    it(name.replace(/\.nft$/, ''), () => {
      const text = read(join(DIR, name));
      const json = read(join(DIR, name.replace(/\.nft$/, '.json-nft')));
      expect(modelShape(json.policy)).toEqual(modelShape(text.policy));
      expect(json.sets).toEqual(text.sets);
    });
  }
});
