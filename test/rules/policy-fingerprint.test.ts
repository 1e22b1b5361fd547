import { describe, expect, it } from 'vitest';
import { wanIcmpBlocked } from '../../rules/wan-icmp-blocked.js';
import type { Policy } from '../../src/model/policy.js';
import { fingerprint } from '../../src/reporters/fingerprint.js';
import { at, policy, profile, requirement } from '../helpers/model.js';
import { runRule } from '../helpers/rule-tester.js';

/**
 * A finding decided by a chain policy is identified by the chain and the policy's action and source,
 * not by the policy's reason: the reason is fwlint's wording, and a release that rewords it must not
 * give every such finding a new fingerprint (JSON fingerprint, SARIF partialFingerprints, baselines).
 * Before, the key held `policy:<chain>:<reason>`.
 */
const icmp = profile({ settings: [requirement({ id: 'icmp', kind: 'icmp-from-wan' })] });

const model = (chain: string, reason: string): Policy =>
  policy({
    ruleset: {
      chains: {
        [chain]: {
          name: chain,
          mode: 'first-match',
          rules: [],
          policy: { action: 'drop', source: 'default', loc: at(7), reason },
        },
      },
      forward: [],
      input: [{ name: 'input', chains: [chain] }],
    },
  });

const run = (chain: string, reason: string) =>
  runRule(wanIcmpBlocked, { name: 'x', policy: model(chain, reason), profile: icmp, wan: ['wan'] });

describe('findings decided by a chain policy: fingerprints rest on the chain, not on the reason', () => {
  it('the same finding with a reworded policy reason keeps its fingerprint', () => {
    const [before] = run('input', 'default deny: nothing accepts it');
    const [after] = run('input', 'the platform drops what no rule accepts');
    expect(before?.ruleId).toBe('FWL007');
    expect(before?.details).toContain('nothing accepts it');
    expect(after?.details).toContain('no rule accepts');
    expect(fingerprint(after!)).toBe(fingerprint(before!));
    expect(before?.fingerprintParts).toEqual(['test-provider', 'icmp', 'icmp', 'policy:input:drop:default']);
  });

  it("two chains' policies give different fingerprints", () => {
    const [a] = run('input', 'default deny');
    const [b] = run('local-in', 'default deny');
    expect(a && b).toBeTruthy();
    expect(fingerprint(a!)).not.toBe(fingerprint(b!));
  });
});
