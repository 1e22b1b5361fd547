import { serveLintJobs } from './worker.js';

// The pool's worker when fwlint runs from dist/ (the bundle serves as its own worker: see main.ts).
serveLintJobs();
