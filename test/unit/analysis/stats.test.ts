import assert from 'node:assert/strict';
import {
  Z95, bootstrapInterval, mean, median, p90, passAtK, passAtKTable, quantile, randomIndex, seededRandom, wilson,
} from '../../../src/core/analysis/stats';

function near(actual: number | null | undefined, expected: number, tolerance = 1e-9, message = ''): void {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance, `${message} expected ${expected}, got ${actual}`);
}

/** C(n, k) / C(m, k) exactly, with BigInt, as a Number. */
function binomialRatio(n: number, m: number, k: number): number {
  const choose = (a: number, b: number): bigint => {
    if (b > a) return 0n;
    let r = 1n;
    for (let i = 0; i < b; i++) r = (r * BigInt(a - i)) / BigInt(i + 1);
    return r;
  };
  const scale = 10n ** 30n;
  return Number((choose(n, k) * scale) / choose(m, k)) / 1e30;
}

describe('analysis: stats', () => {
  it('mean, median and p90 (type 7 interpolation) on a hand-checked sample', () => {
    const xs = [10, 1, 4, 2, 3]; // sorted: 1 2 3 4 10
    near(mean(xs), 4); // 20 / 5
    near(median(xs), 3); // h = 4 × 0.5 = 2 → x₂ = 3
    near(p90(xs), 7.6); // h = 4 × 0.9 = 3.6 → 4 + 0.6 × (10 − 4) = 7.6
    near(quantile([1, 2], 0.5), 1.5); // h = 0.5 → 1 + 0.5 × 1
    near(p90([5]), 5);
    assert.equal(mean([]), null);
    assert.equal(median([]), null);
    assert.throws(() => quantile([1], 1.5), RangeError);
  });

  it('Wilson at 0/n: lower bound exactly 0, upper z²/(n + z²)', () => {
    const z2 = Z95 * Z95; // 3.841458820694124
    const [lo, hi] = wilson(0, 10);
    assert.equal(lo, 0);
    near(hi, z2 / (10 + z2)); // 3.8414588 / 13.8414588 = 0.2775327…
    near(hi, 0.27753279, 1e-8);
  });

  it('Wilson at n/n: upper bound exactly 1, lower n/(n + z²)', () => {
    const z2 = Z95 * Z95;
    const [lo, hi] = wilson(10, 10);
    assert.equal(hi, 1);
    near(lo, 10 / (10 + z2)); // 10 / 13.8414588 = 0.7224672…
    near(lo, 0.72246721, 1e-8);
  });

  it('Wilson at 5/10 is symmetric about 0.5: [0.2366, 0.7634]', () => {
    // centre = (0.5 + z²/20)/(1 + z²/10) = 0.5; half = z/1.38414588 × √(0.025 + z²/400)
    //        = 1.41601 × √0.03460365 = 1.41601 × 0.186020 = 0.26340
    const [lo, hi] = wilson(5, 10);
    near(lo, 0.2365931, 1e-6);
    near(hi, 0.7634069, 1e-6);
  });

  it('Wilson with no trials is [0, 1]; bad counts throw', () => {
    assert.deepEqual(wilson(0, 0), [0, 1]);
    assert.throws(() => wilson(3, 2), RangeError);
    assert.throws(() => wilson(-1, 2), RangeError);
    assert.throws(() => wilson(0.5, 2), RangeError);
  });

  it('pass@k: hand-computed values and the edge cases', () => {
    near(passAtK(5, 2, 2), 0.7); // 1 − C(3,2)/C(5,2) = 1 − 3/10
    near(passAtK(3, 1, 2), 2 / 3); // 1 − C(2,2)/C(3,2) = 1 − 1/3
    near(passAtK(4, 1, 1), 0.25); // k = 1 is c/n
    assert.equal(passAtK(5, 0, 3), 0); // c = 0: no subset passes
    assert.equal(passAtK(5, 5, 1), 1); // c = n
    assert.equal(passAtK(5, 3, 3), 1); // k > n − c = 2: C(2,3) = 0, every 3-subset holds a pass
    near(passAtK(5, 3, 2), 0.9); // k = n − c: 1 − C(2,2)/C(5,2) = 1 − 1/10
    assert.throws(() => passAtK(3, 1, 4), RangeError); // k > n
    assert.throws(() => passAtK(0, 0, 1), RangeError);
    assert.throws(() => passAtK(3, 4, 1), RangeError);
  });

  it('pass@k stays exact where binomial coefficients overflow a double', () => {
    // 200! and 1000! overflow a double; the product form never forms them. Checked against exact BigInt ratios.
    near(passAtK(200, 100, 50), 1 - binomialRatio(100, 200, 50), 1e-12);
    near(passAtK(1000, 3, 10), 1 - binomialRatio(997, 1000, 10), 1e-12);
    const v = passAtK(2000, 1000, 1000);
    assert.ok(Number.isFinite(v) && v <= 1 && v > 0.999999);
  });

  it('pass@k table goes k = 1…n', () => {
    assert.deepEqual(Object.keys(passAtKTable(3, 1)), ['1', '2', '3']);
    near(passAtKTable(3, 1)['1'], 1 / 3);
    assert.deepEqual(passAtKTable(0, 0), {});
  });

  it('the seeded generator and the bootstrap are reproducible', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 5 }, () => a());
    assert.deepEqual(Array.from({ length: 5 }, () => b()), xs);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.notDeepEqual(Array.from({ length: 5 }, seededRandom(43)), xs);

    const data = [0, 0, 1, 1, 1, 0, 1, 1];
    const stat = (random: () => number) => data.reduce((acc) => acc + (data[randomIndex(random, data.length)] as number), 0) / data.length;
    const first = bootstrapInterval(stat, { seed: 7, resamples: 500 });
    assert.deepEqual(bootstrapInterval(stat, { seed: 7, resamples: 500 }), first);
    assert.ok(first[0] < 0.625 && first[1] > 0.625, `interval ${first} holds the mean 0.625`);
    assert.notDeepEqual(bootstrapInterval(stat, { seed: 8, resamples: 500 }), first);
  });
});
