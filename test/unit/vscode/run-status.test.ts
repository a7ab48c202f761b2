import * as assert from 'node:assert/strict';
import type { RunEvent, RunProgress } from '../../../src/core/run/events';
import { applyRunEvent, isActive, startingStatus, statusBarText, statusBarTooltip } from '../../../src/vscode/run-status';

const progress = (p: Partial<RunProgress>): RunProgress => ({ total: 30, done: 0, running: 0, passed: 0, failed: 0, errors: 0, spendUsd: 0, unpricedCalls: 0, startedAt: 0, ...p });

describe('run status (sidebar and status bar)', () => {
  it('follows a run from start to finish', () => {
    let s = startingStatus('r1', 'my run', 0);
    assert.equal(s.state, 'starting');
    assert.ok(isActive(s));
    s = applyRunEvent(s, { type: 'run_started', runId: 'r1', total: 30 }, 1000);
    assert.equal(s.state, 'running');
    assert.equal(s.total, 30);
    s = applyRunEvent(s, { type: 'run_progress', runId: 'r1', progress: progress({ done: 12, running: 2, passed: 9, failed: 3, spendUsd: 0.42 }) }, 60_000);
    assert.equal(statusBarText(s), '$(loading~spin) $0.42 · 12/30');
    assert.equal(s.ratePerMin, 0.42);
    s = applyRunEvent(s, { type: 'run_finished', runId: 'r1', status: 'finished', progress: progress({ done: 30, passed: 25, failed: 5, spendUsd: 1.2 }) }, 120_000);
    assert.equal(s.state, 'finished');
    assert.equal(s.running, 0);
    assert.ok(!isActive(s));
    assert.equal(statusBarText(s), '$(pass) $1.20 · 30/30 done');
    assert.match(statusBarTooltip(s), /30 of 30 trials done · 0 running · 25 passed · 5 failed/);
  });

  it('ignores events of other runs, and marks unpriced spend as a lower bound', () => {
    const s = startingStatus('r1', 'x', 4);
    const other: RunEvent = { type: 'run_started', runId: 'r2', total: 9 };
    assert.equal(applyRunEvent(s, other), s);
    const priced = applyRunEvent(s, { type: 'run_progress', runId: 'r1', progress: progress({ total: 4, done: 1, spendUsd: 0.005, unpricedCalls: 2 }) }, 1);
    assert.equal(statusBarText(priced), '$(loading~spin) $0.005+ · 1/4');
  });

  it('a cancelled run says so', () => {
    const s = applyRunEvent(startingStatus('r1', 'x', 2), { type: 'run_finished', runId: 'r1', status: 'cancelled', progress: progress({ total: 2, done: 2, errors: 2 }) }, 1);
    assert.equal(statusBarText(s), '$(circle-slash) $0 · 2/2 cancelled');
  });
});
