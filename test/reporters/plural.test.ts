import { describe, expect, it } from 'vitest';
import { levelCounts, notCheckedText, plural } from '../../src/reporters/plural.js';

describe('counts in reports are words', () => {
  it('one is singular, every other count plural', () => {
    expect(plural(1, 'error')).toBe('1 error');
    expect(plural(0, 'error')).toBe('0 errors');
    expect(levelCounts({ errors: 2, warnings: 1, notes: 0 })).toBe('2 errors, 1 warning, 0 notes');
    expect(notCheckedText(1)).toBe('1 requirement was not checked');
    expect(notCheckedText(14)).toBe('14 requirements were not checked');
  });
});
