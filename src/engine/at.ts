/** The element at index i, which the caller knows exists; throws a clear error when it does not. */
export function at<T>(xs: ArrayLike<T>, i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`internal: index ${i} out of range (length ${xs.length})`);
  return x;
}
