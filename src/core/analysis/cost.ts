/**
 * Pass rate and cost figures for one (task, group) pair and for one group over all its tasks:
 * cost per attempt, pass rate with its Wilson interval, pass@k, and cost to complete (expected and
 * empirical). A cost that cannot be known is null, a task never solved is "unsolved"; neither is
 * ever reported as 0.
 */
import { mean, passAtKTable, quantileSorted, seededRandom, wilson } from './stats';
import { recordedOrder, type GroupKey, type TrialFacts } from './trials';

export const UNSOLVED = 'unsolved' as const;
export type Unsolved = typeof UNSOLVED;

/** A cost to complete: dollars, "unsolved" (never passed), or null (no attempts, or a cost unknown). */
export type CompletionCost = number | Unsolved | null;

export interface CostSummary {
  mean: number | null;
  median: number | null;
  p90: number | null;
}

export interface PassCounts {
  attempts: number;
  passed: number;
  /** passed ÷ attempts; null with no attempts. */
  passRate: number | null;
  /** Wilson 95%; [0, 1] with no attempts. */
  passRateCI: [number, number];
  /** Trials left out of the pass rate (infrastructure, provider, cancelled…), by status. */
  excluded: number;
  excludedByStatus: Record<string, number>;
}

export interface PairStats extends PassCounts, GroupKey {
  taskId: string;
  /** Unbiased pass@k for k = 1…attempts. */
  passAtK: Record<string, number>;
  costPerAttempt: CostSummary;
  /** Attempts whose cost is unknown (any makes the cost figures null). */
  unpricedAttempts: number;
  /** Sum of the attempts' costs; null when any is unknown. */
  spendUsd: number | null;
  costToComplete: { expected: CompletionCost; empirical: CompletionCost };
}

/** Counts over a set of trials (all of one pair or of one group). */
export function passCounts(trials: readonly TrialFacts[]): PassCounts {
  const attempts = trials.filter((t) => t.attempt);
  const passed = attempts.filter((t) => t.passed).length;
  const excludedByStatus: Record<string, number> = {};
  for (const t of trials) if (!t.attempt) excludedByStatus[t.trial.status] = (excludedByStatus[t.trial.status] ?? 0) + 1;
  return {
    attempts: attempts.length,
    passed,
    passRate: attempts.length === 0 ? null : passed / attempts.length,
    passRateCI: wilson(passed, attempts.length),
    excluded: trials.length - attempts.length,
    excludedByStatus,
  };
}

/** Costs of attempts, or null when any is unknown (a partial mean would look cheaper than it is). */
export function knownCosts(attempts: readonly TrialFacts[]): number[] | null {
  const costs: number[] = [];
  for (const t of attempts) {
    if (t.costUsd === null) return null;
    costs.push(t.costUsd);
  }
  return costs;
}

export function costSummary(costs: readonly number[] | null): CostSummary {
  if (costs === null || costs.length === 0) return { mean: null, median: null, p90: null };
  // One sorted copy for both quantiles (what `median` and `p90` would each sort).
  const sorted = [...costs].sort((a, b) => a - b);
  return { mean: mean(costs), median: quantileSorted(sorted, 0.5), p90: quantileSorted(sorted, 0.9) };
}

/**
 * Expected cost to complete = mean cost per attempt ÷ pass rate (the mean spend of retrying until
 * the first pass, attempts being independent). "unsolved" when the pair never passed; null with no
 * attempts or an unknown cost.
 */
export function expectedCostToComplete(attempts: number, passed: number, meanCost: number | null): CompletionCost {
  if (attempts === 0) return null;
  if (passed === 0) return UNSOLVED;
  if (meanCost === null) return null;
  return meanCost / (passed / attempts);
}

/**
 * Empirical cost to complete: the recorded attempts' costs summed in recorded order (trial index,
 * then start time) up to and including the first pass. "unsolved" when none passed; null when a
 * cost up to the first pass is unknown.
 */
