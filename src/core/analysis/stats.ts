/**
 * Small numeric helpers the metrics are built from: mean, quantiles, the Wilson score interval,
 * the unbiased pass@k estimator and a seeded random source for bootstrap intervals. Pure; every
 * definition is written out in README.md here.
 */
import { mulberry32, type Random } from '../random';

/** z for a two-sided 95% interval (the 0.975 quantile of the standard normal). */
export const Z95 = 1.959963984540054;

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** Arithmetic mean; null for no values. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics (Hyndman & Fan
 * type 7, numpy's default): h = (n − 1)·q, x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) over the sorted
 * values. null for no values.
 */
export function quantile(values: readonly number[], q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return quantileSorted(sorted, q);
}

/** `quantile` of values already sorted ascending. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

export function p90(values: readonly number[]): number | null {
  return quantile(values, 0.9);
}

/**
 * Wilson score interval for `successes` out of `trials` at normal quantile z:
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
 * At 0/n the lower bound is exactly 0 and at n/n the upper bound exactly 1. No trials: [0, 1].
 */
export function wilson(successes: number, trials: number, z = Z95): [number, number] {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || trials < 0 || successes > trials) {
    throw new RangeError(`wilson needs 0 ≤ successes ≤ trials (integers), got ${successes}/${trials}`);
  }
  if (trials === 0) return [0, 1];
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // The exact ends, not 1e-17 off: 0/n cannot have a lower bound above 0, n/n no upper bound below 1.
  const lo = successes === 0 ? 0 : Math.max(0, centre - half);
  const hi = successes === n ? 1 : Math.min(1, centre + half);
  return [lo, hi];
}

/**
 * Unbiased pass@k from n samples with c passes: 1 − C(n−c, k)/C(n, k), the chance that at least
 * one of k samples drawn without replacement passes. Computed as the product
 * 1 − ∏_{i=n−c+1}^{n} (1 − k/i), which never forms a large binomial coefficient. Exactly 1 when
 * n − c < k (every k-subset holds a pass), 0 when c = 0.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`passAtK needs 1 ≤ k ≤ n and 0 ≤ c ≤ n (integers), got n=${n} c=${c} k=${k}`);
  }
  if (c === 0) return 0;
  if (n - c < k) return 1;
  let product = 1;
  for (let i = n - c + 1; i <= n; i++) product *= 1 - k / i;
  return 1 - product;
}

/** pass@k for k = 1…n as `{ "1": …, "2": …, … }`; empty for n = 0. */
export function passAtKTable(n: number, c: number): Record<string, number> {
  const table: Record<string, number> = {};
  for (let k = 1; k <= n; k++) table[String(k)] = passAtK(n, c, k);
  return table;
}

export type { Random } from '../random';

/** A seeded pseudo-random source in [0, 1): the same seed gives the same sequence. */
export function seededRandom(seed: number): Random {
  return mulberry32((Math.trunc(seed) >>> 0) || 0x9e3779b9);
}

/** A uniform integer in [0, n). */
export function randomIndex(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/**
 * Seeded percentile bootstrap: `statistic` evaluated on `resamples` resamples (each drawn by the
 * statistic itself from the random source it is given); the interval is the (α/2, 1 − α/2)
 * quantiles (type 7) of the resampled values. Same seed, same data: same interval.
 */
export function bootstrapInterval(
  statistic: (random: Random) => number,
  options: { seed: number; resamples: number; confidence?: number },
): [number, number] {
  const { seed, resamples } = options;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  const random = seededRandom(seed);
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) values.push(statistic(random));
  values.sort((a, b) => a - b);
  const alpha = 1 - confidence;
  return [quantileSorted(values, alpha / 2), quantileSorted(values, 1 - alpha / 2)];
}

/**
 * `bootstrapInterval` for several statistics that would each consume the same random stream in the
 * same way: `statistics` computes all of them from one resample (one pass over the stream), so the
 * intervals are exactly those of separate `bootstrapInterval` calls with the same seed, at the cost
 * of one.
 */
export function bootstrapIntervals(
  count: number,
  statistics: (random: Random, out: number[]) => void,
  options: { seed: number; resamples: number; confidence?: number },
): [number, number][] {
  const { seed, resamples } = options;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  const random = seededRandom(seed);
  const values = Array.from({ length: count }, () => new Float64Array(resamples));
  const out = new Array<number>(count).fill(0);
  for (let b = 0; b < resamples; b++) {
    statistics(random, out);
    for (let k = 0; k < count; k++) (values[k] as Float64Array)[b] = out[k] as number;
  }
  const alpha = 1 - confidence;
  return values.map((v) => {
    const sorted = Array.from(v).sort((x, y) => x - y);
    return [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)];
  });
}

/** Ratio a ÷ b, or null when b is 0 (a share of nothing is undefined, not 0). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}
