/**
 * One entry point: plain arrays of trials, LLM calls and transcript events in (from the store or
 * from a test), every metric out. Pure and deterministic (bootstrap intervals use a seed).
 */
import type { LlmCallRecord, TranscriptEventRecord, AnalysedTrial } from '../store/records';
import { zeroUsage, type TokenUsage } from '../domain';
import { summariseCalls, type CallSummary, type TranscriptToolSummary, type UsagePricer } from '../calls';
import { compareOutcomes, DEFAULT_RESAMPLES, DEFAULT_SEED, outcomesByTask, type Comparison } from './compare';
import { complementarity, type Complementarity } from './complementarity';
import {
  costPerPassBootstrap, costSummary, groupCostToComplete, knownCosts, pairStats, passCounts,
  type CostSummary, type GroupCostToComplete, type PairStats, type PassCounts, type TaskDraws,
} from './cost';
import { groupFingerprintOfFacts, trialParts, type GroupFingerprint, type TrialFingerprint } from './fingerprint';
import { paretoFront, type ParetoPoint } from './pareto';
import { harnessVersionSteps, type HarnessVersionStep } from './harness-versions';
import { mean, Z95 } from './stats';
import { compareText, groupId, groupsOf, trialFacts, type GroupKey, type TrialFacts } from './trials';

export interface AnalysisInput {
  trials: readonly AnalysedTrial[];
  /**
   * Every LLM call of these trials. When given, costs and tokens are summed from the calls (a
   * trial with none cost $0); when left out, the trial records' own `costUsd` and `tokens` are used.
   */
  calls?: readonly LlmCallRecord[];
  /**
   * The store's per-trial call summaries (trial id → summary), standing for the calls of the trials
   * they name; they must have been folded with the same prices as `pricer`.
   */
  callSummaries?: ReadonlyMap<string, CallSummary>;
  events?: readonly TranscriptEventRecord[];
  /**
   * The store's per-trial transcript summaries (trial id → summary), standing for `events`: a trial
   * without one had no tool calls or commands.
   */
  transcriptSummaries?: ReadonlyMap<string, TranscriptToolSummary>;
  /** Prices a usage vector for a call's model; lets the spend split be in dollars (else tokens). */
  pricer?: UsagePricer;
  /** Bootstrap seed (default 20240601) and number of resamples (default 2000). */
  seed?: number;
  resamples?: number;
  /**
   * Compute the paired bootstrap comparisons of every two groups (default true), on the first read
   * of `comparisons`: they are most of a large analysis's time, so a view that shows none (the
   * terminal table, CSV) never pays for them. false: `comparisons` is empty.
   */
  comparisons?: boolean;
}

export interface GroupAnalysis extends GroupKey, PassCounts {
  /** The model is served by the simulated provider (`sim/…`): its numbers are not a real model's. */
  simulated: boolean;
  /** Tasks with at least one trial of this group. */
  tasks: number;
  /** Mean over attempted tasks of the per-task unbiased pass@k, for k = 1…(fewest attempts on a task). */
  passAtK: Record<string, number>;
  costPerAttempt: CostSummary;
  /** Attempts whose cost is unknown; any makes the cost figures null. */
  unpricedAttempts: number;
  /** Union of the attempts' cost flags (`unpriced`, `unmetered`, `estimated`, `no-llm-calls`). */
  costFlags: string[];
  /** Σ cost over attempts; null if any is unknown. */
  spendUsd: number | null;
  /** Σ cost over excluded trials (spent, but not part of any figure above); null if any is unknown. */
  excludedSpendUsd: number | null;
  /** Share of the spend on attempts that went to attempts that did not pass; null when a cost is unknown or nothing was spent. */
  failedSpendShare: number | null;
  costToComplete: GroupCostToComplete;
  /** Σ tokens over attempts. */
  tokens: TokenUsage;
  fingerprint: GroupFingerprint;
  onPareto: boolean;
}

export interface TaskAnalysis {
  task: string;
  /** One cell per group that has a trial on this task, in group order. */
  cells: PairStats[];
  /** Groups with at least one pass on the task. */
  solvedBy: GroupKey[];
}

