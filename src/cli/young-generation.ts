/**
 * Keeps V8's young generation near the size it starts with. V8 lets a thread that allocates a lot
 * grow its semi-spaces from 1 to 16 MB (a young generation of up to 48 MB), and a lint allocates a
 * lot: at 10k rules that room is most of a process's peak above the runtime. What a lint keeps, the model, is
 * copied to the old generation whatever the young generation's size, so keeping it small costs
 * little CPU (docs/performance.md, "Tenth round": peaks 20-35 MiB lower, CPU within the noise).
 * The semi-spaces' maximum is fixed when the isolate starts, but V8 reads the growth factor each
 * time it grows them, so a factor of 1 set here stops the growth (Node 20's V8 still doubles them
 * once, to 2 MB). A V8 that ignores the setting only leaves the peak where it was. The flag is
 * process-wide, and a run on the pool sets it back before its workers start (prestart.ts): linting
 * the 1,000 configs of the bench's directory in one thread took 2-17% more CPU with it. This module
 * imports nothing of fwlint's, so main.ts calls it before it loads the rest.
 */
import { setFlagsFromString } from 'node:v8';

let set = false;

export function keepYoungGenerationSmall(): void {
  if (set) return;
  set = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}
