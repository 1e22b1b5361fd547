import { describe, expect, it } from 'vitest';
import { helperNeverRefreshed } from '../../tools/kernel/helper-refresh.js';
import { out, timeout } from '../helpers/kernel-probes.js';

const helper = { passed: true, by: '3600 s (the SIP helper …)', timeout: 3600, helperRefresh: true };
const policy = { passed: true, by: '120 s (global, default)', timeout: 120 };

describe('kernel harness: a helper timeout of a flow whose second packet is dropped', () => {
  it('is not compared: the helper never saw a packet after the first (generated ruleset 82)', () => {
    expect(helperNeverRefreshed(timeout, { timeout: 119, secondDropped: true }, helper)).toBe(true);
  });

  it('is compared when the second packet passed, or when the timeout is conntrack’s own (set before any filter)', () => {
    expect(helperNeverRefreshed(timeout, { timeout: 119 }, helper)).toBe(false);
    // Generated ruleset 87: established packets to the provider are dropped, the 120 s still agree.
    expect(helperNeverRefreshed(timeout, { timeout: 119, secondDropped: true }, policy)).toBe(false);
  });

  it('concerns timeouts only', () => {
    expect(helperNeverRefreshed(out, { passed: true, secondDropped: true }, helper)).toBe(false);
  });
});