export function empiricalCostToComplete(attempts: readonly TrialFacts[]): CompletionCost {
  if (attempts.length === 0) return null;
  const ordered = [...attempts].sort((a, b) => recordedOrder(a.trial, b.trial));
  let spent = 0;
  for (const t of ordered) {
    if (t.costUsd === null) return ordered.slice(ordered.indexOf(t)).some((u) => u.passed) ? null : UNSOLVED;
    spent += t.costUsd;
    if (t.passed) return spent;
  }
  return UNSOLVED;
}

export function pairStats(taskId: string, group: GroupKey, trials: readonly TrialFacts[]): PairStats {
  const counts = passCounts(trials);
  const attempts = trials.filter((t) => t.attempt);
  const costs = knownCosts(attempts);
  const summary = costSummary(costs);
  return {
    taskId,
    model: group.model,
    harness: group.harness,
    ...counts,
    passAtK: passAtKTable(counts.attempts, counts.passed),
    costPerAttempt: summary,
    unpricedAttempts: attempts.filter((t) => t.costUsd === null).length,
    spendUsd: costs === null ? null : costs.reduce((a, b) => a + b, 0),
    costToComplete: {
      expected: expectedCostToComplete(counts.attempts, counts.passed, summary.mean),
      empirical: empiricalCostToComplete(attempts),
    },
  };
}

export interface GroupCostToComplete {
  /**
   * THE HEADLINE: Σ cost of every attempt ÷ passes, the expected spend per pass (mean cost per
   * attempt ÷ pass rate, pooled over all attempted tasks). A failed attempt adds its cost and no
   * pass, so failing can never make it lower. "unsolved" with no pass; null with no attempts or an
   * unknown cost.
   */
  perPass: CompletionCost;
  /** 95 % interval of `perPass` (bootstrap over tasks, `costPerPassBootstrap`); null when it has none. Set by `analyseRun`. */
  perPassCI?: [number, number] | null;
  /** SOLVED-ONLY: mean over solved tasks of the per-task expected cost to complete; "unsolved" if it solved none. */
  expected: CompletionCost;
  /** SOLVED-ONLY: mean over solved tasks of the per-task empirical cost to complete; "unsolved" if it solved none. */
  empirical: CompletionCost;
  /** Sum of the per-task expected costs over solved tasks (the bill to finish them all once). */
  expectedTotal: number | null;
  solvedTasks: number;
  unsolvedTasks: number;
  /** Tasks with no attempt at all (every trial excluded): neither solved nor unsolved. */
  unattemptedTasks: number;
}

function meanOfCosts(values: readonly CompletionCost[]): number | null {
  const numbers: number[] = [];
  for (const v of values) {
    if (typeof v !== 'number') return null;
    numbers.push(v);
  }
  return mean(numbers);
}

/**
 * Cost per pass: Σ spend ÷ Σ passes over the pairs. "unsolved" with attempts but no pass (never 0,
 * even when the attempts were free); null with no attempts or any unknown cost.
 */
export function costPerPass(pairs: readonly Pick<PairStats, 'attempts' | 'passed' | 'spendUsd'>[]): CompletionCost {
  let attempts = 0;
  let passed = 0;
  let spend = 0;
  let known = true;
  for (const p of pairs) {
    attempts += p.attempts;
    passed += p.passed;
    if (p.attempts === 0) continue;
    if (p.spendUsd === null) known = false;
    else spend += p.spendUsd;
  }
  if (attempts === 0) return null;
  if (passed === 0) return UNSOLVED;
  return known ? spend / passed : null;
}

/**
 * 95 % interval of the cost per pass R = Σ spend ÷ Σ passes over a group's (task) pairs, by a seeded
 * percentile bootstrap clustered by task: each resample draws as many tasks as there are, with
 * replacement, each with all its attempts (its spend and passes), so trials of one task, which are
 * not independent, move together. One pass over per-task sums in typed arrays: `resamples` × tasks
 * draws, nothing per trial. A resample without a pass has no finite cost per pass and sorts last;
 * when the upper percentile falls on one the interval is null (unbounded above: too few passes),
 * as it is with fewer than 2 attempted tasks, no pass or an unknown cost. The percentile interval
 * of a skewed ratio can miss R itself; it is then widened to include it.
 */
