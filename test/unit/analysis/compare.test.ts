import assert from 'node:assert/strict';
import { compareOutcomes, type TaskOutcomes } from '../../../src/core/analysis/compare';

const A = { model: 'a', harness: 'kilo' };
const B = { model: 'b', harness: 'kilo' };

function outcomes(task: string, passes: string, cost: number | null): TaskOutcomes {
  return { task, passes: [...passes].map((c) => c === 'P'), costs: [...passes].map(() => cost) };
}

describe('analysis: paired comparison', () => {
  it('point estimates are the mean per-task differences (hand computation)', () => {
    // t1: a 2/2 vs b 1/2 → +0.5; t2: a 0/2 vs b 0/2 → 0; t3: a 1/2 vs b 0/2 → +0.5. Mean 1/3.
    // Costs: a $1, b $0.25 on every attempt → +$0.75 on every task.
    const a = [outcomes('t1', 'PP', 1), outcomes('t2', 'FF', 1), outcomes('t3', 'PF', 1)];
    const b = [outcomes('t1', 'PF', 0.25), outcomes('t2', 'FF', 0.25), outcomes('t3', 'FF', 0.25)];
    const c = compareOutcomes(A, B, a, b, { seed: 1, resamples: 1000 });
    assert.equal(c.tasks, 3);
    assert.ok(Math.abs((c.passRateDiff?.estimate ?? NaN) - 1 / 3) < 1e-12);
    assert.ok(c.passRateDiff!.ci[0] <= 1 / 3 && c.passRateDiff!.ci[1] >= 1 / 3);
    // Constant costs: every resample gives exactly +0.75.
    assert.deepEqual(c.costDiff, { estimate: 0.75, ci: [0.75, 0.75] });
  });

  it('is reproducible with a seed, and the seed matters', () => {
    const a = [outcomes('t1', 'PFP', 1), outcomes('t2', 'FFP', 2), outcomes('t3', 'PPF', 1)];
    const b = [outcomes('t1', 'FFP', 1), outcomes('t2', 'PFF', 1), outcomes('t3', 'FPF', 3)];
    const first = compareOutcomes(A, B, a, b, { seed: 123, resamples: 500 });
    assert.deepEqual(compareOutcomes(A, B, a, b, { seed: 123, resamples: 500 }), first);
    assert.notDeepEqual(compareOutcomes(A, B, a, b, { seed: 124, resamples: 500 }).passRateDiff?.ci, first.passRateDiff?.ci);
  });

  it('a side that always passes against one that never does: +1 with a degenerate interval', () => {
    const c = compareOutcomes(A, B, [outcomes('t1', 'PP', 1), outcomes('t2', 'PP', 1)], [outcomes('t1', 'FF', 1), outcomes('t2', 'FF', 1)], { seed: 5, resamples: 200 });
    assert.deepEqual(c.passRateDiff, { estimate: 1, ci: [1, 1] });
  });

  it('only shared tasks are compared; an unknown cost gives no cost difference (not 0)', () => {
    const c = compareOutcomes(A, B, [outcomes('t1', 'P', null), outcomes('only-a', 'P', 1)], [outcomes('t1', 'F', 1), outcomes('only-b', 'F', 1)], { seed: 5, resamples: 50 });
    assert.equal(c.tasks, 1);
    assert.equal(c.costDiff, null);
    assert.deepEqual(c.passRateDiff, { estimate: 1, ci: [1, 1] });
    const none = compareOutcomes(A, B, [outcomes('x', 'P', 1)], [outcomes('y', 'P', 1)], { seed: 5, resamples: 50 });
    assert.equal(none.tasks, 0);
    assert.equal(none.passRateDiff, null);
  });

  it('intervals are the same to the last bit as drawing each resample as an array (values pinned from that code)', () => {
    // The redraw loops count and sum in place; a report's intervals must not move because of it.
    const a: TaskOutcomes[] = [
      { task: 't1', passes: [true, false, true], costs: [0.1, 0.2, 0.15] }, { task: 't2', passes: [false, false], costs: [0.3, 0.05] },
      { task: 't3', passes: [true], costs: [0.02] },
    ];
    const b: TaskOutcomes[] = [
      { task: 't1', passes: [false, false, true], costs: [0.12, 0.22, 0.01] }, { task: 't2', passes: [true, false], costs: [0.4, 0.5] },
      { task: 't3', passes: [false, true], costs: [0.07, 0.03] },
    ];
    const c = compareOutcomes(A, B, a, b, { seed: 7, resamples: 400 });
    assert.deepEqual(c.passRateDiff, { estimate: 0.1111111111111111, ci: [-0.5555555555555556, 0.6666666666666666] });
    assert.deepEqual(c.costDiff, { estimate: -0.09055555555555556, ci: [-0.27683333333333326, 0.04452777777777771] });
  });
});
