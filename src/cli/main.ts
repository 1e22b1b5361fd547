#!/usr/bin/env node
import { isMainThread, workerData } from 'node:worker_threads';
import { main } from './program.js';
import { serveLintJobs, WORKER_ROLE } from './worker.js';

// The one-file bundle (bundle/fwlint.mjs) is also the lint pool's worker script.
if (!isMainThread && (workerData as { role?: string } | null)?.role === WORKER_ROLE) serveLintJobs();
else process.exitCode = await main(process.argv.slice(2));