export function costPerPassBootstrap(
  pairs: readonly Pick<PairStats, 'attempts' | 'passed' | 'spendUsd'>[],
  options: { seed: number; resamples: number; confidence?: number; draws?: TaskDraws },
): [number, number] | null {
  const attempted = pairs.filter((p) => p.attempts > 0);
  const n = attempted.length;
  if (n < 2) return null;
  const spend = new Float64Array(n);
  const passes = new Float64Array(n);
  let totalSpend = 0;
  let totalPasses = 0;
  for (let i = 0; i < n; i++) {
    const p = attempted[i] as Pick<PairStats, 'attempts' | 'passed' | 'spendUsd'>;
    if (p.spendUsd === null) return null;
    spend[i] = p.spendUsd;
    passes[i] = p.passed;
    totalSpend += p.spendUsd;
    totalPasses += p.passed;
  }
  if (totalPasses === 0) return null;
  const point = totalSpend / totalPasses;
  const draws = taskDraws(options.seed, n, options.resamples, options.draws);
  const ratios = new Float64Array(options.resamples);
  for (let b = 0, d = 0; b < options.resamples; b++) {
    let s = 0;
    let k = 0;
    for (let j = 0; j < n; j++, d++) {
      const i = draws[d] as number;
      s += spend[i] as number;
      k += passes[i] as number;
    }
    ratios[b] = k === 0 ? Number.POSITIVE_INFINITY : s / k;
  }
  ratios.sort();
  const alpha = 1 - (options.confidence ?? 0.95);
  const at = (q: number) => {
    const h = (ratios.length - 1) * q;
    const lo = Math.floor(h);
    const a = ratios[lo] as number;
    const b = ratios[Math.min(lo + 1, ratios.length - 1)] as number;
    return a === b ? a : a + (h - lo) * (b - a);
  };
  const low = at(alpha / 2);
  const high = at(1 - alpha / 2);
  if (!Number.isFinite(high)) return null;
  return [Math.min(low, point), Math.max(high, point)];
}

/** Task draws of `costPerPassBootstrap` by (seed, tasks, resamples), kept by a caller that bootstraps several groups. */
export type TaskDraws = Map<string, Uint32Array>;

/**
 * The task indices the bootstrap draws, `resamples` × n of them in order, from the seeded source.
 * They depend only on (seed, n, resamples): with `cache`, groups with as many tasks share one
 * sequence, drawn once.
 */
function taskDraws(seed: number, n: number, resamples: number, cache: TaskDraws | undefined): Uint32Array {
  const key = `${seed} ${n} ${resamples}`;
  const known = cache?.get(key);
  if (known) return known;
  const random = seededRandom(seed);
  const draws = new Uint32Array(resamples * n);
  for (let d = 0; d < draws.length; d++) draws[d] = Math.floor(random() * n); // random() < 1, so < n
  cache?.set(key, draws);
  return draws;
}

/** A group's cost to complete: the headline per pass, and solved-only means with the unsolved count beside them. */
export function groupCostToComplete(pairs: readonly PairStats[]): GroupCostToComplete {
  const solved = pairs.filter((p) => p.attempts > 0 && p.passed > 0);
  const unsolved = pairs.filter((p) => p.attempts > 0 && p.passed === 0).length;
  const unattempted = pairs.filter((p) => p.attempts === 0).length;
  const attemptedAny = solved.length + unsolved > 0;
  const perPass = costPerPass(pairs);
  if (solved.length === 0) {
    const value = attemptedAny ? UNSOLVED : null;
    return { perPass, expected: value, empirical: value, expectedTotal: null, solvedTasks: 0, unsolvedTasks: unsolved, unattemptedTasks: unattempted };
  }
  const expected = meanOfCosts(solved.map((p) => p.costToComplete.expected));
  return {
    perPass,
    expected,
    empirical: meanOfCosts(solved.map((p) => p.costToComplete.empirical)),
    expectedTotal: expected === null ? null : expected * solved.length,
    solvedTasks: solved.length,
    unsolvedTasks: unsolved,
    unattemptedTasks: unattempted,
  };
}
