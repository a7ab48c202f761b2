/**
 * What one trial's LLM calls add up to: the pure fold (`addCall`) the store keeps per trial and the
 * analysis reads, the spend split it contains, tool calls by category, and the pricer that splits
 * a call's cost, and the transcript's tool-call counts (`transcript-tools.ts`). Below the store so the store never imports the analysis.
 */
export type { SummarisedCall } from './call';
export { addCall, CALL_SUMMARY_SHAPE, emptyCallSummary, summariseCalls, type CallSummary } from './summary';
export { callSummaryBytes, callSummaryFromBytes } from './summary-bytes';
export { addSplit, emptySplit, splitCall, type ContextTokens, type SpendSplit, type UsagePricer } from './spend-split';
export { commandOf, zeroToolCounts, type ToolCounts } from './tool-counts';
export {
  addTranscriptEvent, emptyTranscriptSummary, SUMMARISED_TRANSCRIPT_KINDS, summariseTranscript, TRANSCRIPT_SUMMARY_SHAPE,
  type SummarisedTranscriptEvent, type TranscriptToolSummary,
} from './transcript-tools';
export { planPriceOverrides, pricingKey, usagePricer } from './pricer';
