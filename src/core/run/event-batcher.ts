/**
 * Run events for a user interface, in batches, so a busy run cannot flood it: a run with eight
 * trials emits dozens of events a second (every LLM call, tool call, phase and progress snapshot),
 * while a status bar or a webview needs a few updates a second at most.
 *
 * - At most one batch every `intervalMs` (default 250 ms); events that come together go together.
 * - Nothing is reordered and nothing is lost, with one exception: a run's `run_progress` is a
 *   cumulative snapshot, so within a batch only its latest one is kept, at the latest one's place.
 * - `run_finished` is delivered at once, with everything before it, so the end shows without delay.
 * - `flush()` delivers what waits now; `dispose()` flushes and stops (later events go out one by one).
 */
import type { RunEvent } from './events';

/** How often the editor and the CLI's progress line take run events. */
export const UI_BATCH_INTERVAL_MS = 250;

/** Time and timers, replaceable in unit tests. */
export interface BatcherClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: BatcherClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface EventBatcherOptions {
  intervalMs?: number;
  clock?: BatcherClock;
}

export class EventBatcher {
  private pending: RunEvent[] = [];
  private timer: unknown = undefined;
  private lastDelivery = Number.NEGATIVE_INFINITY;
  private disposed = false;
  private readonly intervalMs: number;
  private readonly clock: BatcherClock;

  constructor(private readonly deliver: (batch: RunEvent[]) => void, options: EventBatcherOptions = {}) {
    this.intervalMs = options.intervalMs ?? UI_BATCH_INTERVAL_MS;
    this.clock = options.clock ?? realClock;
  }

  push(event: RunEvent): void {
    if (this.disposed) {
      this.deliver([event]);
      return;
    }
    if (event.type === 'run_progress') {
      const earlier = this.pending.findLastIndex((e) => e.type === 'run_progress' && e.runId === event.runId);
      if (earlier >= 0) this.pending.splice(earlier, 1);
    }
    this.pending.push(event);
    if (event.type === 'run_finished') this.flush();
    else this.schedule();
  }

  /** Delivers what waits, now. */
  flush(): void {
    this.cancelTimer();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.lastDelivery = this.clock.now();
    this.deliver(batch);
  }

  /** Flushes, then stops batching. */
  dispose(): void {
    this.flush();
    this.disposed = true;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    // A timer may fire a little early by this clock: it then waits out the rest, so the bound holds.
    const wait = Math.max(0, this.lastDelivery + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.clock.now() < this.lastDelivery + this.intervalMs) this.schedule();
      else this.flush();
    }, wait);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
