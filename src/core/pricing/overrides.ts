/**
 * User price overrides, in US dollars per million tokens. A missing cache price is charged at the
 * input price (the conservative choice); a missing reasoning price at the output price.
 */
import type { TokenUsage } from '../domain';

export interface PriceOverride {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Price of reasoning tokens when it differs from output (reasoning is a part of output). */
  reasoning?: number;
}

/** Overrides by model id (the id the client asked for, or the one the provider served). */
export type PriceOverrides = Record<string, PriceOverride>;

const PER_MILLION = 1_000_000;

export function costWithOverride(usage: TokenUsage, price: PriceOverride): number {
  const reasoning = Math.min(usage.reasoning, usage.output);
  const reasoningPrice = price.reasoning ?? price.output;
  return (
    usage.input * price.input +
    usage.cacheRead * (price.cacheRead ?? price.input) +
    usage.cacheWrite * (price.cacheWrite ?? price.input) +
    (usage.output - reasoning) * price.output +
    reasoning * reasoningPrice
  ) / PER_MILLION;
}

/** Checks an override read from settings; returns the problems in words. */
export function validateOverride(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['price override must be an object'];
  const o = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning']) {
    const v = o[key];
    const required = key === 'input' || key === 'output';
    if (v === undefined) {
      if (required) problems.push(`price override needs ${key} ($ per million tokens)`);
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      problems.push(`price override ${key} must be a number ≥ 0`);
    }
  }
  return problems;
}
