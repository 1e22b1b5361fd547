import { parentPort } from 'node:worker_threads';
import { UsageError } from '../model/errors.js';
import { lintOneFile } from './lint.js';

// One file at a time from the pool in workers.ts; errors travel back as messages.
parentPort?.on('message', ({ i, job }) => {
  try {
    parentPort!.postMessage({ i, result: lintOneFile(job.abs, job.display, job.settings) });
  } catch (e) {
    parentPort!.postMessage(
      e instanceof UsageError ? { i, usage: e.message } : { i, error: (e as Error)?.message ?? String(e) },
    );
  }
});
