import * as assert from 'node:assert/strict';
import type { RunEvent, RunProgress } from '../../../src/core/run/events';
import type { RunStatusView } from '../../../src/protocol';
import { applyRunEvent, isActive, retime, type TrialInfo, startingStatus, statusBarText, statusBarTooltip } from '../../../src/vscode/run-status';

const progress = (p: Partial<RunProgress>): RunProgress => ({ total: 30, done: 0, running: 0, passed: 0, failed: 0, errors: 0, spendUsd: 0, unpricedCalls: 0, startedAt: 0, ...p });

describe('run status (Benchmark view and status bar)', () => {
  it('follows a run from start to finish', () => {
    let s = startingStatus('r1', 'my run', 0, 0);
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

  it('names each running trial with its phase and elapsed time, and its spend as calls finish', () => {
    const info: TrialInfo = new Map();
    let s = startingStatus('r1', 'x', 0, 0);
    const ev = (e: RunEvent, at: number) => { s = applyRunEvent(s, e, at, info); };
    ev({ type: 'run_started', runId: 'r1', total: 4 }, 500);
    ev({ type: 'trial_queued', runId: 'r1', trialId: 't1', taskId: 'csv', modelId: 'sim/direct', trialIndex: 0 }, 600);
    ev({ type: 'trial_started', runId: 'r1', trialId: 't1' }, 1000);
    ev({ type: 'trial_phase', runId: 'r1', trialId: 't1', phase: 'image' }, 1000);
    assert.deepEqual(s.trials.map((t) => [t.task, t.model, t.phase]), [['csv', 'sim/direct', 'image']]);
    ev({ type: 'trial_phase', runId: 'r1', trialId: 't1', phase: 'agent' }, 9000);
    assert.equal(s.trials[0]?.elapsedMs, 8000);
    assert.equal(s.trials[0]?.phaseElapsedMs, 0);
    assert.equal(s.elapsedMs, 9000, 'elapsed counts from the click on Start');
    const call = { costUsd: 0.003 } as Extract<RunEvent, { type: 'llm_call' }>['call'];
    ev({ type: 'llm_call', runId: 'r1', trialId: 't1', call }, 10_000);
    ev({ type: 'run_progress', runId: 'r1', progress: progress({ total: 4, running: 1, spendUsd: 0.003 }) }, 10_000);
    assert.equal(s.trials[0]?.spendUsd, 0.003);
    assert.equal(s.spendUsd, 0.003);
    // Time goes on without events: the view re-times the same snapshot.
    const later = retime(s, 15_000, 0, info);
    assert.equal(later.trials[0]?.phaseElapsedMs, 6000);
    assert.equal(later.elapsedMs, 15_000);
    ev({ type: 'trial_finished', runId: 'r1', trialId: 't1', taskId: 'csv', modelId: 'sim/direct', status: 'passed', costUsd: 0.003, durationMs: 10_000 }, 20_000);
    assert.deepEqual(s.trials, []);
  });

  it('a run on several engines names each running trial\'s engine (and where it moves); a run on one engine says nothing of engines', () => {
    const info: TrialInfo = new Map();
    let s = startingStatus('r1', 'x', 0, 0);
    const ev = (e: RunEvent, at: number) => { s = applyRunEvent(s, e, at, info); };
    const load = (name: string) => ({ name, running: 1, capacity: 1, down: false });
    ev({ type: 'run_started', runId: 'r1', total: 2 }, 100);
    ev({ type: 'trial_queued', runId: 'r1', trialId: 't1', taskId: 'csv', modelId: 'sim/direct', trialIndex: 0 }, 100);
    ev({ type: 'trial_queued', runId: 'r1', trialId: 't2', taskId: 'csv', modelId: 'sim/direct', trialIndex: 1 }, 100);
    ev({ type: 'trial_started', runId: 'r1', trialId: 't1', engine: 'local' }, 200);
    ev({ type: 'trial_started', runId: 'r1', trialId: 't2', engine: 'engine2' }, 200);
    ev({ type: 'run_progress', runId: 'r1', progress: progress({ total: 2, running: 2 }), engines: [load('local'), load('engine2')] }, 300);
    assert.equal(s.engineCount, 2);
    assert.deepEqual(s.trials.map((t) => [t.trialId, t.engine]), [['t1', 'local'], ['t2', 'engine2']]);
    ev({ type: 'trial_placed', runId: 'r1', trialId: 't2', engine: 'local' }, 400);
    assert.deepEqual(s.trials.map((t) => t.engine), ['local', 'local'], 'a trial moved off a lost engine shows its new one');

    let one = startingStatus('r2', 'y', 0, 0);
    one = applyRunEvent(one, { type: 'run_progress', runId: 'r2', progress: progress({ total: 1 }), engines: [load('local')] }, 10);
    assert.equal(one.engineCount, 1, 'one engine: the views show no engine');
  });

  it('estimates the time left from the pace, and before the first trial from the forecast; projects the spend', () => {
    const info: TrialInfo = new Map();
    let s: RunStatusView = { ...startingStatus('r1', 'x', 0, 0), forecast: { trials: 4, costUsd: { expected: 0.04, low: 0.02, high: 0.08 }, durationMs: { expected: 120_000, low: 60_000, high: 240_000 }, basis: 'prices', budget: null } };
    s = applyRunEvent(s, { type: 'run_started', runId: 'r1', total: 4 }, 30_000, info);
    assert.equal(s.etaMs, 90_000);
    assert.deepEqual(s.projectedUsd, { expected: 0.04, low: 0.02, high: 0.08 });
    s = applyRunEvent(s, { type: 'run_progress', runId: 'r1', progress: progress({ total: 4, done: 1, spendUsd: 0.02 }) }, 40_000, info);
    assert.equal(s.etaMs, 120_000, '40 s for one trial, three left');
    assert.ok(Math.abs((s.projectedUsd?.expected ?? 0) - 0.05) < 1e-9, 'spent 0.02 + 3 × 0.01 expected');
  });
});