export interface RunAnalysis {
  groups: GroupAnalysis[];
  tasks: TaskAnalysis[];
  complementarity: Complementarity;
  /** Every group's point; `onFront` marks the Pareto front (front first, by ascending cost). */
  pareto: ParetoPoint[];
  /** Paired bootstrap comparison of every two groups (a before b in group order), computed on its first read. */
  comparisons: Comparison[];
  trialFingerprints: TrialFingerprint[];
  /** The same model through successive versions of one harness (harness-versions.ts); empty when none ran at two. */
  harnessVersions: HarnessVersionStep[];
  totals: {
    trials: number;
    attempts: number;
    excluded: number;
    excludedByStatus: Record<string, number>;
    /** Σ cost over every trial, excluded ones included; null if any is unknown. */
    spendUsd: number | null;
    unpricedTrials: number;
  };
  settings: { seed: number; resamples: number; confidence: number; z: number };
}

function sumOrNull(facts: readonly TrialFacts[]): number | null {
  let total = 0;
  for (const f of facts) {
    if (f.costUsd === null) return null;
    total += f.costUsd;
  }
  return total;
}

function share(part: number | null, whole: number | null): number | null {
  return part === null || whole === null || whole <= 0 ? null : part / whole;
}

function isSimulated(model: string, facts: readonly TrialFacts[]): boolean {
  if (model.startsWith('sim/')) return true;
  return facts.some((f) => f.summary?.simulated || f.calls.some((c) => c.requestedModel.startsWith('sim/') || (c.servedModel ?? '').startsWith('sim/')));
}

function groupPassAtK(cells: readonly PairStats[]): Record<string, number> {
  const attempted = cells.filter((c) => c.attempts > 0);
  if (attempted.length === 0) return {};
  const maxK = Math.min(...attempted.map((c) => c.attempts));
  const table: Record<string, number> = {};
  for (let k = 1; k <= maxK; k++) table[String(k)] = mean(attempted.map((c) => c.passAtK[String(k)] as number)) as number;
  return table;
}

