/**
 * Starting the lint pool's workers before this thread loads the rest of fwlint: a worker spends its
 * first 0.3 s or so loading the parsers, engine and rules, which then overlaps the main thread's own
 * loading, option parsing and directory walk instead of following them. This module imports nothing
 * of fwlint's, so main.ts can call it first. Workers started here are unreferenced (they never keep
 * the process alive) until the pool takes them (workers.ts); the pool ends the ones it does not use.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';

/** Marks a worker started by the pool, so the one-file bundle can serve as its own worker. */
export const WORKER_ROLE = 'fwlint-lint-worker';

/** Below this many files a pool costs more than it saves (each worker loads the profiles and parsers). */
export const MIN_FILES = 8;

interface Started {
  worker: Worker;
  failed: boolean;
}

let started: Started[] = [];

/**
 * V8 settings for a run on the pool, given before its first worker starts. Every worker compiles
 * fwlint's parsers, engine and rules for itself on V8's background threads, and with one worker per
 * core those threads take their time from the workers: in a directory run of 1,000 configs on 2 cores
 * optimising compilation took a third of all CPU time, most of it in building inlined graphs of
 * the large parser functions (a FortiGate policy reader took 2-3 s to compile, twice per worker).
 * Without inlining the optimised code is a little slower and far cheaper to make. And the young
 * generation may grow again as V8 grows it by default (young-generation.ts stopped it for a run
 * of one file): a worker lints many small files one after the other, and in a young generation
 * that has room each file's model dies there instead of being copied to the old generation first.
 * Functions are optimised after eight times the bytecode V8 runs by default first: with the default,
 * background compilation still took about a quarter of a directory run's CPU (1,800 optimising
 * compilations), much of it for functions a worker runs only for some files; the hot parser and
 * engine loops pass the higher budget within the first files all the same.
 */
const POOL_V8_FLAGS = `--no-turbo-inlining --semi-space-growth-factor=2 --interrupt-budget=${8 * 66 * 1024}`;
let flagsSet = false;

/** A new pool worker. */
export function startWorker(): Worker {
  if (!flagsSet) {
    flagsSet = true;
    // Read by the optimising compiler as it compiles, so it also holds for isolates started after it.
    setFlagsFromString(POOL_V8_FLAGS);
  }
  return new Worker(workerUrl(), { workerData: { role: WORKER_ROLE } });
}

/**
 * Starts one worker per core when `argv` (the command line without node and the script) is a
 * `fwlint lint` that looks like it will use the pool: a directory or a glob among its arguments, or
 * at least MIN_FILES of them. A wrong guess costs only the workers' loading, on otherwise idle cores.
 */
export function prestartWorkers(argv: readonly string[]): void {
  if (started.length > 0 || !looksLikeManyFiles(argv)) return;
  const n = availableParallelism();
  if (n < 2) return;
  try {
    for (let i = 0; i < n; i++) {
      const s: Started = { worker: startWorker(), failed: false };
      // A worker that fails to start is not used; the pool's own worker then reports the failure.
      s.worker.on('error', () => (s.failed = true));
      s.worker.unref();
      started.push(s);
    }
  } catch {
    // Workers unavailable here: the pool starts its own, or lints in this thread.
  }
}

/** Up to `n` of the workers prestartWorkers started (referenced again); the others are ended. */
export function takeWorkers(n: number): Worker[] {
  const usable = started.filter((s) => !s.failed);
  const taken = usable.slice(0, n).map((s) => s.worker);
  for (const s of started) if (!taken.includes(s.worker)) void s.worker.terminate();
  started = [];
  for (const w of taken) {
    w.removeAllListeners('error');
    w.ref();
  }
  return taken;
}

function looksLikeManyFiles(argv: readonly string[]): boolean {
  if (argv[0] !== 'lint' || argv.includes('--help') || argv.includes('-h')) return false;
  // Option values count as arguments here too; a value naming a directory is rare and only costs a guess.
  const args = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (args.length >= MIN_FILES) return true;
  return args.some((a) => /[*?[{]/.test(a) || isDirectory(a));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** dist/src/cli/worker-entry.js beside this module, or, in the one-file bundle, the bundle itself. */
function workerUrl(): URL {
  const entry = new URL('./worker-entry.js', import.meta.url);
  return existsSync(fileURLToPath(entry)) ? entry : new URL(import.meta.url);
}
