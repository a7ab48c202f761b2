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

import { costPerPassBootstrap } from '../../../src/core/analysis/cost';
import { mulberry32 } from '../../../src/core/random';

const OPTS = { seed: 20240601, resamples: 1000 };
import { paretoFront } from '../../../src/core/analysis/pareto';

describe('analysis: intervals where decisions are made', () => {
  it('cost per pass interval: a bootstrap over tasks, by hand on a case with one possible resample value', () => {
    // Two tasks with the same spend per pass: every resample has ratio 2, so the interval is [2, 2].
    assert.deepEqual(costPerPassBootstrap([{ attempts: 2, passed: 1, spendUsd: 2 }, { attempts: 4, passed: 2, spendUsd: 4 }], OPTS), [2, 2]);
    assert.equal(costPerPassBootstrap([{ attempts: 2, passed: 0, spendUsd: 1 }, { attempts: 2, passed: 0, spendUsd: 1 }], OPTS), null, 'no pass: no finite interval');
    assert.equal(costPerPassBootstrap([{ attempts: 3, passed: 1, spendUsd: 1 }], OPTS), null, 'one task: nothing to resample');
    assert.equal(costPerPassBootstrap([{ attempts: 2, passed: 1, spendUsd: null }, { attempts: 2, passed: 1, spendUsd: 1 }], OPTS), null, 'unknown cost');
    // One solved task of 2: half the resamples have no pass, so the upper end is unbounded.
    assert.equal(costPerPassBootstrap([{ attempts: 2, passed: 1, spendUsd: 1 }, { attempts: 2, passed: 0, spendUsd: 1 }], OPTS), null);
  });

  it('cost per pass interval, properties over generated groups: contains the estimate, deterministic for a seed, wider with fewer tasks', () => {
    const random = mulberry32(7);
    let narrower = 0;
    let compared = 0;
    const cases = 300;
    for (let c = 0; c < cases; c++) {
      const tasks = 3 + Math.floor(random() * 12);
      const pairs = Array.from({ length: tasks }, () => {
        const attempts = 1 + Math.floor(random() * 5);
        const passed = Math.floor(random() * (attempts + 1));
        return { attempts, passed, spendUsd: attempts * (0.001 + random() * 0.05) };
      });
      const spend = pairs.reduce((a, p) => a + p.spendUsd, 0);
      const passes = pairs.reduce((a, p) => a + p.passed, 0);
      const ci = costPerPassBootstrap(pairs, OPTS);
      assert.deepEqual(costPerPassBootstrap(pairs, OPTS), ci, 'same seed, same interval');
      if (passes === 0) {
        assert.equal(ci, null, 'no pass: no interval');
        continue;
      }
      if (ci === null) continue; // unbounded above: too few solved tasks
      const point = spend / passes;
      assert.ok(ci[0] <= point + 1e-15 && point <= ci[1] + 1e-15, `${point} in [${ci.join(', ')}]`);
      // Four times as many tasks like these (the same mix): the interval is narrower.
      const more = costPerPassBootstrap([...pairs, ...pairs, ...pairs, ...pairs], OPTS);
      assert.ok(more !== null);
      compared += 1;
      if (more[1] - more[0] < ci[1] - ci[0]) narrower += 1;
    }
    assert.ok(compared > cases / 2, `${compared} of ${cases} generated groups had an interval`);
    assert.ok(narrower >= 0.95 * compared, `more tasks gave a narrower interval in only ${narrower} of ${compared} cases`);
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
