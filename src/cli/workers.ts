import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { UsageError } from '../model/errors.js';
import type { FileSettings } from '../config/settings.js';
import type { Profile } from '../model/profile.js';
import { adoptRedacted, loadedProfiles, type FileResult, type Finish } from './lint.js';
import { MIN_FILES, startWorker, takeWorkers } from './prestart.js';
import { AffinityQueue } from './affinity.js';

export interface Job {
  abs: string;
  display: string;
  settings: FileSettings;
  /** Set by lintRun when the file can be finished where it is linted (verdicts assembled there). */
  finish?: Finish;
}

/** Jobs handed to a worker ahead: the one it lints and the next. */
const QUEUED = 2;

/** A worker's reply to one job (src/cli/worker.ts). */
interface Reply {
  i: number;
  result?: FileResult;
  usage?: string;
  error?: string;
}

/**
 * Lints files on every core with worker threads when there are enough of them; results come back in
 * input order. Falls back to the calling thread for small runs. A file that cannot be read or checked
 * ends the run with the error of the first such file in input order, as linting in order would.
 */
export function parallelLinter(sequential: (jobs: Job[]) => FileResult[]) {
  return async (jobs: Job[]): Promise<FileResult[]> => {
    const size = Math.min(availableParallelism(), Math.ceil(jobs.length / 2));
    if (jobs.length < MIN_FILES || size < 2) {
      takeWorkers(0);
      return sequential(jobs);
    }
    // Workers main.ts started before fwlint's modules loaded, and new ones for the rest.
    const workers = takeWorkers(size);
    while (workers.length < size) workers.push(startWorker());
    try {
      // Validated here once, while the workers load their modules; each worker gets them with its first job.
      const profiles = loadedProfiles([...new Set(jobs.flatMap((j) => j.settings.profiles))]);
      return await lintOnWorkers(workers, jobs, profiles);
    } finally {
      // Also after a failure: a live worker would keep the process from exiting.
      for (const w of workers) void w.terminate();
    }
  };
}

/**
 * A job's kind for AffinityQueue: files of one kind most likely share a parser. The format given, or
 * with `auto` the file's extension (only the order of the work depends on it, never a result).
 */
function kindOf(job: Job): string {
  return job.settings.vendor === 'auto' ? `auto${extname(job.abs).toLowerCase()}` : job.settings.vendor;
}

function lintOnWorkers(workers: readonly Worker[], jobs: readonly Job[], profiles: [string, Profile][]) {
  return new Promise<FileResult[]>((resolve, reject) => {
    const results = new Array<FileResult>(jobs.length);
    const queue = new AffinityQueue(jobs.map(kindOf));
    let inFlight = 0;
    let settled = false;
    // After a failure only earlier files are still linted; once they are back, the first failure in
    // input order is known, as linting in order would have found it.
    let failure: { i: number; error: Error } | undefined;
    const settle = (e?: Error) => {
      if (settled) return;
      if (e) {
        settled = true;
        reject(e);
      } else if (inFlight === 0 && queue.firstPending() >= (failure?.i ?? Infinity)) {
        settled = true;
        if (failure) reject(failure.error);
        else resolve(results);
      }
    };
    workers.forEach((w, n) => {
      let first = true;
      const feed = () => {
        const i = queue.take(n, failure?.i);
        if (i === undefined) return;
        inFlight++;
        w.postMessage(first ? { i, job: jobs[i], profiles } : { i, job: jobs[i] });
        first = false;
      };
      w.on('message', (m: Reply) => {
        inFlight--;
        if (m.usage !== undefined || m.error !== undefined) {
          const error = m.usage !== undefined ? new UsageError(m.usage) : new Error(m.error);
          if (!failure || m.i < failure.i) failure = { i: m.i, error };
        } else if (m.result !== undefined) {
          results[m.i] = m.result;
          // While the workers go on: marking the parts they redacted is then not left to the end of the run.
          adoptRedacted(m.result);
        }
        feed();
        settle();
      });
      w.on('error', (e) => {
        settle(e);
      });
      w.on('exit', (code) => {
        settle(new Error(`a lint worker stopped (exit code ${code})`));
      });
      // Each worker holds the next job while it lints one: it never waits for this thread's reply.
      for (let k = 0; k < QUEUED; k++) feed();
    });
  });
}
