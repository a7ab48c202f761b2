/**
 * The cost of one call. In order: a cost the provider reported (OpenRouter `usage.cost`) wins;
 * then a user override for the model; then the simulated models' own prices; then the bundled
 * `@pydantic/genai-prices` data (total input = input + cache read + cache write; tiered prices
 * re-price the whole request; time-dependent prices use the call's time). A call none of these
 * prices is `unpriced` with `costUsd: null`, never $0.
 */
import { calcPrice, findProvider, type Provider } from '@pydantic/genai-prices';
import type { CostSource, UpstreamKind, TokenUsage } from '../domain';
import { costWithOverride, type PriceOverrides } from './overrides';
import { isSimModel, SIM_PROVIDER } from './sim-prices';

export interface PriceOptions {
  /** genai-prices provider id (`openai`, `anthropic`, `openrouter`…); without it the model name decides. */
  providerId?: string;
  overrides?: PriceOverrides;
  reportedCostUsd?: number | null;
  /** When the call was made (some prices depend on the date or time of day). */
  at?: Date;
}

export interface CallPrice {
  costUsd: number | null;
  source: CostSource;
  /** `reported`, `override`, `simulated`, `unpriced`, `price-error`. */
  flags: string[];
}

function genaiUsage(u: TokenUsage): Record<string, number> {
  return {
    input_tokens: u.input + u.cacheRead + u.cacheWrite,
    cache_read_tokens: u.cacheRead,
    cache_write_tokens: u.cacheWrite,
    output_tokens: u.output,
  };
}

function stripProvider(model: string): string {
  const slash = model.lastIndexOf('/');
  return slash >= 0 ? model.slice(slash + 1) : model;
}

/** Where to look, in order: the given provider, any provider, and `vendor/model` names without the vendor. */
function candidates(model: string, providerId: string | undefined): { model: string; providerId?: string }[] {
  const out: { model: string; providerId?: string }[] = [];
  if (providerId) out.push({ model, providerId });
  out.push({ model });
  if (model.includes('/')) out.push({ model: stripProvider(model) });
  return out;
}

/** Finding the provider is most of genai-prices' work per call; the answer per (provider, model) never changes. */
const providers = new Map<string, Provider | null>();

function lookupProvider(model: string, providerId: string | undefined): Provider | null {
  const key = `${providerId ?? ''}\n${model}`;
  let provider = providers.get(key);
  if (provider === undefined) {
    provider = findProvider({ modelId: model, ...(providerId ? { providerId } : {}) }) ?? null;
    if (providers.size > 4096) providers.clear();
    providers.set(key, provider);
  }
  return provider;
}

/**
 * Given a provider, calcPrice copies and normalises all its models, then matches the name against
 * them: most of its ~30 µs per call. Once a name has matched, its provider narrowed to that one
 * model gives calcPrice the same model (and so the same prices, whatever the call's date) for a
 * fraction of that; the normalising is idempotent, so a narrowed copy can go through it again.
 */
const narrowed = new Map<string, Provider>();

/** Names that matched no model of their provider (that depends on the name alone). */
const unmatched = new Set<string>();

function rememberMiss(key: string): void {
  if (unmatched.size > 4096) unmatched.clear();
  unmatched.add(key);
}

function rememberMatch(key: string, provider: Provider, model: Provider['models'][number]): void {
  if (narrowed.has(key)) return;
  if (narrowed.size > 4096) narrowed.clear();
  narrowed.set(key, { ...provider, models: [model] });
}

type ModelInfo = Provider['models'][number];

/** Price keys of plain token prices, and whether each is charged as output. */
const FLAT_KEYS: Record<string, boolean> = { input_mtok: false, cache_read_mtok: false, cache_write_mtok: false, output_mtok: true };

/**
 * The token prices of a matched model when its prices are flat: one period (no start dates or times
 * of day), no tiers, input and output per million tokens given, no price per request. Other prices
 * (web searches, audio, one-hour cache writes…) are of units the proxy never reports: in calcPrice
 * their count is 0, so they add exactly 0 and take nothing from the token units' counts. Worked out
 * once per model object; null for anything else.
 */
const flatPrices = new WeakMap<ModelInfo, [string, number][] | null>();

function flatPricesOf(model: ModelInfo): [string, number][] | null {
  let found = flatPrices.get(model);
  if (found === undefined) {
    const prices = model.prices as unknown;
    found = null;
    if (typeof prices === 'object' && prices !== null && !Array.isArray(prices)) {
      const entries = Object.entries(prices as Record<string, unknown>);
      const flat = entries.every(([key, value]) => key !== 'requests_kcount' && typeof value === 'number' && Number.isFinite(value) && value >= 0);
      const keys = new Set(entries.map(([key]) => key));
      if (flat && keys.has('input_mtok') && keys.has('output_mtok')) found = entries.filter(([key]) => key in FLAT_KEYS) as [string, number][];
    }
    flatPrices.set(model, found);
  }
  return found;
}

