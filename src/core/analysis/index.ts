/** Metrics over stored trials, calls and transcripts. Definitions: README.md here. */
export { analyseRun, type AnalysisInput, type GroupAnalysis, type RunAnalysis, type TaskAnalysis } from './analyse';
export {
  compareOutcomes, outcomesByTask, DEFAULT_RESAMPLES, DEFAULT_SEED,
  type Comparison, type CompareOptions, type Difference, type TaskOutcomes,
} from './compare';
export { complementarity, routeTask, type Complementarity, type RouterChoice, type TaskGroup } from './complementarity';
export {
  UNSOLVED, costSummary, empiricalCostToComplete, expectedCostToComplete, groupCostToComplete, pairStats, passCounts,
  type CompletionCost, type CostSummary, type GroupCostToComplete, type PairStats, type PassCounts, type Unsolved,
} from './cost';
export {
  groupFingerprint, resentTokens, toolCallsOf, trialFingerprint, wallTimeSplit, type GroupFingerprint, type ToolCallSource, type TrialFingerprint, type WallTimeSplit,
} from './fingerprint';
export { paretoFront, type ParetoInput, type ParetoPoint } from './pareto';
export { planPriceOverrides, pricingKey, usagePricer } from '../calls/pricer';
export { priceUnderSheet, repriceCalls } from './what-if';
export { addCall, emptyCallSummary, summariseCalls, type CallSummary } from '../calls/summary';
export {
  Z95, bootstrapInterval, mean, median, p90, passAtK, passAtKTable, quantile, ratio, seededRandom, wilson, type Random,
} from './stats';
export { groupId, recordedOrder, trialFacts, type GroupKey, type TrialCostFlag, type TrialFacts } from './trials';
export { harnessVersionSteps, formatVersionChange, type HarnessVersionStep, type VersionChange } from './harness-versions';
