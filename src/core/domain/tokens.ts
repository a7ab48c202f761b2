/**
 * Token counts: the one shape the meter measures, the store keeps, the analysis sums and every
 * report and view shows (field names are part of the JSON report and the stored rows).
 */

/**
 * Normalised token counts of one call (or a sum of calls). `input` is the UNCACHED new input only,
 * so total input = input + cacheRead + cacheWrite. `reasoning` is a part of `output`, never extra.
 */
export interface TokenUsage {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });

/** A fresh zero count, for sums built up in place. */
export function zeroUsage(): TokenUsage {
  return { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
}

/** input + cacheRead + cacheWrite + output (reasoning is inside output). */
export function totalTokens(u: TokenUsage): number {
  return u.input + u.cacheRead + u.cacheWrite + u.output;
}

/** Total input of a call: uncached input + cache reads + cache writes. */
export function totalInput(u: TokenUsage): number {
  return u.input + u.cacheRead + u.cacheWrite;
}

/** Field by field (the order of additions is fixed, so sums are the same bit for bit wherever they are made). */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
  };
}
