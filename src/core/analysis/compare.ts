/**
 * Comparing two groups (two models, or the same model in two runs) on the same tasks: the mean
 * per-task difference in pass rate and in cost per attempt, with a paired, seeded bootstrap
 * interval. Paired: every resample takes the same tasks for both sides, so task difficulty cancels.
 */
import { mean } from './stats';
import { compareText, type GroupKey, type TrialFacts } from './trials';

/** One side's attempts on one task, in any order. */
export interface TaskOutcomes {
  task: string;
  passes: boolean[];
  /** Cost of each attempt (same order as `passes`); null when unknown. */
  costs: (number | null)[];
}

export interface Difference {
  /** Mean over the shared tasks of (A − B). */
  estimate: number;
  /** Paired bootstrap percentile interval. */
  ci: [number, number];
}

export interface Comparison {
  a: GroupKey;
  b: GroupKey;
  /** Tasks both sides attempted. */
  tasks: number;
  /** A's pass rate − B's pass rate (positive: A passes more). */
  passRateDiff: Difference | null;
  /** A's cost per attempt − B's (negative: A is cheaper); null if a cost is unknown. */
  costDiff: Difference | null;
  seed: number;
  resamples: number;
  confidence: number;
}

export interface CompareOptions {
  seed: number;
  resamples: number;
  confidence?: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 20240601;

function passRate(passes: readonly boolean[]): number {
  return passes.filter(Boolean).length / passes.length;
}

/** Each side's attempts on each task, for `compareOutcomes`. */
export function outcomesByTask(attempts: readonly TrialFacts[]): TaskOutcomes[] {
  const map = new Map<string, TaskOutcomes>();
  for (const t of attempts) {
    if (!t.attempt) continue;
    let o = map.get(t.trial.taskId);
    if (!o) map.set(t.trial.taskId, (o = { task: t.trial.taskId, passes: [], costs: [] }));
    o.passes.push(t.passed);
    o.costs.push(t.costUsd);
  }
  return [...map.values()].sort((x, y) => compareText(x.task, y.task));
}

/**
 * Paired two-level bootstrap over the tasks both sides attempted (src/core/analysis/README.md,
 * "Paired comparison"). Each resample draws T tasks with replacement (T = number of shared tasks);
 * for each drawn task, each side's attempts are redrawn with replacement (as many as it had); the
 * statistic is the mean over drawn tasks of A − B, and the interval is the percentile interval of
 * the resampled statistics. The redraw of a side's attempts is not simulated attempt by attempt:
 * its pass count is drawn from its exact distribution (binomial), and the sum of the drawn tasks'
 * redrawn cost means from a normal with their exact variance (`pairedInterval`). A generator
 * seeded with `seed` for each interval: the result depends only on the data, the seed and the
 * number of resamples.
 */
export function compareOutcomes(a: GroupKey, b: GroupKey, sideA: readonly TaskOutcomes[], sideB: readonly TaskOutcomes[], options: CompareOptions): Comparison {
  const confidence = options.confidence ?? 0.95;
  const bByTask = new Map(sideB.map((o) => [o.task, o]));
  const shared = sideA
    .filter((o) => o.passes.length > 0 && (bByTask.get(o.task)?.passes.length ?? 0) > 0)
    .sort((x, y) => compareText(x.task, y.task))
    .map((o) => [o, bByTask.get(o.task) as TaskOutcomes] as const);
  const base = { a: { model: a.model, harness: a.harness }, b: { model: b.model, harness: b.harness }, tasks: shared.length, seed: options.seed, resamples: options.resamples, confidence };
  if (shared.length === 0) return { ...base, passRateDiff: null, costDiff: null };
  const bootstrap = { seed: options.seed, resamples: options.resamples, confidence };

  const passRateDiff: Difference = {
    estimate: mean(shared.map(([x, y]) => passRate(x.passes) - passRate(y.passes))) as number,
    ci: passRateInterval(shared.map(([x, y]) => [x.passes, y.passes] as const), bootstrap),
  };
  const costsKnown = shared.every(([x, y]) => x.costs.every((c) => c !== null) && y.costs.every((c) => c !== null));
  if (!costsKnown) return { ...base, passRateDiff, costDiff: null };
  const sides = shared.map(([x, y]) => [costMoments(x.costs as number[]), costMoments(y.costs as number[])] as const);
  const costDiff: Difference = {
    estimate: mean(sides.map(([x, y]) => x.mean - y.mean)) as number,
    ci: costInterval(sides, bootstrap),
  };
  return { ...base, passRateDiff, costDiff };
}

interface BootstrapOptions {
  seed: number;
  resamples: number;
  confidence: number;
}

/** The (α/2, 1 − α/2) type-7 quantiles of the resampled statistics. */
function percentileInterval(values: Float64Array, confidence: number): [number, number] {
  values.sort();
  const alpha = 1 - confidence;
  const at = (q: number): number => {
    const h = (values.length - 1) * q;
    const lo = Math.floor(h);
    const x = values[lo] as number;
    const y = values[Math.min(lo + 1, values.length - 1)] as number;
    return x + (h - lo) * (y - x);
  };
  return [at(alpha / 2), at(1 - alpha / 2)];
}

/**
 * Binomial(n, p) probabilities of k = 0…n, built outward from the mode and normalised, so no
 * (1 − p)ⁿ underflows for large n.
 */
export function binomialPmf(n: number, p: number): Float64Array {
  const pmf = new Float64Array(n + 1);
  if (p <= 0 || p >= 1) {
    pmf[p <= 0 ? 0 : n] = 1;
    return pmf;
  }
  const odds = p / (1 - p);
  const mode = Math.min(n, Math.floor((n + 1) * p));
  pmf[mode] = 1;
  for (let k = mode; k < n; k++) pmf[k + 1] = (pmf[k] as number) * ((n - k) / (k + 1)) * odds;
  for (let k = mode; k > 0; k--) pmf[k - 1] = (pmf[k] as number) * (k / (n - k + 1)) / odds;
  let total = 0;
  for (let k = 0; k <= n; k++) total += pmf[k] as number;
  for (let k = 0; k <= n; k++) pmf[k] = (pmf[k] as number) / total;
  return pmf;
}

/**
 * The pass-rate difference's resamples, drawn from the exact distribution of one drawn task's
 * redrawn difference. In the two-level bootstrap each of the T draws of a resample picks a task
 * uniformly and redraws both sides' attempts independently, so the T differences are independent
 * draws from one mixture: over tasks t (weight 1/T), A's redrawn passes k ~ Binomial(n_A, c_A/n_A)
 * and B's j ~ Binomial(n_B, c_B/n_B), value k/n_A − j/n_B. That distribution has few distinct
 * values (2n + 1 when both sides have n attempts everywhere); an alias table draws from it in O(1),
 * so a resample costs T table draws instead of T·(1 + n_A + n_B) random indices.
 */
function passRateInterval(tasks: readonly (readonly [readonly boolean[], readonly boolean[]])[], options: BootstrapOptions): [number, number] {
  // Joint probabilities of (k, j) summed over the tasks with the same attempt counts, then merged
  // by value (typed arrays first: a Map per (task, k, j) would cost more than the resamples).
  const joints = new Map<string, { na: number; nb: number; p: Float64Array }>();
  for (const [x, y] of tasks) {
    const na = x.length;
    const nb = y.length;
    let joint = joints.get(`${na}/${nb}`);
    if (!joint) joints.set(`${na}/${nb}`, (joint = { na, nb, p: new Float64Array((na + 1) * (nb + 1)) }));
    const pa = binomialPmf(na, x.filter(Boolean).length / na);
    const pb = binomialPmf(nb, y.filter(Boolean).length / nb);
    for (let k = 0; k <= na; k++) {
      const weight = (pa[k] as number) / tasks.length;
      if (weight === 0) continue;
      for (let j = 0; j <= nb; j++) joint.p[k * (nb + 1) + j] = (joint.p[k * (nb + 1) + j] as number) + weight * (pb[j] as number);
    }
  }
  const weights = new Map<number, number>();
  for (const { na, nb, p } of joints.values()) {
    for (let k = 0; k <= na; k++) {
      for (let j = 0; j <= nb; j++) {
        const w = p[k * (nb + 1) + j] as number;
        if (w === 0) continue;
        const value = k / na - j / nb;
        weights.set(value, (weights.get(value) ?? 0) + w);
      }
    }
  }
  const values = Float64Array.from([...weights.keys()].sort((u, v) => u - v));
  const { keep, alias } = aliasTable([...values].map((v) => weights.get(v) as number));
  const count = tasks.length;
  const random = new Stream(options.seed);
  const resampled = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    let total = 0;
    for (let i = 0; i < count; i++) {
      const column = random.index(values.length);
      total += values[random.next() < (keep[column] as number) ? column : (alias[column] as number)] as number;
    }
    resampled[r] = total / count;
  }
  return percentileInterval(resampled, options.confidence);
}

