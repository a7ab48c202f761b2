import assert from 'node:assert/strict';
import { forecastRun, PRICE_FALLBACK, type ForecastPair, type PastTrial } from '../../../src/core/analysis/forecast';
import { Z95 } from '../../../src/core/analysis/stats';

const pair = (task: string, model: string, trials = 2): ForecastPair => ({ task, model, harness: 'builtin', trials, instructionChars: 400, agentTimeoutSec: 600, testTimeoutSec: 60 });
const past = (task: string, model: string, costUsd: number | null, durationMs = 60_000): PastTrial => ({ task, model, harness: 'builtin', costUsd, durationMs });

describe('analysis: forecast of a planned run', () => {
  it('from earlier trials of the same pair: predictive interval (trial spread plus the mean’s uncertainty, Student t), by hand', () => {
    // Past costs 1, 2, 3: mean 2, sd 1, n 3. Planned 2 trials: mean 4, sd √(2·1 + 4·1/3) = √(10/3),
    // half-width t(0.975, 2 df) = 4.303 times that.
    const f = forecastRun({ pairs: [pair('t', 'm')], history: [past('t', 'm', 1), past('t', 'm', 2), past('t', 'm', 3)], concurrency: 1, price: () => null });
    assert.equal(f.pairs[0]?.source, 'history');
    assert.equal(f.pairs[0]?.pastTrials, 3);
    const sd = (Math.sqrt(10 / 3) * 4.303) / Z95;
    assert.ok(Math.abs(f.costUsd!.expected - 4) < 1e-12);
    assert.ok(Math.abs(f.costUsd!.high - (4 + Z95 * sd)) < 1e-12);
    assert.ok(Math.abs(f.costUsd!.low - Math.max(0, 4 - Z95 * sd)) < 1e-12);
    // Two trials of 60 s one after the other.
    assert.ok(Math.abs(f.durationMs.expected - 120_000) < 1e-9);
  });

  it('another task of the same model gives a ×4 band; prices alone a ×0.05–×10 band; no price and no history: unknown', () => {
    const f = forecastRun({
      pairs: [pair('new', 'm', 1), pair('t', 'cheap', 1)],
      history: [past('t', 'm', 0.1), past('t', 'm', 0.3)],
      concurrency: 2,
      price: (model) => (model === 'cheap' ? 0.5 : null),
    });
    assert.equal(f.pairs[0]?.source, 'model-history');
    assert.deepEqual(f.pairs[0]?.costPerTrial, { expected: 0.2, low: 0.05, high: 0.8 });
    assert.equal(f.pairs[1]?.source, 'prices');
    assert.ok(Math.abs(f.pairs[1]!.costPerTrial!.low - 0.5 * PRICE_FALLBACK.low) < 1e-12 && Math.abs(f.pairs[1]!.costPerTrial!.high - 5) < 1e-12);
    assert.ok(Math.abs(f.costUsd!.expected - 0.7) < 1e-12);
    const none = forecastRun({ pairs: [pair('t', 'x')], history: [], concurrency: 1, price: () => null });
    assert.equal(none.costUsd, null);
    assert.equal(none.pairs[0]?.source, 'unpriced');
  });

  it('times a new pair from the same harness on other tasks and models (×4 band) before falling back to the time limits', () => {
    const history = [past('t', 'other', 0.1, 20_000), past('u', 'other', 0.1, 40_000)];
    const f = forecastRun({ pairs: [pair('new', 'm', 1)], history, concurrency: 1, price: () => 0.5 });
    // Mean 30 s, band 7.5 s – 120 s.
    assert.deepEqual(f.pairs[0]?.durationPerTrialMs, { expected: 30_000, low: 7_500, high: 120_000 });
    const otherHarness = forecastRun({ pairs: [{ ...pair('new', 'm', 1), harness: 'kilo' }], history, concurrency: 1, price: () => 0.5 });
    // No kilo trials: a quarter of the 600 s agent limit plus a fifth of the 60 s test limit.
    assert.equal(otherHarness.pairs[0]?.durationPerTrialMs.expected, 162_000);
  });

  it('says when the run will likely cross its budget (expected above it) or may (the interval reaches it)', () => {
    const history = [past('t', 'm', 1), past('t', 'm', 1.2), past('t', 'm', 0.8)];
    const at = (budgetUsd: number) => forecastRun({ pairs: [pair('t', 'm', 5)], history, concurrency: 1, budgetUsd, price: () => null }).budget;
    assert.deepEqual(at(4), { budgetUsd: 4, likelyCross: true, mayCross: true });
    assert.deepEqual(at(5.5), { budgetUsd: 5.5, likelyCross: false, mayCross: true });
    assert.deepEqual(at(100), { budgetUsd: 100, likelyCross: false, mayCross: false });
  });
});
