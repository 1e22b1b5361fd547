/** A JSON report goes to stdout in batches (src/cli/formats.ts writeStdout), never as one string. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeStdout } from '../../src/cli/formats.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function written(pieces: string[], batchChars: number): string[] {
  const writes: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  writeStdout(pieces, batchChars);
  return writes;
}

describe('writeStdout', () => {
  it('writes the pieces in order, in batches of at least the given length, the rest at the end', () => {
    const pieces = ['{"a":', '1,', '"bb":', '[2,3]', '}', '\n'];
    const writes = written(pieces, 6);
    expect(writes).toEqual(['{"a":1,', '"bb":[2,3]', '}\n']);
    expect(writes.join('')).toBe(pieces.join(''));
  });

  it('writes nothing for no pieces, and one write when everything fits in a batch', () => {
    expect(written([], 6)).toEqual([]);
    expect(written(['ab', 'c'], 6)).toEqual(['abc']);
  });
});
