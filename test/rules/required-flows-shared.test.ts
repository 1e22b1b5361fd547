/**
 * evaluatedFlows (rules/required-flows.ts) traces a flow class several requirements share once: the
 * requirements with the same flow box get the same parts, equal to a trace of their own.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parserFor } from '../../parsers/index.js';
import { evaluatedFlows } from '../../rules/required-flows.js';
import { tracePath } from '../../src/engine/evaluate.js';
import { sameBox } from '../../src/engine/piece.js';
import type { RuleContext } from '../../src/lint/context.js';
import { internalEndpoints, resolveEndpoints } from '../../src/lint/endpoints.js';
import type { Audience } from '../../src/model/profile.js';
import { loadProfile } from '../../src/profiles/load.js';

const FILE = 'fixtures/mikrotik/terse-v7.rsc';

describe('evaluatedFlows shares the trace of identical flow classes', () => {
  it('gives requirements with the same flow box the same parts, as their own trace would', () => {
    const parser = parserFor('mikrotik');
    if (!parser) throw new Error('no RouterOS parser');
    const [policy] = parser.parse(readFileSync(FILE, 'utf8'), FILE, 'mikrotik');
    if (!policy) throw new Error('no policy');
    const profile = loadProfile('ipnordic');
    const notify = () => undefined;
    const site = resolveEndpoints(policy, [profile], { phones: ['all-internal'], wan: [] }, notify);
    const wan = site.wan.map((w) => w.iface);
    const ctx: RuleContext = {
      policy,
      profile,
      phones: site.phones,
      clients: internalEndpoints(policy, wan),
      wan,
      site,
      audiences: new Set<Audience>(['phones']),
      devices: new Set(),
      notify,
    };
    const evs = evaluatedFlows(ctx);
    let shared = 0;
    for (const [i, ev] of evs.entries()) {
      expect(ev.parts).toEqual(tracePath(policy, ev.flow.box, { path: 'forward', wan }));
      for (const other of evs.slice(0, i))
        if (sameBox(other.flow.box, ev.flow.box)) {
          expect(other.parts).toBe(ev.parts);
          shared++;
        } else expect(other.parts).not.toBe(ev.parts);
    }
    // ipnordic: HTTP and HTTPS twice each, and four hostname-only requirements that stand for the Internet.
    expect(shared).toBeGreaterThan(0);
  });
});
