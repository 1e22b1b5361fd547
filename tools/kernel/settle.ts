/**
 * Waiting for packets still in flight. Packets between namespaces are handled in softirq context,
 * which a loaded machine defers to ksoftirqd: a capture read a fixed time after the sender exits can
 * miss packets that are still on their way. The harness therefore reads until everything it expects
 * is there, or until a deadline that grows with the load; a packet the ruleset drops only costs the
 * deadline.
 */

/** Never wait less than the former fixed sleep: on an idle machine everything is there by then. */
export const SETTLE_FLOOR_MS = 150;
/** The most one read waits, however slow the machine. */
export const SETTLE_CAP_MS = 2000;

/**
 * How long to wait for the packets of a sender that took `senderMs` to run: the floor, plus that time
 * again. The sender's own run time (process start, sockets) is the load the packets meet on their way.
 */
export function settleDeadlineMs(senderMs: number): number {
  return Math.min(SETTLE_CAP_MS, SETTLE_FLOOR_MS + Math.max(0, senderMs));
}

export interface Clock {
  now(): number;
  sleep(ms: number): void;
}

export interface Polled<T> {
  value: T;
  /** Whether `complete` held: false when the deadline passed first. */
  complete: boolean;
  /** Reads done (at least one). */
  reads: number;
}

/**
 * Reads until `complete(value)` or until `deadlineMs` have passed since the call, sleeping `stepMs`
 * between reads; the last read is at or after the deadline, so a late packet still counts.
 */
export function pollUntil<T>(
  read: () => T,
  complete: (value: T) => boolean,
  deadlineMs: number,
  clock: Clock,
  stepMs = 25,
): Polled<T> {
  const end = clock.now() + deadlineMs;
  let reads = 1;
  let value = read();
  while (!complete(value)) {
    const left = end - clock.now();
    if (left <= 0) return { value, complete: false, reads };
    clock.sleep(Math.min(stepMs, left));
    value = read();
    reads++;
  }
  return { value, complete: true, reads };
}
