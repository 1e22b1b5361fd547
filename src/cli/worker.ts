import { parentPort } from 'node:worker_threads';
import { UsageError } from '../model/errors.js';
import type { Profile } from '../model/profile.js';
import { adoptProfiles, lintOneFile, type FileResult } from './lint.js';
import type { Job } from './workers.js';

type Reply = { i: number; result: FileResult } | { i: number; usage: string } | { i: number; error: string };

/** Lints one file at a time for the pool in workers.ts; errors travel back as messages. */
export function serveLintJobs(): void {
  const port = parentPort;
  if (!port) return;
  port.on('message', ({ i, job, profiles }: { i: number; job: Job; profiles?: [string, Profile][] }) => {
    if (profiles) adoptProfiles(profiles);
    let reply: Reply;
    try {
      reply = { i, result: lintOneFile(job.abs, job.display, job.settings, { finish: job.finish }) };
    } catch (e) {
      reply =
        e instanceof UsageError ? { i, usage: e.message } : { i, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  });
}
