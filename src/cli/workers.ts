import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../model/errors.js';
import type { FileSettings } from '../config/settings.js';
import type { Profile } from '../model/profile.js';
import { loadedProfiles, type FileResult } from './lint.js';
import { WORKER_ROLE } from './worker.js';

export interface Job {
  abs: string;
  display: string;
  settings: FileSettings;
}

/** Below this many files a pool costs more than it saves (each worker loads the profiles and parsers). */
const MIN_FILES = 8;
/** Jobs handed to a worker ahead: the one it lints and the next. */
const QUEUED = 2;

/**
 * Lints files on every core with worker threads when there are enough of them; results come back in
 * input order. Falls back to the calling thread for small runs.
 */
export function parallelLinter(sequential: (jobs: Job[]) => FileResult[]) {
  return async (jobs: Job[]): Promise<FileResult[]> => {
    const size = Math.min(availableParallelism(), Math.ceil(jobs.length / 2));
    if (jobs.length < MIN_FILES || size < 2) return sequential(jobs);
    const results = new Array<FileResult>(jobs.length);
    let next = 0;
    const url = workerUrl();
    const workers = Array.from({ length: size }, () => new Worker(url, { workerData: { role: WORKER_ROLE } }));
    // Validated here once, while the workers load their modules; each worker gets them with its first job.
    let profiles: [string, Profile][];
    try {
      profiles = loadedProfiles([...new Set(jobs.flatMap((j) => j.settings.profiles))]);
    } catch (e) {
      for (const w of workers) void w.terminate();
      throw e;
    }
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((done, fail) => {
            let first = true;
            let inFlight = 0;
            const feed = () => {
              if (next >= jobs.length) {
                if (inFlight === 0) {
                  void w.terminate();
                  done();
                }
                return;
              }
              const i = next++;
              inFlight++;
              w.postMessage(first ? { i, job: jobs[i], profiles } : { i, job: jobs[i] });
              first = false;
            };
            w.on('message', (m: { i: number; result?: FileResult; usage?: string; error?: string }) => {
              if (m.usage) {
                fail(new UsageError(m.usage));
                return;
              }
              if (m.error) {
                fail(new Error(m.error));
                return;
              }
              if (m.result !== undefined) results[m.i] = m.result;
              inFlight--;
              feed();
            });
            w.on('error', fail);
            // Each worker holds the next job while it lints one: it never waits for this thread's reply.
            for (let k = 0; k < QUEUED; k++) feed();
          }),
      ),
    );
    return results;
  };
}

/** dist/src/cli/worker-entry.js beside this module, or, in the one-file bundle, the bundle itself. */
function workerUrl(): URL {
  const entry = new URL('./worker-entry.js', import.meta.url);
  return existsSync(fileURLToPath(entry)) ? entry : new URL(import.meta.url);
}