export function analyseRun(input: AnalysisInput): RunAnalysis {
  const seed = input.seed ?? DEFAULT_SEED;
  const resamples = input.resamples ?? DEFAULT_RESAMPLES;
  const facts = trialFacts(input.trials, input.calls, input.events, input.callSummaries, input.transcriptSummaries);
  const groups = groupsOf(facts);
  const groupIndex = new Map(groups.map((g, i) => [groupId(g), i]));

  // Each trial's call summary: the stored one, else folded from its calls once (and only when asked).
  const folded = new Map<TrialFacts, CallSummary>();
  const summaryOf = (f: TrialFacts): CallSummary => {
    if (f.summary) return f.summary;
    let summary = folded.get(f);
    if (!summary) folded.set(f, (summary = summariseCalls(f.calls, input.pricer)));
    return summary;
  };

  // Trials by group, and by task then group: the (task, group) cells.
  const groupFacts: TrialFacts[][] = groups.map(() => []);
  const taskCells = new Map<string, TrialFacts[][]>();
  for (const f of facts) {
    const g = groupIndex.get(f.groupId) as number;
    (groupFacts[g] as TrialFacts[]).push(f);
    let cells = taskCells.get(f.trial.taskId);
    if (!cells) taskCells.set(f.trial.taskId, (cells = groups.map(() => [])));
    (cells[g] as TrialFacts[]).push(f);
  }
  const taskIds = [...taskCells.keys()].sort(compareText);
  const groupCells: PairStats[][] = groups.map(() => []);
  const tasks: TaskAnalysis[] = taskIds.map((task) => {
    const byGroup = taskCells.get(task) as TrialFacts[][];
    const cells: PairStats[] = [];
    groups.forEach((g, i) => {
      const trials = byGroup[i] as TrialFacts[];
      if (trials.length === 0) return;
      const cell = pairStats(task, g, trials);
      cells.push(cell);
      (groupCells[i] as PairStats[]).push(cell);
    });
    return { task, cells, solvedBy: cells.filter((c) => c.passed > 0).map((c) => ({ model: c.model, harness: c.harness })) };
  });
  const allCells = tasks.flatMap((t) => t.cells);

  const draws: TaskDraws = new Map();
  const analysed = groups.map((g, i): GroupAnalysis => {
    const mine = groupFacts[i] as TrialFacts[];
    const attempts = mine.filter((f) => f.attempt);
    const cells = groupCells[i] as PairStats[];
    const costs = knownCosts(attempts);
    const flags = new Set<string>();
    const tokens = zeroUsage();
    for (const f of attempts) {
      for (const flag of f.costFlags) flags.add(flag);
      tokens.input += f.tokens.input;
      tokens.cacheRead += f.tokens.cacheRead;
      tokens.cacheWrite += f.tokens.cacheWrite;
      tokens.output += f.tokens.output;
      tokens.reasoning += f.tokens.reasoning;
    }
    return {
      model: g.model,
      harness: g.harness,
      simulated: isSimulated(g.model, mine),
      tasks: cells.length,
      ...passCounts(mine),
      passAtK: groupPassAtK(cells),
      costPerAttempt: costSummary(costs),
      unpricedAttempts: attempts.filter((f) => f.costUsd === null).length,
      costFlags: [...flags].sort(),
      spendUsd: sumOrNull(attempts),
      excludedSpendUsd: sumOrNull(mine.filter((f) => !f.attempt)),
      failedSpendShare: share(sumOrNull(attempts.filter((f) => !f.passed)), sumOrNull(attempts)),
      costToComplete: { ...groupCostToComplete(cells), perPassCI: costPerPassBootstrap(cells, { seed, resamples, draws }) },
      tokens,
      // Added up from each attempt's summaries: no fingerprint per trial (`trialFingerprints` makes those when read).
      fingerprint: groupFingerprintOfFacts(attempts, summaryOf),
      onPareto: false,
    };
  });

  // Placed at the headline cost to complete (spend per pass), not cost per attempt: a model that
  // fails cheaply must not look like a bargain (src/core/analysis/README.md, "Headline figures").
  const pareto = paretoFront(analysed.map((g) => {
    const perPass = g.costToComplete.perPass;
    return {
      model: g.model, harness: g.harness, cost: typeof perPass === 'number' ? perPass : null, passRate: g.passRate, unsolved: perPass === 'unsolved',
      costCI: g.costToComplete.perPassCI ?? null, passRateCI: g.passRateCI,
    };
  }));
  for (const g of analysed) g.onPareto = pareto.some((p) => p.onFront && p.model === g.model && p.harness === g.harness);

  // The paired bootstraps are most of a large analysis's time and only the views that show them
  // read them (HTML, JSON, the dashboard's comparisons), so they run on the first read, once.
  let comparisons: Comparison[] | undefined;
  const compareAll = (): Comparison[] => {
    const list: Comparison[] = [];
    const outcomes = groupFacts.map((mine) => outcomesByTask(mine));
    for (let i = 0; input.comparisons !== false && i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        list.push(compareOutcomes(groups[i] as GroupKey, groups[j] as GroupKey, outcomes[i] ?? [], outcomes[j] ?? [], { seed, resamples }));
      }
    }
    return list;
  };
  // No view of a report reads every trial's fingerprint: made on the first read, once.
  let trialFingerprints: TrialFingerprint[] | undefined;

  const overall = passCounts(facts);
  return {
    groups: analysed,
    tasks,
    complementarity: complementarity(groups, allCells),
    pareto,
    get comparisons(): Comparison[] {
      return (comparisons ??= compareAll());
    },
    get trialFingerprints(): TrialFingerprint[] {
      return (trialFingerprints ??= facts.map((f) => trialParts({ ...f, summary: summaryOf(f) }, input.pricer).fingerprint));
    },
    harnessVersions: harnessVersionSteps(facts, summaryOf, { seed, resamples }),
    totals: {
      trials: facts.length,
      attempts: overall.attempts,
      excluded: overall.excluded,
      excludedByStatus: overall.excludedByStatus,
      spendUsd: sumOrNull(facts),
      unpricedTrials: facts.filter((f) => f.costUsd === null).length,
    },
    settings: { seed, resamples, confidence: 0.95, z: Z95 },
  };
}
