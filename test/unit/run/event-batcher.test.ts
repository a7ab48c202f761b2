/**
 * The event batcher between a run and a user interface: events arrive in batches no more often
 * than the interval, in order, with only superseded progress snapshots left out; the end of a run
 * and disposal deliver at once. Time is a manual clock here (one real-timer test at the end).
 */
import assert from 'node:assert/strict';
import { EventBatcher, UI_BATCH_INTERVAL_MS, type BatcherClock } from '../../../src/core/run/event-batcher';
import type { RunEvent, RunProgress } from '../../../src/core/run/events';

/** A clock whose time moves only when the test says so, firing due timers in order. */
class ManualClock implements BatcherClock {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + Math.max(0, ms), fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  /** Makes every pending timer due `ms` earlier (real timers may fire early by another clock). */
  hurryTimers(ms: number): void {
    for (const t of this.timers) t.at -= ms;
  }
  get pendingTimers(): number {
    return this.timers.length;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = end;
  }
}

const RUN = 'run-1';
const progress = (done: number): RunProgress => ({
  total: 10, done, running: 1, passed: done, failed: 0, errors: 0, spendUsd: done / 100, unpricedCalls: 0, startedAt: 0,
});
const started = (trialId: string): RunEvent => ({ type: 'trial_started', runId: RUN, trialId });
const phase = (trialId: string): RunEvent => ({ type: 'trial_phase', runId: RUN, trialId, phase: 'agent' });
const runProgress = (done: number, runId = RUN): RunEvent => ({ type: 'run_progress', runId, progress: progress(done) });
const finished = (trialId: string): RunEvent => ({
  type: 'trial_finished', runId: RUN, trialId, taskId: 't', modelId: 'm', status: 'passed', costUsd: 0.01, durationMs: 5,
});
const runFinished = (done: number): RunEvent => ({ type: 'run_finished', runId: RUN, status: 'finished', progress: progress(done) });

function setup(intervalMs = 250) {
  const clock = new ManualClock();
  const batches: { at: number; events: RunEvent[] }[] = [];
  const batcher = new EventBatcher((events) => batches.push({ at: clock.now(), events }), { intervalMs, clock });
  return { clock, batches, batcher };
}

/** What a batch says, compactly: `type:trial-or-done`. */
const summary = (events: RunEvent[]) => events.map((e) => `${e.type}:${'trialId' in e ? e.trialId : 'progress' in e ? e.progress.done : ''}`);

