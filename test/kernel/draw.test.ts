import { describe, expect, it } from 'vitest';
import { compare } from '../../tools/kernel/compare.js';
import { setAsideForDraw } from '../../tools/kernel/draw.js';
import { reply, timeout } from '../helpers/kernel-probes.js';

const f = { passed: true, by: 'x', timeout: 600 };

describe('kernel harness: timeouts the kernel port draw decides', () => {
  it('sets aside a timeout whose readability the draw decides, read or not, so counts do not follow the draw', () => {
    expect(setAsideForDraw(compare(timeout, { timeout: 599 }, f), true, true)).toBe(true);
    expect(setAsideForDraw(compare(timeout, { skipped: 'conntrack saw no reply' }, f), true, true)).toBe(true);
  });

  it('never sets aside a disagreement', () => {
    expect(setAsideForDraw(compare(timeout, { timeout: 119 }, f), true, true)).toBe(false);
  });

  it('keeps a timeout when the reply does not depend on the draw, or the kernel kept the port', () => {
    expect(setAsideForDraw(compare(timeout, { timeout: 599 }, f), false, true)).toBe(false);
    expect(setAsideForDraw(compare(timeout, { timeout: 599 }, f), true, false)).toBe(false);
  });

  it('only concerns timeouts: the reply itself is compared with the port the kernel drew', () => {
    expect(setAsideForDraw(compare(reply, { passed: false }, { passed: false, by: 'x' }), true, true)).toBe(false);
  });
});