/**
 * Vose's alias table for drawing index i with probability weights[i] (summing to ~1): pick a
 * column uniformly, keep it with probability keep[column], else take alias[column]. Exact.
 */
function aliasTable(weights: readonly number[]): { keep: Float64Array; alias: Int32Array } {
  const n = weights.length;
  const total = weights.reduce((sum, w) => sum + w, 0);
  const scaled = weights.map((w) => (w * n) / total);
  const keep = new Float64Array(n).fill(1);
  const alias = Int32Array.from({ length: n }, (_, i) => i);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((w, i) => (w < 1 ? small : large).push(i));
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    keep[s] = scaled[s] as number;
    alias[s] = l;
    scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
    if ((scaled[l] as number) < 1) small.push(l);
    else large.push(l);
  }
  // What is left is 1 up to rounding: kept whole (keep = 1).
  return { keep, alias };
}

/**
 * `seededRandom`'s sequence (mulberry32) as a small object, so the bootstrap loops' draws compile
 * to inline arithmetic rather than closure calls.
 */
class Stream {
  private state: number;

  constructor(seed: number) {
    this.state = ((Math.trunc(seed) >>> 0) || 0x9e3779b9) >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, n), as `randomIndex` draws it. */
  index(n: number): number {
    return Math.min(n - 1, Math.floor(this.next() * n));
  }
}

