/**
 * The order a pool's workers take their files in (workers.ts). Each worker compiles the parser it
 * uses for itself, and a parser's optimised code is made per thread: a worker that lints files of
 * every vendor compiles every parser, and so does the other. Giving each worker the files of the
 * kinds it has already linted, as long as there are any, lets each kind be compiled in one worker
 * for most of a mixed run; a worker with none of its own left takes a kind no worker has taken yet,
 * and only then files of another worker's kinds. Within a kind files go in input order.
 */
export class AffinityQueue {
  /** Pending job indices per kind, in input order, and how far each list is taken. */
  private readonly pending = new Map<string, { jobs: number[]; next: number }>();
  /** The kinds each worker has taken, by worker. */
  private readonly owned = new Map<number, Set<string>>();
  private readonly taken = new Set<string>();

  /** `kinds[i]` is the kind of job i (the affinity key: files of one kind share a parser). */
  constructor(kinds: readonly string[]) {
    kinds.forEach((k, i) => {
      const q = this.pending.get(k);
      if (q) q.jobs.push(i);
      else this.pending.set(k, { jobs: [i], next: 0 });
    });
  }

  /** The smallest index not handed out yet, or Infinity. */
  firstPending(): number {
    let first = Infinity;
    for (const q of this.pending.values()) if (q.next < q.jobs.length) first = Math.min(first, q.jobs[q.next] ?? first);
    return first;
  }

  /**
   * The next job for `worker`, below `limit` (after a failure only earlier files still count), or
   * undefined when there is none: the earliest of its own kinds, else of a kind nobody has, else of any.
   */
  take(worker: number, limit = Infinity): number | undefined {
    let own = this.owned.get(worker);
    if (!own) this.owned.set(worker, (own = new Set()));
    const mine = own;
    const kind =
      this.earliest((k) => mine.has(k), limit) ??
      this.earliest((k) => !this.taken.has(k), limit) ??
      this.earliest(() => true, limit);
    if (kind === undefined) return undefined;
    const q = this.pending.get(kind);
    if (!q) return undefined;
    own.add(kind);
    this.taken.add(kind);
    return q.jobs[q.next++];
  }

  private earliest(wanted: (kind: string) => boolean, limit: number): string | undefined {
    let best: string | undefined;
    let at = limit;
    for (const [k, q] of this.pending) {
      const head = q.jobs[q.next];
      if (head !== undefined && head < at && wanted(k)) {
        best = k;
        at = head;
      }
    }
    return best;
  }
}
