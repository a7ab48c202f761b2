/**
 * The report of one run as plain JSON (`kilobench report --format json`): the run, one entry per
 * (model, harness), one per task, complementarity and the Pareto front. Every other format (table,
 * CSV, HTML) is rendered from this object, so they cannot disagree.
 */
import type { Comparison } from '../analysis/compare';
import type { Complementarity } from '../analysis/complementarity';
import type { CompletionCost, CostSummary } from '../analysis/cost';
import type { GroupFingerprint } from '../analysis/fingerprint';
import type { RunAnalysis } from '../analysis/analyse';
import type { GroupKey } from '../analysis/trials';
import type { HarnessVersionStep } from '../analysis/harness-versions';
import type { RunRecord } from '../store/records';
import type { TokenUsage } from '../domain';

/**
 * 2: `models[].costToComplete.perPass` (spend per pass) is the headline cost to complete, the
 * Pareto front is placed at it (`pareto[].costToComplete`), the router has `costPerPass`; the
 * solved-only figures (`expected`, `empirical`) are unchanged; `run.prices` says which prices every
 * cost uses (`recorded`, or a what-if sheet). 1: the first version.
 */
export const REPORT_VERSION = 2;

export interface ReportRun {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  finishedAt: string | null;
  harness: string;
  trialsPerPair: number;
  /** The plan's tasks and models (what was asked for; `models`/`tasks` below hold what ran). */
  plannedTasks: string[];
  plannedModels: string[];
  /** Some model is simulated (`sim/…`): the figures show KiloBench at work, not a real model. */
  simulated: boolean;
  simulatedModels: string[];
  totals: RunAnalysis['totals'];
  analysis: RunAnalysis['settings'];
  /** Which prices every cost in this report uses: `recorded` (the default) or a what-if sheet. */
  prices: ReportPrices;
  generatedAt: string | null;
}

export interface ReportPrices {
  kind: 'recorded' | 'file' | 'as';
  description: string;
}

export interface ReportModel extends GroupKey {
  simulated: boolean;
  attempts: number;
  passed: number;
  passRate: number | null;
  passRateCI: [number, number];
  passAtK: Record<string, number>;
  costPerAttempt: CostSummary;
  costToComplete: {
    /** Headline: Σ spend on attempts ÷ passes. */
    perPass: CompletionCost;
    /** Its 95 % interval (delta method); null when there is none. */
    perPassCI: [number, number] | null;
    /** Solved-only: mean over solved tasks of the per-task expected cost (read with `unsolvedTasks`). */
    expected: CompletionCost;
    /** Solved-only: mean over solved tasks of the spend until the first pass. */
    empirical: CompletionCost;
    solvedTasks: number;
    unsolvedTasks: number;
    unattemptedTasks: number;
    expectedTotal: number | null;
  };
  tokens: TokenUsage;
  fingerprint: GroupFingerprint;
  /** Trials left out of the pass rate, in total and by status. */
  excluded: number;
  excludedByStatus: Record<string, number>;
  unpricedAttempts: number;
  costFlags: string[];
  spendUsd: number | null;
  excludedSpendUsd: number | null;
  tasks: number;
  onPareto: boolean;
  /** Off the front on point estimates, but its intervals overlap a point that dominates it. */
  paretoWithinNoise: boolean;
}

export interface ReportTaskResult extends GroupKey {
  attempts: number;
  passed: number;
  passRate: number | null;
  passRateCI: [number, number];
  passAtK: Record<string, number>;
  costPerAttempt: CostSummary;
  costToComplete: { expected: CompletionCost; empirical: CompletionCost };
  excluded: number;
  excludedByStatus: Record<string, number>;
  unpricedAttempts: number;
  spendUsd: number | null;
}

export interface ReportTask {
  task: string;
  solvedBy: GroupKey[];
  results: ReportTaskResult[];
}

export interface ReportParetoPoint extends GroupKey {
  /** Where the point is placed: spend per pass. */
  costToComplete: number;
  costPerAttempt: number | null;
  passRate: number;
}

