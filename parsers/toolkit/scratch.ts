/**
 * Empties a scratch list a reader refills for every rule, keeping its room. `list.length = 0` goes
 * through the runtime and gives up the backing store, so the next push allocates a new one: about
 * 100 ns a list against 15 for popping its few entries (a 100k-rule nftables file empties ~20 lists
 * a rule).
 */
export function emptyList(list: unknown[]): void {
  for (let n = list.length; n > 0; n--) list.pop();
}
