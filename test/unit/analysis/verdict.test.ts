import assert from 'node:assert/strict';
import type { Comparison } from '../../../src/core/analysis/compare';
import { differenceVerdict, Z_ALPHA, Z_POWER } from '../../../src/core/analysis/verdict';
import { describeComparison } from '../../../src/core/report/figures';

const comparison = (pass: [number, number, number], cost: [number, number, number] | null): Comparison => ({
  a: { model: 'sim/a', harness: 'kilo' }, b: { model: 'sim/b', harness: 'kilo' }, tasks: 10, seed: 1, resamples: 2000, confidence: 0.95,
  passRateDiff: { estimate: pass[0], ci: [pass[1], pass[2]] },
  costDiff: cost && { estimate: cost[0], ci: [cost[1], cost[2]] },
});

describe('analysis: what a paired comparison supports', () => {
  it('"A passes more often" only when the interval excludes 0', () => {
    assert.deepEqual(differenceVerdict({ estimate: 0.3, ci: [0.1, 0.5] }, 3), { ahead: 'a', moreTrialsPerTask: null });
    assert.deepEqual(differenceVerdict({ estimate: -0.3, ci: [-0.5, -0.05] }, 3), { ahead: 'b', moreTrialsPerTask: null });
    const lines = describeComparison(comparison([0.3, 0.1, 0.5], [-0.01, -0.02, -0.005]), 3, (g) => g.model);
    assert.deepEqual(lines, [
      'pass rate: sim/a passes more often than sim/b (paired test on 10 shared tasks)',
      'cost per attempt: sim/a is cheaper than sim/b (paired test on 10 shared tasks)',
    ]);
  });

  it('otherwise "no detectable difference at N trials", with the trials per task that would detect it (by hand)', () => {
    // Interval [−0.1, 0.3]: SE = 0.4 / (2·1.96) ≈ 0.10204; estimate 0.1. Needed k' = 3·(SE·2.8016/0.1)² ≈ 24.5 → 22 more.
    const se = 0.4 / (2 * Z_ALPHA);
    const expected = Math.ceil(3 * ((se * (Z_ALPHA + Z_POWER)) / 0.1) ** 2 - 3);
    assert.equal(expected, 22);
    assert.deepEqual(differenceVerdict({ estimate: 0.1, ci: [-0.1, 0.3] }, 3), { ahead: 'none', moreTrialsPerTask: 22 });
    assert.deepEqual(differenceVerdict({ estimate: 0, ci: [-0.1, 0.1] }, 3), { ahead: 'none', moreTrialsPerTask: null });
    assert.deepEqual(describeComparison(comparison([0.1, -0.1, 0.3], null), 3, (g) => g.model), [
      'pass rate: no detectable difference at 3 trials per task over 10 shared tasks (about 22 more trials per task to tell these apart)',
    ]);
  });
});

import { costPerPassInterval } from '../../../src/core/analysis/cost';
import { paretoFront } from '../../../src/core/analysis/pareto';

describe('analysis: intervals where decisions are made', () => {
  it('cost per pass interval by the delta method (hand computation)', () => {
    // Costs 1, 1, 2, 2; passes 1, 0, 1, 0: R = 6 / 2 = 3; residuals c − 3p = −2, 1, −1, 2; Σ² = 10;
    // SE = √(10/3) / (√4 · 0.5) = √(10/3) ≈ 1.8257; interval 3 ± 1.96·SE, floored at 0.
    const ci = costPerPassInterval([1, 1, 2, 2], [true, false, true, false]);
    const se = Math.sqrt(10 / 3);
    assert.ok(ci && Math.abs(ci[0] - Math.max(0, 3 - 1.959963984540054 * se)) < 1e-12 && Math.abs(ci[1] - (3 + 1.959963984540054 * se)) < 1e-12);
    assert.equal(costPerPassInterval([1, 1], [false, false]), null);
    assert.equal(costPerPassInterval([1], [true]), null);
    assert.equal(costPerPassInterval(null, [true, true]), null);
  });

  it('the front is on point estimates; a dominated point whose intervals overlap its dominator is marked within noise', () => {
    const points = paretoFront([
      { model: 'a', harness: 'k', cost: 1, passRate: 0.8, costCI: [0.8, 1.2], passRateCI: [0.6, 0.9] },
      { model: 'b', harness: 'k', cost: 1.1, passRate: 0.7, costCI: [0.9, 1.3], passRateCI: [0.5, 0.85] },
      { model: 'c', harness: 'k', cost: 5, passRate: 0.1, costCI: [4, 6], passRateCI: [0.02, 0.3] },
    ]);
    const by = (m: string) => points.find((p) => p.model === m)!;
    assert.equal(by('a').onFront, true);
    assert.equal(by('b').onFront, false);
    assert.equal(by('b').withinNoise, true);
    assert.equal(by('c').withinNoise, undefined);
  });
});
