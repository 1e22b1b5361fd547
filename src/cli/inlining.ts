/**
 * Turns off inlining in V8's optimising compiler for this process, as the lint pool does for its
 * workers (prestart.ts). A run lints each function's input once: inlining makes the hot parser and
 * engine functions a little faster, but building their inlined graphs on V8's background threads
 * cost more CPU than it saved, and those threads' compiler memory was part of a large file's peak
 * (docs/performance.md, "Nineteenth round": CPU lower or equal for every vendor at 10k and 100k
 * rules, peak RSS 3–9 MiB lower). The flag is read each time a function is optimised, so setting
 * it at run time holds for everything compiled after. This module imports nothing of fwlint's, so
 * main.ts calls it before it loads the rest.
 */
import { setFlagsFromString } from 'node:v8';

let set = false;

export function limitInlining(): void {
  if (set) return;
  set = true;
  setFlagsFromString('--no-turbo-inlining');
}
