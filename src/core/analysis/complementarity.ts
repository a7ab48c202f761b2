/**
 * Whether models cover for one another: tasks only one of them solves, what an oracle that picks
 * the best model per task would reach, and what a router sending each task to its cheapest solver
 * would reach and cost. Computed over the tasks every group attempted, so a group is not charged
 * for tasks it never got to try.
 */
import type { CompletionCost, PairStats } from './cost';
import { mean } from './stats';
import { compareText, groupId, type GroupKey } from './trials';

export interface TaskGroup extends GroupKey {
  task: string;
}

export interface RouterChoice extends TaskGroup {
  /** Why this group: `cheapest-solver`, or `cheapest-attempt` on a task nobody solved. */
  reason: 'cheapest-solver' | 'cheapest-attempt' | 'best-pass-rate';
  passRate: number;
  costPerAttempt: number | null;
  costToComplete: CompletionCost;
}

export interface Complementarity {
  /** Tasks attempted by every group; the figures below are over these. */
  tasksConsidered: number;
  /** Tasks some group has no attempt on (left out above). */
  tasksSkipped: string[];
  /** Tasks solved (≥1 pass) by exactly one group, with that group. */
  solvedByExactlyOne: TaskGroup[];
  /** Tasks solved by at least one group. */
  tasksSolvedByAny: number;
  /** Tasks solved by no group. */
  tasksSolvedByNone: number;
  /** Mean over tasks of the best group's pass rate on that task. */
  oraclePassRate: number | null;
  /** The group with the highest mean per-task pass rate, and that rate. */
  bestSingle: (GroupKey & { passRate: number }) | null;
  /** oraclePassRate − bestSingle.passRate. */
  oracleGain: number | null;
  router: {
    /** Mean over tasks of the chosen group's pass rate on that task. */
    passRate: number | null;
    /** Mean over tasks of the chosen group's mean cost per attempt; null if any is unknown. */
    costPerAttempt: number | null;
    /**
     * THE HEADLINE: what sending every task to its chosen group would spend per pass, Σ chosen mean
     * cost per attempt ÷ Σ chosen pass rate over all considered tasks (a task nobody solved costs its
     * attempt and passes nothing). "unsolved" when no task was solved; null if any cost is unknown.
     */
    costPerPass: CompletionCost;
    /** SOLVED-ONLY: mean over the solved tasks of the chosen group's expected cost to complete; null if any is unknown. */
    costToComplete: CompletionCost;
    solvedTasks: number;
    choices: RouterChoice[];
  };
}

function byCostThenRate(a: PairStats, b: PairStats, cost: (p: PairStats) => number): number {
  return cost(a) - cost(b) || (b.passRate ?? 0) - (a.passRate ?? 0) || compareText(a.model, b.model) || compareText(a.harness, b.harness);
}

/**
 * Router rule, per task: among the groups that solved it, the lowest expected cost to complete
 * (ties: higher pass rate, then name); if no solver's cost is known, the solver with the highest
 * pass rate (cost unknown). On a task nobody solved, the lowest mean cost per attempt (it fails
 * anyway, as cheaply as it can); cost unknown if no group's cost is known.
 */
export function routeTask(cells: readonly PairStats[]): RouterChoice | null {
  if (cells.length === 0) return null;
  const solvers = cells.filter((c) => c.passed > 0);
  const choose = (cell: PairStats, reason: RouterChoice['reason']): RouterChoice => ({
    task: cell.taskId, model: cell.model, harness: cell.harness, reason,
    passRate: cell.passRate ?? 0, costPerAttempt: cell.costPerAttempt.mean, costToComplete: cell.costToComplete.expected,
  });
  if (solvers.length > 0) {
    const priced = solvers.filter((c) => typeof c.costToComplete.expected === 'number');
    if (priced.length > 0) {
      const best = [...priced].sort((a, b) => byCostThenRate(a, b, (p) => p.costToComplete.expected as number))[0] as PairStats;
      return choose(best, 'cheapest-solver');
    }
    const best = [...solvers].sort((a, b) => (b.passRate ?? 0) - (a.passRate ?? 0) || compareText(a.model, b.model) || compareText(a.harness, b.harness))[0] as PairStats;
    return choose(best, 'best-pass-rate');
  }
  const priced = cells.filter((c) => c.costPerAttempt.mean !== null);
  const pool = priced.length > 0 ? priced : [...cells];
  const best = pool.sort((a, b) => byCostThenRate(a, b, (p) => p.costPerAttempt.mean ?? 0))[0] as PairStats;
  return choose(best, 'cheapest-attempt');
}

