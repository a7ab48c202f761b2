/**
 * The report of one run as plain JSON (`kilobench report --format json`): the run, one entry per
 * (model, harness), one per task, complementarity and the Pareto front. Every other format (table,
 * CSV, HTML) is rendered from this object, so they cannot disagree.
 */
import type { Comparison } from '../analysis/compare';
import type { Complementarity } from '../analysis/complementarity';
import type { GroupCostToComplete, PairStats } from '../analysis/cost';
import type { GroupAnalysis, RunAnalysis } from '../analysis/analyse';
import type { GroupKey } from '../analysis/trials';
import type { HarnessVersionStep } from '../analysis/harness-versions';
import type { RunRecord } from '../store/records';

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

/**
 * One (model, harness): the analysis's group as it is (`GroupAnalysis`, every field documented
 * there), plus where it stands against the Pareto front's noise. Not copied field by field: a new
 * metric on the group reaches the JSON, the CSV builder and every front end without touching this file.
 */
export interface ReportModel extends Omit<GroupAnalysis, 'costToComplete'> {
  costToComplete: GroupCostToComplete & {
    /** Its 95 % interval (bootstrap over tasks); null when there is none (fewer than 2 tasks, no pass, unbounded above). */
    perPassCI: [number, number] | null;
  };
  /** Off the front on point estimates, but its intervals overlap a point that dominates it. */
  paretoWithinNoise: boolean;
}

/** One (task, model, harness) cell of the analysis, as it is (without the task id its task already names). */
export type ReportTaskResult = Omit<PairStats, 'taskId'>;

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

/** One engine of a run on several (report/engines.ts makes these from the trials). */
export interface ReportEngine {
  engine: string;
  trials: number;
  passed: number;
  /** Trials that ended as `infra_error` there. */
  infraFailures: number;
  /** Median duration of its trials that ran (ms); null when none did. */
  medianTrialMs: number | null;
}

export interface ReportTrialEngine {
  trial: string;
  task: string;
  model: string;
  harness: string;
  /** The engine it ran on (the last, when it moved off a lost one); null when it never started. */
  engine: string | null;
  status: string;
  durationMs: number | null;
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
  /** Per engine: trials, passes, infra failures, median trial time; only when the trials ran on several engines. */
  engines?: ReportEngine[];
  /** Each trial's engine; only with `engines`. */
  trialEngines?: ReportTrialEngine[];
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
      ...g,
      costToComplete: { ...g.costToComplete, perPassCI: g.costToComplete.perPassCI ?? null },
      paretoWithinNoise: analysis.pareto.some((p) => p.withinNoise === true && p.model === g.model && p.harness === g.harness),
    })),
    tasks: analysis.tasks.map((t) => ({
      task: t.task,
      solvedBy: t.solvedBy,
      results: t.cells.map(({ taskId: _task, ...cell }) => cell),
    })),
    complementarity: analysis.complementarity,
    pareto: analysis.pareto
      .filter((p) => p.onFront && p.cost !== null && p.passRate !== null)
      .map((p) => ({
        model: p.model, harness: p.harness, costToComplete: p.cost as number,
        costPerAttempt: analysis.groups.find((g) => g.model === p.model && g.harness === p.harness)?.costPerAttempt.mean ?? null,
        passRate: p.passRate as number,
      })),
    // Read through: an analysis computes its paired comparisons on their first read (analyse.ts).
    get comparisons(): Comparison[] {
      return analysis.comparisons;
    },
    harnessVersions: analysis.harnessVersions,
  };
}

/** Pretty JSON with a final newline. */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
