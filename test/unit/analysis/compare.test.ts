import assert from 'node:assert/strict';
import { compareOutcomes, type TaskOutcomes } from '../../../src/core/analysis/compare';
import { mulberry32 } from '../../../src/core/random';
import { attemptByAttemptBootstrap } from '../../helpers/two-level-bootstrap';

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
    // With 3 tasks the intervals take few values and may land on the same ends; costs that vary
    // within a task make the cost interval continuous.
    const vary = (o: TaskOutcomes): TaskOutcomes => ({ ...o, costs: o.costs.map((c, i) => (c as number) * (1 + i / 3)) });
    const seeded = (seed: number) => compareOutcomes(A, B, a.map(vary), b.map(vary), { seed, resamples: 500 }).costDiff?.ci;
    assert.deepEqual(seeded(123), seeded(123));
    assert.notDeepEqual(seeded(124), seeded(123));
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

  it('intervals are pinned (a report must not move without a reason written in the README)', () => {
    const a: TaskOutcomes[] = [
      { task: 't1', passes: [true, false, true], costs: [0.1, 0.2, 0.15] }, { task: 't2', passes: [false, false], costs: [0.3, 0.05] },
      { task: 't3', passes: [true], costs: [0.02] },
    ];
    const b: TaskOutcomes[] = [
      { task: 't1', passes: [false, false, true], costs: [0.12, 0.22, 0.01] }, { task: 't2', passes: [true, false], costs: [0.4, 0.5] },
      { task: 't3', passes: [false, true], costs: [0.07, 0.03] },
    ];
    const c = compareOutcomes(A, B, a, b, { seed: 7, resamples: 400 });
    assert.deepEqual(c.passRateDiff, { estimate: 0.1111111111111111, ci: PINNED_PASS });
    assert.deepEqual(c.costDiff, { estimate: -0.09055555555555556, ci: PINNED_COST });
  });

  it('agrees with redrawing every attempt (the two-level bootstrap done the slow way) within Monte-Carlo error', () => {
    // 12 tasks; per side 2–8 attempts with their own pass chance and skewed costs.
    const random = mulberry32(99);
    const side = (bias: number): TaskOutcomes[] => Array.from({ length: 12 }, (_, t) => {
      const n = 2 + Math.floor(random() * 7);
      const chance = Math.min(0.95, Math.max(0.05, (t % 5) / 5 + bias));
      const passes = Array.from({ length: n }, () => random() < chance);
      return { task: `t${t}`, passes, costs: passes.map((p) => (p ? 0.02 : 0.05) * (1 + 3 * random() ** 3)) };
    });
    const a = side(0.15);
    const b = side(-0.1);
    const resamples = 20_000;
    const fast = compareOutcomes(A, B, a, b, { seed: 3, resamples });
    const slow = attemptByAttemptBootstrap(a, b, 4, resamples);
    for (const [name, got, want] of [['pass rate', fast.passRateDiff!.ci, slow.pass], ['cost', fast.costDiff!.ci, slow.cost]] as const) {
      const width = want[1] - want[0];
      assert.ok(width > 0, `${name}: the reference interval has a width`);
      // Each end within 6 % of the interval's width: the Monte-Carlo error of a 2.5 % quantile
      // from 20,000 resamples is ~1.5 %, the normal redraw of costs adds little at 2–8 attempts.
      for (const k of [0, 1]) assert.ok(Math.abs(got[k]! - want[k]!) < 0.06 * width, `${name} end ${k}: ${got[k]} vs ${want[k]} (width ${width})`);
    }
  });
});

const PINNED_PASS: [number, number] = [-0.5, 0.6680555555555543];
const PINNED_COST: [number, number] = [-0.28247671323782486, 0.03998361521029496];

