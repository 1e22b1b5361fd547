import type { Line } from './compare.js';

export function formatLine(l: Line, known = false): string {
  const verdict =
    l.agree === undefined
      ? 'not run'
      : l.agree
        ? 'agree'
        : l.uncertain
          ? 'uncertain (consistent)'
          : known
            ? 'known'
            : 'DISAGREE';
  return `${l.probe} | kernel: ${l.kernel} | fwlint: ${l.fwlint} | ${verdict}`;
}
