/** A stored call priced again from the provider's raw usage JSON, read by the meter's rules for its protocol. */
import type { TokenUsage } from '../domain';
import { asCount, asObject } from '../json';
import { priceCall, type CallPrice, type PriceOptions } from '../pricing';
import { normaliseUsage } from './wire-protocol';
import type { Protocol } from './types';

/** Prices a stored call again from its raw usage JSON (e.g. after prices changed). */
export function reprice(usageRaw: unknown, protocol: Protocol, model: string | null, options: Omit<PriceOptions, 'reportedCostUsd'> & { useReportedCost?: boolean } = {}): CallPrice & { usage: TokenUsage | null } {
  const raw = asObject(usageRaw);
  if (!raw) return { costUsd: null, source: 'unpriced', flags: ['unpriced', 'no-usage'], usage: null };
  const usage = normaliseUsage(protocol, raw);
  const reported = options.useReportedCost === false ? null : asCount(raw.cost) ?? null;
  return { ...priceCall(usage, model, { ...options, reportedCostUsd: reported }), usage };
}
