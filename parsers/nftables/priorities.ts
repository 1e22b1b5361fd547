/**
 * Named chain priorities (docs/semantics.md#nft-syntax, nft.txt "CHAINS"): raw −300, mangle −150,
 * dstnat −100, filter 0, security 50, srcnat 100; the bridge family differs (dstnat −300,
 * filter −200, out 100, srcnat 300). `mangle - 5` style arithmetic is allowed.
 */
const STANDARD: Readonly<Record<string, number>> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};
const BRIDGE: Readonly<Record<string, number>> = { dstnat: -300, filter: -200, out: 100, srcnat: 300 };

/** The numeric priority of `text` (`-150`, `filter`, `dstnat + 10`), or undefined when it is not one. */
export function priorityValue(text: string, family: string, _hook: string): number | undefined {
  const t = text.trim();
  if (/^[+-]?\d+$/.test(t)) return Number(t);
  const m = /^([a-z]+)(?: ?([+-]) ?(\d+))?$/.exec(t);
  if (!m) return undefined;
  const table = family === 'bridge' ? BRIDGE : STANDARD;
  const name = m[1];
  const base = name === undefined ? undefined : table[name];
  if (base === undefined) return undefined;
  const off = m[3] ? Number(m[3]) * (m[2] === '-' ? -1 : 1) : 0;
  return base + off;
}
