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
      const sim = calcPrice(genaiUsage(usage), model, { provider: SIM_PROVIDER, ...at });
      if (sim) return { costUsd: sim.total_price, source: 'computed', flags: ['simulated'] };
    }
    for (const candidate of candidates(model, options.providerId)) {
      const key = `${candidate.providerId ?? ''}\n${candidate.model}`;
      if (unmatched.has(key)) continue;
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
