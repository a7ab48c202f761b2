/**
 * A `UsagePricer` over KiloBench's own price list (user overrides, simulated models, the bundled
 * genai-prices data), for `analyseRun({ pricer })`: it lets the spend split be given in dollars.
 * Kept apart from the metrics so they stay free of any price data.
 */
import { priceCall, type PriceOverrides } from '../pricing';
import type { UsagePricer } from './fingerprint';

export function usagePricer(overrides?: PriceOverrides): UsagePricer {
  return (usage, call) => {
    const model = call.servedModel ?? call.requestedModel;
    // Overrides are keyed by the requested name as often as by the served one.
    const named = overrides?.[call.requestedModel] ? call.requestedModel : model;
    const at = new Date(call.startedAt);
    return priceCall(usage, named || null, { overrides, ...(Number.isNaN(at.getTime()) ? {} : { at }) }).costUsd;
  };
}
