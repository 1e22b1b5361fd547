/**
 * Seeded mutations of configuration files, on bytes (so NUL, BOM and broken UTF-8 reach the
 * reader as they would from disk). Every mutation is deterministic given the generator.
 */
import type { Format } from './seeds.js';

export type Rand = () => number;

const MAX_BYTES = 1024 * 1024 - 1;

export function pick<T>(r: Rand, xs: readonly T[]): T {
  const x = xs[Math.floor(r() * xs.length)];
  if (x === undefined) throw new RangeError('pick from an empty list');
  return x;
}

function int(r: Rand, n: number): number {
  return Math.floor(r() * n);
}

function lines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, start)) {
    out.push(b.subarray(start, i + 1));
    start = i + 1;
  }
  if (start < b.length) out.push(b.subarray(start));
  return out;
}

/** Replaces the first match of `re` in a random line (searching from there, wrapping) by `f(match)`. */
function editLine(r: Rand, b: Buffer, re: RegExp, f: (m: RegExpExecArray) => string): Buffer {
  const ls = lines(b);
  if (ls.length === 0) return b;
  const start = int(r, ls.length);
  for (let k = 0; k < ls.length; k++) {
    const i = (start + k) % ls.length;
    const text = (ls[i] ?? Buffer.alloc(0)).toString('latin1');
    const m = new RegExp(re.source, re.flags.replace('g', '')).exec(text);
    if (!m) continue;
    const next = text.slice(0, m.index) + f(m) + text.slice(m.index + m[0].length);
    ls[i] = Buffer.from(next, 'latin1');
    return Buffer.concat(ls);
  }
  return b;
}

const DEPTHS = [50, 500, 2000, 10000];

/** Deeply nested structure in the syntax of the format, inserted at a line boundary. */
function nesting(r: Rand, format: Format): string {
  const n = pick(r, DEPTHS);
  switch (format) {
    case 'pfsense':
      return '<filter>'.repeat(n) + '</filter>'.repeat(n) + '\n';
    case 'fortigate':
      return 'config firewall policy\n'.repeat(n) + 'end\n'.repeat(n);
    case 'mikrotik':
      return ':if (true) do={ '.repeat(n) + '}'.repeat(n) + '\n';
    case 'nftables':
      return `define x = ${'{ '.repeat(n)}1${' }'.repeat(n)}\n`;
    case 'nftables-json':
      return `${'['.repeat(n)}1${']'.repeat(n)}`;
  }
}

const LONG_TOKENS = [
  (n: number) => 'A'.repeat(n),
  (n: number) => ' '.repeat(n),
  (n: number) => 'aa:'.repeat(n / 3),
  (n: number) => '1.2.3.4,'.repeat(n / 8),
  (n: number) => '\\'.repeat(n),
  (n: number) => '"'.repeat(n),
  (n: number) => '\t \n'.repeat(n / 3),
];

const HUGE = ['99999999999999999999999', '4294967296', '65536', '-1', '1e309', '10000.5', '0.5', 'NaN', '0x', '08'];

type Mutation = (r: Rand, b: Buffer, format: Format, other: Buffer) => Buffer;

export const MUTATIONS: Record<string, Mutation> = {
  byteFlip: (r, b) => {
    if (b.length === 0) return b;
    const c = Buffer.from(b);
    for (let k = 1 + int(r, 8); k > 0; k--) {
      const i = int(r, c.length);
      c[i] = (c[i] ?? 0) ^ (1 << int(r, 8));
    }
    return c;
  },
  byteSet: (r, b) => {
    if (b.length === 0) return b;
    const c = Buffer.from(b);
    c[int(r, c.length)] = pick(
      r,
      [0, 0x0a, 0x0d, 0x22, 0x27, 0x3c, 0x3e, 0x7b, 0x7d, 0x5b, 0x5d, 0x5c, 0x3b, 0x23, 0xff, 0xc3],
    );
    return c;
  },
  deleteLine: (r, b) => {
    const ls = lines(b);
    ls.splice(int(r, ls.length), 1 + (r() < 0.2 ? int(r, 10) : 0));
    return Buffer.concat(ls);
  },
  duplicateLine: (r, b) => {
    const ls = lines(b);
    const i = int(r, ls.length);
    const l = ls[i];
    if (l) ls.splice(i, 0, ...Array<Buffer>(r() < 0.1 ? 1000 : 1).fill(l));
    return Buffer.concat(ls);
  },
  swapLines: (r, b) => {
    const ls = lines(b);
    const i = int(r, ls.length);
    const j = int(r, ls.length);
    const a = ls[i];
    const c = ls[j];
    if (a && c) [ls[i], ls[j]] = [c, a];
    return Buffer.concat(ls);
  },
  truncate: (r, b) => b.subarray(0, int(r, b.length + 1)),
  splice: (r, b, _f, other) =>
    Buffer.concat([b.subarray(0, int(r, b.length + 1)), other.subarray(int(r, other.length + 1))]),
  nest: (r, b, f) => {
    const ls = lines(b);
    ls.splice(int(r, ls.length + 1), 0, Buffer.from(nesting(r, f)));
    return Buffer.concat(ls);
  },
  longToken: (r, b) => {
    const n = pick(r, [1000, 50_000, 300_000]);
    const tok = pick(r, LONG_TOKENS)(n);
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from(tok), b.subarray(at)]);
  },
  repeatToken: (r, b) =>
    editLine(r, b, /[\w.:/-]{2,64}/, (m) => m[0].repeat(Math.floor(pick(r, [2_000, 100_000, 500_000]) / m[0].length))),
  nul: (r, b) => {
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from([0]), b.subarray(at)]);
  },
  crlf: (_r, b) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
  loneCr: (_r, b) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r'), 'latin1'),
  bom: (_r, b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]),
  invertRange: (r, b) => editLine(r, b, /(\d+)([-:])(\d+)/, (m) => `${m[3]}${m[2]}${m[1]}`),
  hugeNumber: (r, b) => editLine(r, b, /\b\d+\b/, () => pick(r, HUGE)),
  fractional: (r, b) => editLine(r, b, /\b\d+\b/, (m) => `${m[0]}.5`),
  emptyValue: (r, b) =>
    editLine(r, b, /("[^"\n]*")|(<(\w+)>[^<\n]*<\/\3>)|(=\S+)|( \S+\s*$)/, (m) => {
      if (m[1]) return '""';
      if (m[2]) return `<${m[3]}></${m[3]}>`;
      if (m[4]) return '=';
      return ' ';
    }),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One to three mutations in a row; the result stays under 1 MB (the bound issue 10 sets). */
export function mutate(r: Rand, seed: Buffer, format: Format, other: Buffer): { data: Buffer; applied: string[] } {
  let data = seed;
  const applied: string[] = [];
  for (let k = 1 + int(r, 3); k > 0; k--) {
    const name = pick(r, MUTATION_NAMES);
    const m = MUTATIONS[name];
    if (!m) continue;
    data = m(r, data, format, other);
    applied.push(name);
    if (data.length > MAX_BYTES) data = data.subarray(0, MAX_BYTES);
  }
  return { data, applied };
}