describe('run events: the UI batcher', () => {
  it('delivers events that come together as one batch, on the next turn, not synchronously', () => {
    const { clock, batches, batcher } = setup();
    batcher.push(started('a'));
    batcher.push(phase('a'));
    assert.equal(batches.length, 0, 'nothing is delivered inside push');
    clock.advance(0);
    assert.deepEqual(batches.map((b) => summary(b.events)), [['trial_started:a', 'trial_phase:a']]);
  });

  it('keeps the order of events across and within batches', () => {
    const { clock, batches, batcher } = setup(100);
    const sent: string[] = [];
    for (let i = 0; i < 200; i++) {
      const event = i % 3 === 0 ? started(`t${i}`) : i % 3 === 1 ? phase(`t${i}`) : finished(`t${i}`);
      sent.push(`${event.type}:t${i}`);
      batcher.push(event);
      clock.advance(7);
    }
    clock.advance(1000);
    const received = batches.flatMap((b) => summary(b.events));
    assert.deepEqual(received, sent, 'every event, in the order sent');
    assert.ok(batches.length < 200 / 5, `far fewer batches (${batches.length}) than events (200)`);
  });

  it('keeps only the latest progress snapshot of a run in a batch, at its own place', () => {
    const { clock, batches, batcher } = setup();
    batcher.push(runProgress(1));
    batcher.push(started('a'));
    batcher.push(runProgress(2));
    batcher.push(finished('a'));
    batcher.push(runProgress(3));
    batcher.push(runProgress(1, 'other-run'));
    clock.advance(0);
    assert.deepEqual(summary(batches[0]!.events), ['trial_started:a', 'trial_finished:a', 'run_progress:3', 'run_progress:1']);
    assert.equal(batches[0]!.events[3]!.runId, 'other-run', "another run's snapshot is its own");
  });

  it('never drops lifecycle events: every trial_started and trial_finished arrives, whatever the rate', () => {
    const { clock, batches, batcher } = setup();
    for (let i = 0; i < 500; i++) {
      batcher.push(started(`t${i}`));
      batcher.push(runProgress(i));
      batcher.push(finished(`t${i}`));
      batcher.push(runProgress(i + 1));
      if (i % 10 === 0) clock.advance(3);
    }
    clock.advance(1000);
    const events = batches.flatMap((b) => b.events);
    assert.equal(events.filter((e) => e.type === 'trial_started').length, 500);
    assert.equal(events.filter((e) => e.type === 'trial_finished').length, 500);
    const last = events.filter((e) => e.type === 'run_progress').at(-1);
    assert.equal(last?.type === 'run_progress' && last.progress.done, 500, 'the last snapshot is the newest');
  });

  it('delivers at most one batch per interval under a steady stream, and the bound holds per second', () => {
    const { clock, batches, batcher } = setup(UI_BATCH_INTERVAL_MS);
    // 200 events a second for 10 seconds: an llm_call-like event and a progress snapshot every 10 ms.
    for (let ms = 0; ms < 10_000; ms += 10) {
      batcher.push(phase(`t${ms}`));
      batcher.push(runProgress(ms));
      clock.advance(10);
    }
    clock.advance(1000);
    for (let i = 1; i < batches.length; i++) {
      assert.ok(batches[i]!.at - batches[i - 1]!.at >= UI_BATCH_INTERVAL_MS, `batches ${i - 1} and ${i} are ${batches[i]!.at - batches[i - 1]!.at} ms apart`);
    }
    const perSecond = new Map<number, number>();
    for (const b of batches) perSecond.set(Math.floor(b.at / 1000), (perSecond.get(Math.floor(b.at / 1000)) ?? 0) + 1);
    assert.ok(Math.max(...perSecond.values()) <= 1000 / UI_BATCH_INTERVAL_MS, JSON.stringify([...perSecond]));
    assert.equal(batches.flatMap((b) => b.events).filter((e) => e.type === 'trial_phase').length, 1000, 'no phase lost');
  });

  it('waits out the rest of the interval when a timer fires early by its clock', () => {
    const { clock, batches, batcher } = setup(250);
    batcher.push(started('a'));
    clock.advance(0);
    batcher.push(started('b'));
    // Its timer fires 5 ms early: the batch must still wait for the full interval.
    clock.hurryTimers(5);
    clock.advance(247);
    assert.equal(batches.length, 1, 'not before 250 ms');
    clock.advance(3);
    assert.equal(batches.length, 2);
    assert.equal(batches[1]!.at, 250);
  });

  it('delivers the end of a run at once, with everything before it', () => {
    const { clock, batches, batcher } = setup();
    batcher.push(started('a'));
    clock.advance(0);
    batcher.push(finished('a'));
    batcher.push(runProgress(1));
    batcher.push(runFinished(1));
    assert.equal(batches.length, 2, 'no waiting for the interval');
    assert.deepEqual(summary(batches[1]!.events), ['trial_finished:a', 'run_progress:1', 'run_finished:1']);
    assert.equal(clock.pendingTimers, 0, 'nothing left scheduled');
  });

  it('flush() delivers what waits now; dispose() flushes and later events still arrive', () => {
    const { clock, batches, batcher } = setup();
    batcher.flush();
    assert.equal(batches.length, 0, 'an empty flush delivers nothing');
    batcher.push(started('a'));
    batcher.push(runProgress(0));
    batcher.dispose();
    assert.deepEqual(batches.map((b) => summary(b.events)), [['trial_started:a', 'run_progress:0']]);
    assert.equal(clock.pendingTimers, 0);
    batcher.push(finished('a'));
    assert.deepEqual(summary(batches[1]!.events), ['trial_finished:a'], 'a straggler after dispose is delivered, not lost');
    clock.advance(1000);
    assert.equal(batches.length, 2);
  });

  it('works with real timers: a burst becomes few batches, spaced by the interval', async () => {
    const batches: { at: number; count: number }[] = [];
    const batcher = new EventBatcher((events) => batches.push({ at: performance.now(), count: events.length }), { intervalMs: 50 });
    const end = performance.now() + 300;
    let sent = 0;
    while (performance.now() < end) {
      batcher.push(phase(`t${sent++}`));
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(batches.reduce((n, b) => n + b.count, 0), sent, 'every event delivered');
    assert.ok(batches.length <= Math.ceil(300 / 50) + 2, `${batches.length} batches for ${sent} events`);
    for (let i = 1; i < batches.length; i++) assert.ok(batches[i]!.at - batches[i - 1]!.at >= 49, 'spaced by the interval');
  });
});
