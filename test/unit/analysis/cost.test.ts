import assert from 'node:assert/strict';
import {
  empiricalCostToComplete, expectedCostToComplete, groupCostToComplete, pairStats, passCounts, type PairStats,
} from '../../../src/core/analysis/cost';
import { trialFacts } from '../../../src/core/analysis/trials';
import { EXCLUDED_FROM_PASS_RATE, type TrialStatus } from '../../../src/core/domain';
import type { TrialRecord } from '../../../src/core/store/records';
import { call, trial } from '../report/fixture';

function near(actual: unknown, expected: number, message = ''): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-12, `${message} expected ${expected}, got ${String(actual)}`);
}

/** Trials of one (task, model) pair with the given statuses and costs, trial index in array order. */
function pair(spec: [TrialStatus, number | null][]): TrialRecord[] {
  return spec.map(([status, costUsd], i) => trial({ id: `t${i}`, taskId: 'task', modelId: 'm', status, costUsd, trialIndex: i }));
}

const G = { model: 'm', harness: 'kilo' };

describe('analysis: trial costs', () => {
  it('sums the calls; one unpriced call makes the trial cost null (never 0) with a flag', () => {
    const t = trial({ id: 'a', taskId: 'x', modelId: 'm' });
    const priced = trialFacts([t], [call({ trialId: 'a', seq: 1, costUsd: 0.25 }), call({ trialId: 'a', seq: 2, costUsd: 0.5 })], []);
    near(priced[0]?.costUsd, 0.75);
    const unpriced = trialFacts([t], [call({ trialId: 'a', seq: 1, costUsd: 0.25 }), call({ trialId: 'a', seq: 2, costUsd: null, costSource: 'unpriced' })], []);
    assert.equal(unpriced[0]?.costUsd, null);
    assert.deepEqual(unpriced[0]?.costFlags, ['unpriced']);
  });

  it('tokens are summed from the calls, reasoning kept inside output', () => {
    const t = trial({ id: 'a', taskId: 'x', modelId: 'm' });
    const [f] = trialFacts([t], [
      call({ trialId: 'a', seq: 1, usage: { input: 100, cacheRead: 0, cacheWrite: 50, output: 40, reasoning: 10 } }),
      call({ trialId: 'a', seq: 2, usage: { input: 20, cacheRead: 150, cacheWrite: 0, output: 30, reasoning: 5 } }),
    ], []);
    assert.deepEqual(f?.tokens, { input: 120, cacheRead: 150, cacheWrite: 50, output: 70, reasoning: 15 });
  });

  it('without calls: the record’s cost, or null (`unmetered`); with calls given but none for the trial: $0', () => {
    const t = trial({ id: 'a', taskId: 'x', modelId: 'm', costUsd: null });
    assert.equal(trialFacts([t], undefined, undefined)[0]?.costUsd, null);
    assert.deepEqual(trialFacts([t], undefined, undefined)[0]?.costFlags, ['unmetered']);
    assert.equal(trialFacts([t], [], [])[0]?.costUsd, 0);
    assert.deepEqual(trialFacts([t], [], [])[0]?.costFlags, ['no-llm-calls']);
    near(trialFacts([{ ...t, costUsd: 0.3 }], undefined, undefined)[0]?.costUsd, 0.3);
    // A record flagged unpriced is unknown even with a number on it.
    assert.equal(trialFacts([{ ...t, costUsd: 0.3, costFlags: ['unpriced'] }], undefined, undefined)[0]?.costUsd, null);
  });
});

describe('analysis: pass rates', () => {
  it('every excluded status stays out of the pass rate and is counted apart', () => {
    const excluded = [...EXCLUDED_FROM_PASS_RATE];
    const trials = [
      ...excluded.map((status, i) => trial({ id: `x${i}`, taskId: 't', modelId: 'm', status })),
      trial({ id: 'p', taskId: 't', modelId: 'm', status: 'passed' }),
      trial({ id: 'f', taskId: 't', modelId: 'm', status: 'failed' }),
    ];
    const counts = passCounts(trialFacts(trials, undefined, undefined));
    // 1 pass out of 2 attempts; the 7 excluded ones are neither.
    assert.equal(counts.attempts, 2);
    assert.equal(counts.passed, 1);
    assert.equal(counts.passRate, 0.5);
    assert.equal(counts.excluded, excluded.length);
    assert.deepEqual(Object.keys(counts.excludedByStatus).sort(), [...excluded].sort());
  });

  it('timeout, test_timeout, budget_exceeded and harness_error are attempts that did not pass', () => {
    const statuses: TrialStatus[] = ['timeout', 'test_timeout', 'budget_exceeded', 'harness_error', 'passed'];
    const counts = passCounts(trialFacts(statuses.map((status, i) => trial({ id: `a${i}`, taskId: 't', modelId: 'm', status })), undefined, undefined));
    assert.equal(counts.attempts, 5);
    assert.equal(counts.passed, 1);
    assert.equal(counts.excluded, 0);
  });

  it('no attempts: pass rate null and the interval [0, 1]', () => {
    const counts = passCounts(trialFacts([trial({ id: 'a', taskId: 't', modelId: 'm', status: 'infra_error' })], undefined, undefined));
    assert.equal(counts.passRate, null);
    assert.deepEqual(counts.passRateCI, [0, 1]);
  });
});