/**
 * One side's costs on one task: their mean, and the variance of the mean of n costs redrawn with
 * replacement from them (the plug-in variance ÷ n).
 */
interface CostMoments {
  mean: number;
  redrawVariance: number;
}

function costMoments(costs: readonly number[]): CostMoments {
  const n = costs.length;
  const m = mean(costs) as number;
  let squares = 0;
  for (const c of costs) squares += (c - m) * (c - m);
  return { mean: m, redrawVariance: squares / n / n };
}

/**
 * The cost difference's resamples: the drawn tasks' mean differences, plus the redraws' noise.
 * Given the drawn tasks the redraws are independent, so their summed noise has the summed
 * variance; it is drawn as one normal (Box–Muller) with that variance, where simulating every
 * redrawn attempt would cost (attempts per task) draws per task (README: why, and how close).
 */
function costInterval(tasks: readonly (readonly [CostMoments, CostMoments])[], options: BootstrapOptions): [number, number] {
  const count = tasks.length;
  const differences = Float64Array.from(tasks, ([x, y]) => x.mean - y.mean);
  const variances = Float64Array.from(tasks, ([x, y]) => x.redrawVariance + y.redrawVariance);
  const random = new Stream(options.seed);
  const values = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    let total = 0;
    let variance = 0;
    for (let i = 0; i < count; i++) {
      const t = random.index(count);
      total += differences[t] as number;
      variance += variances[t] as number;
    }
    const u = 1 - random.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
    values[r] = (total + Math.sqrt(variance) * normal) / count;
  }
  return percentileInterval(values, options.confidence);
}
