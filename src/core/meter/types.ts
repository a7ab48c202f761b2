/**
 * The records the metering proxy produces. A `MeteredCall` is everything known about one LLM call
 * once it has finished (or failed); the store turns it into an `llm_call` row and the transcript
 * builder reads its text and tool-call arguments. It never holds the provider key.
 */
import type { CostSource } from '../pricing/price';
import type { TrialStatus } from '../run/trial-status';
import type { JsonValue } from './json';

/** The wire protocol of a call, decided by the request path. */
export type Protocol = 'openai-chat' | 'openai-responses' | 'anthropic-messages';

export type UpstreamKind = 'openai-compatible' | 'anthropic' | 'openrouter';

/**
 * Normalised token counts of one call. `input` is the UNCACHED new input only, so
 * total input = input + cacheRead + cacheWrite. `reasoning` is a part of `output`, never extra.
 */
export interface TokenUsage {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });

/** input + cacheRead + cacheWrite + output (reasoning is inside output). */
export function totalTokens(u: TokenUsage): number {
  return u.input + u.cacheRead + u.cacheWrite + u.output;
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
  };
}

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
