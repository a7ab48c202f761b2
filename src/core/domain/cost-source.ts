/**
 * Where a call's cost came from: `computed` from a price list (the bundled data, a user override or
 * the simulated models' prices), `reported` by the provider (OpenRouter's `usage.cost`), or
 * `unpriced` (no price known: the cost is null, never $0).
 */
export const COST_SOURCES = ['computed', 'reported', 'unpriced'] as const;
export type CostSource = (typeof COST_SOURCES)[number];
