#!/usr/bin/env node
import { isMainThread, workerData } from 'node:worker_threads';
import { prestartWorkers, WORKER_ROLE } from './prestart.js';
import { guardStdout } from './stdout-guard.js';
import { limitInlining } from './inlining.js';
import { keepYoungGenerationSmall } from './young-generation.js';

// The one-file bundle (bundle/fwlint.mjs) is also the lint pool's worker script. The main thread
// starts the pool's workers (when the command needs them) before it loads the rest of fwlint.
if (!isMainThread && (workerData as { role?: string } | null)?.role === WORKER_ROLE) {
  const { serveLintJobs } = await import('./worker.js');
  serveLintJobs();
} else {
  const argv = process.argv.slice(2);
  keepYoungGenerationSmall();
  limitInlining();
  guardStdout();
  prestartWorkers(argv);
  const { main } = await import('./program.js');
  process.exitCode = await main(argv);
}
