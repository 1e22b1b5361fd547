import { describe, expect, it } from 'vitest';
import { SETTLE_CAP_MS, SETTLE_FLOOR_MS, pollUntil, settleDeadlineMs, type Clock } from '../../tools/kernel/settle.js';

/** A clock that only moves when the code under test sleeps. */
function fakeClock(): Clock & { t: number } {
  const c = {
    t: 1000,
    now: () => c.t,
    sleep: (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

describe('kernel harness: waiting for packets in flight', () => {
  it('waits at least the former fixed 150 ms, longer the slower the sender ran, never more than the cap', () => {
    expect(settleDeadlineMs(0)).toBe(SETTLE_FLOOR_MS);
    expect(settleDeadlineMs(-5)).toBe(SETTLE_FLOOR_MS);
    expect(settleDeadlineMs(400)).toBe(SETTLE_FLOOR_MS + 400);
    expect(settleDeadlineMs(60_000)).toBe(SETTLE_CAP_MS);
  });

  it('reads once when everything is there already', () => {
    const clock = fakeClock();
    const r = pollUntil(
      () => ['a', 'b'],
      (v) => v.length === 2,
      150,
      clock,
    );
    expect(r).toEqual({ value: ['a', 'b'], complete: true, reads: 1 });
    expect(clock.t).toBe(1000);
  });

  it('keeps reading until a late packet arrives, before the deadline', () => {
    const clock = fakeClock();
    // The second packet is still in flight for the first 180 ms: a single read at 150 ms misses it.
    const read = (): string[] => (clock.t - 1000 >= 180 ? ['a', 'b'] : ['a']);
    const r = pollUntil(read, (v) => v.length === 2, 500, clock, 25);
    expect(r.complete).toBe(true);
    expect(r.value).toEqual(['a', 'b']);
    expect(clock.t - 1000).toBe(200);
  });

  it('gives up at the deadline with what arrived, reading once more at the deadline', () => {
    const clock = fakeClock();
    let lastReadAt = 0;
    const read = (): string[] => {
      lastReadAt = clock.t;
      return ['a'];
    };
    const r = pollUntil(read, (v) => v.length === 2, 160, clock, 25);
    expect(r.complete).toBe(false);
    expect(r.value).toEqual(['a']);
    expect(lastReadAt - 1000).toBe(160);
    expect(r.reads).toBe(8);
  });
});
