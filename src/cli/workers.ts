import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { UsageError } from '../model/errors.js';
import type { FileSettings } from '../config/settings.js';
import type { Profile } from '../model/profile.js';
import { adoptRedacted, loadedProfiles, type FileResult, type Finish } from './lint.js';
import { MIN_FILES, startWorker, takeWorkers } from './prestart.js';

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

function lintOnWorkers(workers: readonly Worker[], jobs: readonly Job[], profiles: [string, Profile][]) {
  return new Promise<FileResult[]>((resolve, reject) => {
    const results = new Array<FileResult>(jobs.length);
    let next = 0;
    let inFlight = 0;
    let settled = false;
    // Jobs are handed out in input order, so once the jobs in flight are back, no earlier file is unchecked.
    let failure: { i: number; error: Error } | undefined;
    const settle = (e?: Error) => {
      if (settled) return;
      if (e) {
        settled = true;
        reject(e);
      } else if (inFlight === 0 && (failure || next >= jobs.length)) {
        settled = true;
        if (failure) reject(failure.error);
        else resolve(results);
      }
    };
    for (const w of workers) {
      let first = true;
      const feed = () => {
        if (failure || next >= jobs.length) return;
        const i = next++;
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
    }
  });
}
