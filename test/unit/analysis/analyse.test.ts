import assert from 'node:assert/strict';
import { analyseRun } from '../../../src/core/analysis/analyse';
import { call, trial } from '../report/fixture';

function near(actual: unknown, expected: number, message = ''): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-12, `${message} expected ${expected}, got ${String(actual)}`);
}

describe('analysis: analyseRun', () => {
  it('groups by (model, harness): one model in two harnesses is two rows', () => {
    const a = analyseRun({
      trials: [
        trial({ id: '1', taskId: 't', modelId: 'm', harness: 'kilo', costUsd: 1 }),
        trial({ id: '2', taskId: 't', modelId: 'm', harness: 'builtin', status: 'failed', costUsd: 2 }),
      ],
    });
    assert.deepEqual(a.groups.map((g) => [g.model, g.harness, g.passed, g.attempts]), [['m', 'builtin', 0, 1], ['m', 'kilo', 1, 1]]);
    assert.equal(a.tasks[0]?.cells.length, 2);
    assert.equal(a.comparisons.length, 1);
  });

  it('a small run end to end (hand computation)', () => {
    // Model x on tasks t1 (pass $0.10, fail $0.30) and t2 (fail $0.20, infra_error $0.05 → excluded).
    // Model sim/y on t1 (pass $0.02, pass $0.02) and t2 (fail $0.04, fail $0.04).
    const trials = [
      trial({ id: 'x1', taskId: 't1', modelId: 'x', trialIndex: 0, status: 'passed' }),
      trial({ id: 'x2', taskId: 't1', modelId: 'x', trialIndex: 1, status: 'failed' }),
      trial({ id: 'x3', taskId: 't2', modelId: 'x', trialIndex: 0, status: 'failed' }),
      trial({ id: 'x4', taskId: 't2', modelId: 'x', trialIndex: 1, status: 'infra_error' }),
      trial({ id: 'y1', taskId: 't1', modelId: 'sim/y', trialIndex: 0, status: 'passed' }),
      trial({ id: 'y2', taskId: 't1', modelId: 'sim/y', trialIndex: 1, status: 'passed' }),
      trial({ id: 'y3', taskId: 't2', modelId: 'sim/y', trialIndex: 0, status: 'failed' }),
      trial({ id: 'y4', taskId: 't2', modelId: 'sim/y', trialIndex: 1, status: 'failed' }),
    ];
    const cost: Record<string, number> = { x1: 0.1, x2: 0.3, x3: 0.2, x4: 0.05, y1: 0.02, y2: 0.02, y3: 0.04, y4: 0.04 };
    const calls = trials.map((t) => call({ trialId: t.id, seq: 1, costUsd: cost[t.id] as number }));
    const a = analyseRun({ trials, calls, seed: 9, resamples: 200 });
    const x = a.groups.find((g) => g.model === 'x');
    const y = a.groups.find((g) => g.model === 'sim/y');
    assert.ok(x && y && a.groups.length === 2);

    // x: 1 pass in 3 attempts; 1 excluded (infra_error), kept out of everything but its own count.
    assert.equal(x.attempts, 3);
    assert.equal(x.passed, 1);
    assert.equal(x.excluded, 1);
    assert.deepEqual(x.excludedByStatus, { infra_error: 1 });
    near(x.costPerAttempt.mean, 0.2); // (0.1 + 0.3 + 0.2) / 3
    near(x.excludedSpendUsd, 0.05);
    // pass@k: t1 has 2 attempts, t2 only 1 → k = 1 only: mean(1/2, 0/1) = 0.25.
    assert.deepEqual(Object.keys(x.passAtK), ['1']);
    near(x.passAtK['1'], 0.25);
    // Cost to complete: t1 mean 0.2 ÷ 0.5 = 0.4 (empirical 0.1, first trial passed); t2 unsolved.
    near(x.costToComplete.expected, 0.4);
    near(x.costToComplete.empirical, 0.1);
    assert.equal(x.costToComplete.unsolvedTasks, 1);
    assert.equal(x.simulated, false);

    // sim/y: 2 of 4, $0.03 per attempt; t1 complete at 0.02 ÷ 1 = 0.02.
    assert.equal(y.simulated, true);
    near(y.passRate, 0.5);
    near(y.costPerAttempt.mean, 0.03);
    near(y.costToComplete.expected, 0.02);
    near(y.passAtK['2'], 0.5); // t1: 1, t2: 0

    // y is cheaper and passes more: the Pareto front is y alone.
    assert.equal(y.onPareto, true);
    assert.equal(x.onPareto, false);
    assert.deepEqual(a.pareto.filter((p) => p.onFront).map((p) => p.model), ['sim/y']);

    // Totals include the excluded trial's spend.
    near(a.totals.spendUsd, 0.77);
    assert.equal(a.totals.excluded, 1);
    assert.deepEqual(a.settings, { seed: 9, resamples: 200, confidence: 0.95, z: a.settings.z });
    assert.equal(a.trialFingerprints.length, 8);
    assert.deepEqual(a.complementarity.solvedByExactlyOne, []);
  });

  it('one unpriced call anywhere in a model’s attempts: its cost figures are null, flagged, never 0', () => {
    const trials = [trial({ id: 'a', taskId: 't', modelId: 'm' }), trial({ id: 'b', taskId: 't', modelId: 'm', trialIndex: 1 })];
    const calls = [call({ trialId: 'a', seq: 1, costUsd: 0.1 }), call({ trialId: 'b', seq: 1, costUsd: null, costSource: 'unpriced' })];
    const [g] = analyseRun({ trials, calls }).groups;
    assert.equal(g?.costPerAttempt.mean, null);
    assert.equal(g?.spendUsd, null);
    assert.equal(g?.unpricedAttempts, 1);
    assert.deepEqual(g?.costFlags, ['unpriced']);
    assert.equal(g?.costToComplete.expected, null);
  });

  it('is deterministic: the same input gives the same analysis', () => {
    const trials = [trial({ id: 'a', taskId: 't', modelId: 'm', costUsd: 1 }), trial({ id: 'b', taskId: 't', modelId: 'n', costUsd: 2, status: 'failed' })];
    assert.deepEqual(analyseRun({ trials }), analyseRun({ trials }));
  });
});