/**
 * genai-prices' `calcPrice` for a model with flat prices, in its own arithmetic: each priced unit's
 * leaf count (input less the priced cache reads and writes) × its price ÷ 10^6, summed per direction
 * in the order of the model's prices, then input + output. `calcPrice` also validates the price
 * units and sorts them on every call (most of its cost); for flat prices that always passes.
 * Unit-tested to give exactly `calcPrice`'s total on every simulated and many real models.
 * null (use `calcPrice`) for counts that are not non-negative safe integers.
 */
export function flatPrice(usage: TokenUsage, model: ModelInfo): number | null {
  const prices = flatPricesOf(model);
  if (!prices) return null;
  const { input, cacheRead, cacheWrite, output } = usage;
  for (const count of [input, cacheRead, cacheWrite, output]) if (!Number.isSafeInteger(count) || count < 0) return null;
  let pricedCache = 0;
  for (const [key] of prices) if (key === 'cache_read_mtok') pricedCache += cacheRead;
  for (const [key] of prices) if (key === 'cache_write_mtok') pricedCache += cacheWrite;
  const leaves: Record<string, number> = {
    input_mtok: input + cacheRead + cacheWrite - pricedCache,
    cache_read_mtok: cacheRead,
    cache_write_mtok: cacheWrite,
    output_mtok: output,
  };
  let inputPrice = 0;
  let outputPrice = 0;
  for (const [key, price] of prices) {
    const value = (price * (leaves[key] as number)) / 1e6;
    if (FLAT_KEYS[key]) outputPrice += value;
    else inputPrice += value;
  }
  return inputPrice + outputPrice + 0;
}

/** The matched model of a narrowed provider (see `narrowed` below). */
function onlyModel(provider: Provider | undefined): ModelInfo | undefined {
  return provider?.models.length === 1 ? provider.models[0] : undefined;
}

export function priceCall(usage: TokenUsage, model: string | null, options: PriceOptions = {}): CallPrice {
  if (options.reportedCostUsd !== undefined && options.reportedCostUsd !== null) {
    return { costUsd: options.reportedCostUsd, source: 'reported', flags: ['reported'] };
  }
  if (!model) return { costUsd: null, source: 'unpriced', flags: ['unpriced'] };
  const override = options.overrides?.[model];
  if (override) return { costUsd: costWithOverride(usage, override), source: 'computed', flags: ['override'] };
  const at = options.at ? { timestamp: options.at } : {};
  try {
    if (isSimModel(model)) {
      const key = `${SIM_PROVIDER.id}\n${model}`;
      const matched = onlyModel(narrowed.get(key));
      const flat = matched ? flatPrice(usage, matched) : null;
      if (flat !== null) return { costUsd: flat, source: 'computed', flags: ['simulated'] };
      const sim = calcPrice(genaiUsage(usage), model, { provider: narrowed.get(key) ?? SIM_PROVIDER, ...at });
      if (sim) {
        rememberMatch(key, sim.provider, sim.model);
        return { costUsd: sim.total_price, source: 'computed', flags: ['simulated'] };
      }
    }
    for (const candidate of candidates(model, options.providerId)) {
      const key = `${candidate.providerId ?? ''}\n${candidate.model}`;
      if (unmatched.has(key)) continue;
      const matched = onlyModel(narrowed.get(key));
      const flat = matched ? flatPrice(usage, matched) : null;
      if (flat !== null) return { costUsd: flat, source: 'computed', flags: [] };
      const provider = narrowed.get(key) ?? lookupProvider(candidate.model, candidate.providerId);
      const result = provider ? calcPrice(genaiUsage(usage), candidate.model, { provider, ...at }) : null;
      if (result) {
        rememberMatch(key, result.provider, result.model);
        return { costUsd: result.total_price, source: 'computed', flags: [] };
      }
      // Given a provider, calcPrice answers null only when no model of it matches the name.
      if (provider) rememberMiss(key);
    }
  } catch {
    return { costUsd: null, source: 'unpriced', flags: ['unpriced', 'price-error'] };
  }
  return { costUsd: null, source: 'unpriced', flags: ['unpriced'] };
}

/** genai-prices provider id for an upstream kind (`undefined`: let the model name decide). */
export function providerIdFor(kind: UpstreamKind): string | undefined {
  return kind === 'anthropic' ? 'anthropic' : kind === 'openrouter' ? 'openrouter' : undefined;
}
