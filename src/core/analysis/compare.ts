/**
 * Comparing two groups (two models, or the same model in two runs) on the same tasks: the mean
 * per-task difference in pass rate and in cost per attempt, with a paired, seeded bootstrap
 * interval. Paired: every resample takes the same tasks for both sides, so task difficulty cancels.
 */
import { bootstrapInterval, bootstrapIntervals, mean, type Random } from './stats';
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

/*
 * The bootstrap's inner loops: a report over 10,000 trials draws ~10⁸ indices, so these redraw
 * without building arrays. Each consumes the generator exactly as drawing the resample with
 * `randomIndex` and then taking its pass rate (mean) would, and adds in the same order, so the
 * interval is the same to the last bit.
 */
function drawIndex(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** Pass rate of `passes.length` attempts drawn with replacement from `passes`. */
function redrawnPassRate(random: Random, passes: readonly boolean[]): number {
  const n = passes.length;
  let passed = 0;
  for (let i = 0; i < n; i++) if (passes[drawIndex(random, n)]) passed += 1;
  return passed / n;
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
 * Paired two-level bootstrap over the tasks both sides attempted. Each resample draws T tasks with
 * replacement (T = number of shared tasks); for each drawn task it redraws each side's attempts
 * with replacement (as many as it had) and takes that side's pass rate (mean cost) on the task; the
 * statistic is the mean over drawn tasks of A − B. The interval is the percentile interval of the
 * resampled statistics. A fresh generator seeded with `seed` for each of the two intervals, so the
 * result depends only on the data, the seed and the number of resamples.
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

  const interval = (perTask: (x: TaskOutcomes, y: TaskOutcomes) => number, resampled: (random: Random, x: TaskOutcomes, y: TaskOutcomes) => number): Difference => {
    const estimate = mean(shared.map(([x, y]) => perTask(x, y))) as number;
    const ci = bootstrapInterval((random) => {
      let total = 0;
      for (let i = 0; i < shared.length; i++) {
        const [x, y] = shared[drawIndex(random, shared.length)] as (typeof shared)[number];
        total += resampled(random, x, y);
      }
      return total / shared.length;
    }, { seed: options.seed, resamples: options.resamples, confidence });
    return { estimate, ci };
  };

  const costsKnown = shared.every(([x, y]) => x.costs.every((c) => c !== null) && y.costs.every((c) => c !== null));
  if (!costsKnown) {
    const passRateDiff = interval(
      (x, y) => passRate(x.passes) - passRate(y.passes),
      (random, x, y) => redrawnPassRate(random, x.passes) - redrawnPassRate(random, y.passes),
    );
    return { ...base, passRateDiff, costDiff: null };
  }
  // The two intervals start from the same seed and draw the same indices (a task, then each side's
  // attempts), so one pass over the random stream gives both, exactly as two passes would.
  const meanCost = (costs: readonly (number | null)[]) => mean(costs as number[]) as number;
  const rx: Redraw = { passRate: 0, meanCost: 0 };
  const ry: Redraw = { passRate: 0, meanCost: 0 };
  const [passCi, costCi] = bootstrapIntervals(2, (random, out) => {
    let passTotal = 0;
    let costTotal = 0;
    for (let i = 0; i < shared.length; i++) {
      const [x, y] = shared[drawIndex(random, shared.length)] as (typeof shared)[number];
      redrawBoth(random, x, rx);
      redrawBoth(random, y, ry);
      passTotal += rx.passRate - ry.passRate;
      costTotal += rx.meanCost - ry.meanCost;
    }
    out[0] = passTotal / shared.length;
    out[1] = costTotal / shared.length;
  }, { seed: options.seed, resamples: options.resamples, confidence });
  return {
    ...base,
    passRateDiff: { estimate: mean(shared.map(([x, y]) => passRate(x.passes) - passRate(y.passes))) as number, ci: passCi as [number, number] },
    costDiff: { estimate: mean(shared.map(([x, y]) => meanCost(x.costs) - meanCost(y.costs))) as number, ci: costCi as [number, number] },
  };
}

/** One redraw of one side's attempts on one task. */
interface Redraw {
  passRate: number;
  meanCost: number;
}

/**
 * One redraw of a side's attempts serving both statistics: it draws exactly as `redrawnPassRate`
 * would (and as a mean of the costs would), and fills `into` (reused: no allocation per redraw).
 */
function redrawBoth(random: Random, side: TaskOutcomes, into: Redraw): void {
  const n = side.passes.length;
  const costs = side.costs as number[];
  let passed = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const j = drawIndex(random, n);
    if (side.passes[j]) passed += 1;
    total += costs[j] as number;
  }
  into.passRate = passed / n;
  into.meanCost = total / n;
}