/** `pairs` holds one entry per (task, group); `groups` every group of the run. */
export function complementarity(groups: readonly GroupKey[], pairs: readonly PairStats[]): Complementarity {
  const byTask = new Map<string, PairStats[]>();
  for (const p of pairs) {
    const list = byTask.get(p.taskId);
    if (list) list.push(p);
    else byTask.set(p.taskId, [p]);
  }
  const taskIds = [...byTask.keys()].sort(compareText);
  const considered: [string, PairStats[]][] = [];
  const skipped: string[] = [];
  for (const task of taskIds) {
    const cells = (byTask.get(task) ?? []).filter((p) => p.attempts > 0);
    const covered = new Set(cells.map((c) => groupId(c)));
    if (groups.length > 0 && groups.every((g) => covered.has(groupId(g)))) considered.push([task, cells]);
    else skipped.push(task);
  }

  const solvedByExactlyOne: TaskGroup[] = [];
  let solvedByAny = 0;
  const best: number[] = [];
  for (const [task, cells] of considered) {
    const solvers = cells.filter((c) => c.passed > 0);
    if (solvers.length > 0) solvedByAny += 1;
    const only = solvers[0];
    if (solvers.length === 1 && only) solvedByExactlyOne.push({ task, model: only.model, harness: only.harness });
    best.push(Math.max(...cells.map((c) => c.passRate ?? 0)));
  }

  let bestSingle: Complementarity['bestSingle'] = null;
  if (considered.length > 0) {
    for (const g of groups) {
      const rates = considered.map(([, cells]) => cells.find((c) => groupId(c) === groupId(g))?.passRate ?? 0);
      const rate = mean(rates) ?? 0;
      if (bestSingle === null || rate > bestSingle.passRate) bestSingle = { model: g.model, harness: g.harness, passRate: rate };
    }
  }
  const oraclePassRate = mean(best);

  const choices = considered.map(([, cells]) => routeTask(cells)).filter((c): c is RouterChoice => c !== null);
  const solvedChoices = choices.filter((c) => c.passRate > 0);
  let routerCostPerAttempt: number | null = null;
  if (choices.length > 0 && choices.every((c) => c.costPerAttempt !== null)) routerCostPerAttempt = mean(choices.map((c) => c.costPerAttempt as number));
  let routerCostToComplete: CompletionCost = choices.length > 0 ? 'unsolved' : null;
  if (solvedChoices.length > 0) {
    routerCostToComplete = solvedChoices.every((c) => typeof c.costToComplete === 'number')
      ? mean(solvedChoices.map((c) => c.costToComplete as number))
      : null;
  }

  let routerCostPerPass: CompletionCost = null;
  if (choices.length > 0) {
    const passes = choices.reduce((sum, c) => sum + c.passRate, 0);
    routerCostPerPass = passes === 0 ? 'unsolved' : routerCostPerAttempt === null ? null : (routerCostPerAttempt * choices.length) / passes;
  }

  return {
    tasksConsidered: considered.length,
    tasksSkipped: skipped,
    solvedByExactlyOne,
    tasksSolvedByAny: solvedByAny,
    tasksSolvedByNone: considered.length - solvedByAny,
    oraclePassRate,
    bestSingle,
    oracleGain: oraclePassRate !== null && bestSingle !== null ? oraclePassRate - bestSingle.passRate : null,
    router: {
      passRate: mean(choices.map((c) => c.passRate)),
      costPerAttempt: routerCostPerAttempt,
      costPerPass: routerCostPerPass,
      costToComplete: routerCostToComplete,
      solvedTasks: solvedChoices.length,
      choices,
    },
  };
}
