/**
 * What the per-call metrics read of a stored LLM call (the store's `LlmCallRecord` has it all).
 * Kept here, below the store, so the store can keep per-trial summaries without importing analysis.
 */
import type { CostSource, TokenUsage } from '../domain';
import type { JsonValue } from '../json';

export interface SummarisedCall {
  seq: number;
  startedAt: string;
  requestedModel: string;
  servedModel: string | null;
  latencyMs: number | null;
  usage: TokenUsage;
  estimated: boolean;
  toolCalls: readonly { name: string; arguments?: JsonValue }[];
  costUsd: number | null;
  costSource: CostSource;
}
