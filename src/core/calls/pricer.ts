/**
 * A `UsagePricer` over KiloBench's own price list (user overrides, simulated models, the bundled
 * genai-prices data), for `analyseRun({ pricer })`: it lets the spend split be given in dollars.
 * Kept apart from the metrics so they stay free of any price data.
 */
import { priceCall, type PriceOverrides } from '../pricing';
import type { UsagePricer } from './spend-split';

export function usagePricer(overrides?: PriceOverrides): UsagePricer {
  return (usage, call) => {
    const model = call.servedModel ?? call.requestedModel;
    // Overrides are keyed by the requested name as often as by the served one.
    const named = overrides?.[call.requestedModel] ? call.requestedModel : model;
    const at = new Date(call.startedAt);
    return priceCall(usage, named || null, { overrides, ...(Number.isNaN(at.getTime()) ? {} : { at }) }).costUsd;
  };
}

/** Price overrides recorded with the runs' models, so the spend split uses the prices the runs used. */
export function planPriceOverrides(plans: readonly Readonly<Record<string, unknown>>[]): PriceOverrides {
  const overrides: PriceOverrides = {};
  for (const plan of plans) {
    const specs = plan.modelSpecs;
    for (const spec of Array.isArray(specs) ? specs : []) {
      const s = spec as { id?: string; model?: string; price?: PriceOverrides[string] | null };
      if (s.price && s.id) {
        overrides[s.id] = s.price;
        if (s.model) overrides[s.model] = s.price;
      }
    }
  }
  return overrides;
}

/** Price overrides as the key a stored call summary records: summaries priced alike have equal keys. */
export function pricingKey(overrides: PriceOverrides): string {
  return JSON.stringify(overrides);
}
