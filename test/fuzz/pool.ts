/** One fuzz worker with a time budget: a job that overruns it is reported as slow and the worker replaced. */
import { Worker } from 'node:worker_threads';
import type { Job, JobResult } from './worker.js';

export type Verdict = JobResult | { id: number; outcome: 'slow'; detail: string; ms: number };

export class FuzzWorker {
  private worker = this.spawn();
  private nextId = 1;

  constructor(private readonly budgetMs: number) {}

  private spawn(): Worker {
    // Old space is bounded so a runaway allocation ends as a crash here, not on the machine.
    return new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
  }

  /** Runs a job; `runs` is how many lint runs it holds (each gets the budget). */
  run(job: Omit<Job, 'id'>, runs: number): Promise<Verdict> {
    const id = this.nextId++;
    const budget = this.budgetMs * runs + 500;
    const w = this.worker;
    return new Promise((resolve) => {
      const t0 = performance.now();
      let settled = false;
      const finish = (v: Verdict, replace: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        w.removeAllListeners('message');
        w.removeAllListeners('error');
        w.removeAllListeners('exit');
        if (replace) {
          void w.terminate();
          this.worker = this.spawn();
        }
        resolve(v);
      };
      const timer = setTimeout(() => {
        finish({ id, outcome: 'slow', detail: `no result within ${budget} ms`, ms: performance.now() - t0 }, true);
      }, budget);
      w.on('message', (r: JobResult) => {
        if (r.id !== id) return;
        if (r.ms > this.budgetMs * runs)
          finish({ id, outcome: 'slow', detail: `took ${r.ms.toFixed(0)} ms (${r.outcome})`, ms: r.ms }, false);
        else finish(r, false);
      });
      w.on('error', (e: Error) => {
        finish(
          { id, outcome: 'crash', detail: `worker died: ${e.name}: ${e.message}`, ms: performance.now() - t0 },
          true,
        );
      });
      w.on('exit', (code) => {
        finish({ id, outcome: 'crash', detail: `worker exited ${code}`, ms: performance.now() - t0 }, true);
      });
      w.postMessage({ ...job, id });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
