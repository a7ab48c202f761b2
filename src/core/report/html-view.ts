/**
 * The data the HTML report's charts draw, shaped from the report in typed code so that the inline
 * browser script only has to hand it to Chart.js.
 */
import type { SpendSplit } from '../calls';
import { TOOL_CATEGORIES, type ToolCategory } from '../domain';
import { groupLabel, leaderboardOrder, mixesHarnesses } from './format';
import type { Report, ReportModel } from './json-report';

export interface ChartGroup {
  label: string;
  model: string;
  harness: string;
  simulated: boolean;
  /** Index into the colour series (stable per group across charts). */
  series: number;
  passRate: number | null;
  ci: [number, number];
  /** Where the scatter places it: cost to complete (spend per pass); null when unknown or unsolved. */
  cost: number | null;
  /** 95 % interval of `cost` (delta method); null when there is none. */
  costCI: [number, number] | null;
  /** Dominated, but its intervals overlap a dominating point. */
  withinNoise: boolean;
  /** Mean cost per attempt; null when unknown. */
  costPerAttempt: number | null;
  onFront: boolean;
  completion: {
    /** Headline: spend per pass. */
    perPass: number | null;
    /** Solved-only: mean over solved tasks. */
    expected: number | null;
    empirical: number | null;
    /** `ok`: a number; `unsolved`: solved no task; `unknown`: cost unknown; `none`: no attempts. */
    state: 'ok' | 'unsolved' | 'unknown' | 'none';
    solved: number;
    unsolved: number;
  };
  toolsPerAttempt: Record<ToolCategory, number>;
  reads: number;
  writes: number;
  readWriteRatio: number | null;
  llmCallsPerAttempt: number | null;
  shares: { resent: number | null; cacheHit: number | null; reasoning: number | null; modelTime: number | null };
  spend: SpendSplit;
}

export interface ChartView {
  groups: ChartGroup[];
  /** Pareto front points (cost to complete, pass rate), by ascending cost. */
  front: { x: number; y: number }[];
  /** Tool categories any group used (others are left out of the chart). */
  toolCategories: ToolCategory[];
}

function completionState(m: ReportModel): ChartGroup['completion'] {
  const p = m.costToComplete.perPass;
  const base = { solved: m.costToComplete.solvedTasks, unsolved: m.costToComplete.unsolvedTasks };
  if (typeof p === 'number') {
    const e = m.costToComplete.expected;
    const emp = m.costToComplete.empirical;
    return { ...base, perPass: p, expected: typeof e === 'number' ? e : null, empirical: typeof emp === 'number' ? emp : null, state: 'ok' };
  }
  return { ...base, perPass: null, expected: null, empirical: null, state: p === 'unsolved' ? 'unsolved' : m.attempts === 0 ? 'none' : 'unknown' };
}

/** Groups in leaderboard order (the order of every chart and table in the report). */
export function orderedModels(report: Report): ReportModel[] {
  return [...report.models].sort(leaderboardOrder);
}

export function chartView(report: Report): ChartView {
  const models = orderedModels(report);
  const showHarness = mixesHarnesses(models);
  const groups = models.map((m, i): ChartGroup => {
    const f = m.fingerprint;
    const toolsPerAttempt = {} as Record<ToolCategory, number>;
    for (const c of TOOL_CATEGORIES) toolsPerAttempt[c] = f.toolCallsPerAttempt?.[c] ?? 0;
    return {
      label: groupLabel(m, showHarness),
      model: m.model,
      harness: m.harness,
      simulated: m.simulated,
      series: i,
      passRate: m.passRate,
      ci: m.passRateCI,
      cost: typeof m.costToComplete.perPass === 'number' ? m.costToComplete.perPass : null,
      costCI: m.costToComplete.perPassCI,
      withinNoise: m.paretoWithinNoise,
      costPerAttempt: m.costPerAttempt.mean,
      onFront: m.onPareto,
      completion: completionState(m),
      toolsPerAttempt,
      reads: f.toolCalls.read,
      writes: f.toolCalls.write,
      readWriteRatio: f.readWriteRatio,
      llmCallsPerAttempt: f.llmCallsPerAttempt,
      shares: { resent: f.resentContextShare, cacheHit: f.cacheHitShare, reasoning: f.reasoningShare, modelTime: f.wallTime.modelShare },
      spend: f.spendSplit,
    };
  });
  return {
    groups,
    front: report.pareto.map((p) => ({ x: p.costToComplete, y: p.passRate })),
    toolCategories: TOOL_CATEGORIES.filter((c) => models.some((m) => m.fingerprint.toolCalls[c] > 0)),
  };
}
