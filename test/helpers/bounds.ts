/**
 * The canonical bounds (sorted, disjoint, not adjacent: IntervalSet's form) of the members of
 * 0..max satisfying `has`, by enumerating them: the brute-force side of the interval-set property tests.
 */
export function canonicalBounds(max: number, has: (v: number) => boolean): number[] {
  const out: number[] = [];
  for (let v = 0; v <= max; v++) {
    if (!has(v)) continue;
    if (out.length > 0 && out[out.length - 1] === v - 1) out[out.length - 1] = v;
    else out.push(v, v);
  }
  return out;
}
