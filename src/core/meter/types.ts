/**
 * The records the metering proxy produces. A `MeteredCall` is everything known about one LLM call
 * once it has finished (or failed); the store turns it into an `llm_call` row and the transcript
 * builder reads its text and tool-call arguments. It never holds the provider key.
 */
import type { CostSource, TokenUsage, TrialStatus } from '../domain';
import type { JsonValue } from '../json';

/** The wire protocol of a call, decided by the request path. */
export type Protocol = 'openai-chat' | 'openai-responses' | 'anthropic-messages';

/** A tool call the model made. `arguments` is capped (see `TEXT_CAP_BYTES`); `argumentsBytes` is the full size. */
export interface ToolCallSeen {
  id: string | null;
  name: string;
  argumentsBytes: number;
  arguments: string;
}

export interface MeteredCall {
  trialId: string;
  runId: string;
  /** 1, 2, 3… in the order the trial's requests reached the proxy (counted per registration). */
  seq: number;
  /** ISO time the request reached the proxy. */
  startedAt: string;
  protocol: Protocol;
  /** The model the client asked for (before any model mapping); null when the body had none. */
  requestedModel: string | null;
  /** The model the provider says answered; null when it said nothing. */
  servedModel: string | null;
  /** The client asked for a stream. */
  streaming: boolean;
  /** Upstream status as passed to the client (or the proxy's own refusal); null when no response came (reset). */
  httpStatus: number | null;
  /** Request arrival to the last byte of the response. */
  latencyMs: number;
  /** Request arrival to the first byte of the response body; null when none came. */
  ttftMs: number | null;
  /** The provider's usage JSON as received (streams: see README for how parts are merged); null if none. */
  usageRaw: JsonValue | null;
  usage: TokenUsage;
  /** Usage was estimated with a tokenizer because the provider sent none (e.g. a cut stream). */
  estimated: boolean;
  toolCalls: ToolCallSeen[];
  /** Assistant text, capped with a `…[truncated N bytes]` marker. */
  text: string;
  finishReason: string | null;
  costUsd: number | null;
  costSource: CostSource;
  /** Extra facts about the cost, e.g. `estimated`, `override`, `simulated`, `unpriced`. */
  costFlags: string[];
  /** What went wrong, in words (upstream error message, reset, cut stream, budget); null on success. */
  error: string | null;
}

export interface Budget {
  usd?: number;
  tokens?: number;
}

export interface Totals {
  calls: number;
  /** Sum of priced calls; unpriced calls add nothing here and are counted in `unpricedCalls`. */
  costUsd: number;
  usage: TokenUsage;
  unpricedCalls: number;
  estimatedCalls: number;
  budgetExceeded: boolean;
}

export interface BudgetExceededEvent {
  trialId: string;
  runId: string;
  /** Which budget was spent. */
  scope: 'trial' | 'run';
  status: Extract<TrialStatus, 'budget_exceeded'>;
  budget: Budget;
  spentUsd: number;
  spentTokens: number;
}
