/**
 * Everything the metrics need from a trial's LLM calls, folded into one small record: call count,
 * token and cost sums, the re-sent-context estimate, the spend split, model latency and the tool
 * calls seen in the model's responses. The analysis folds the calls itself when it is given them;
 * the store keeps one summary per trial, updated as each call is recorded, so a report over a
 * million calls reads 10,000 summaries instead. Folding call by call in `seq` order gives exactly
 * (bit for bit) the sums the analysis computes from the calls, because the additions happen in the
 * same order.
 */
import { addUsage, categoriseToolName, totalInput, zeroUsage, type TokenUsage } from '../domain';
import type { SummarisedCall } from './call';
import { addSplit, emptySplit, splitCall, type ContextTokens, type SpendSplit, type UsagePricer } from './spend-split';
import { commandOf, zeroToolCounts, type ToolCounts } from './tool-counts';

/**
 * The shape of `CallSummary` and what `addCall` puts in it. Bump it whenever either changes (a new
 * field, a metric folded differently): the store then rebuilds every stored summary from the stored
 * calls on its next open, so old rows never stand for new figures.
 */
export const CALL_SUMMARY_SHAPE = 2; // 2: stored as bytes (summary-bytes.ts), no longer as JSON

export interface CallSummary {
  calls: number;
  /** Highest `seq` folded in: a call at or below it (or one recorded twice) needs a fresh fold. */
  lastSeq: number;
  tokens: TokenUsage;
  /** Σ call costs in call order; null as soon as one call is unpriced. */
  costUsd: number | null;
  /** Some call had no price (`costUsd` null or source `unpriced`). */
  unpriced: boolean;
  /** Some call's usage was estimated by the meter. */
  estimated: boolean;
  /** Some call asked for or was served by a simulated (`sim/…`) model. */
  simulated: boolean;
  /** Σ call latencies (a missing latency counts 0). */
  latencyMs: number;
  context: ContextTokens;
  tokenSplit: SpendSplit;
  /** Σ dollar splits; null once a call could not be split in dollars. Meaningless while `calls` is 0. */
  usdSplit: SpendSplit | null;
  /** Tool calls seen in the model's responses, by category of the tool's name. */
  toolCalls: ToolCounts;
  /** Exec tool calls among those whose command text was found, and the commands' total length. */
  commandsMeasured: number;
  commandChars: number;
  /** Usage of the last call that reported input: what the next call can have re-sent. */
  previous: TokenUsage | null;
}

export function emptyCallSummary(): CallSummary {
  return {
    calls: 0, lastSeq: 0, tokens: zeroUsage(), costUsd: 0, unpriced: false, estimated: false, simulated: false, latencyMs: 0,
    context: { totalInput: 0, resent: 0, cacheRead: 0, output: 0, reasoning: 0 },
    tokenSplit: emptySplit('tokens'), usdSplit: emptySplit('usd'), toolCalls: zeroToolCounts(), commandsMeasured: 0, commandChars: 0,
    previous: null,
  };
}

/**
 * Folds the next call (in `seq` order) into `summary`, which is changed and returned. `pricer`
 * prices the parts of the spend split; without one the dollar split is null.
 */
export function addCall(summary: CallSummary, call: SummarisedCall, pricer: UsagePricer | undefined): CallSummary {
  const s = summary;
  const u = call.usage;
  s.calls += 1;
  s.lastSeq = Math.max(s.lastSeq, call.seq);
  s.tokens = addUsage(s.tokens, u);
  if (call.estimated) s.estimated = true;
  if (call.costUsd === null || call.costSource === 'unpriced') {
    s.unpriced = true;
    s.costUsd = null;
  } else if (s.costUsd !== null) {
    s.costUsd += call.costUsd;
  }
  if (call.requestedModel.startsWith('sim/') || (call.servedModel ?? '').startsWith('sim/')) s.simulated = true;
  s.latencyMs += call.latencyMs ?? 0;

  const repeated = s.previous === null ? 0 : Math.min(totalInput(u), totalInput(s.previous) + s.previous.output);
  if (totalInput(u) > 0) s.previous = { ...u };
  s.context.totalInput += totalInput(u);
  s.context.resent += repeated;
  s.context.cacheRead += u.cacheRead;
  s.context.output += u.output;
  s.context.reasoning += Math.min(u.reasoning, u.output);
  const split = splitCall(call, repeated, pricer);
  s.tokenSplit = addSplit(s.tokenSplit, split.tokens);
  s.usdSplit = s.usdSplit && split.usd ? addSplit(s.usdSplit, split.usd) : null;

  for (const tool of call.toolCalls) {
    const category = categoriseToolName(tool.name);
    s.toolCalls[category] += 1;
    s.toolCalls.total += 1;
    if (category !== 'exec') continue;
    const command = commandOf({ arguments: tool.arguments ?? null });
    if (command !== undefined) {
      s.commandsMeasured += 1;
      s.commandChars += [...command].length;
    }
  }
  return s;
}

/** The summary of a trial's calls, given in `seq` order. */
export function summariseCalls(calls: readonly SummarisedCall[], pricer: UsagePricer | undefined): CallSummary {
  const summary = emptyCallSummary();
  for (const call of calls) addCall(summary, call, pricer);
  return summary;
}