export interface Report {
  version: typeof REPORT_VERSION;
  run: ReportRun;
  models: ReportModel[];
  tasks: ReportTask[];
  complementarity: Complementarity;
  /** The Pareto front of cost to complete (spend per pass) vs pass rate, by ascending cost. */
  pareto: ReportParetoPoint[];
  /** Paired bootstrap comparisons of every two models. */
  comparisons: Comparison[];
  /** Per model, each step from one harness version to the next (empty when no harness ran at two versions). */
  harnessVersions: HarnessVersionStep[];
}

export interface BuildReportOptions {
  /** ISO time stamp written into `run.generatedAt` (left null when not given, so output is reproducible). */
  generatedAt?: string;
  /** Which prices the analysis used (default: recorded). */
  prices?: ReportPrices;
}

export function buildReport(run: RunRecord, analysis: RunAnalysis, options: BuildReportOptions = {}): Report {
  const simulatedModels = [...new Set(analysis.groups.filter((g) => g.simulated).map((g) => g.model))];
  return {
    version: REPORT_VERSION,
    run: {
      id: run.id,
      name: run.name,
      status: run.status,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      harness: Array.isArray(run.plan.harnesses) ? run.plan.harnesses.join(', ') : run.plan.harness,
      trialsPerPair: run.plan.trialsPerPair,
      plannedTasks: [...run.plan.tasks],
      plannedModels: [...run.plan.models],
      simulated: simulatedModels.length > 0,
      simulatedModels,
      totals: analysis.totals,
      analysis: analysis.settings,
      prices: options.prices ?? { kind: 'recorded', description: 'recorded prices (metered when each call was made)' },
      generatedAt: options.generatedAt ?? null,
    },
    models: analysis.groups.map((g) => ({
      model: g.model,
      harness: g.harness,
      simulated: g.simulated,
      attempts: g.attempts,
      passed: g.passed,
      passRate: g.passRate,
      passRateCI: g.passRateCI,
      passAtK: g.passAtK,
      costPerAttempt: g.costPerAttempt,
      costToComplete: {
        perPass: g.costToComplete.perPass,
        perPassCI: g.costToComplete.perPassCI ?? null,
        expected: g.costToComplete.expected,
        empirical: g.costToComplete.empirical,
        solvedTasks: g.costToComplete.solvedTasks,
        unsolvedTasks: g.costToComplete.unsolvedTasks,
        unattemptedTasks: g.costToComplete.unattemptedTasks,
        expectedTotal: g.costToComplete.expectedTotal,
      },
      tokens: g.tokens,
      fingerprint: g.fingerprint,
      excluded: g.excluded,
      excludedByStatus: g.excludedByStatus,
      unpricedAttempts: g.unpricedAttempts,
      costFlags: g.costFlags,
      spendUsd: g.spendUsd,
      excludedSpendUsd: g.excludedSpendUsd,
      tasks: g.tasks,
      onPareto: g.onPareto,
      paretoWithinNoise: analysis.pareto.some((p) => p.withinNoise === true && p.model === g.model && p.harness === g.harness),
    })),
    tasks: analysis.tasks.map((t) => ({
      task: t.task,
      solvedBy: t.solvedBy,
      results: t.cells.map((c) => ({
        model: c.model,
        harness: c.harness,
        attempts: c.attempts,
        passed: c.passed,
        passRate: c.passRate,
        passRateCI: c.passRateCI,
        passAtK: c.passAtK,
        costPerAttempt: c.costPerAttempt,
        costToComplete: c.costToComplete,
        excluded: c.excluded,
        excludedByStatus: c.excludedByStatus,
        unpricedAttempts: c.unpricedAttempts,
        spendUsd: c.spendUsd,
      })),
    })),
    complementarity: analysis.complementarity,
    pareto: analysis.pareto
      .filter((p) => p.onFront && p.cost !== null && p.passRate !== null)
      .map((p) => ({
        model: p.model, harness: p.harness, costToComplete: p.cost as number,
        costPerAttempt: analysis.groups.find((g) => g.model === p.model && g.harness === p.harness)?.costPerAttempt.mean ?? null,
        passRate: p.passRate as number,
      })),
    comparisons: analysis.comparisons,
    harnessVersions: analysis.harnessVersions,
  };
}

/** Pretty JSON with a final newline. */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