describe('analysis: cost per attempt and cost to complete', () => {
  it('a pair with one pass in three attempts (hand computation)', () => {
    // Costs 0.1 (fail), 0.2 (pass), 0.3 (fail); the infra error's $5 is not an attempt.
    const facts = trialFacts([...pair([['failed', 0.1], ['passed', 0.2], ['failed', 0.3]]), trial({ id: 'x', taskId: 'task', modelId: 'm', status: 'infra_error', costUsd: 5, trialIndex: 3 })], undefined, undefined);
    const p = pairStats('task', G, facts);
    assert.equal(p.attempts, 3);
    assert.equal(p.excluded, 1);
    near(p.costPerAttempt.mean, 0.2); // (0.1 + 0.2 + 0.3) / 3
    near(p.costPerAttempt.median, 0.2);
    near(p.costPerAttempt.p90, 0.28); // h = 2 × 0.9 = 1.8 → 0.2 + 0.8 × 0.1
    near(p.costToComplete.expected, 0.6); // 0.2 ÷ (1/3)
    near(p.costToComplete.empirical, 0.3); // 0.1 + 0.2, up to and including the first pass
    near(p.spendUsd, 0.6);
    near(p.passAtK['1'], 1 / 3);
    near(p.passAtK['2'], 2 / 3); // 1 − C(2,2)/C(3,2)
    assert.equal(p.passAtK['3'], 1);
  });

  it('empirical cost follows recorded order (trial index), not array order', () => {
    const trials = pair([['failed', 0.1], ['passed', 0.2], ['failed', 0.3]]);
    // Recorded order: the 0.3 fail first, then the pass.
    const reordered = [{ ...trials[0]!, trialIndex: 2 }, { ...trials[1]!, trialIndex: 1 }, { ...trials[2]!, trialIndex: 0 }];
    near(empiricalCostToComplete(trialFacts(reordered, undefined, undefined)), 0.5); // 0.3 + 0.2
    // Same index: start time decides.
    const sameIndex = trials.map((t, i) => ({ ...t, trialIndex: 0, startedAt: `2025-01-01T00:0${9 - i}:00.000Z` }));
    near(empiricalCostToComplete(trialFacts(sameIndex, undefined, undefined)), 0.5); // 0.3 (09:07) + 0.2 (09:08)
  });

  it('a pair that never passed is "unsolved", never 0, even when its attempts were free', () => {
    const p = pairStats('task', G, trialFacts(pair([['failed', 0], ['timeout', 0], ['failed', 0]]), undefined, undefined));
    assert.equal(p.costToComplete.expected, 'unsolved');
    assert.equal(p.costToComplete.empirical, 'unsolved');
    assert.equal(p.costPerAttempt.mean, 0); // a known $0 per attempt is fine; completing is not
    assert.equal(expectedCostToComplete(3, 0, 0), 'unsolved');
    assert.equal(expectedCostToComplete(0, 0, null), null);
  });

  it('an unpriced attempt makes cost figures null, never 0', () => {
    const p = pairStats('task', G, trialFacts(pair([['passed', 0.2], ['failed', null]]), undefined, undefined));
    assert.deepEqual(p.costPerAttempt, { mean: null, median: null, p90: null });
    assert.equal(p.unpricedAttempts, 1);
    assert.equal(p.spendUsd, null);
    assert.equal(p.costToComplete.expected, null);
    near(p.costToComplete.empirical, 0.2); // the pass came first, its cost is known
    const late = pairStats('task', G, trialFacts(pair([['failed', null], ['passed', 0.2]]), undefined, undefined));
    assert.equal(late.costToComplete.empirical, null); // unknown spend before the first pass
    const never = pairStats('task', G, trialFacts(pair([['failed', null], ['failed', 0.2]]), undefined, undefined));
    assert.equal(never.costToComplete.empirical, 'unsolved');
  });

  it('a model’s cost to complete averages over solved tasks and counts the unsolved', () => {
    const cell = (taskId: string, expected: PairStats['costToComplete']['expected'], empirical: PairStats['costToComplete']['empirical'], passed: number, attempts = 3): PairStats => ({
      taskId, ...G, attempts, passed, passRate: attempts ? passed / attempts : null, passRateCI: [0, 1], excluded: 0, excludedByStatus: {},
      passAtK: {}, costPerAttempt: { mean: null, median: null, p90: null }, unpricedAttempts: 0, spendUsd: null,
      costToComplete: { expected, empirical },
    });
    const g = groupCostToComplete([cell('a', 0.6, 0.3, 1), cell('b', 0.2, 0.1, 3), cell('c', 'unsolved', 'unsolved', 0), cell('d', null, null, 0, 0)]);
    near(g.expected, 0.4); // (0.6 + 0.2) / 2
    near(g.empirical, 0.2); // (0.3 + 0.1) / 2
    near(g.expectedTotal, 0.8);
    assert.equal(g.solvedTasks, 2);
    assert.equal(g.unsolvedTasks, 1);
    assert.equal(g.unattemptedTasks, 1);
    const none = groupCostToComplete([cell('c', 'unsolved', 'unsolved', 0)]);
    assert.equal(none.expected, 'unsolved');
    assert.equal(none.solvedTasks, 0);
    const unknown = groupCostToComplete([cell('a', null, 0.3, 1), cell('b', 0.2, 0.1, 3)]);
    assert.equal(unknown.expected, null); // one solved task’s cost unknown: no mean
    near(unknown.empirical, 0.2);
  });
});
