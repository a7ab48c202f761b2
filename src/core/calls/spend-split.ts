/** A call's input split into re-sent context and new input, and its output into reasoning and the rest, in tokens or dollars. */
import { totalInput, type TokenUsage } from '../domain';
import type { SummarisedCall } from './call';

/** Spend split: in USD when every call could be split by price, else in tokens. */
export interface SpendSplit {
  unit: 'usd' | 'tokens';
  /** Input that repeats earlier context of the trial (see `resentTokens` in analysis/fingerprint.ts). */
  resentContext: number;
  /** The rest of the input. */
  newInput: number;
  /** Output other than reasoning. */
  output: number;
  reasoning: number;
}

export interface ContextTokens {
  /** Σ total input (input + cacheRead + cacheWrite) over calls. */
  totalInput: number;
  /** Σ re-sent input over calls. */
  resent: number;
  cacheRead: number;
  output: number;
  reasoning: number;
}

/**
 * Prices an arbitrary usage vector as if it were `call`'s (same model, same price list); null when
 * the model has no price. Used only to split a call's cost into its parts.
 */
export type UsagePricer = (usage: TokenUsage, call: SummarisedCall) => number | null;

/**
 * A call's spend split in tokens or dollars. The repeated tokens are taken to be the start of the
 * prompt, so they are counted against cache reads first, then cache writes, then uncached input;
 * the rest of the input is new. In dollars, each part is priced with the call's own prices
 * (`pricer` on a usage holding only that part) and the parts are scaled to add up to the call's
 * metered cost. Null in dollars when the call or a part has no price.
 */
export function splitCall(call: SummarisedCall, repeated: number, pricer: UsagePricer | undefined): { tokens: SpendSplit; usd: SpendSplit | null } {
  const u = call.usage;
  const reasoning = Math.min(u.reasoning, u.output);
  const tokens: SpendSplit = {
    unit: 'tokens', resentContext: repeated, newInput: totalInput(u) - repeated, output: u.output - reasoning, reasoning,
  };
  if (!pricer || call.costUsd === null) return { tokens, usd: null };
  // Repeated tokens out of cache reads, then cache writes, then uncached input.
  const r1 = Math.min(repeated, u.cacheRead);
  const r2 = Math.min(repeated - r1, u.cacheWrite);
  const r3 = repeated - r1 - r2;
  const unit = (part: Partial<TokenUsage>, count: number): number | null => {
    if (count === 0) return 0;
    const cost = pricer({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, ...part }, call);
    return cost === null ? null : cost / count;
  };
  const perInput = unit({ input: u.input }, u.input);
  const perRead = unit({ cacheRead: u.cacheRead }, u.cacheRead);
  const perWrite = unit({ cacheWrite: u.cacheWrite }, u.cacheWrite);
  // Output and reasoning priced apart (an override may give reasoning its own price).
  const perOutput = unit({ output: u.output - reasoning }, u.output - reasoning);
  const perReasoning = unit({ output: reasoning, reasoning }, reasoning);
  if (perInput === null || perRead === null || perWrite === null || perOutput === null || perReasoning === null) return { tokens, usd: null };
  const raw = {
    resentContext: r1 * perRead + r2 * perWrite + r3 * perInput,
    newInput: (u.cacheRead - r1) * perRead + (u.cacheWrite - r2) * perWrite + (u.input - r3) * perInput,
    output: (u.output - reasoning) * perOutput,
    reasoning: reasoning * perReasoning,
  };
  const priced = raw.resentContext + raw.newInput + raw.output + raw.reasoning;
  const scale = priced > 0 ? call.costUsd / priced : 0;
  return {
    tokens,
    usd: {
      unit: 'usd',
      resentContext: raw.resentContext * scale,
      newInput: raw.newInput * scale,
      output: raw.output * scale,
      reasoning: raw.reasoning * scale,
    },
  };
}

export function addSplit(a: SpendSplit, b: SpendSplit): SpendSplit {
  return {
    unit: a.unit,
    resentContext: a.resentContext + b.resentContext,
    newInput: a.newInput + b.newInput,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
  };
}

export function emptySplit(unit: SpendSplit['unit']): SpendSplit {
  return { unit, resentContext: 0, newInput: 0, output: 0, reasoning: 0 };
}
