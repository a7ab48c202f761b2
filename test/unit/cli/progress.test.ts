/**
 * The CLI's live progress: for people, the status line is redrawn a few times a second however
 * fast events come, and nothing a person must see (a trial that did not pass, the final line) is
 * lost; with --json, every event is one line, at once.
 */
import assert from 'node:assert/strict';
import { progressLine, progressReporter, RunningTrials } from '../../../src/cli/progress';
import { UI_BATCH_INTERVAL_MS } from '../../../src/core/run/event-batcher';
import type { RunEvent, RunProgress } from '../../../src/core/run/events';

const RUN = 'run-1';
const progress = (done: number, total = 100): RunProgress => ({
  total, done, running: 2, passed: done, failed: 0, errors: 0, spendUsd: done / 10, unpricedCalls: 0, startedAt: Date.now() - 10_000,
});
const failed = (i: number): RunEvent => ({
  type: 'trial_finished', runId: RUN, trialId: `t${i}`, taskId: `task-${i}`, modelId: 'sim/flaky', status: 'failed', costUsd: 0.01, durationMs: 5,
});
const phase = (i: number): RunEvent => ({ type: 'trial_phase', runId: RUN, trialId: `t${i}`, phase: 'agent' });

/** Runs `body` with stdout or stderr captured: one entry per write. */
async function capture(stream: 'stdout' | 'stderr', body: () => Promise<void>): Promise<string[]> {
  const writes: string[] = [];
  const target = process[stream];
  const original = target.write.bind(target);
  target.write = ((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  }) as typeof target.write;
  try {
    await body();
  } finally {
    target.write = original;
  }
  return writes;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kilobench run: live progress', () => {
  it('on a terminal, redraws a few times a second under a flood of events, keeping every failed trial and the final line', async () => {
    const durationMs = 1000;
    let sent = 0;
    const writes = await capture('stderr', async () => {
      const reporter = progressReporter({ json: false, tty: true });
      const end = Date.now() + durationMs;
      for (let i = 0; Date.now() < end; i++) {
        reporter.onEvent(phase(i));
        reporter.onEvent({ type: 'run_progress', runId: RUN, progress: progress(Math.min(99, i)) });
        if (i % 25 === 0) reporter.onEvent(failed(i));
        sent += 2;
        await sleep(2);
      }
      reporter.onEvent({ type: 'run_finished', runId: RUN, status: 'finished', progress: progress(100) });
      reporter.close();
    });
    const text = writes.join('');
    assert.ok(sent >= 40, `${sent} events sent`);
    assert.ok(writes.length <= durationMs / UI_BATCH_INTERVAL_MS + 3, `${writes.length} writes for ${sent} events`);
    const failedLines = text.match(/failed\s+task-\d+ · sim\/flaky/g) ?? [];
    assert.equal(failedLines.length, Math.ceil(sent / 2 / 25), 'one line per failed trial');
    assert.match(writes.at(-1)!, /100\/100 · 2 running · 100 passed · 0 failed · \$10\.00.*\n$/, 'the final line, ended');
  });

  it('without a terminal, prints failed trials and the final line only', async () => {
    const writes = await capture('stderr', async () => {
      const reporter = progressReporter({ json: false, tty: false });
      reporter.onEvent({ type: 'run_progress', runId: RUN, progress: progress(1, 2) });
      reporter.onEvent(failed(1));
      reporter.onEvent({ type: 'run_progress', runId: RUN, progress: progress(2, 2) });
      reporter.onEvent({ type: 'run_finished', runId: RUN, status: 'finished', progress: progress(2, 2) });
      reporter.close();
    });
    const lines = writes.join('').split('\n').filter(Boolean);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0]!, /^failed\s+task-1 · sim\/flaky$/);
    assert.match(lines[1]!, /^\[#+\] 2\/2 /);
  });

  it('close() writes what still waits when a run ends without its final event', async () => {
    const writes = await capture('stderr', async () => {
      const reporter = progressReporter({ json: false, tty: false });
      reporter.onEvent(failed(7));
      reporter.close();
    });
    assert.match(writes.join(''), /failed\s+task-7/);
  });

  it('with --json, writes every event as its own line at once, progress snapshots included', async () => {
    const writes = await capture('stdout', async () => {
      const reporter = progressReporter({ json: true, tty: false });
      for (let i = 0; i < 50; i++) reporter.onEvent({ type: 'run_progress', runId: RUN, progress: progress(i) });
    });
    assert.equal(writes.length, 50);
    assert.deepEqual(writes.map((w) => (JSON.parse(w) as { progress: RunProgress }).progress.done), Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('CLI progress on an engine pool', () => {
  it('names each engine\'s slots and the tasks of the trials running there', () => {
    const running = new RunningTrials();
    const events: RunEvent[] = [
      { type: 'trial_queued', runId: RUN, trialId: 't1', taskId: 'fix-git', modelId: 'm', trialIndex: 0 },
      { type: 'trial_queued', runId: RUN, trialId: 't2', taskId: 'grep-logs', modelId: 'm', trialIndex: 0 },
      { type: 'trial_queued', runId: RUN, trialId: 't3', taskId: 'big-build', modelId: 'm', trialIndex: 0 },
      { type: 'trial_started', runId: RUN, trialId: 't1', engine: 'main' },
      { type: 'trial_started', runId: RUN, trialId: 't2', engine: 'tcp' },
      { type: 'trial_started', runId: RUN, trialId: 't3', engine: 'tcp' },
      // t2's engine was lost: it runs again on main; t3 finished.
      { type: 'trial_placed', runId: RUN, trialId: 't2', engine: 'main' },
      { type: 'trial_finished', runId: RUN, trialId: 't3', taskId: 'big-build', modelId: 'm', status: 'passed', costUsd: 0, durationMs: 5 },
    ];
    for (const e of events) running.see(e);
    const line = progressLine(progress(1, 3), Date.now(), [
      { name: 'main', running: 2, capacity: 2, down: false }, { name: 'tcp', running: 0, capacity: 1, down: true },
    ], running.byEngine());
    assert.match(line, / · main 2\/2 \(fix-git, grep-logs\), tcp lost$/);
    // One engine: no engine part at all.
    assert.doesNotMatch(progressLine(progress(1, 3), Date.now(), [{ name: 'main', running: 1, capacity: 2, down: false }], running.byEngine()), /main/);
  });
});
